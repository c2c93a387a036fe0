/**
 * `npm run bench`: one table of figures, all measured in this run on this machine, with
 * the method beside each; the same figures go to bench/results.json (git-ignored) so
 * runs can be compared. Starts and stops its own replay server, dynalite and stack on
 * free ports; every phase is bounded. Goals are reported (✓/✗), not enforced: the exit
 * code is non-zero only when the bench itself crashes.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { authorizeRequest } from '../lib/auth/authorize.js';
import { createClient } from '../lib/auth/client-admin.js';
import { rememberClientLookups } from '../lib/auth/client-cache.js';
import { createDynamoClientStore } from '../lib/auth/client-store.js';
import { issueAccessToken, rememberVerifiedTokens } from '../lib/auth/jwt.js';
import { loadConfig } from '../lib/config.js';
import { DEFAULT_QUOTA_LIMITS } from '../lib/core/plan.js';
import { RATE_KEYS, SOURCE_IDS } from '../lib/core/rate.js';
import { createTableClient } from '../lib/db/client.js';
import { answerRates } from '../lib/http/rates-response.js';
import { providers } from '../lib/providers/index.js';
import { consumeQuota } from '../lib/quota/consume-quota.js';
import { createDynamoQuotaStore } from '../lib/quota/quota-store.js';
import { createRateCacheStore } from '../lib/rates/cache-store.js';
import { ratePolicyFrom } from '../lib/rates/rate-policy.js';
import { createRateService } from '../lib/rates/rate-service.js';
import { authorizerEvent } from './lib/authorizer-event.js';
import { parseCommandLine } from './lib/cli.js';
import { makeCacheCold as makeColdCache } from './lib/cold-cache.js';
import { localDynamoClient, startDynalite } from './lib/local-db.js';
import { type RunningStack, startStack, upstreamEnv } from './lib/local-stack.js';
import { providerContextFor } from './lib/provider-context.js';
import { type RatesClient, ratesAuthHeaders, ratesClient } from './lib/rates-client.js';
import { type ReplayServer, startReplayServer } from './lib/replay-server.js';
import { SERVICE_ROOT } from './lib/template.js';

const run = promisify(execFile);
const TABLE = 'tipo-de-cambio-local';
const LATENCY = { dof: 300, fixer: 600, banxico: 900 } as const;
const SLOWEST_MS = Math.max(...Object.values(LATENCY));
const UPSTREAM_TIMEOUT_MS = 2000;
const FIXER_KEY = 'bench-fixer-access-key';
const BANXICO_TOKEN = 'bench-banxico-token';
const COLD_RUNS = 5;
const HANG_RUNS = 3;
const CONCURRENT = 200;
const AUTOCANNON = { connections: 10, durationS: 5, rounds: 3, warmUpS: 3 };
const IN_PROCESS_ITERATIONS = 2000;
const LOAD_RUNS = 7;
const QUOTA = { concurrent: 200, limit: 50 };
const BURSTS = { count: 3, size: 200, settleMs: 10_000, maxGrowth: 1.5 };
/** Row e': warm requests after the cold burst (the e2e suite sends 200 and asserts the same). */
const WARM = { requests: 10_000, concurrency: 20 };
/** lib/config.ts's default RATES_MEMORY_TTL_MS, which the bench's stack runs with. */
const MEMORY_TTL_MS = loadConfig({}).cache.memoryTtlMs;

interface Row {
  figure: string;
  value: string;
  goal: string;
  met: boolean | undefined;
  method: string;
  data: Record<string, unknown>;
}

const rows: Row[] = [];

