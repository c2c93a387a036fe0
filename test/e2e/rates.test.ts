import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mexicoCityDate } from '../../lib/core/mexico-time.js';
import { makeCacheCold as makeCacheColdIn } from '../../scripts/lib/cold-cache.js';
import { localDynamoClient, startDynalite } from '../../scripts/lib/local-db.js';
import { type RunningStack, startStack, upstreamEnv } from '../../scripts/lib/local-stack.js';
import { type RatesClient, ratesClient } from '../../scripts/lib/rates-client.js';
import {
  type Fault,
  type ReplayServer,
  startReplayServer,
  UPSTREAM_SOURCES,
  type UpstreamSource,
} from '../../scripts/lib/replay-server.js';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

/**
 * /v1/rates* over HTTP on the real `npm start` stack, with our own replay server (direct
 * hit counters and faults) and our own dynalite (so a test can make the cache cold or
 * expired by writing the table, as time passing would).
 */

const TABLE = 'tipo-de-cambio-local';
const PROBLEM = 'application/problem+json';
/** The default; lower values make the winner of a 200-request burst time out on a starved CI box. */
const UPSTREAM_TIMEOUT_MS = 3000;
const FIXER_KEY = 'e2e-fixer-access-key';
const BANXICO_TOKEN = 'e2e-banxico-token';
/**
 * Enough warm requests to reach every Lambda instance the cold burst left; the 10,000-request
 * run with its throughput is `npm run bench` (row "warm requests").
 */
const WARM_REQUESTS = 200;
const WARM_CONCURRENCY = 20;
const DAY_MS = 86_400_000;
/**
 * Each instance may reuse a fresh entry it read for this long (RATES_MEMORY_TTL_MS, default
 * 5000): shorter here, and every write to the table under the stack waits it out, as a
 * deployment's readers would lag by it.
 */
const MEMORY_TTL_MS = 200;
const outlastMemory = () => new Promise((resolve) => setTimeout(resolve, MEMORY_TTL_MS + 50));

const RATE_FIELDS = [
  'value',
  'date',
  'last_updated',
  'kind',
  'source',
  'fetched_at',
  'stale',
  'fresh_until',
  'next_update',
  'provenance',
];

let replay: ReplayServer;
let dynalite: Awaited<ReturnType<typeof startDynalite>>;
let db: DynamoDBClient;
let stack: RunningStack;
let api: RatesClient;

beforeAll(async () => {
  replay = await startReplayServer({ fixerAccessKey: FIXER_KEY, banxicoToken: BANXICO_TOKEN });
  dynalite = await startDynalite({});
  db = localDynamoClient(dynalite.endpoint);
  stack = await startStack({
    env: {
      DYNAMODB_ENDPOINT: dynalite.endpoint,
      ...upstreamEnv(replay, { fixerAccessKey: FIXER_KEY, banxicoToken: BANXICO_TOKEN }),
      UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
      RATES_MEMORY_TTL_MS: String(MEMORY_TTL_MS),
      // The per-client quota is not under test here: thousands of requests must pass it.
      QUOTA_PRO_PER_MINUTE: '1000000',
      QUOTA_PRO_PER_DAY: '100000000',
    },
  });
  api = await ratesClient(stack);
  // Boot each route's Lambda once, so no test pays a cold start on a busy CI machine.
  for (const route of ['/v1/rates', '/v1/rates/dof', '/v1/rates/fixer', '/v1/rates/banxico']) {
    await (await api.get(route)).arrayBuffer();
  }
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  db?.destroy();
  dynalite?.process.kill();
  await replay?.close();
});

/**
 * The second invariant, asserted after every test: at most one upstream call per
 * source per interval, whatever the answers. An interval "passes" only when a test makes
 * the cache cold or ages a value (what the clock moving on would do).
 */
const callsAllowed: Record<UpstreamSource, number> = { dof: 0, fixer: 0, banxico: 0 };

function startCountingCalls(): void {
  replay.resetHits();
  for (const source of UPSTREAM_SOURCES) callsAllowed[source] = 1;
}

beforeEach(async () => {
  replay.clearFaults();
  await makeCacheCold();
  startCountingCalls();
});

afterEach(() => {
  for (const source of UPSTREAM_SOURCES) {
    expect(replay.hits(source), `${source} calls`).toBeLessThanOrEqual(callsAllowed[source]);
  }
});

