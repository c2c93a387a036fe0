import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { ProviderError } from '../../lib/core/provider-error.js';
import type { ParsedRate, ParsedSource, SourceId } from '../../lib/core/rate.js';
import { createTableClient, type TableClient } from '../../lib/db/client.js';
import { answerRates } from '../../lib/http/rates-response.js';
import { OutboundNetworkError } from '../../lib/outbound/http-client.js';
import { createRateCacheStore } from '../../lib/rates/cache-store.js';
import { type RatePolicy, ratePolicyFrom } from '../../lib/rates/rate-policy.js';
import { createRateService, type RateServiceDeps } from '../../lib/rates/rate-service.js';
import type { CachedValue, RateCacheStore } from '../../lib/rates/rate-store.js';
import { readUpstreamStats } from '../../lib/rates/upstream-stats.js';
import { ensureTable, startDynalite } from '../../scripts/lib/local-db.js';

const HOUR = 3_600_000;
/** The deployed policy (default configuration), with leases short enough for a test to outlive. */
const POLICY: RatePolicy = {
  ...ratePolicyFrom(loadConfig({})),
  memoryTtlMs: 0,
  leaseMs: 8_000,
  waitForWinnerMs: 4_000,
};

function rate(key: ParsedRate['key'], value: number, date: string, lastUpdated: string): ParsedRate {
  const kind = (
    {
      dof: 'dof',
      dof_para_pagos: 'para_pagos',
      banxico: 'fix',
      banxico_para_pagos: 'para_pagos',
      fixer: 'market',
    } as const
  )[key];
  return { key, value, date, lastUpdated, kind, source: `test ${key}`, provenance: { test: 1 } };
}

/** What each upstream "publishes" for a given Mexico City date. */
function sourceFor(source: SourceId, fixDate: string, dofDate: string): ParsedSource {
  switch (source) {
    case 'banxico':
      return { rates: [rate('banxico', 17.9, fixDate, `${fixDate}T18:00:00.000Z`)] };
    case 'dof':
      return {
        rates: [
          rate('dof', 17.8, fixDate, `${fixDate}T06:00:00.000Z`),
          rate('dof_para_pagos', 17.7, dofDate, `${dofDate}T06:00:00.000Z`),
        ],
      };
    case 'fixer':
      return { rates: [rate('fixer', 18.01, dofDate, `${dofDate}T15:00:00.000Z`)] };
  }
}

let db: Awaited<ReturnType<typeof startDynalite>>;
let tableCount = 0;
let table: TableClient;
let store: RateCacheStore;

beforeAll(async () => {
  db = await startDynalite({});
});
afterAll(() => {
  db?.process.kill();
});
beforeEach(async () => {
  tableCount += 1;
  const tableName = `rate-cache-${tableCount}`;
  await ensureTable(db.endpoint, tableName);
  table = createTableClient({ dynamodbEndpoint: db.endpoint, region: 'us-east-1', tableName });
  store = createRateCacheStore(table);
});

/** A fake clock that sleeping advances, and an upstream that counts its calls. */
function harness(start = '2026-11-25T15:00:00Z') {
  const clock = { t: Date.parse(start) };
  const calls: Record<SourceId, number> = { dof: 0, fixer: 0, banxico: 0 };
  const upstream = {
    fixDate: '2026-11-24',
    dofDate: '2026-11-25',
    failWith: undefined as ProviderError | undefined,
    delayMs: 0,
    /** When set, what the upstream answers instead of sourceFor's values. */
    answer: undefined as ParsedSource | undefined,
  };
  const fetchSource = async (source: SourceId) => {
    calls[source] += 1;
    if (upstream.delayMs > 0) await new Promise((r) => setTimeout(r, upstream.delayMs));
    if (upstream.failWith) throw upstream.failWith;
    return upstream.answer ?? sourceFor(source, upstream.fixDate, upstream.dofDate);
  };
  const instance = (owner: string, policy: Partial<RatePolicy> = {}, extra: Partial<RateServiceDeps> = {}) =>
    createRateService({
      ...extra,
      store,
      fetchSource,
      now: () => clock.t,
      owner,
      policy: { ...POLICY, ...policy },
      sleep: async (ms) => {
        clock.t += ms;
        await new Promise((r) => setTimeout(r, 5));
      },
    });
  return { clock, calls, upstream, instance };
}