function log(line: string) {
  process.stderr.write(`[bench] ${line}\n`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function add(row: Row) {
  rows.push(row);
  log(`${row.figure}: ${row.value}`);
}

// ---- autocannon (no bundled types): the few fields used here --------------------------

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number };
  non2xx: number;
  errors: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// ---- the cache, made cold by deleting what a first deployment would not have ----------

function makeCacheCold(db: DynamoDBClient): Promise<void> {
  return makeColdCache(db, TABLE, MEMORY_TTL_MS);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/**
 * In-process timings (ms) of `subject` and `baseline`, one after the other each iteration so
 * that both see the same machine: 200 warm-up pairs, then IN_PROCESS_ITERATIONS timed pairs.
 */
async function interleavedSamples(
  subject: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
): Promise<[number[], number[]]> {
  for (let i = 0; i < 200; i++) {
    await subject();
    await baseline();
  }
  const subjectMs: number[] = [];
  const baselineMs: number[] = [];
  for (let i = 0; i < IN_PROCESS_ITERATIONS; i++) {
    subjectMs.push((await timed(subject)).ms);
    baselineMs.push((await timed(baseline)).ms);
  }
  return [subjectMs, baselineMs];
}

async function getRates(api: RatesClient) {
  const response = await api.get('/v1/rates');
  const body = (await response.json()) as {
    rates?: Record<string, unknown>;
    errors?: Record<string, unknown>;
  };
  return {
    status: response.status,
    rateKeys: Object.keys(body.rates ?? {}),
    errorKeys: Object.keys(body.errors ?? {}),
  };
}

// ---- a, b, e: through the stack ---------------------------------------------------------

async function benchColdFanOut(api: RatesClient, db: DynamoDBClient, replay: ReplayServer) {
  const samples: number[] = [];
  // One discarded run: it pays the Lambda cold starts, which are figure f's business.
  for (let i = 0; i <= COLD_RUNS; i++) {
    await makeCacheCold(db);
    replay.resetHits();
    const { ms, value } = await timed(() => getRates(api));
    if (value.status !== 200 || value.rateKeys.length !== RATE_KEYS.length)
      throw new Error(`cold run answered ${JSON.stringify(value)}`);
    if (i > 0) samples.push(ms);
  }
  const ms = median(samples);
  const ratio = ms / SLOWEST_MS;
  add({
    figure: 'a. cold /v1/rates ÷ slowest source',
    value: `${round(ratio)} (${Math.round(ms)} ms ÷ ${SLOWEST_MS} ms)`,
    goal: '≤ 1.15',
    met: ratio <= 1.15,
    method: `median of ${COLD_RUNS} cold GETs through offline (cache items deleted before each; 1 warm-up run dropped); replay latencies dof=300 fixer=600 banxico=900 ms`,
    data: {
      ratio: round(ratio, 3),
      median_ms: Math.round(ms),
      samples_ms: samples.map(Math.round),
      slowest_ms: SLOWEST_MS,
    },
  });
}

async function benchHang(api: RatesClient, db: DynamoDBClient, replay: ReplayServer) {
  const samples: Array<{ ms: number; othersPresent: boolean; status: number }> = [];
  try {
    for (let run = 0; run < HANG_RUNS; run++) {
      await makeCacheCold(db);
      replay.setFault('fixer', { hang: true });
      const { ms, value } = await timed(() => getRates(api));
      const othersPresent =
        value.status === 200 &&
        ['dof', 'dof_para_pagos', 'banxico'].every((key) => value.rateKeys.includes(key)) &&
        value.errorKeys.join() === 'fixer';
      samples.push({ ms, othersPresent, status: value.status });
    }
  } finally {
    replay.setFault('fixer', undefined);
  }
  const ms = median(samples.map((sample) => sample.ms));
  const othersPresent = samples.every((sample) => sample.othersPresent);
  const over = ms - UPSTREAM_TIMEOUT_MS;
  add({
    figure: 'b. fixer hanging: answer time',
    value: `${Math.round(ms)} ms (timeout ${UPSTREAM_TIMEOUT_MS} + ${Math.round(over)} ms; runs ${samples.map((sample) => Math.round(sample.ms)).join(', ')} ms); others ${othersPresent ? 'present' : 'MISSING'}`,
    goal: `≤ timeout + 200 ms, others present`,
    met: over <= 200 && othersPresent,
    method: `median of ${HANG_RUNS} cold GETs through offline with the fixer replay hanging (cache deleted before each), UPSTREAM_TIMEOUT_MS=${UPSTREAM_TIMEOUT_MS}; others present in every run`,
    data: {
      ms: Math.round(ms),
      samples_ms: samples.map((sample) => Math.round(sample.ms)),
      timeout_ms: UPSTREAM_TIMEOUT_MS,
      over_ms: Math.round(over),
      others_present: othersPresent,
      statuses: samples.map((sample) => sample.status),
    },
  });
}

/** Statuses a valid client must never see: its credentials are fine and so is the service. */
const LIES_TO_VALID_CLIENTS = (status: string) => status === '401' || status.startsWith('5');

async function burst(api: RatesClient, size: number): Promise<Record<string, number>> {
  const statuses = await Promise.all(
    Array.from({ length: size }, async () => {
      const response = await api.get('/v1/rates');
      await response.arrayBuffer();
      return response.status;
    }),
  );
  const histogram: Record<string, number> = {};
  for (const status of statuses) histogram[status] = (histogram[status] ?? 0) + 1;
  return histogram;
}

const lies = (histogram: Record<string, number>) =>
  Object.entries(histogram)
    .filter(([status]) => LIES_TO_VALID_CLIENTS(status))
    .reduce((sum, [, count]) => sum + count, 0);

async function benchConcurrentCold(api: RatesClient, db: DynamoDBClient, replay: ReplayServer) {
  await makeCacheCold(db);
  replay.resetHits();
  const { ms, value: statuses } = await timed(() => burst(api, CONCURRENT));
  const hits = { dof: replay.hits('dof'), fixer: replay.hits('fixer'), banxico: replay.hits('banxico') };
  const wrong = lies(statuses);
  add({
    figure: `e. upstream calls, ${CONCURRENT} concurrent cold`,
    value: `dof ${hits.dof}, fixer ${hits.fixer}, banxico ${hits.banxico}; statuses ${JSON.stringify(statuses)} (${wrong} × 401/5xx), ${Math.round(ms)} ms`,
    goal: '1 each, no 401/5xx',
    met: hits.dof === 1 && hits.fixer === 1 && hits.banxico === 1 && wrong === 0,
    method: `replay hit counters and status counts for ${CONCURRENT} simultaneous GET /v1/rates by one valid pro client through offline on a deleted cache`,
    data: { hits, statuses, statuses_401_5xx: wrong, ms: Math.round(ms) },
  });
}

// ---- burst: right after the stack is ready, before anything else warmed it ---------------

/** Resident memory of this stack's serverless-offline process (handlers run inside it), in MB. */
function offlineRssMb(port: number): number {
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (!cmdline.includes(' offline start ') || !cmdline.includes(`--httpPort ${port} `)) continue;
    const rssKb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (rssKb !== undefined) return Math.round(Number(rssKb) / 1024);
  }
  throw new Error(`no serverless-offline process for port ${port}`);
}

async function benchBurstAfterStart(stack: RunningStack, api: RatesClient) {
  const before = offlineRssMb(stack.port);
  const bursts: Array<{ statuses: Record<string, number>; ms: number; rss_mb: number }> = [];
  for (let i = 0; i < BURSTS.count; i++) {
    const { ms, value: statuses } = await timed(() => burst(api, BURSTS.size));
    bursts.push({ statuses, ms: Math.round(ms), rss_mb: offlineRssMb(stack.port) });
  }
  await new Promise((resolve) => setTimeout(resolve, BURSTS.settleMs));
  const after = offlineRssMb(stack.port);
  const wrong = bursts.reduce((sum, b) => sum + lies(b.statuses), 0);
  const growth = after / before;
  add({
    figure: `burst: ${BURSTS.count} × ${BURSTS.size} concurrent right after start`,
    value: `${bursts.map((b, i) => `#${i + 1} ${JSON.stringify(b.statuses)} ${b.ms} ms, offline ${b.rss_mb} MB`).join('; ')}; offline memory ${before} MB before → ${after} MB ${BURSTS.settleMs / 1000} s after (×${round(growth)})`,
    goal: `no 401/5xx; memory after ≤ ${BURSTS.maxGrowth}× before`,
    met: wrong === 0 && growth <= BURSTS.maxGrowth,
    method: `first requests to the stack after "ready" (only the token request before): ${BURSTS.count} bursts of ${BURSTS.size} simultaneous GET /v1/rates by one valid pro client, back to back; VmRSS of the serverless-offline process`,
    data: { bursts, rss_before_mb: before, rss_after_mb: after, statuses_401_5xx: wrong },
  });
}

// ---- gate: authorizer decision + quota write in-process vs one bare UpdateItem -----------

async function benchGate(endpoint: string) {
  const table = createTableClient({ region: 'us-east-1', dynamodbEndpoint: endpoint, tableName: TABLE });
  const secret = 'bench-gate-secret-0123456789abcdef0123456789abcdef';
  const credentials = await createClient(
    { store: createDynamoClientStore(table), registry: undefined, now: () => new Date() },
    { name: 'bench-gate', plan: 'pro' },
  );
  const token = issueAccessToken(
    { clientId: credentials.client_id, plan: 'pro' },
    { secret, ttlSeconds: 3600, nowMs: Date.now() },
  ).accessToken;
  const event = authorizerEvent({ Authorization: `Bearer ${token}`, 'x-api-key': credentials.api_key });
  // As functions/authorizer.ts (with its client memory at the default TTL) and the quota
  // middleware build them.
  const store = createDynamoClientStore(table);
  const clients = rememberClientLookups((clientId) => store.getClient(clientId), {
    ttlMs: () => loadConfig({}).auth.clientMemoryTtlMs,
    now: () => Date.now(),
  });
  const counter = createDynamoQuotaStore(table);
  const limits = { ...DEFAULT_QUOTA_LIMITS, pro: { perMinute: 100_000_000, perDay: 100_000_000 } };
  const verifyToken = rememberVerifiedTokens();
  const gate = async () => {
    const policy = await authorizeRequest(event, {
      getClient: clients.remembered,
      getFreshClient: clients.fresh,
      verifyToken,
      jwtSecret: async () => secret,
      now: Date.now,
    });
    const clientId = policy.context?.clientId;
    if (typeof clientId !== 'string') throw new Error('the bench client was not allowed');
    const decision = await consumeQuota(counter, { clientId, plan: 'pro', limits, nowMs: Date.now() });
    if (!decision.admitted) throw new Error('the bench client was refused by its quota');
  };
  const bare = async () => {
    await table.doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'bench#gate', sk: 'bare' },
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  };
  const [gateMs, bareMs] = await interleavedSamples(gate, bare);
  table.doc.destroy();
  const ratio = median(gateMs) / median(bareMs);
  add({
    figure: 'gate. in-process authorizer decision + quota write p50 ÷ UpdateItem p50',
    value: `${round(ratio)} (${round(median(gateMs), 3)} ÷ ${round(median(bareMs), 3)} ms)`,
    goal: '≤ 1.5',
    met: ratio <= 1.5,
    method: `authorizeRequest (JWT check and the client's lookup, each remembered per instance as in functions/authorizer.ts: verified tokens until exp, lookups ${loadConfig({}).auth.clientMemoryTtlMs} ms) then consumeQuota (lib/quota) for one pro client vs one bare UpdateItem (ADD) on the stack's dynalite, interleaved, ${IN_PROCESS_ITERATIONS} iterations each after 200 warm-up`,
    data: {
      ratio: round(ratio, 3),
      gate_p50_ms: round(median(gateMs), 3),
      update_item_p50_ms: round(median(bareMs), 3),
      iterations: IN_PROCESS_ITERATIONS,
    },
  });
}

