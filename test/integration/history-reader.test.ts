import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { ProviderError } from '../../lib/core/provider-error.js';
import { createTableClient, type TableClient } from '../../lib/db/client.js';
import { createConfiguredHistoryReader } from '../../lib/history/reader-wiring.js';
import type { HistoryReader } from '../../lib/history/types.js';
import { createRateCacheStore } from '../../lib/rates/cache-store.js';
import { type HistoryDataset, syntheticHistory } from '../../scripts/lib/history-dataset.js';
import { ensureTable, startDynalite } from '../../scripts/lib/local-db.js';
import { type ReplayServer, startReplayServer } from '../../scripts/lib/replay-server.js';
import { rejectionOf } from '../helpers/provider-context.js';

const TOKEN = 'replay-sie-token';
const KEY = 'replay-fixer-key';
const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');
/** A clock well after every date read below; Mexico City's 2026-11-29 is a Sunday. */
const NOW = Date.parse('2026-11-29T18:00:00Z');

let db: Awaited<ReturnType<typeof startDynalite>>;
let tableCount = 0;
let table: TableClient;

beforeAll(async () => {
  db = await startDynalite({});
});
afterAll(() => {
  db?.process.kill();
});
beforeEach(async () => {
  tableCount += 1;
  const tableName = `history-${tableCount}`;
  await ensureTable(db.endpoint, tableName);
  table = createTableClient({ dynamodbEndpoint: db.endpoint, region: 'us-east-1', tableName });
});

interface ReaderOptions {
  format?: 'json' | 'xml';
  token?: string;
  budget?: number;
  timeoutMs?: number;
  now?: () => number;
  owner?: string;
}

/** A reader over this test's table, calling `replay` as the deployed wiring would call SIE and Fixer. */
function readerFor(replay: ReplayServer, options: ReaderOptions = {}): HistoryReader {
  const config = loadConfig({
    BANXICO_BASE_URL: replay.banxicoBaseUrl,
    FIXER_BASE_URL: replay.fixerBaseUrl,
    BANXICO_FORMAT: options.format ?? 'json',
    UPSTREAM_TIMEOUT_MS: String(options.timeoutMs ?? 3000),
    FIXER_MONTHLY_BUDGET: String(options.budget ?? 100),
  });
  return createConfiguredHistoryReader({
    config,
    table,
    secrets: async () => ({ banxicoToken: options.token ?? TOKEN, fixerAccessKey: KEY }),
    now: options.now ?? (() => NOW),
    ...(options.owner === undefined ? {} : { owner: options.owner }),
    policy: { waitForWinnerMs: 8_000, leaseMs: 10_000 },
  });
}

/** Calls per upstream path, as the replay server counted them. */
function sieCalls(replay: ReplayServer, series: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(replay.pathHits()).filter(([route]) => route.includes(`/series/${series}/datos/`)),
  );
}

function fixerCalls(replay: ReplayServer): number {
  return Object.keys(replay.pathHits())
    .filter((route) => /^\/api\/\d{4}-\d{2}-\d{2}$/.test(route))
    .reduce((sum, route) => sum + (replay.pathHits()[route] ?? 0), 0);
}

function valueOn(slice: { observations: readonly { date: string; value: number }[] }, date: string) {
  return slice.observations.find((observation) => observation.date === date)?.value;
}