const ALL: SourceId[] = ['dof', 'fixer', 'banxico'];

describe('one upstream call per refresh', () => {
  it('shares one fetch among concurrent requests in one instance', async () => {
    const { calls, instance, upstream } = harness();
    upstream.delayMs = 30;
    const service = instance('a');

    const answers = await Promise.all(Array.from({ length: 50 }, () => service.getSources(ALL)));

    expect(calls).toEqual({ dof: 1, fixer: 1, banxico: 1 });
    for (const outcomes of answers)
      expect(outcomes.every((o) => o.value !== undefined && !o.stale)).toBe(true);
  });

  it('lets only the lease winner call the upstream across two instances on a cold cache', async () => {
    const { calls, instance, upstream } = harness();
    upstream.delayMs = 40;
    const [a, b] = [instance('a'), instance('b')];

    const [fromA, fromB] = await Promise.all([a.getSources(ALL), b.getSources(ALL)]);

    expect(calls).toEqual({ dof: 1, fixer: 1, banxico: 1 });
    expect(fromA.map((o) => o.value?.parsed)).toEqual(fromB.map((o) => o.value?.parsed));
  });

  it('does not refetch when its snapshot predates a refresh that finished meanwhile', async () => {
    const { calls, instance } = harness();
    await instance('a').getSources(['fixer']);
    // Instance b read the latest items before a stored its value: an empty snapshot.
    let first = true;
    const realStore = store;
    store = {
      ...realStore,
      readLatest: (ids) => {
        if (!first) return realStore.readLatest(ids);
        first = false;
        return Promise.resolve(new Map());
      },
    };

    const [fixer] = await instance('b').getSources(['fixer']);

    expect(calls.fixer).toBe(1);
    expect(fixer?.value?.parsed.rates[0]?.value).toBe(18.01);
  });

  it('never calls the upstream while the cache is fresh', async () => {
    const { calls, instance, clock } = harness();
    const service = instance('a');
    await service.getSources(ALL);

    clock.t += HOUR;
    for (let i = 0; i < 20; i++) await service.getSources(ALL);

    expect(calls).toEqual({ dof: 1, fixer: 1, banxico: 1 });
  });

  it('serves the previous value while another instance holds the lease', async () => {
    const { calls, instance, clock } = harness();
    await instance('a').getSources(ALL);
    clock.t += 4 * HOUR; // FIX (dated yesterday) expires at 12:00 Mexico City = 18:00Z.
    await store.acquireLease('banxico', 'crashed-instance', clock.t, POLICY.leaseMs);

    const [banxico] = await instance('b').getSources(['banxico']);

    expect(calls.banxico).toBe(1);
    expect(banxico?.stale).toBe(true);
    expect(banxico?.value?.parsed.rates[0]?.value).toBe(17.9);
  });
});