/** Deletes every cached value, lease and upstream counter: the state of a first deployment. */
async function makeCacheCold(): Promise<void> {
  await makeCacheColdIn(db, TABLE, MEMORY_TTL_MS);
  for (const source of UPSTREAM_SOURCES) callsAllowed[source] += 1;
}

/**
 * What the clock moving on would do to a cached value: fetched `ageMs` ago and no longer
 * fresh. Returns the fetched_at it wrote (epoch ms).
 */
async function ageCachedValue(source: UpstreamSource, ageMs: number): Promise<number> {
  const now = Date.now();
  await db.send(
    new UpdateItemCommand({
      TableName: TABLE,
      Key: { pk: { S: `rate#${source}` }, sk: { S: 'latest' } },
      UpdateExpression: 'SET fetched_at = :fetched, fresh_until = :fresh REMOVE next_attempt_at',
      ExpressionAttributeValues: { ':fetched': { N: String(now - ageMs) }, ':fresh': { N: String(now - 1) } },
    }),
  );
  callsAllowed[source] += 1;
  await outlastMemory();
  return now - ageMs;
}

function hits() {
  return { dof: replay.hits('dof'), fixer: replay.hits('fixer'), banxico: replay.hits('banxico') };
}

/**
 * The invariant, asserted on every rates answer of this suite: a rate says
 * `stale: false` only while its `fresh_until` is in the future (the answer's own Date
 * header is the server's "now", to the second).
 */
function assertFreshnessIsTold(response: Response, body: Record<string, unknown> | undefined): void {
  const rates = body?.rates;
  if (typeof rates !== 'object' || rates === null) return;
  const sentAt = Date.parse(response.headers.get('date') ?? '');
  expect(Number.isNaN(sentAt)).toBe(false);
  for (const [key, rate] of Object.entries(
    rates as Record<string, { stale: boolean; fresh_until: string }>,
  )) {
    // Date has whole seconds: the answer was built within the second after `sentAt`.
    if (!rate.stale) expect(Date.parse(rate.fresh_until), `${key} fresh_until`).toBeGreaterThan(sentAt);
  }
}

async function getJson(pathname: string, init?: RequestInit) {
  const response = await api.get(pathname, init);
  const text = await response.text();
  const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
  assertFreshnessIsTold(response, body);
  return { response, text, body };
}

async function ratesWithFault(source: UpstreamSource, fault: Fault) {
  replay.setFault(source, fault);
  return getJson('/v1/rates');
}

function keysOf(body: Record<string, unknown> | undefined, member: 'rates' | 'errors'): string[] {
  const value = body?.[member];
  return typeof value === 'object' && value !== null ? Object.keys(value) : [];
}