/** Right after row e: the cache is warm, so none of these requests may reach an upstream. */
async function benchWarmRun(api: RatesClient, replay: ReplayServer) {
  replay.resetHits();
  const statuses: Record<string, number> = {};
  let issued = 0;
  const { ms } = await timed(() =>
    Promise.all(
      Array.from({ length: WARM.concurrency }, async () => {
        while (issued < WARM.requests) {
          issued += 1;
          const response = await api.get('/v1/rates');
          await response.arrayBuffer();
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        }
      }),
    ),
  );
  const hits = { dof: replay.hits('dof'), fixer: replay.hits('fixer'), banxico: replay.hits('banxico') };
  const calls = hits.dof + hits.fixer + hits.banxico;
  add({
    figure: `e'. upstream calls, ${WARM.requests.toLocaleString('en')} warm`,
    value: `${calls} (statuses ${JSON.stringify(statuses)}, ${Math.round(ms)} ms, ${round((WARM.requests / ms) * 1000, 0)} req/s)`,
    goal: '0',
    met: calls === 0,
    method: `replay hit counters over ${WARM.requests} GET /v1/rates, ${WARM.concurrency} at a time, through offline right after row e (every answer validated against openapi.yaml)`,
    data: { hits, statuses, ms: Math.round(ms) },
  });
}