describe('history from the real captures (default replay dataset)', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startReplayServer({ banxicoToken: TOKEN, fixerAccessKey: KEY });
  });
  afterAll(() => replay?.close());
  beforeEach(() => replay.resetHits());

  it.each(['json', 'xml'] as const)(
    'gives SF60653(2020-12-01) = SF43718(2020-11-27) = 20.0777 (%s)',
    async (format) => {
      const reader = readerFor(replay, { format });

      const fix = await reader.series('SF43718', '2020-11-20', '2020-11-30');
      const settlement = await reader.series('SF60653', '2020-12-01', '2020-12-01');

      expect(replay.historyName).toMatch(/^captured/);
      expect(valueOn(fix, '2020-11-27')).toBe(20.0777);
      expect(valueOn(fix, '2020-11-26')).toBe(20.0467);
      expect(settlement.observations).toEqual([{ date: '2020-12-01', value: 20.0777 }]);
      expect(valueOn(settlement, '2020-12-01')).toBe(valueOn(fix, '2020-11-27'));
      // One call per series, for the whole year the dates fall in.
      expect(sieCalls(replay, 'SF43718')).toEqual({
        '/SieAPIRest/service/v1/series/SF43718/datos/2020-01-01/2020-12-31': 1,
      });
      expect(sieCalls(replay, 'SF60653')).toEqual({
        '/SieAPIRest/service/v1/series/SF60653/datos/2020-01-01/2020-12-31': 1,
      });
      expect(fix.source).toBe(
        `Banxico SIE — serie SF43718 (FIX, fecha de determinación), ${replay.banxicoBaseUrl}/series/SF43718/datos`,
      );
    },
  );

  it('keeps the page rows (09–13/11/2020) and says where the captured data stops being final', async () => {
    const reader = readerFor(replay);

    const slice = await reader.series('SF43718', '2020-11-09', '2020-11-15');

    expect(slice.observations).toEqual([
      { date: '2020-11-09', value: 20.36 },
      { date: '2020-11-10', value: 20.4018 },
      { date: '2020-11-11', value: 20.5772 },
      { date: '2020-11-12', value: 20.5303 },
      { date: '2020-11-13', value: 20.4833 },
    ]);
    // The captures say nothing about 2020-01-02 (SIE's N/E): data is final only before it.
    expect(slice.finalThrough).toBe('2020-11-08');
  });

  it('answers Fixer error 106 for a day no capture has, and stores nothing', async () => {
    const reader = readerFor(replay);

    const error = await rejectionOf(reader.fixerOn('2020-11-27'));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'upstream_error', upstreamCode: 106 });
    expect(await reader.storedFixer('2020-11-01', '2020-11-30')).toEqual([]);
  });
});

