import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { NewClientCredentials } from '../../lib/auth/client-admin.js';
import { assertMatchesContract, type ContractMatch, OPENAPI_PATH } from '../../scripts/lib/contract.js';
import { type RunningStack, sleep, startStack, upstreamEnv } from '../../scripts/lib/local-stack.js';
import { type ReplayServer, startReplayServer } from '../../scripts/lib/replay-server.js';
import {
  basicAuthorization,
  createClientWithCli,
  issueToken,
  stopDatabaseOf,
  warmUpFunctions,
} from '../helpers/local-clients.js';

/**
 * Every route of openapi.yaml over HTTP on the real `npm start` stack, upstreams replayed
 * by this test's own replay server: each answer, errors included, is validated against
 * the contract (status declared, Content-Type, body schema, declared headers).
 */

const FREE_LIMIT = 3;

interface Call {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

async function startSandboxedStack(replay: ReplayServer): Promise<RunningStack> {
  return startStack({
    env: {
      ...upstreamEnv(replay, {
        fixerAccessKey: 'contract-fixer-key',
        banxicoToken: 'contract-banxico-token',
      }),
      QUOTA_FREE_PER_MINUTE: String(FREE_LIMIT),
      QUOTA_FREE_PER_DAY: String(FREE_LIMIT),
      // Long enough that the client looked up just before the database stops is still known.
      AUTH_CLIENT_MEMORY_TTL_MS: '60000',
    },
  });
}

/**
 * serverless-offline loads a function on its first call inside that function's timeout
 * (3 s for the small ones); on a busy two-core machine that first call can end in
 * offline's own 504. One unchecked call per short-timeout function keeps that emulator
 * artefact out of the contract checks.
 */
async function warmUp(stack: RunningStack, calls: ReadonlyArray<readonly [method: string, path: string]>) {
  for (const [method, path] of calls) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fetch(`${stack.baseUrl}${path}`, { method });
      await response.arrayBuffer();
      if (response.status !== 504) break;
      await sleep(200);
    }
  }
}

function caller(stack: RunningStack) {
  return async (path: string, call: Call = {}, options = {}) => {
    const method = call.method ?? 'GET';
    const send = () =>
      fetch(`${stack.baseUrl}${path}`, {
        method,
        headers: call.headers ?? {},
        ...(call.body === undefined ? {} : { body: call.body }),
      });
    let response = await send();
    // offline's own 504: a function's first load outlasted its timeout (see warmUp). Once more.
    if (response.status === 504) {
      await response.arrayBuffer();
      response = await send();
    }
    const body = await response.text();
    const match: ContractMatch = assertMatchesContract(
      { method, path, status: response.status, headers: response.headers, body },
      options,
    );
    return { status: response.status, headers: response.headers, body, match };
  };
}