// ---- c: throughput through offline: rates vs the gated no-op vs the bare no-op ------------

async function benchThroughput(
  stack: RunningStack,
  api: RatesClient,
  db: DynamoDBClient,
  replay: ReplayServer,
) {
  // Warm means every source cached and fresh (row b left Fixer failed and backing off).
  await makeCacheCold(db);
  const warm = await api.get('/v1/rates');
  const warmBody = (await warm.json()) as { rates?: Record<string, unknown> };
  const cached = Object.keys(warmBody.rates ?? {}).sort();
  if (warm.status !== 200 || cached.join() !== 'banxico,banxico_para_pagos,dof,dof_para_pagos,fixer') {
    throw new Error(`could not warm the cache: ${warm.status}, rates ${cached.join() || 'none'}`);
  }
  const headers = await ratesAuthHeaders(stack);
  const before = replay.hits('dof') + replay.hits('fixer') + replay.hits('banxico');
  const routes = [
    { name: 'rates', path: '/v1/rates', headers },
    { name: 'whoami', path: '/v1/whoami', headers },
    { name: 'ping', path: '/v1/ping', headers: {} },
  ] as const;
  const results: Record<(typeof routes)[number]['name'], AutocannonResult[]> = {
    rates: [],
    whoami: [],
    ping: [],
  };
  // One untimed pass each, so every route runs on booted instances.
  for (const route of routes)
    await autocannon({
      url: `${stack.baseUrl}${route.path}`,
      connections: AUTOCANNON.connections,
      duration: AUTOCANNON.warmUpS,
      headers: route.headers,
    });
  for (let i = 0; i < AUTOCANNON.rounds; i++) {
    for (const route of routes) {
      results[route.name].push(
        await autocannon({
          url: `${stack.baseUrl}${route.path}`,
          connections: AUTOCANNON.connections,
          duration: AUTOCANNON.durationS,
          headers: route.headers,
        }),
      );
    }
  }
  const after = replay.hits('dof') + replay.hits('fixer') + replay.hits('banxico');
  const rps = (list: AutocannonResult[]) =>
    list.reduce((sum, r) => sum + r.requests.average, 0) / list.length;
  const statuses = (list: AutocannonResult[]) => {
    const merged: Record<string, number> = {};
    for (const result of list)
      for (const [code, stat] of Object.entries(result.statusCodeStats))
        merged[code] = (merged[code] ?? 0) + stat.count;
    return merged;
  };
  const ratesRps = rps(results.rates);
  const whoamiRps = rps(results.whoami);
  const pingRps = rps(results.ping);
  const method = `autocannon, ${AUTOCANNON.connections} connections × ${AUTOCANNON.durationS} s each, interleaved rates,whoami,ping ×${AUTOCANNON.rounds} after a ${AUTOCANNON.warmUpS} s pass each, same offline; ratio = median over rounds of rates ÷ whoami within the round`;
  const data = {
    rates_rps: round(ratesRps, 1),
    whoami_rps: round(whoamiRps, 1),
    ping_rps: round(pingRps, 1),
    rates_statuses: statuses(results.rates),
    whoami_statuses: statuses(results.whoami),
    ping_statuses: statuses(results.ping),
    upstream_calls: after - before,
  };
  // Per round, the two runs sit side by side: the median of those ratios resists the
  // machine's load changing between rounds better than a ratio of averages.
  const ratio = median(
    results.rates.map((r, i) => r.requests.average / (results.whoami[i]?.requests.average ?? NaN)),
  );
  add({
    figure: 'c. warm /v1/rates req/s ÷ gated no-op /v1/whoami req/s',
    value: `${round(ratio)} (rounds ${results.rates.map((r, i) => `${round(r.requests.average, 1)} ÷ ${round(results.whoami[i]?.requests.average ?? NaN, 1)}`).join(', ')} req/s; means ${round(ratesRps, 1)} ÷ ${round(whoamiRps, 1)}); upstream calls during it: ${after - before}; statuses rates ${JSON.stringify(data.rates_statuses)}, whoami ${JSON.stringify(data.whoami_statuses)}`,
    goal: '≥ 0.7',
    met: ratio >= 0.7 && after === before,
    method: `${method}; cache warmed first (every rate fresh); both carry Authorization + x-api-key, so both run the authorizer Lambda and take one request from the quota; whoami then only echoes the caller`,
    data: {
      ratio: round(ratio, 3),
      per_round: results.rates.map((r, i) =>
        round(r.requests.average / (results.whoami[i]?.requests.average ?? NaN), 3),
      ),
      ...data,
    },
  });
  add({
    figure: "c'. the same runs against the bare no-op /v1/ping (no authorizer, no quota)",
    value: `rates ÷ ping ${round(ratesRps / pingRps)}, whoami ÷ ping ${round(whoamiRps / pingRps)} (${round(pingRps, 1)} req/s); the second is what the authorizer and the quota write cost per request on offline`,
    goal: '— (information)',
    met: undefined,
    method: `${method}; offline runs the authorizer Lambda on every request (AWS caches it 300 s)`,
    data: { rates_over_ping: round(ratesRps / pingRps, 3), whoami_over_ping: round(whoamiRps / pingRps, 3) },
  });
}

