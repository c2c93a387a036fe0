import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewClientCredentials } from '../../lib/auth/client-admin.js';
import { type RunningStack, startStack } from '../../scripts/lib/local-stack.js';
import { CONSISTENCY_CHECKS } from '../../scripts/lib/smoke-checks.js';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';
import {
  createClientWithCli,
  issueToken,
  stopDatabaseOf,
  warmUpFunctions,
} from '../helpers/local-clients.js';

/** `npm run smoke` against the real local stack (sandbox upstreams), healthy and then without its database. */

interface SmokeRun {
  code: number;
  stdout: string;
}

async function smoke(stack: RunningStack, client: NewClientCredentials): Promise<SmokeRun> {
  const args = [
    'run',
    '--silent',
    'smoke',
    '--',
    // As the README writes them: --option=value is safe for any value.
    `--base-url=${stack.baseUrl}`,
    `--client-id=${client.client_id}`,
    `--client-secret=${client.client_secret}`,
    `--api-key=${client.api_key}`,
    // Generous per request: a function's first call here includes its cold start on a shared machine.
    '--timeout-ms',
    '30000',
    // Speed is the bench's business: on a shared machine a bound on milliseconds measures the neighbours.
    '--p95-ms=off',
  ];
  try {
    const { stdout } = await promisify(execFile)('npm', args, { cwd: SERVICE_ROOT, timeout: 170_000 });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '' };
  }
}

const CONSISTENCY_TITLES = Object.values(CONSISTENCY_CHECKS);

describe('npm run smoke', () => {
  let stack: RunningStack;
  let client: NewClientCredentials;

  beforeAll(async () => {
    stack = await startStack({ sandbox: true });
    client = await createClientWithCli(stack.dataDir, 'smoke', 'pro');
    await warmUpFunctions(stack.baseUrl, [{ path: '/v1/ping' }, { method: 'POST', path: '/v1/auth/token' }]);
    const headers = {
      Authorization: `Bearer ${await issueToken(stack.baseUrl, client)}`,
      'x-api-key': client.api_key,
    };
    await warmUpFunctions(
      stack.baseUrl,
      ['/v1/rates', '/v1/rates/dof', '/v1/rates/fixer', '/v1/rates/banxico'].map((path) => ({
        path,
        headers,
      })),
    );
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('passes against the local stack, printing each check with its figure', async () => {
    const run = await smoke(stack, client);
    process.stdout.write(run.stdout);

    expect(run.stdout).toMatch(/^✓ server reachable — GET \/v1\/ping 204 in \d+ ms$/m);
    expect(run.stdout).toMatch(/^✓ database healthy — GET \/v1\/health 200: database ok/m);
    expect(run.stdout).toMatch(/^✓ token issued — POST \/v1\/auth\/token 200/m);
    for (const path of ['/v1/rates', '/v1/rates/dof', '/v1/rates/fixer', '/v1/rates/banxico']) {
      expect(run.stdout).toContain(`✓ ${path} answers valid data — 200 valid against openapi.yaml`);
    }
    expect(run.stdout).toMatch(
      /^✓ bad parameters rejected — .* 400: "Unknown query parameter: smoke_unknown"$/m,
    );
    expect(run.stdout).toMatch(/^✓ response time \(warm p95 of 20 measured only\) — p50 \d+ ms, p95 \d+ ms/m);
    expect(run.stdout).toMatch(/^✓ values plausible — dof=20.5303, dof_para_pagos=20.5303, banxico=20.0777/m);
    // The consistency verdicts are the server's (the answer's `consistency` block): DOF(13 Nov)
    // against FIX(12 Nov) from the DOF page's own FIX column, Fixer against SIE's FIX, and
    // SF60653 (01/12/2020) of another day than the page's para pagos (15/11/2020).
    expect(run.stdout).toContain(
      '✓ DOF(D) = FIX(previous banking day) — DOF(2020-11-13) = 20.5303, FIX(2020-11-12) = 20.5303',
    );
    expect(run.stdout).toContain(
      '✓ Fixer close to the FIX — Fixer(2020-11-27) = 20.0753, FIX(2020-11-27) = 20.0777 (0.0024 pesos, 0.01 % apart)',
    );
    expect(run.stdout).toContain(
      '– para pagos = SF60653 on banking days — not checkable: different dates: para pagos 2020-11-15, SF60653 2020-12-01',
    );
    expect(CONSISTENCY_TITLES).toHaveLength(3);
    expect(run.stdout).toMatch(/^smoke OK: 13 checks ok, 0 failing, 1 not checkable$/m);
    expect(run.code).toBe(0);
  }, 180_000);

  it('fails on the database check, with a clear line, once the database is stopped', async () => {
    await stopDatabaseOf(stack.dataDir);

    const run = await smoke(stack, client);
    process.stdout.write(run.stdout);

    expect(run.stdout).toMatch(/^✓ server reachable/m);
    expect(run.stdout).toMatch(/^✗ database healthy — GET \/v1\/health answered 503: database unavailable$/m);
    expect(run.stdout).toMatch(/^smoke FAILED: \d+ checks ok, [1-9]\d* failing/m);
    expect(run.code).toBe(1);
  }, 180_000);
});