describe('the API answers as openapi.yaml says', () => {
  let replay: ReplayServer;
  let stack: RunningStack;
  let call: ReturnType<typeof caller>;
  let client: NewClientCredentials;
  let auth: Record<string, string>;

  beforeAll(async () => {
    replay = await startReplayServer({
      fixerAccessKey: 'contract-fixer-key',
      banxicoToken: 'contract-banxico-token',
    });
    stack = await startSandboxedStack(replay);
    call = caller(stack);
    await warmUp(stack, [
      ['GET', '/v1/ping'],
      ['GET', '/v1/openapi.json'],
      ['GET', '/v1/not-a-route'],
      ['POST', '/v1/auth/token'],
    ]);
    client = await createClientWithCli(stack.dataDir, 'contract', 'pro');
    auth = {
      Authorization: `Bearer ${await issueToken(stack.baseUrl, client)}`,
      'x-api-key': client.api_key,
    };
    await warmUpFunctions(
      stack.baseUrl,
      ['/v1/rates', '/v1/rates/dof', '/v1/rates/fixer', '/v1/rates/banxico', '/v1/whoami'].map((path) => ({
        path,
        headers: auth,
      })),
    );
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await replay?.close();
  });

  it('GET /v1/ping, /v1/health and /v1/openapi.json, and 400 for unknown query parameters', async () => {
    expect((await call('/v1/ping')).status).toBe(204);
    expect((await call('/v1/ping?verbose=1')).status).toBe(400);
    expect((await call('/v1/health')).status).toBe(200);
    expect((await call('/v1/health?x=1')).status).toBe(400);
    const document = await call('/v1/openapi.json');
    expect(document.status).toBe(200);
    expect(JSON.parse(document.body)).toEqual(parse(readFileSync(OPENAPI_PATH, 'utf8')));
    expect((await call('/v1/openapi.json?format=yaml')).status).toBe(400);
    const page = await call('/?lang=en');
    expect([page.status, JSON.parse(page.body).detail]).toEqual([400, 'Unknown query parameter: lang']);
    const pageTag = (await call('/')).headers.get('etag');
    expect([pageTag, (await call('/', { headers: { 'If-None-Match': '*' } })).status]).toEqual([
      expect.stringMatching(/^"[\w-]+"$/),
      304,
    ]);
  });

  it('POST /v1/auth/token: a token, and each RFC 6749 error', async () => {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const basic = basicAuthorization(client);
    const post = (headers: Record<string, string>, body: string) =>
      call('/v1/auth/token', { method: 'POST', headers: { ...form, ...headers }, body });

    expect((await post({ Authorization: basic }, 'grant_type=client_credentials')).status).toBe(200);
    expect(
      (
        await call('/v1/auth/token', {
          method: 'POST',
          headers: { Authorization: basic, 'Content-Type': 'application/json' },
          body: '{"grant_type":"client_credentials"}',
        })
      ).status,
    ).toBe(200);
    const unsupported = await post({ Authorization: basic }, 'grant_type=password');
    expect([unsupported.status, JSON.parse(unsupported.body).error]).toEqual([400, 'unsupported_grant_type']);
    const missing = await post({ Authorization: basic }, '');
    expect([missing.status, JSON.parse(missing.body).error]).toEqual([400, 'invalid_request']);
    expect((await post({}, 'grant_type=client_credentials')).status).toBe(401);
    const wrong = await post(
      { Authorization: basicAuthorization({ ...client, client_secret: 'wrong' }) },
      'grant_type=client_credentials',
    );
    expect([wrong.status, wrong.headers.get('www-authenticate')]).toEqual([
      401,
      'Basic realm="tipo-de-cambio"',
    ]);
  });

  it('every rates route: 200, then 304 for its ETag, and 400 for an unknown parameter', async () => {
    for (const path of ['/v1/rates', '/v1/rates/dof', '/v1/rates/fixer', '/v1/rates/banxico']) {
      const ok = await call(path, { headers: auth });
      expect(ok.status, path).toBe(200);
      const etag = ok.headers.get('etag') ?? '';
      expect((await call(path, { headers: { ...auth, 'If-None-Match': etag } })).status, path).toBe(304);
      // `date` is a parameter of these routes since issue 15: another name is unknown.
      expect((await call(`${path}?day=2020-11-13`, { headers: auth })).status, path).toBe(400);
    }
    const all = JSON.parse((await call('/v1/rates', { headers: auth })).body);
    expect(Object.keys(all.rates)).toEqual([
      'dof',
      'dof_para_pagos',
      'banxico',
      'banxico_para_pagos',
      'fixer',
    ]);
  });

  it('GET /v1/whoami: the caller with its quota headers, 400 for an unknown parameter', async () => {
    const me = await call('/v1/whoami', { headers: auth });
    expect(me.status).toBe(200);
    const body = JSON.parse(me.body) as Record<string, string>;
    expect([body.client_id, body.name, body.plan]).toEqual([client.client_id, 'contract', 'pro']);
    expect(Date.parse(body.token_expires_at ?? '')).toBeGreaterThan(Date.now());
    expect(me.headers.get('ratelimit-policy')).toMatch(/^"minute";q=\d+;w=60/);
    expect(me.headers.get('cache-control')).toBe('no-store');

    const unknown = await call('/v1/whoami?verbose=1', { headers: auth });
    expect([unknown.status, JSON.parse(unknown.body)]).toEqual([
      400,
      {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'Unknown query parameter: verbose',
      },
    ]);
  });

  it('401 and 403 from the gateway (offline’s own bodies), 429 past the quota', async () => {
    const offline = { acceptOfflineAuthorizerRefusal: true };
    expect((await call('/v1/rates', {}, offline)).match).toMatchObject({
      response: '401',
      bodyChecked: false,
    });
    expect(
      (await call('/v1/rates/dof', { headers: { ...auth, 'x-api-key': 'another-key' } }, offline)).status,
    ).toBe(403);
    expect((await call('/v1/whoami', {}, offline)).status).toBe(401);
    expect(
      (await call('/v1/whoami', { headers: { ...auth, 'x-api-key': 'another-key' } }, offline)).status,
    ).toBe(403);

    const free = await createClientWithCli(stack.dataDir, 'contract-free', 'free');
    const freeAuth = {
      Authorization: `Bearer ${await issueToken(stack.baseUrl, free)}`,
      'x-api-key': free.api_key,
    };
    const statuses: number[] = [];
    for (let i = 0; i <= FREE_LIMIT; i++)
      statuses.push((await call('/v1/rates/fixer', { headers: freeAuth })).status);
    expect(statuses).toEqual([...Array(FREE_LIMIT).fill(200), 429]);
  });

  it('404 for an unknown path and 405 with Allow for a wrong method', async () => {
    expect((await call('/v1/not-a-route')).status).toBe(404);
    expect((await call('/v2/rates', { headers: auth })).status).toBe(404);
    const wrongMethod = await call('/v1/rates', { method: 'DELETE', headers: auth });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET']);
    expect((await call('/v1/auth/token')).status).toBe(405);
  });
});