describe('the instance memory (RATES_MEMORY_TTL_MS)', () => {
  /** Counts the table reads of the services created after it is called. */
  function countReads() {
    const reads: SourceId[][] = [];
    const realStore = store;
    store = {
      ...realStore,
      readLatest: (ids) => {
        reads.push([...ids]);
        return realStore.readLatest(ids);
      },
    };
    return reads;
  }

  it('reuses fresh entries for memoryTtlMs without reading the table, then reads again', async () => {
    const reads = countReads();
    const { calls, clock, instance } = harness();
    const service = instance('a', { memoryTtlMs: 1000 });
    await service.getSources(ALL); // cold: fetched and written; memory is filled by reads only
    await service.getSources(ALL); // read back from the table: remembered from here
    const afterFill = reads.length;

    for (let i = 0; i < 20; i++) {
      clock.t += 45;
      const outcomes = await service.getSources(ALL);
      expect(outcomes.every((o) => o.value !== undefined && !o.stale && o.error === undefined)).toBe(true);
    }
    expect(reads.length).toBe(afterFill);

    clock.t += 101; // 1001 ms after the read that filled the memory
    await service.getSources(['fixer']);
    expect(reads.slice(afterFill)).toEqual([['fixer']]);
    expect(calls).toEqual({ dof: 1, fixer: 1, banxico: 1 });
  });

  it('never keeps an entry past its freshUntil, so a due refresh is not delayed', async () => {
    // FIX dated 11-24 is fresh until 12:00 Mexico City (18:00Z) on 11-25.
    const { calls, clock, instance, upstream } = harness('2026-11-25T17:59:59.000Z');
    const service = instance('a', { memoryTtlMs: 600_000 });
    await service.getSources(['banxico']);
    expect(calls.banxico).toBe(1);

    // Due at 12:00, but never sooner than the least call spacing (errorBackoffMs) after the call.
    clock.t += POLICY.errorBackoffMs;
    upstream.fixDate = '2026-11-25';
    const [banxico] = await service.getSources(['banxico']);

    expect(calls.banxico).toBe(2);
    expect(banxico?.value?.dataDate).toBe('2026-11-25');
  });

  it('remembers a failed source only until its next attempt, then calls the upstream again', async () => {
    const reads = countReads();
    const { calls, clock, instance, upstream } = harness();
    upstream.failWith = new ProviderError('upstream_error', 'Fixer answered 500');
    // Backoff = Fixer's interval (one call per interval, whatever it answers) = 20 s,
    // well inside the 60 s memory.
    const service = instance('a', {
      memoryTtlMs: 60_000,
      errorBackoffMs: 10_000,
      fixerMinIntervalMs: 20_000,
    });
    await service.getSources(['fixer']); // fails and records the backoff
    await service.getSources(['fixer']); // read back from the table: remembered from here
    const afterFill = reads.length;

    for (let i = 0; i < 3; i++) {
      clock.t += 5_000;
      const [fixer] = await service.getSources(['fixer']);
      expect([fixer?.value, fixer?.error?.code]).toEqual([undefined, 'upstream_error']);
    }
    expect(reads.length).toBe(afterFill);
    expect(calls.fixer).toBe(1);

    clock.t += 5_001; // past nextAttemptAt, still inside the memory's 60 s
    upstream.failWith = undefined;
    const [fixer] = await service.getSources(['fixer']);
    expect(calls.fixer).toBe(2);
    expect(fixer?.value?.parsed.rates[0]?.value).toBe(18.01);
  });

  it('never remembers a due entry: while another instance refreshes it, every request reads the table', async () => {
    const reads = countReads();
    const { calls, clock, instance } = harness();
    const service = instance('a', { memoryTtlMs: 60_000 });
    await service.getSources(['banxico']);
    clock.t += 4 * HOUR; // FIX (dated yesterday) expires at 12:00 Mexico City = 18:00Z.
    await store.acquireLease('banxico', 'other-instance', clock.t, POLICY.leaseMs);
    const before = reads.length;

    for (let i = 0; i < 3; i++) {
      const [banxico] = await service.getSources(['banxico']);
      expect(banxico?.stale).toBe(true);
      clock.t += 10;
    }

    expect(reads.slice(before).filter((ids) => ids.includes('banxico')).length).toBeGreaterThanOrEqual(3);
    expect(calls.banxico).toBe(1);
  });

  it('reads the table on every request when memoryTtlMs is 0', async () => {
    const reads = countReads();
    const { instance } = harness();
    const service = instance('a', { memoryTtlMs: 0 });
    await service.getSources(ALL);
    const afterFill = reads.length;

    for (let i = 0; i < 5; i++) await service.getSources(ALL);

    expect(reads.length).toBe(afterFill + 5);
  });
});