describe('history with a synthetic dataset', () => {
  let replay: ReplayServer;
  let dataset: HistoryDataset;
  beforeAll(async () => {
    dataset = syntheticHistory('2022-01-01', '2026-11-28');
    replay = await startReplayServer({ banxicoToken: TOKEN, fixerAccessKey: KEY, history: dataset });
  });
  afterAll(() => replay?.close());
  beforeEach(() => {
    replay.resetHits();
    replay.clearFaults();
  });

  it('makes one upstream call per series and source for 1,000 concurrent reads of one past date', async () => {
    const reader = readerFor(replay);
    const date = '2024-03-14';

    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, index) =>
        index % 3 === 0
          ? reader.series('SF43718', date, date)
          : index % 3 === 1
            ? reader.series('SF60653', date, date)
            : reader.fixerOn(date),
      ),
    );

    expect(replay.historyName).toMatch(/^synthetic/);
    expect(Object.values(sieCalls(replay, 'SF43718'))).toEqual([1]);
    expect(Object.values(sieCalls(replay, 'SF60653'))).toEqual([1]);
    expect(fixerCalls(replay)).toBe(1);
    const fix = answers[0];
    expect(fix !== undefined && 'observations' in fix ? fix.observations : undefined).toEqual([
      { date, value: dataset.sie.SF43718[date] },
    ]);
    const fixer = answers[2];
    expect(fixer !== undefined && 'value' in fixer ? fixer.value : undefined).toBeCloseTo(
      (dataset.fixer[date]?.MXN ?? 0) / 1.1,
      4,
    );
  });

  it('shares one SIE call among concurrent reads of different ranges in one year', async () => {
    const reader = readerFor(replay);

    const slices = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        reader.series('SF60653', `2023-03-${String((index % 28) + 1).padStart(2, '0')}`, '2023-04-28'),
      ),
    );

    expect(sieCalls(replay, 'SF60653')).toEqual({
      '/SieAPIRest/service/v1/series/SF60653/datos/2023-01-01/2023-12-31': 1,
    });
    expect(slices.every((slice) => slice.finalThrough === '2023-04-28')).toBe(true);
  });

  it('covers a 366-day range with at most two SIE calls per series, and none the second time', async () => {
    const reader = readerFor(replay);

    const first = await reader.series('SF43718', '2023-07-01', '2024-06-30');
    const settlement = await reader.series('SF60653', '2023-07-01', '2024-06-30');
    const again = await reader.series('SF43718', '2023-07-01', '2024-06-30');

    const expected = Object.entries(dataset.sie.SF43718)
      .filter(([date]) => date >= '2023-07-01' && date <= '2024-06-30')
      .map(([date, value]) => ({ date, value }));
    expect(first.observations).toEqual(expected);
    expect(first.finalThrough).toBe('2024-06-30');
    expect(again.observations).toEqual(expected);
    expect(settlement.observations.length).toBe(expected.length);
    // Both missing years are one contiguous uncached span: one call over their union.
    expect(sieCalls(replay, 'SF43718')).toEqual({
      '/SieAPIRest/service/v1/series/SF43718/datos/2023-01-01/2024-12-31': 1,
    });
    expect(Object.values(sieCalls(replay, 'SF60653'))).toEqual([1]);
  });

  it('covers 2023-01-05..2024-01-05 (366 days, rules looking back into 2022) with one call per series', async () => {
    const reader = readerFor(replay);

    const first = await reader.series('SF43718', '2022-12-22', '2024-01-05');
    const settlement = await reader.series('SF60653', '2023-01-05', '2024-01-05');
    const callsAfterFirst = { fix: sieCalls(replay, 'SF43718'), settlement: sieCalls(replay, 'SF60653') };
    replay.resetHits();
    await reader.series('SF43718', '2022-12-22', '2024-01-05');
    await reader.series('SF60653', '2023-01-05', '2024-01-05');
    const fresh = await readerFor(replay, { owner: 'other' }).series('SF43718', '2022-12-22', '2024-01-05');

    expect(callsAfterFirst.fix).toEqual({
      '/SieAPIRest/service/v1/series/SF43718/datos/2022-01-01/2024-12-31': 1,
    });
    expect(Object.values(callsAfterFirst.settlement)).toEqual([1]);
    expect(sieCalls(replay, 'SF43718')).toEqual({});
    expect(sieCalls(replay, 'SF60653')).toEqual({});
    expect(first.finalThrough).toBe('2024-01-05');
    expect(valueOn(first, '2024-01-05')).toBe(dataset.sie.SF43718['2024-01-05']);
    expect(settlement.observations.length).toBeGreaterThan(240);
    expect(fresh.observations).toEqual(first.observations);
    expect(fresh.finalThrough).toBe('2024-01-05');
  });

  it('lets a second instance on the same table read what the first stored, without calling', async () => {
    await readerFor(replay, { owner: 'a' }).series('SF43718', '2025-02-03', '2025-02-07');
    await readerFor(replay, { owner: 'a' }).fixerOn('2025-02-05');
    replay.resetHits();

    const second = readerFor(replay, { owner: 'b' });
    const slice = await second.series('SF43718', '2025-02-03', '2025-02-07');
    const fixer = await second.fixerOn('2025-02-05');

    expect(replay.pathHits()).toEqual({});
    expect(slice.observations.map((observation) => observation.date)).toEqual([
      '2025-02-04',
      '2025-02-05',
      '2025-02-06',
      '2025-02-07',
    ]);
    expect(fixer.date).toBe('2025-02-05');
    expect(await second.storedFixer('2025-02-01', '2025-02-28')).toEqual([fixer]);
  });

  it('lets only the lease winner call when two cold instances read at once', async () => {
    replay.setFault('banxico', { latencyMs: 300 });
    const [a, b] = [readerFor(replay, { owner: 'a' }), readerFor(replay, { owner: 'b' })];

    const [fromA, fromB] = await Promise.all([
      a.series('SF43718', '2022-05-02', '2022-05-06'),
      b.series('SF43718', '2022-05-02', '2022-05-06'),
    ]);

    expect(Object.values(sieCalls(replay, 'SF43718'))).toEqual([1]);
    expect(fromA.observations).toEqual(fromB.observations);
    expect(fromA.observations).toHaveLength(5);
  });

  it('fetches only the tail of a chunk that reached today, once per recheck interval', async () => {
    let now = Date.parse('2026-11-26T16:00:00Z'); // Thursday 10:00 in Mexico City
    const reader = readerFor(replay, { now: () => now });

    const morning = await reader.series('SF43718', '2026-11-20', '2026-11-26');
    now += 5 * 60_000;
    await reader.series('SF43718', '2026-11-20', '2026-11-26');
    now = Date.parse('2026-11-27T16:00:00Z'); // the next day: the 26th is final now
    const nextDay = await reader.series('SF43718', '2026-11-20', '2026-11-26');

    expect(morning.finalThrough).toBe('2026-11-25');
    expect(nextDay.finalThrough).toBe('2026-11-26');
    expect(valueOn(nextDay, '2026-11-26')).toBe(dataset.sie.SF43718['2026-11-26']);
    expect(sieCalls(replay, 'SF43718')).toEqual({
      '/SieAPIRest/service/v1/series/SF43718/datos/2026-01-01/2026-11-26': 1,
      '/SieAPIRest/service/v1/series/SF43718/datos/2026-11-26/2026-11-27': 1,
    });
  });

  // At NOW (2026-11-29T18:00Z) 30 h of the UTC month are left: the live refresh (one call
  // per 8 h) still needs ceil(30 / 8) + 1 = 5 calls, which dated calls may not spend.
  const RESERVE_AT_NOW = 5;
  const RESERVED =
    'Of our monthly budget of 6 Fixer calls, the calls left this month are kept for the live rate';

  it('counts Fixer days against the monthly budget the live refresh uses, and stops before its reserve', async () => {
    const reader = readerFor(replay, { budget: RESERVE_AT_NOW + 1 });

    await reader.fixerOn('2025-03-03');
    const error = await rejectionOf(reader.fixerOn('2025-03-04'));

    expect(error).toMatchObject({ code: 'quota_exhausted', message: RESERVED });
    expect(fixerCalls(replay)).toBe(1);
    const counts = await createRateCacheStore(table).readUpstreamCounts(['fixer'], '2026-11', '2026-11-29');
    expect(counts.get('fixer')).toEqual({ callsThisMonth: 1, callsToday: 1 });
  });

  it('refuses a dated call without calling Fixer once the rest of the budget is reserved, and the live refresh still gets its calls', async () => {
    const budget = RESERVE_AT_NOW + 1;
    const rates = createRateCacheStore(table);
    // One live refresh already ran this month: what is left is exactly the live reserve.
    expect(await rates.countUpstreamCall('fixer', '2026-11', '2026-11-29', budget)).toBe(true);
    const reader = readerFor(replay, { budget });

    const error = await rejectionOf(reader.fixerOn('2025-03-05'));
    const live = [];
    for (let call = 0; call < RESERVE_AT_NOW; call += 1) {
      live.push(await rates.countUpstreamCall('fixer', '2026-11', '2026-11-29', budget));
    }

    expect(error).toMatchObject({ code: 'quota_exhausted', message: RESERVED });
    expect(fixerCalls(replay)).toBe(0);
    expect(await reader.storedFixer('2025-03-05', '2025-03-05')).toEqual([]);
    // The live refresh (which counts against the whole budget) gets every reserved call.
    expect(live).toEqual([true, true, true, true, true]);
    expect(await rates.countUpstreamCall('fixer', '2026-11', '2026-11-29', budget)).toBe(false);
  });

  it('refuses Fixer days before 1999-01-01 and a UTC day that is not over, without calling', async () => {
    const reader = readerFor(replay);

    const before = await rejectionOf(reader.fixerOn('1998-12-31'));
    const today = await rejectionOf(reader.fixerOn('2026-11-29'));

    expect(before).toMatchObject({ code: 'before_history' });
    expect(today).toMatchObject({ code: 'not_published' });
    expect(replay.pathHits()).toEqual({});
  });

  it('stores nothing before SF43718 begins (1991-11-12) and calls nothing for it', async () => {
    const reader = readerFor(replay);

    const slice = await reader.series('SF43718', '1990-01-01', '1990-12-31');

    expect(slice).toMatchObject({ observations: [], finalThrough: '1990-12-31' });
    expect(replay.pathHits()).toEqual({});
  });

  it('says not_configured without a token, calls nothing, and still serves what is stored', async () => {
    await readerFor(replay).series('SF43718', '2022-03-01', '2022-03-04');
    replay.resetHits();
    const unconfigured = readerFor(replay, { token: '' });

    const stored = await unconfigured.series('SF43718', '2022-03-01', '2022-03-04');
    const error = await rejectionOf(unconfigured.series('SF43718', '2023-03-01', '2023-03-04'));

    expect(stored.observations).toHaveLength(4);
    expect(error).toMatchObject({ code: 'not_configured' });
    expect(replay.pathHits()).toEqual({});
  });
});