describe('the API’s failure answers match openapi.yaml too', () => {
  let replay: ReplayServer;
  let stack: RunningStack;
  let call: ReturnType<typeof caller>;
  let auth: Record<string, string>;

  beforeAll(async () => {
    replay = await startReplayServer({
      fixerAccessKey: 'contract-fixer-key',
      banxicoToken: 'contract-banxico-token',
    });
    stack = await startSandboxedStack(replay);
    call = caller(stack);
    const client = await createClientWithCli(stack.dataDir, 'contract-failures', 'pro');
    auth = {
      Authorization: `Bearer ${await issueToken(stack.baseUrl, client)}`,
      'x-api-key': client.api_key,
    };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await replay?.close();
  });

  it('503 with every failing source in errors and Retry-After when nothing can be served', async () => {
    replay.setFault('dof', { alteredLayout: true });
    replay.setFault('banxico', {
      status: 400,
      body: '{"error":{"mensaje":"Límite de consultas superado.","detalle":"x","secondsToReset":42}}',
    });
    replay.setFault('fixer', { status: 500 });

    const partial = await call('/v1/rates/banxico', { headers: auth });
    expect(partial.status).toBe(503);
    expect(JSON.parse(partial.body).errors.banxico).toMatchObject({ code: 'quota_exhausted' });
    const none = await call('/v1/rates', { headers: auth });
    expect([none.status, Object.keys(JSON.parse(none.body).errors).sort()]).toEqual([
      503,
      ['banxico', 'dof', 'fixer'],
    ]);
  });

  it('503 from /v1/health and from the rates routes once the database is stopped', async () => {
    // The authorizer instance has just looked the client up (AUTH_CLIENT_MEMORY_TTL_MS), as
    // API Gateway's cached Allow would have on AWS: the request reaches the function, whose
    // quota write then fails. A server fault is a 503 problem, never "bad credentials".
    await call('/v1/whoami', { headers: auth });
    await stopDatabaseOf(stack.dataDir);

    const health = await call('/v1/health');
    expect([health.status, JSON.parse(health.body).checks.database]).toEqual([503, 'unavailable']);
    const rates = await call('/v1/rates/dof', { headers: auth });
    expect([rates.status, rates.headers.get('content-type')]).toEqual([503, 'application/problem+json']);
  });
});