describe('leases', () => {
  it('expires a lease left by a crashed refresher, then admits a new one', async () => {
    const { calls, instance, clock } = harness();
    await store.acquireLease('dof', 'crashed', clock.t, POLICY.leaseMs);

    const [whileHeld] = await instance('b').getSources(['dof']);
    expect(whileHeld?.value).toBeUndefined();
    expect(whileHeld?.error?.code).toBe('timeout');
    expect(calls.dof).toBe(0);

    clock.t += POLICY.leaseMs + 1;
    const [afterExpiry] = await instance('b').getSources(['dof']);

    expect(calls.dof).toBe(1);
    expect(afterExpiry?.value?.dataDate).toBe('2026-11-25');
  });

  it('refuses a second owner while the lease is live and lets only the owner release it', async () => {
    const t = Date.parse('2026-11-25T15:00:00Z');
    expect(await store.acquireLease('fixer', 'a', t, 5000)).toBe(true);
    expect(await store.acquireLease('fixer', 'b', t + 10, 5000)).toBe(false);

    await store.releaseLease('fixer', 'b');
    expect(await store.acquireLease('fixer', 'b', t + 20, 5000)).toBe(false);

    await store.releaseLease('fixer', 'a');
    expect(await store.acquireLease('fixer', 'b', t + 30, 5000)).toBe(true);
  });

  it('refuses a late writer holding older data', async () => {
    const newer: CachedValue = {
      parsed: sourceFor('banxico', '2026-11-25', '2026-11-25'),
      dataDate: '2026-11-25',
      dataVersion: '2026-11-25T18:00:00.000Z',
      fetchedAt: 2_000,
      freshUntil: 9_000,
      nextExpectedUpdate: 9_000,
    };
    const older: CachedValue = {
      ...newer,
      parsed: sourceFor('banxico', '2026-11-24', '2026-11-24'),
      dataDate: '2026-11-24',
      dataVersion: '2026-11-24T18:00:00.000Z',
      fetchedAt: 3_000,
    };
    const sameButEarlier: CachedValue = { ...newer, fetchedAt: 1_000 };

    expect(await store.writeLatest('banxico', newer)).toBe(true);
    expect(await store.writeLatest('banxico', older)).toBe(false);
    expect(await store.writeLatest('banxico', sameButEarlier)).toBe(false);

    const stored = (await store.readLatest(['banxico'])).get('banxico')?.value;
    expect(stored?.dataDate).toBe('2026-11-25');
    expect(stored?.fetchedAt).toBe(2_000);
  });
});

describe('stale-if-error', () => {
  it('serves the last good value as stale with its age and the error', async () => {
    const { instance, clock, upstream } = harness();
    const service = instance('a');
    await service.getSources(['banxico']);
    clock.t += 4 * HOUR;
    upstream.failWith = new ProviderError('upstream_error', 'Banxico SIE answered HTTP 500');

    const [outcome] = await service.getSources(['banxico']);

    expect(outcome?.stale).toBe(true);
    expect(outcome?.value?.parsed.rates[0]?.value).toBe(17.9);
    expect(outcome?.error).toEqual({ code: 'upstream_error', message: 'Banxico SIE answered HTTP 500' });
  });

  it('drops a value older than MAX_STALE and still lists the error', async () => {
    const { instance, clock, upstream } = harness();
    await instance('a').getSources(['banxico']);
    clock.t += POLICY.maxStaleMs + 1;
    upstream.failWith = new ProviderError('timeout', 'Banxico SIE did not answer within 3000 ms');

    const [outcome] = await instance('a').getSources(['banxico']);

    expect(outcome?.value).toBeUndefined();
    expect(outcome?.error?.code).toBe('timeout');
  });

  it('backs off after a failure instead of calling again at once', async () => {
    const { instance, calls, upstream, clock } = harness();
    upstream.failWith = new ProviderError('upstream_error', 'down');
    const service = instance('a');

    await service.getSources(['dof']);
    await service.getSources(['dof']);
    clock.t += POLICY.errorBackoffMs + 1;
    await service.getSources(['dof']);

    expect(calls.dof).toBe(2);
  });

  it('never stores a value that failed validation', async () => {
    const { instance, upstream } = harness();
    upstream.failWith = new ProviderError('invalid_value', 'FIX 2000 is outside 5–60 MXN per USD');

    await instance('a').getSources(['banxico']);

    const entry = (await store.readLatest(['banxico'])).get('banxico');
    expect(entry?.value).toBeUndefined();
    expect(entry?.lastError?.code).toBe('invalid_value');
  });

  it('stops calling Fixer once the monthly budget is spent', async () => {
    const { instance, calls, clock } = harness();
    const service = instance('a', { fixerMonthlyBudget: 2 });
    for (let i = 0; i < 3; i++) {
      await service.getSources(['fixer']);
      clock.t += 9 * HOUR;
    }

    const [outcome] = await service.getSources(['fixer']);

    expect(calls.fixer).toBe(2);
    expect(outcome?.error?.code).toBe('quota_exhausted');
    const counts = await store.readUpstreamCounts(['fixer'], '2026-11', '2026-11-26');
    expect(counts.get('fixer')?.callsThisMonth).toBe(2);
  });
});