// ---- d: in-process handler vs bare BatchGetItem -----------------------------------------

async function benchInProcess(endpoint: string, replayUrl: string) {
  const table = createTableClient({ region: 'us-east-1', dynamodbEndpoint: endpoint, tableName: TABLE });
  const ctx = providerContextFor(replayUrl, {
    fixerAccessKey: FIXER_KEY,
    banxicoToken: BANXICO_TOKEN,
    timeoutMs: UPSTREAM_TIMEOUT_MS,
  });
  const service = createRateService({
    store: createRateCacheStore(table),
    fetchSource: (source) => providers[source](ctx),
    now: Date.now,
    owner: 'bench-in-process',
    // The deployed policy, without instance memory: this row measures the table read.
    policy: {
      ...ratePolicyFrom(loadConfig({ UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS) })),
      memoryTtlMs: 0,
    },
  });
  const event = { queryStringParameters: null, headers: {} };
  const keys = SOURCE_IDS.map((source) => ({ pk: `rate#${source}`, sk: 'latest' }));
  const handler = async () => {
    const answer = await answerRates(event, SOURCE_IDS, service);
    if (answer.statusCode !== 200) throw new Error(`in-process answer ${answer.statusCode}: ${answer.body}`);
  };
  const bare = async () => {
    await table.doc.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: keys } } }));
  };
  const [handlerMs, bareMs] = await interleavedSamples(handler, bare);
  table.doc.destroy();
  const ratio = median(handlerMs) / median(bareMs);
  add({
    figure: 'd. in-process warm handler p50 ÷ BatchGetItem p50',
    value: `${round(ratio)} (${round(median(handlerMs), 3)} ÷ ${round(median(bareMs), 3)} ms)`,
    goal: '≤ 1.5',
    met: ratio <= 1.5,
    method: `answerRates (lib/http/rates-response.ts) with a service on the stack's dynalite vs BatchGetItem of the same 3 keys, interleaved, ${IN_PROCESS_ITERATIONS} iterations each after 200 warm-up`,
    data: {
      ratio: round(ratio, 3),
      handler_p50_ms: round(median(handlerMs), 3),
      batch_get_p50_ms: round(median(bareMs), 3),
      iterations: IN_PROCESS_ITERATIONS,
    },
  });
}

// ---- quota: lib/quota's own consumeQuota ------------------------------------------------