describe('GET /v1/rates and its providers', () => {
  it('answers the four rates of the captures with every field of the rate shape', async () => {
    const { response, body } = await getJson('/v1/rates');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(body).toMatchObject({
      base: 'USD',
      quote: 'MXN',
      errors: {},
      rates: {
        dof: { value: 20.5303, date: '2020-11-13', kind: 'dof', stale: false },
        dof_para_pagos: { value: 20.5303, date: '2020-11-15', kind: 'para_pagos', stale: false },
        banxico: { value: 20.0777, date: '2020-11-27', kind: 'fix', stale: false },
        // SF60653 keys the same FIX by its settlement date, two banking days later.
        banxico_para_pagos: { value: 20.0777, date: '2020-12-01', kind: 'para_pagos', stale: false },
        fixer: { value: 20.0753, kind: 'market', stale: false },
      },
    });
    expect(keysOf(body, 'rates')).toEqual([
      'dof',
      'dof_para_pagos',
      'banxico',
      'banxico_para_pagos',
      'fixer',
    ]);
    const rates = body?.rates as Record<string, Record<string, unknown>>;
    for (const rate of Object.values(rates)) {
      expect(Object.keys(rate).sort()).toEqual([...RATE_FIELDS].sort());
      expect(rate.age_seconds).toBeUndefined();
    }
    expect(hits()).toEqual({ dof: 1, fixer: 1, banxico: 1 });
  });

  it('checks the identities between the sources on the server, in the consistency block', async () => {
    const { body } = await getJson('/v1/rates');

    // The page's DOF of 13 Nov against FIX(12 Nov) from the page's own FIX column (SIE's FIX is
    // of 27 Nov); Fixer's documented example against SIE's FIX of 27 Nov.
    expect(body?.consistency).toEqual({
      dof_vs_fix: {
        ok: true,
        rule: 'DOF(D) = FIX(previous banking day)',
        dof: { date: '2020-11-13', value: 20.5303 },
        fix: { date: '2020-11-12', value: 20.5303 },
        provenance: "FIX from the DOF page's FIX column",
      },
      para_pagos_vs_sf60653: {
        ok: null,
        rule: 'para pagos(D) = SF60653(D) on banking days',
        para_pagos: { date: '2020-11-15', value: 20.5303 },
        // The replayed SF60653 (oportuno capture) is of another day than the page's para pagos.
        sf60653: { date: '2020-12-01', value: 20.0777 },
        reason: 'different dates: para pagos 2020-11-15, SF60653 2020-12-01',
      },
      fixer_vs_fix: {
        ok: true,
        rule: '|Fixer − FIX| ≤ 1.5 % of FIX',
        fixer: { date: '2020-11-27', value: 20.0753 },
        fix: { date: '2020-11-27', value: 20.0777 },
        spread_pesos: 0.0024,
        spread_percent: 0.01,
      },
    });
  });

  it.each([
    ['dof', ['dof', 'dof_para_pagos']],
    ['fixer', ['fixer']],
    ['banxico', ['banxico', 'banxico_para_pagos']],
  ] as const)('answers /v1/rates/%s with only that source', async (source, keys) => {
    const { response, body } = await getJson(`/v1/rates/${source}`);

    expect(response.status).toBe(200);
    expect(keysOf(body, 'rates')).toEqual(keys);
    expect(body?.errors).toEqual({});
    expect(hits()).toEqual({ dof: 0, fixer: 0, banxico: 0, [source]: 1 });
  });

  it('answers an unknown provider with a 404 problem', async () => {
    const { response, body } = await getJson('/v1/rates/nope');

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain(PROBLEM);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No route for GET /v1/rates/nope',
    });
  });

  it('answers an unknown query parameter with a 400 problem naming it', async () => {
    const { response, body } = await getJson('/v1/rates?currency=EUR');

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain(PROBLEM);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'Unknown query parameter: currency',
    });
    expect(hits()).toEqual({ dof: 0, fixer: 0, banxico: 0 });
  });

  it('answers POST /v1/rates with a 405 problem and Allow', async () => {
    const { response, body } = await getJson('/v1/rates', { method: 'POST' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: 'POST is not allowed on /v1/rates',
    });
  });
});