describe('every refresh settles', () => {
  it('calls Fixer once per interval when it answers a snapshot older than the stored one', async () => {
    const { instance, calls, clock, upstream } = harness();
    const [a, b] = [instance('a'), instance('b')];
    await a.getSources(['fixer']);
    clock.t += POLICY.fixerMinIntervalMs + 1;
    // An upstream cache rolled back: Fixer's snapshot predates the stored one.
    upstream.answer = { rates: [rate('fixer', 17.5, '2026-11-24', '2026-11-24T15:00:00.000Z')] };

    for (let step = 0; step < 48; step++) {
      const outcomes = (
        await Promise.all([a, b, a, b].map((service) => service.getSources(['fixer'])))
      ).flat();
      for (const outcome of outcomes) {
        // The stored value, never the rolled-back one; `stale: false` only while fresh_until is ahead
        // (an instance that lost the lease to the refresher serves it stale meanwhile).
        expect(outcome.error).toBeUndefined();
        expect(outcome.value?.parsed.rates[0]?.value).toBe(18.01);
        if (!outcome.stale) expect(outcome.value?.freshUntil).toBeGreaterThan(clock.t);
      }
      expect(outcomes.filter((outcome) => !outcome.stale).length).toBeGreaterThan(0);
      clock.t += 10 * 60_000; // 48 × 10 min = 8 h: one interval
    }

    expect(calls.fixer).toBe(2);
    const entry = (await store.readLatest(['fixer'])).get('fixer');
    expect(entry?.value?.checkedAt).toBe(Date.parse('2026-11-25T23:00:00.001Z'));
    expect(entry?.value?.freshUntil).toBe(Date.parse('2026-11-25T23:00:00.001Z') + POLICY.fixerMinIntervalMs);

    clock.t += 60_000;
    await a.getSources(['fixer']);
    expect(calls.fixer).toBe(3);
  });

  it('replaces a future-dated FIX stored before dates were checked, then settles', async () => {
    const { instance, calls, clock } = harness();
    const future = rate('banxico', 18.5, '2026-12-02', '2026-12-02T18:00:00.000Z');
    await store.writeLatest('banxico', {
      parsed: { rates: [future] },
      dataDate: '2026-12-02',
      dataVersion: future.lastUpdated,
      fetchedAt: clock.t - HOUR,
      freshUntil: clock.t - 1,
      nextExpectedUpdate: clock.t - 1,
    });
    const service = instance('a');

    const [first] = await service.getSources(['banxico']);
    clock.t += 60_000;
    for (let i = 0; i < 5; i++) await service.getSources(['banxico']);

    expect(first?.value?.dataDate).toBe('2026-11-24');
    expect(calls.banxico).toBe(1);
    expect((await store.readLatest(['banxico'])).get('banxico')?.value?.dataDate).toBe('2026-11-24');
  });

  it('never stores nor serves a value dated after today in Mexico City, and backs off', async () => {
    const { instance, calls, upstream } = harness('2026-11-29T18:00:00Z');
    upstream.answer = { rates: [rate('banxico', 18.5, '2026-12-02', '2026-12-02T18:00:00.000Z')] };
    const service = instance('a');

    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(...(await service.getSources(['banxico'])));

    expect(calls.banxico).toBe(1);
    for (const outcome of outcomes) {
      expect(outcome.value).toBeUndefined();
      expect(outcome.error?.code).toBe('invalid_value');
    }
    const entry = (await store.readLatest(['banxico'])).get('banxico');
    expect(entry?.value).toBeUndefined();
    expect(entry?.lastError?.message).toBe(
      'Banxico SIE (banxico) is dated 2026-12-02, after today (2026-11-29) in Mexico City',
    );
  });

  it('writes one warning line per upstream failure, with its cause and never a key', async () => {
    const { instance, upstream } = harness();
    const key = 'secret-fixer-key-0123456789';
    const cause = new OutboundNetworkError(
      'GET',
      `http://data.fixer.io/api/latest?access_key=${key}`,
      'connect ECONNREFUSED',
      {
        code: 'ECONNREFUSED',
      },
    );
    upstream.failWith = new ProviderError(
      'upstream_error',
      'Fixer: could not reach data.fixer.io: connection refused',
      {
        cause,
      },
    );
    const lines: string[] = [];
    // Powertools writes through its own node:console on the process streams (WARN on stderr).
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    try {
      await instance('a').getSources(['fixer']);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    const warnings = lines.filter((line) => line.includes('upstream refresh failed'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({
      level: 'WARN',
      source: 'fixer',
      code: 'upstream_error',
      detail: 'Fixer: could not reach data.fixer.io: connection refused',
      cause: { name: 'OutboundNetworkError', code: 'ECONNREFUSED' },
    });
    expect(lines.join('')).not.toContain(key);
  });

  it('treats a source without credentials as configuration: no call, no count, no backoff', async () => {
    const { instance, calls, clock } = harness();
    let configured = false;
    const service = instance(
      'a',
      {},
      {
        missingConfiguration: async (source) =>
          configured || source !== 'fixer'
            ? undefined
            : { code: 'not_configured', message: 'FIXER_ACCESS_KEY is not set' },
      },
    );

    const [fixer] = await service.getSources(['fixer']);
    await service.getSources(['fixer']);

    expect(fixer?.error?.code).toBe('not_configured');
    expect(calls.fixer).toBe(0);
    const counts = await store.readUpstreamCounts(['fixer'], '2026-11', '2026-11-25');
    expect(counts.get('fixer')).toEqual({ callsToday: 0, callsThisMonth: 0 });
    expect((await store.readLatest(['fixer'])).get('fixer')).toBeUndefined();

    configured = true;
    clock.t += 1;
    const [later] = await service.getSources(['fixer']);
    expect(later?.value?.parsed.rates[0]?.value).toBe(18.01);
    expect(calls.fixer).toBe(1);
  });
});

describe('upstream budget visibility', () => {
  it('counts calls per source for the day and month and keeps the last error', async () => {
    const { instance, clock, upstream } = harness();
    const service = instance('a');
    await service.getSources(ALL);
    clock.t += 4 * HOUR;
    upstream.failWith = new ProviderError('upstream_error', 'Banxico SIE answered HTTP 500');
    await service.getSources(['banxico']);

    const stats = await readUpstreamStats(store, clock.t, 100);

    expect(stats.fixer).toMatchObject({ calls_today: 1, calls_this_month: 1, budget: 100, last_error: null });
    expect(stats.banxico).toMatchObject({
      calls_today: 2,
      calls_this_month: 2,
      budget: null,
      last_error: {
        code: 'upstream_error',
        message: 'Banxico SIE answered HTTP 500',
        at: '2026-11-25T19:00:00.000Z',
      },
    });
  });
});

describe('the scheduled refresher', () => {
  it('refreshes only what is due', async () => {
    const { instance, calls, clock } = harness();
    const service = instance('a');
    await service.getSources(ALL);
    clock.t += 4 * HOUR; // Past 12:00 Mexico City: the FIX is due, the others are not.

    const results = await service.refreshDue(ALL);

    expect(results).toEqual([
      { source: 'dof', refreshed: false },
      { source: 'fixer', refreshed: false },
      { source: 'banxico', refreshed: true },
    ]);
    expect(calls).toEqual({ dof: 1, fixer: 1, banxico: 2 });
  });
});

describe('HTTP caching of /v1/rates/banxico', () => {
  const noHeaders = { queryStringParameters: null, headers: {} };

  async function cacheControlAt(instant: string, fixDate: string) {
    const { instance, clock, upstream } = harness(instant);
    upstream.fixDate = fixDate;
    const response = await answerRates(noHeaders, ['banxico'], instance('a'), () => clock.t);
    return response.headers?.['Cache-Control'];
  }

  it('lasts until 12:00 Mexico City on a weekday morning', async () => {
    // Wed 09:00 in Mexico City, FIX of Tuesday: the next one is due at 12:00 (18:00Z).
    expect(await cacheControlAt('2026-11-25T15:00:00Z', '2026-11-24')).toBe('private, max-age=10800');
  });

  it('lasts until the next banking day at 12:00 on a weekday afternoon', async () => {
    // Wed 13:00, today's FIX already out: next due Thu 12:00 = 23 h.
    expect(await cacheControlAt('2026-11-25T19:00:00Z', '2026-11-25')).toBe('private, max-age=82800');
  });

  it('lasts over the weekend until Monday 12:00', async () => {
    // Sat 10:00, Friday's FIX: next due Mon 30 Nov 12:00 (18:00Z) = 2 days 2 h.
    expect(await cacheControlAt('2026-11-28T16:00:00Z', '2026-11-27')).toBe('private, max-age=180000');
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const { instance, clock } = harness();
    const service = instance('a');
    const first = await answerRates(noHeaders, ['banxico'], service, () => clock.t);
    const etag = first.headers?.ETag;
    expect(typeof etag).toBe('string');

    const second = await answerRates(
      { queryStringParameters: null, headers: { 'If-None-Match': String(etag) } },
      ['banxico'],
      service,
      () => clock.t,
    );

    expect(second.statusCode).toBe(304);
    expect(second.body).toBe('');
    expect(second.headers?.ETag).toBe(etag);
  });

  it.each([
    ['*', 304],
    [' * ', 304],
    ['"another", W/"other"', 200],
  ])('answers If-None-Match: %s with %i (RFC 9110 §13.1.2)', async (ifNoneMatch, status) => {
    const { instance, clock } = harness();
    const service = instance('a');

    const answer = await answerRates(
      { queryStringParameters: null, headers: { 'If-None-Match': ifNoneMatch } },
      ['banxico'],
      service,
      () => clock.t,
    );

    expect(answer.statusCode).toBe(status);
    expect(answer.body === '').toBe(status === 304);
    expect(answer.headers?.ETag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('answers 503 with Retry-After and the errors when nothing can be served', async () => {
    const { instance, clock, upstream } = harness();
    upstream.failWith = new ProviderError('quota_exhausted', 'Banxico SIE limit reached', {
      retryAfterSeconds: 120,
    });

    const failing = answerRates(noHeaders, ['banxico'], instance('a'), () => clock.t);

    await expect(failing).rejects.toMatchObject({
      statusCode: 503,
      headers: { 'Retry-After': '120' },
      extensions: { errors: { banxico: { code: 'quota_exhausted', retry_after_seconds: 120 } } },
    });
  });
});