async function benchQuota(endpoint: string) {
  const table = createTableClient({ region: 'us-east-1', dynamodbEndpoint: endpoint, tableName: TABLE });
  const counter = createDynamoQuotaStore(table);
  const clientId = `bench-${Date.now()}`;
  const limits = { ...DEFAULT_QUOTA_LIMITS, free: { perMinute: QUOTA.limit, perDay: 100_000 } };
  const nowMs = Date.now();
  const decisions = await Promise.all(
    Array.from({ length: QUOTA.concurrent }, () =>
      consumeQuota(counter, { clientId, plan: 'free', limits, nowMs }).then(
        (decision) => decision.admitted,
        () => 'error' as const,
      ),
    ),
  );
  table.doc.destroy();
  const admitted = decisions.filter((decision) => decision === true).length;
  const failed = decisions.filter((decision) => decision === 'error').length;
  add({
    figure: `quota admissions, ${QUOTA.concurrent} concurrent at limit ${QUOTA.limit}`,
    value: `${admitted} admitted${failed > 0 ? `, ${failed} store errors` : ''}`,
    goal: `${QUOTA.limit}`,
    met: admitted === QUOTA.limit,
    method:
      'quota: measured by consumeQuota (lib/quota) in-process on the same dynalite, one fresh client, per-minute limit 50',
    data: { admitted, store_errors: failed, concurrent: QUOTA.concurrent, limit: QUOTA.limit },
  });
}

// ---- f: bundles -------------------------------------------------------------------------

/** The bundle goals (issue #17): what a function loads before its first answer, and its load time. */
const BUNDLE_GOALS = { ratesKb: 200, authorizerKb: 150, fileKb: 200, loadOverPing: 3 } as const;

/**
 * One fresh process: loads the runtime SDK packages, then the bundle, timing each import
 * inside the process (process start-up, ~10× the figure on a busy machine, stays out).
 */
async function timeImports(
  sdk: readonly string[],
  bundleUrl: string,
  flags: readonly string[],
): Promise<{ sdkMs: number; bundleMs: number }> {
  const script = `const t0 = performance.now();
await Promise.all(${JSON.stringify(sdk)}.map((s) => import(s)));
const t1 = performance.now();
await import(${JSON.stringify(bundleUrl)});
const t2 = performance.now();
process.stdout.write(JSON.stringify({ sdkMs: t1 - t0, bundleMs: t2 - t1 }));`;
  const { stdout } = await run(process.execPath, [...flags, '--input-type=module', '-e', script], {
    cwd: SERVICE_ROOT,
    timeout: 30_000,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  return JSON.parse(stdout) as { sdkMs: number; bundleMs: number };
}

/** Relative `import … from "./x.mjs"` of a bundle file (minified ESM), i.e. what loads with it. */
function staticImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const match of code.matchAll(
    /(?:^|[;\n}])\s*import\s*(?:[\w${},\s*]+from\s*)?"(\.{1,2}\/[^"]+\.mjs)"/g,
  ))
    if (match[1] !== undefined) found.add(path.resolve(path.dirname(file), match[1]));
  return [...found];
}

/** The runtime-provided packages (AWS SDK) a bundle file imports statically. */
function runtimeImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  return [...new Set([...code.matchAll(/from\s*"(@aws-sdk\/[^"]+)"/g)].flatMap((m) => (m[1] ? [m[1]] : [])))];
}

/** A bundle file and every file it statically imports, transitively: the code loaded at cold start. */
function loadClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of staticImports(file)) visit(next);
  };
  visit(entry);
  return [...seen];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

interface BundleFigures {
  zip_bytes: number;
  /** The handler file plus what it imports statically: loaded before the first answer. */
  initial_bytes: number;
  initial_files: Record<string, number>;
  /** Files only a dynamic import() reaches (providers on refresh). */
  lazy_files: Record<string, number>;
  largest_file_bytes: number;
  map_bytes: number;
  runtime_imports: string[];
  /** Median fresh-process load of our code (with --enable-source-maps, as deployed), runtime SDK excluded. */
  load_ms: number;
  load_no_maps_ms: number;
  /** What the runtime's AWS SDK packages this bundle imports cost to load on top. */
  sdk_ms: number;
  /** ping's load in the same series, and this function's load over it. */
  ping_ms: number;
  load_over_ping: number;
}