describe('history upstream faults', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startReplayServer({
      banxicoToken: TOKEN,
      fixerAccessKey: KEY,
      history: syntheticHistory('2021-01-01', '2021-12-31'),
    });
  });
  afterAll(() => replay?.close());
  beforeEach(() => {
    replay.resetHits();
    replay.clearFaults();
  });

  const limitBody = readFileSync(path.join(FIXTURES, 'banxico-sie_error_limite-de-consultas.json'), 'utf8');
  const fixer104 = readFileSync(path.join(FIXTURES, 'fixer_error_104_usage-limit-reached.json'), 'utf8');

  it.each([
    ['a timeout', { hang: true }, 'timeout'],
    ['HTTP 500', { status: 500 }, 'upstream_error'],
    ['the query limit', { status: 429, body: limitBody }, 'quota_exhausted'],
    ['a changed layout', { alteredLayout: true }, 'layout_changed'],
    ['an implausible value', { value: '2007.77' }, 'invalid_value'],
  ])('turns %s from SIE into ProviderError and stores nothing', async (_name, fault, code) => {
    replay.setFault('banxico', fault);
    const clock = { t: NOW };
    const reader = readerFor(replay, { timeoutMs: 300, now: () => clock.t });

    const error = await rejectionOf(reader.series('SF43718', '2021-06-01', '2021-06-04'));
    replay.clearFaults();
    clock.t += 61 * 60_000; // past any backoff
    const after = await reader.series('SF43718', '2021-06-01', '2021-06-04');

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code });
    // Nothing was stored by the failed call: the next read calls SIE again and gets the data.
    expect(Object.values(sieCalls(replay, 'SF43718'))).toEqual([2]);
    expect(after.observations).toHaveLength(4);
  });

  it('backs off after a failure: the same error, no call, until the backoff or the limit reset ends', async () => {
    replay.setFault('banxico', { status: 429, body: limitBody });
    const clock = { t: NOW };
    const reader = readerFor(replay, { now: () => clock.t });

    const first = await rejectionOf(reader.series('SF43718', '2021-06-01', '2021-06-04'));
    replay.clearFaults();
    clock.t += 59_000; // within the 60 s backoff (the limit resets in 42 s: the longer wins)
    const again = await rejectionOf(reader.series('SF43718', '2021-06-01', '2021-06-04'));
    const callsDuringBackoff = Object.values(sieCalls(replay, 'SF43718'));
    clock.t += 2_000;
    const after = await reader.series('SF43718', '2021-06-01', '2021-06-04');

    expect(first).toMatchObject({ code: 'quota_exhausted', retryAfterSeconds: 42 });
    expect(again).toBe(first);
    expect(callsDuringBackoff).toEqual([1]);
    expect(after.observations).toHaveLength(4);
  });

  it('turns an invalid token into unauthorized_upstream and stores nothing', async () => {
    const error = await rejectionOf(
      readerFor(replay, { token: 'wrong' }).series('SF43718', '2021-06-01', '2021-06-04'),
    );
    const after = await readerFor(replay).series('SF43718', '2021-06-01', '2021-06-04');

    expect(error).toMatchObject({ code: 'unauthorized_upstream' });
    expect(Object.values(sieCalls(replay, 'SF43718'))).toEqual([2]);
    expect(after.observations).toHaveLength(4);
  });

  it.each([
    ['a timeout', { hang: true }, 'timeout'],
    ['HTTP 500', { status: 500 }, 'upstream_error'],
    ['error 104 (monthly limit)', { body: fixer104 }, 'quota_exhausted'],
  ])('turns %s from Fixer into ProviderError and stores nothing', async (_name, fault, code) => {
    replay.setFault('fixer', fault);
    const reader = readerFor(replay, { timeoutMs: 300 });

    const error = await rejectionOf(reader.fixerOn('2021-06-01'));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code });
    expect(await reader.storedFixer('2021-06-01', '2021-06-01')).toEqual([]);
  });

  it('remembers a Fixer refusal of a past date (error 106) for a day instead of retrying it every minute', async () => {
    const clock = { t: NOW };
    const reader = readerFor(replay, { now: () => clock.t });

    // The synthetic dataset ends on 2021-12-31: Fixer answers error 106 (no rates) for 2022-06-01.
    const first = await rejectionOf(reader.fixerOn('2022-06-01'));
    clock.t += 23 * 3_600_000; // far past the 60 s backoff of other failures
    const again = await rejectionOf(reader.fixerOn('2022-06-01'));
    const callsWithinADay = fixerCalls(replay);
    clock.t += 3_600_000 + 1;
    await rejectionOf(reader.fixerOn('2022-06-01'));

    expect(first).toMatchObject({ code: 'upstream_error', upstreamCode: 106 });
    expect(again).toBe(first);
    expect(callsWithinADay).toBe(1);
    expect(fixerCalls(replay)).toBe(2);
  });
});
