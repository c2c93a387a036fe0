import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningStack, startStack } from '../../scripts/lib/local-stack.js';
import { refusedPort } from '../../scripts/lib/owned-ports.js';
import { ratesClient } from '../../scripts/lib/rates-client.js';

/**
 * `npm start` and `npm run start:sandbox` on one data directory, one after the other, as a
 * new user would run them: the sandbox's replayed 2020 values must never reach the live
 * stack, and the live stack's missing keys must not follow the sandbox.
 */

async function ratesOf(stack: RunningStack) {
  const api = await ratesClient(stack);
  let response = await api.get('/v1/rates');
  // A 504 is serverless-offline's own answer to a cold Lambda that outran its timeout on a
  // busy machine (see api-client.ts): ask once more, warm.
  if (response.status === 504) response = await api.get('/v1/rates');
  const text = await response.text();
  expect(text, `HTTP ${response.status}`).not.toBe('');
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

/** The sandbox serves all four rates, replayed. */
async function expectAllFourRates(stack: RunningStack) {
  const answer = await ratesOf(stack);
  expect(answer.status).toBe(200);
  expect(Object.keys(answer.body.rates as object)).toEqual([
    'dof',
    'dof_para_pagos',
    'banxico',
    'banxico_para_pagos',
    'fixer',
  ]);
  return answer;
}

describe('the sandbox keeps its own data', () => {
  let stack: RunningStack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('serves no replayed value from npm start after the sandbox, and all four rates in the sandbox after npm start', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'tdc-sandbox-'));
    const noKeys = { FIXER_ACCESS_KEY: '', BANXICO_TOKEN: '' };

    stack = await startStack({ sandbox: true, dataDir: base, env: noKeys });
    expect(stack.output()).toContain(`(sandbox: replayed upstreams, data in ${path.join(base, 'sandbox')})`);
    await expectAllFourRates(stack);
    await stack.stop();

    const dofUrl = `http://127.0.0.1:${refusedPort()}/tipcamb/tipCamMIAction.do`;
    stack = await startStack({ dataDir: base, env: { ...noKeys, DOF_URL: dofUrl, START_VERBOSE: '1' } });
    expect(stack.output()).toContain(`(live upstreams, data in ${base})`);
    const live = await ratesOf(stack);
    // Nothing replayed: nothing to serve at all, and each source says why.
    expect(live.status).toBe(503);
    expect(JSON.stringify(live.body)).not.toContain('2020-');
    expect(live.body.errors).toMatchObject({
      fixer: { code: 'not_configured' },
      banxico: { code: 'not_configured' },
      dof: { code: 'upstream_error', message: expect.stringMatching(/connection refused$/) },
    });
    const health = await (await fetch(`${stack.baseUrl}/v1/health`)).json();
    expect(health).toMatchObject({
      status: 'degraded',
      upstreams: {
        fixer: { state: 'not_configured', calls_this_month: 0, last_error: null },
        banxico: { state: 'not_configured', calls_this_month: 0, last_error: null },
        dof: { state: 'failing' },
      },
    });
    // Every upstream failure is one warning line with its cause.
    expect(stack.output()).toMatch(/"upstream refresh failed".*"source":"dof".*connection refused/);
    await stack.stop();

    stack = await startStack({ sandbox: true, dataDir: base, env: noKeys });
    const sandboxAgain = await expectAllFourRates(stack);
    expect(sandboxAgain.body.errors).toEqual({});
    expect(readFileSync(path.join(base, 'upstreams'), 'utf8').trim()).toBe('live');
    expect(readFileSync(path.join(base, 'sandbox', 'upstreams'), 'utf8').trim()).toBe('sandbox');
    expect(existsSync(path.join(base, 'sandbox', 'dynamodb'))).toBe(true);
  }, 600_000);
});