describe('one source failing on a cold cache', () => {
  const overLimit = readFileSync(
    path.join(SERVICE_ROOT, 'test/fixtures/banxico-sie_error_limite-de-consultas.json'),
    'utf8',
  );
  const dofPage = readFileSync(
    path.join(
      SERVICE_ROOT,
      '../shared/upstream-captures/banxico_tipCamMIAction_browser-saved_2020-11-15_windows-1252.html',
    ),
    'latin1',
  );
  const fixerError = (code: number, type: string) =>
    JSON.stringify({ success: false, error: { code, type, info: 'Upstream free text that must not leak.' } });
  const MS_NOW = Date.now();
  const TODAY_UTC = new Date(MS_NOW).toISOString().slice(0, 10);
  const FIVE_DAYS_AHEAD_S = Math.floor(MS_NOW / 1000) + 5 * 86_400;
  const fixerAnswer = (timestamp: number, date: string) =>
    JSON.stringify({ success: true, timestamp, base: 'EUR', date, rates: { USD: 1.0412, MXN: 19.182 } });
  const sieAnswer = (datos: unknown) =>
    JSON.stringify({ bmx: { series: [{ idSerie: 'SF43718', titulo: 'x', datos }] } });
  const plausibility = (what: string, value: string) =>
    `${what} is ${value}, outside the plausible range 5–60 MXN per USD`;

  const cases: Array<[string, UpstreamSource, Fault, Record<string, unknown>]> = [
    [
      'Fixer 101 in an HTTP 200 body',
      'fixer',
      { body: fixerError(101, 'invalid_access_key') },
      { code: 'unauthorized_upstream', message: 'Fixer error 101 (invalid_access_key)' },
    ],
    [
      'Fixer 104 in an HTTP 200 body',
      'fixer',
      { body: fixerError(104, 'usage_limit_reached') },
      { code: 'quota_exhausted', message: 'Fixer error 104 (usage_limit_reached)' },
    ],
    [
      'Fixer 105 in an HTTP 200 body',
      'fixer',
      { body: fixerError(105, 'https_access_restricted') },
      { code: 'upstream_error', message: 'Fixer error 105 (https_access_restricted)' },
    ],
    [
      'SIE HTTP 400 Token inválido',
      'banxico',
      {
        status: 400,
        body: JSON.stringify({ error: { mensaje: 'Token inválido', detalle: 'El token no es válido' } }),
      },
      { code: 'unauthorized_upstream', message: 'Banxico SIE rejected the token (HTTP 400)' },
    ],
    [
      'SIE over the query limit (429 + secondsToReset)',
      'banxico',
      { status: 429, body: overLimit },
      {
        code: 'quota_exhausted',
        message: 'Banxico SIE query limit reached (HTTP 429)',
        retry_after_seconds: 42,
      },
    ],
    [
      'the DOF page answering HTTP 500',
      'dof',
      { status: 500 },
      { code: 'upstream_error', message: 'DOF page answered HTTP 500' },
    ],
    [
      'Fixer answering HTTP 500',
      'fixer',
      { status: 500 },
      { code: 'upstream_error', message: 'Fixer answered HTTP 500' },
    ],
    [
      'SIE answering garbage',
      'banxico',
      { garbage: true },
      { code: 'upstream_error', message: 'Banxico SIE answered with a body that is not JSON' },
    ],
    [
      'the DOF page answering garbage HTML',
      'dof',
      { garbage: true },
      { code: 'layout_changed', message: 'DOF page layout changed: expected one header row, found 0' },
    ],
    [
      'the DOF page with its header row renamed',
      'dof',
      { alteredLayout: true },
      { code: 'layout_changed', message: 'DOF page layout changed: expected one header row, found 0' },
    ],
    [
      'the DOF page with a header cell renamed',
      'dof',
      {
        body: dofPage.replace('Publicaci\u00f3n DOF', 'Publicacion D.O.F.'),
        contentType: 'text/html; charset=utf-8',
      },
      {
        code: 'layout_changed',
        message:
          'DOF page layout changed: header row differs from Fecha | FIX | Publicación DOF | Para pagos',
      },
    ],
    [
      'Fixer with another layout',
      'fixer',
      { alteredLayout: true },
      { code: 'layout_changed', message: 'Fixer response lacks the documented fields' },
    ],
    [
      'Fixer with its timestamp in milliseconds',
      'fixer',
      { body: fixerAnswer(MS_NOW, TODAY_UTC) },
      { code: 'invalid_value', message: `Fixer timestamp ${MS_NOW} is not in seconds (milliseconds?)` },
    ],
    [
      'Fixer with a timestamp five days ahead',
      'fixer',
      // Fixer's own date is today's (in Mexico City): only the instant is in the future.
      { body: fixerAnswer(FIVE_DAYS_AHEAD_S, mexicoCityDate(new Date(MS_NOW))) },
      {
        code: 'invalid_value',
        message: `Fixer (fixer) is from the future (${new Date(FIVE_DAYS_AHEAD_S * 1000).toISOString()})`,
      },
    ],
    [
      'SIE with N/E',
      'banxico',
      { body: sieAnswer([{ fecha: '27/11/2020', dato: 'N/E' }]) },
      { code: 'not_published', message: 'Banxico SIE has published no SF43718 value yet (N/E or no data)' },
    ],
    [
      'SIE without datos',
      'banxico',
      { body: sieAnswer(undefined) },
      { code: 'not_published', message: 'Banxico SIE has published no SF43718 value yet (N/E or no data)' },
    ],
    ...(['0.0000', '-1.0000', '2000.0000'] as const).flatMap(
      (value): Array<[string, UpstreamSource, Fault, Record<string, unknown>]> => {
        const number = String(Number(value));
        return [
          [
            `the DOF page with ${number}`,
            'dof',
            { value },
            { code: 'invalid_value', message: plausibility('DOF page Para pagos for 2020-11-15', number) },
          ],
          [
            `SIE with ${number}`,
            'banxico',
            { value: number },
            { code: 'invalid_value', message: plausibility('Banxico SIE SF43718 for 2020-11-27', number) },
          ],
          [
            `Fixer with ${number}`,
            'fixer',
            { value: Number(value) },
            {
              code: 'invalid_value',
              message:
                value === '2000.0000'
                  ? plausibility('Fixer USD→MXN', '2000')
                  : `Fixer MXN rate is ${value === '0.0000' ? '0' : '-1.196'}`,
            },
          ],
        ];
      },
    ),
  ];

  it('reads the DOF page sent as UTF-8 with <meta charset="utf-8"> and a bare text/html', async () => {
    const utf8Page = dofPage.replace(
      '<meta http-equiv="content-type" content="text/html; charset=windows-1252">',
      '<meta charset="utf-8">',
    );
    const body = Buffer.from(new TextDecoder('windows-1252').decode(Buffer.from(utf8Page, 'latin1')), 'utf8');
    expect(body.includes(Buffer.from('Publicación', 'utf8'))).toBe(true);

    // The replay server sends `body` as UTF-8 text with the content type given.
    const { response, body: answer } = await ratesWithFault('dof', {
      body: new TextDecoder('windows-1252').decode(Buffer.from(utf8Page, 'latin1')),
      contentType: 'text/html',
    });

    expect(response.status).toBe(200);
    expect(answer?.errors).toEqual({});
    expect((answer?.rates as Record<string, { value: number }> | undefined)?.dof?.value).toBe(20.5303);
  });

  it.each(cases)('answers 200 without the source when it sends %s', async (_name, source, fault, error) => {
    const { response, body, text } = await ratesWithFault(source, fault);

    expect(response.status).toBe(200);
    expect(body?.errors).toEqual({ [source]: error });
    const others = (['dof', 'fixer', 'banxico'] as const).filter((other) => other !== source);
    const expectedKeys = ['dof', 'dof_para_pagos', 'banxico', 'banxico_para_pagos', 'fixer'].filter((key) =>
      others.some((other) => key.startsWith(other)),
    );
    expect(keysOf(body, 'rates')).toEqual(expectedKeys);
    expect(text).not.toContain('free text');
    expect(text).not.toContain(FIXER_KEY);
    expect(text).not.toContain(BANXICO_TOKEN);
  });

  it('answers at the upstream timeout with the other sources when one hangs', async () => {
    replay.setFault('fixer', { hang: true });
    const started = Date.now();
    const { response, body } = await getJson('/v1/rates');

    expect(response.status).toBe(200);
    expect(body?.errors).toEqual({
      fixer: { code: 'timeout', message: `Fixer did not answer within ${UPSTREAM_TIMEOUT_MS} ms` },
    });
    expect(keysOf(body, 'rates')).toEqual(['dof', 'dof_para_pagos', 'banxico', 'banxico_para_pagos']);
    // Never before the deadline; how long after it depends on the machine, not on the code.
    expect(Date.now() - started).toBeGreaterThanOrEqual(UPSTREAM_TIMEOUT_MS);
  });

  it('answers 503 problem+json with Retry-After and every error when all three fail', async () => {
    replay.setFault('dof', { status: 500 });
    replay.setFault('fixer', { body: fixerError(101, 'invalid_access_key') });
    replay.setFault('banxico', { garbage: true });

    const { response, body } = await getJson('/v1/rates');

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain(PROBLEM);
    expect(response.headers.get('retry-after')).toBe('60');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'No source could provide a rate and nothing cached can be served.',
      errors: {
        dof: { code: 'upstream_error', message: 'DOF page answered HTTP 500' },
        fixer: { code: 'unauthorized_upstream', message: 'Fixer error 101 (invalid_access_key)' },
        banxico: { code: 'upstream_error', message: 'Banxico SIE answered with a body that is not JSON' },
      },
    });
  });
});