async function benchBundles() {
  const workFolder = `.esbuild/bench-${process.pid}`;
  const packageDir = mkdtempSync(path.join(os.tmpdir(), 'tdc-bench-package-'));
  try {
    const cli = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'package', '--stage', 'prod', '--package', packageDir], {
        cwd: SERVICE_ROOT,
        env: { ...process.env, ESBUILD_WORK_FOLDER: workFolder },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        code === 0
          ? resolve()
          : reject(new Error(`serverless package exited ${code}: ${stderr.slice(-2000)}`));
      });
    });
    // serverless-esbuild removes its build folder after packaging: read the bundles back from
    // the zips, unpacked inside the repo so the AWS SDK resolves from node_modules as the
    // Lambda runtime would provide it.
    const unpacked = path.join(SERVICE_ROOT, workFolder, 'unzipped');
    const zips = readdirSync(packageDir).filter((file) => file.endsWith('.zip'));
    const functions: Record<string, BundleFigures> = {};
    // ping is the yardstick: loaded again beside every function, so each ratio compares two
    // series measured at the same moment of a noisy machine.
    const pingDir = path.join(unpacked, 'ping');
    mkdirSync(pingDir, { recursive: true });
    await run('unzip', ['-q', '-o', path.join(packageDir, 'ping.zip'), '-d', pingDir], { timeout: 60_000 });
    const pingUrl = pathToFileURL(path.join(pingDir, 'functions', 'ping.mjs')).href;
    for (const zip of zips.sort()) {
      const name = zip.replace(/\.zip$/, '');
      const target = path.join(unpacked, name);
      mkdirSync(target, { recursive: true });
      await run('unzip', ['-q', '-o', path.join(packageDir, zip), '-d', target], { timeout: 60_000 });
      const files = listFiles(target);
      const code = files.filter((file) => file.endsWith('.mjs'));
      const handlerFile = code.find((file) => path.dirname(file) === path.join(target, 'functions'));
      if (handlerFile === undefined) throw new Error(`${zip}: no handler bundle`);
      const size = (file: string) => statSync(file).size;
      const relative = (file: string) => path.relative(target, file);
      const initial = loadClosure(handlerFile);
      const sdk = [...new Set(initial.flatMap(runtimeImports))];
      // Fresh processes, with and without source maps alternating so both see the same load.
      const bundleUrl = pathToFileURL(handlerFile).href;
      const withMaps: Array<{ sdkMs: number; bundleMs: number }> = [];
      const withoutMaps: number[] = [];
      const pingLoads: number[] = [];
      for (let i = 0; i < LOAD_RUNS; i++) {
        pingLoads.push((await timeImports([], pingUrl, ['--enable-source-maps'])).bundleMs);
        withMaps.push(await timeImports(sdk, bundleUrl, ['--enable-source-maps']));
        withoutMaps.push((await timeImports(sdk, bundleUrl, [])).bundleMs);
      }
      functions[name] = {
        zip_bytes: size(path.join(packageDir, zip)),
        initial_bytes: initial.reduce((sum, file) => sum + size(file), 0),
        initial_files: Object.fromEntries(initial.map((file) => [relative(file), size(file)])),
        lazy_files: Object.fromEntries(
          code.filter((file) => !initial.includes(file)).map((file) => [relative(file), size(file)]),
        ),
        largest_file_bytes: Math.max(...code.map(size)),
        map_bytes: files.filter((file) => file.endsWith('.map')).reduce((sum, file) => sum + size(file), 0),
        runtime_imports: sdk,
        load_ms: round(median(withMaps.map((t) => t.bundleMs)), 1),
        load_no_maps_ms: round(median(withoutMaps), 1),
        sdk_ms: round(median(withMaps.map((t) => t.sdkMs)), 1),
        ping_ms: round(median(pingLoads), 1),
        load_over_ping: round(median(withMaps.map((t) => t.bundleMs)) / median(pingLoads), 2),
      };
    }
    const failures: string[] = [];
    const lines: string[] = [];
    for (const [name, f] of Object.entries(functions)) {
      const limitKb = name === 'authorizer' ? BUNDLE_GOALS.authorizerKb : BUNDLE_GOALS.ratesKb;
      const checks = [
        { ok: f.initial_bytes <= limitKb * 1024, what: `initial ${kb(f.initial_bytes)} > ${limitKb} kB` },
        {
          ok: f.largest_file_bytes <= BUNDLE_GOALS.fileKb * 1024,
          what: `a file of ${kb(f.largest_file_bytes)}`,
        },
        {
          ok: f.load_over_ping <= BUNDLE_GOALS.loadOverPing,
          what: `load ${f.load_over_ping}× ping`,
        },
      ];
      const missed = checks.filter((check) => !check.ok).map((check) => check.what);
      failures.push(...missed.map((what) => `${name}: ${what}`));
      const lazySizes = Object.values(f.lazy_files);
      const lazy =
        lazySizes.length === 0
          ? ''
          : `${lazySizes.length} files, ${kb(lazySizes.reduce((sum, bytes) => sum + bytes, 0))}, largest ${kb(Math.max(...lazySizes))}`;
      lines.push(
        `${missed.length === 0 ? '✓' : '✗'} ${name}: zip ${kb(f.zip_bytes)}; loads ${kb(f.initial_bytes)} (${Object.keys(f.initial_files).length} file${Object.keys(f.initial_files).length === 1 ? '' : 's'})${lazy ? `; lazy: ${lazy}` : ''}; maps ${kb(f.map_bytes)}; load ${f.load_ms} ms = ${f.load_over_ping}× ping's ${f.ping_ms} ms (no maps ${f.load_no_maps_ms} ms)${f.runtime_imports.length > 0 ? ` + runtime SDK ${f.sdk_ms} ms` : ''}`,
      );
    }
    add({
      figure: 'f. per-function bundle and cold module load',
      value: lines.join('\n'),
      goal: `loads ≤ ${BUNDLE_GOALS.ratesKb} kB (authorizer ≤ ${BUNDLE_GOALS.authorizerKb} kB), no file > ${BUNDLE_GOALS.fileKb} kB, load ≤ ${BUNDLE_GOALS.loadOverPing}× ping`,
      met: failures.length === 0,
      method: `serverless package --stage prod --package <tmp>; "loads" = the handler file and every file it imports statically (lazy = reached only by import()); load = median over ${LOAD_RUNS} fresh \`node --enable-source-maps\` processes of the time import(bundle) takes, timed inside the process after the runtime SDK packages the bundle imports (resolved from node_modules, as the runtime provides them; their own time shown as "runtime SDK"); ratio against ping loaded in the same series (ping, function, function without maps, ×${LOAD_RUNS}); "no maps" = the same without --enable-source-maps`,
      data: { functions, failures, goals: BUNDLE_GOALS },
    });
  } finally {
    rmSync(packageDir, { recursive: true, force: true });
    rmSync(path.join(SERVICE_ROOT, workFolder), { recursive: true, force: true });
  }
}