describe('one upstream call per refresh', () => {
  it(`calls each upstream once for 200 concurrent cold requests, then never for ${WARM_REQUESTS} warm ones`, async () => {
    // Warm the Lambda instances first (offline starts one per concurrent request): this
    // test is about a cold cache, not about 400 worker threads booting on a CI box.
    // Ramped, so each step boots at most 50 instances and their authorizer calls don't time out.
    for (const concurrency of [50, 100, 150, 200]) {
      await Promise.all(
        Array.from({ length: concurrency }, () => api.get('/v1/rates').then((r) => r.arrayBuffer())),
      );
    }
    await makeCacheCold();
    startCountingCalls();

    const cold = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const response = await api.get('/v1/rates');
        const text = await response.text();
        return {
          status: response.status,
          errors: response.status === 200 ? JSON.parse(text).errors : undefined,
        };
      }),
    );
    const coldErrors = new Set(cold.map((answer) => JSON.stringify(answer.errors ?? null)));
    process.stderr.write(
      `[rates e2e] 200 cold: statuses ${[...new Set(cold.map((a) => a.status))].join(',')}, errors ${[...coldErrors].join(' ')}, hits ${JSON.stringify(hits())}\n`,
    );

    expect(hits()).toEqual({ dof: 1, fixer: 1, banxico: 1 });
    // 502/504 are offline's own answers when a Lambda worker is overwhelmed; 500 would be ours.
    expect(cold.filter((answer) => answer.status === 500)).toEqual([]);
    expect(cold.filter((answer) => answer.status === 200).length).toBeGreaterThan(0);

    const statuses = new Map<number, number>();
    let issued = 0;
    await Promise.all(
      Array.from({ length: WARM_CONCURRENCY }, async () => {
        while (issued < WARM_REQUESTS) {
          issued += 1;
          const response = await api.get('/v1/rates');
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    );
    process.stderr.write(`[rates e2e] ${WARM_REQUESTS} warm requests: ${JSON.stringify([...statuses])}\n`);

    expect(hits()).toEqual({ dof: 1, fixer: 1, banxico: 1 });
    expect(statuses.get(500)).toBeUndefined();
    expect(statuses.get(200)).toBeGreaterThan(WARM_REQUESTS / 2);
  }, 300_000);
});

describe('every refresh settles', () => {
  /** Fixer's documented answer, one day older: what an upstream cache rolling back sends. */
  const OLDER_FIXER = JSON.stringify({
    success: true,
    timestamp: 1606521599 - 86_400,
    base: 'EUR',
    date: '2020-11-26',
    rates: { USD: 1.19, MXN: 24.2 },
  });

  it('calls Fixer at most once per FIXER_MIN_INTERVAL_S when it answers an older snapshot after expiry', async () => {
    expect((await getJson('/v1/rates/fixer')).response.status).toBe(200);
    expect(hits().fixer).toBe(1);
    replay.setFault('fixer', { body: OLDER_FIXER, contentType: 'application/json' });
    await ageCachedValue('fixer', 9 * 3_600_000);

    const burst = await Promise.all(Array.from({ length: 20 }, () => getJson('/v1/rates/fixer')));
    const after = [];
    for (let i = 0; i < 20; i++) after.push(await getJson('/v1/rates/fixer'));

    expect(hits().fixer).toBe(2);
    // 504 (a Lambda worker overwhelmed) and 401 (the authorizer Lambda timing out) are
    // offline's own answers on a busy box, before any of our rates code runs; 500 would be ours.
    const answered = [...burst, ...after].filter(({ response }) => ![401, 504].includes(response.status));
    expect(answered.length).toBeGreaterThan(20);
    for (const { response, body } of answered) {
      expect(response.status).toBe(200);
      // The stored value, never the rolled-back one.
      expect(
        (body?.rates as Record<string, { value: number; date: string }> | undefined)?.fixer,
      ).toMatchObject({
        value: 20.0753,
        date: '2020-11-27',
      });
    }
    // Checked now: fresh again for one whole interval (8 h by default), told so to clients.
    const last = answered.at(-1);
    const fixer = (last?.body?.rates as Record<string, { stale: boolean; fresh_until: string }> | undefined)
      ?.fixer;
    expect(fixer?.stale).toBe(false);
    expect(Date.parse(fixer?.fresh_until ?? '') - Date.now()).toBeGreaterThan(7.9 * 3_600_000);
    expect(last?.response.headers.get('cache-control')).not.toBe('private, max-age=0');
  });

  it('never serves nor stores a FIX dated after today', async () => {
    const tomorrow = new Date(Date.now() + 2 * DAY_MS);
    const fecha = `${String(tomorrow.getUTCDate()).padStart(2, '0')}/${String(tomorrow.getUTCMonth() + 1).padStart(2, '0')}/${tomorrow.getUTCFullYear()}`;
    replay.setFault('banxico', {
      body: JSON.stringify({
        bmx: { series: [{ idSerie: 'SF43718', datos: [{ fecha, dato: '18.5000' }] }] },
      }),
      contentType: 'application/json',
    });

    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await getJson('/v1/rates/banxico'));

    expect(hits().banxico).toBe(1);
    for (const { response, body } of answers) {
      expect(response.status).toBe(503);
      expect((body?.errors as Record<string, { code: string }> | undefined)?.banxico?.code).toBe(
        'invalid_value',
      );
    }
    const stored = await db.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'rate#banxico' } },
      }),
    );
    expect(JSON.stringify(stored.Items ?? [])).not.toContain('18.5');
  });
});