function kb(bytes: number | undefined): string {
  return bytes === undefined ? '—' : `${round(bytes / 1024, 1)} kB`;
}

// ---- the table --------------------------------------------------------------------------

function printTable() {
  const mark = (met: boolean | undefined) => (met === undefined ? ' ' : met ? '✓' : '✗');
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(`${mark(row.met)} ${row.figure}   goal ${row.goal}`);
    for (const value of row.value.split('\n')) lines.push(`    ${value}`);
    lines.push(`    method: ${row.method}`);
  }
  const width = Math.max(...lines.map((line) => line.length));
  const rule = '─'.repeat(Math.min(width, 120));
  process.stdout.write(
    `${rule}\ntipo-de-cambio bench — ${new Date().toISOString()} — ${os.cpus().length} CPU, load ${os
      .loadavg()
      .map((l) => round(l, 1))
      .join('/')}, Node ${process.version}\n${rule}\n`,
  );
  process.stdout.write(`${lines.join('\n')}\n${rule}\n`);
}

async function main(bundlesOnly: boolean) {
  if (bundlesOnly) {
    await benchBundles();
    printTable();
    return;
  }
  const replay = await startReplayServer({
    fixerAccessKey: FIXER_KEY,
    banxicoToken: BANXICO_TOKEN,
    baselineFaults: {
      dof: { latencyMs: LATENCY.dof },
      fixer: { latencyMs: LATENCY.fixer },
      banxico: { latencyMs: LATENCY.banxico },
    },
  });
  const dynalite = await startDynalite({});
  const db = localDynamoClient(dynalite.endpoint);
  let stack: RunningStack | undefined;
  try {
    log('starting the stack');
    stack = await startStack({
      env: {
        DYNAMODB_ENDPOINT: dynalite.endpoint,
        ...upstreamEnv(replay, { fixerAccessKey: FIXER_KEY, banxicoToken: BANXICO_TOKEN }),
        UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
        QUOTA_PRO_PER_MINUTE: '1000000',
        QUOTA_PRO_PER_DAY: '100000000',
      },
      timeoutMs: 240_000,
    });
    const api = await ratesClient(stack);
    await benchBurstAfterStart(stack, api);
    await benchColdFanOut(api, db, replay);
    await benchHang(api, db, replay);
    await benchThroughput(stack, api, db, replay);
    await benchInProcess(dynalite.endpoint, replay.url);
    await benchGate(dynalite.endpoint);
    await benchConcurrentCold(api, db, replay);
    await benchWarmRun(api, replay);
    await benchQuota(dynalite.endpoint);
  } finally {
    await stack?.stop();
    db.destroy();
    dynalite.process.kill();
    await replay.close();
  }
  await benchBundles();

  printTable();
  mkdirSync(path.join(SERVICE_ROOT, 'bench'), { recursive: true });
  writeFileSync(
    path.join(SERVICE_ROOT, 'bench', 'results.json'),
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: {
          cpus: os.cpus().length,
          node: process.version,
          loadavg: os.loadavg().map((l) => round(l)),
        },
        figures: rows.map(({ figure, goal, met, method, data }) => ({
          figure,
          goal,
          met: met ?? null,
          method,
          ...data,
        })),
      },
      null,
      2,
    )}\n`,
  );
  log('wrote bench/results.json');
}

const { values } = parseCommandLine(
  'bench',
  `Usage:
  npm run bench [-- --bundles-only]

Measures the service on this machine and prints one table (method and goal beside each
figure); writes the same figures to bench/results.json. Starts and stops its own replay
server, dynalite and stack on free ports. Takes a few minutes. Exit 1 only when the
bench itself crashes.

Options:
  --bundles-only   row f alone (package, bundle sizes, module loads): no stack, ~1 minute
  -h, --help       this text`,
  { options: { 'bundles-only': { type: 'boolean', default: false } } },
);

main(values['bundles-only']).then(
  () => process.exit(0),
  (error: unknown) => {
    log(`crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    // fetch's own message ("fetch failed") hides why: the cause names the socket error.
    if (error instanceof Error && error.cause !== undefined) log(`cause: ${String(error.cause)}`);
    process.exit(1);
  },
);