describe('stale-if-error', () => {
  it('serves the last good value marked stale, with its age and the error, once it expires', async () => {
    expect((await getJson('/v1/rates')).response.status).toBe(200);
    replay.setFault('fixer', { status: 500 });
    const fetchedAt = await ageCachedValue('fixer', 90_000);

    const { response, body } = await getJson('/v1/rates');
    const answeredBy = Date.now();

    expect(response.status).toBe(200);
    expect(body?.errors).toEqual({ fixer: { code: 'upstream_error', message: 'Fixer answered HTTP 500' } });
    const rates = body?.rates as Record<string, Record<string, unknown>>;
    expect(rates.fixer).toMatchObject({ value: 20.0753, stale: true });
    expect(rates.fixer?.age_seconds).toBeGreaterThanOrEqual(90);
    // Whole seconds since fetched_at at some instant before we had the answer.
    expect(rates.fixer?.age_seconds).toBeLessThanOrEqual(Math.floor((answeredBy - fetchedAt) / 1000));
    expect(rates.dof?.stale).toBe(false);
    expect(response.headers.get('cache-control')).toBe('private, max-age=0');
    expect(hits().fixer).toBe(2);
  });

  it('drops a value older than MAX_STALE_S (default 7 days) and still lists the error', async () => {
    expect((await getJson('/v1/rates')).response.status).toBe(200);
    replay.setFault('fixer', { status: 500 });
    await ageCachedValue('fixer', 8 * DAY_MS);

    const { response, body } = await getJson('/v1/rates');

    expect(response.status).toBe(200);
    expect(body?.errors).toEqual({ fixer: { code: 'upstream_error', message: 'Fixer answered HTTP 500' } });
    expect(keysOf(body, 'rates')).toEqual(['dof', 'dof_para_pagos', 'banxico', 'banxico_para_pagos']);
  });
});

describe('HTTP caching', () => {
  it('sends an ETag and answers a matching If-None-Match with an empty 304', async () => {
    const first = await getJson('/v1/rates');
    const etag = first.response.headers.get('etag');

    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await api.get('/v1/rates', { headers: { 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const other = await api.get('/v1/rates', { headers: { 'If-None-Match': '"another"' } });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
    // RFC 9110 §13.1.2: `*` matches any current representation.
    const any = await api.get('/v1/rates', { headers: { 'If-None-Match': '*' } });
    expect(any.status).toBe(304);
    expect(await any.text()).toBe('');
  });

  it('lets a client cache the answer privately until the earliest fresh_until', async () => {
    const sent = Date.now();
    const { response, body } = await getJson('/v1/rates');
    const received = Date.now();

    const rates = Object.values(body?.rates as Record<string, { fresh_until: string }>);
    const earliest = Math.min(...rates.map((rate) => Date.parse(rate.fresh_until)));
    const match = /^private, max-age=(\d+)$/.exec(response.headers.get('cache-control') ?? '');
    expect(match).not.toBeNull();
    const maxAge = Number(match?.[1]);
    // Seconds until the earliest fresh_until, rounded up, as of an instant between sent and received.
    expect(maxAge).toBeGreaterThanOrEqual(Math.ceil((earliest - received) / 1000));
    expect(maxAge).toBeLessThanOrEqual(Math.ceil((earliest - sent) / 1000));
    expect(maxAge).toBeGreaterThan(0);
  });

  it('marks problems no-store', async () => {
    const response = await api.get('/v1/rates?x=1');

    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    await response.arrayBuffer();
  });
});
