import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewClientCredentials } from '../../lib/auth/client-admin.js';
import { type RunningStack, startStack } from '../../scripts/lib/local-stack.js';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';
import { issueToken } from '../helpers/local-clients.js';

/**
 * Clients, tokens, the authorizer and quotas over HTTP on the real `npm start` stack
 * (sandbox upstreams), with the free plan limited to 50 requests so one burst shows it.
 */
describe('authentication and quotas on the local stack', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startStack({
      sandbox: true,
      env: { QUOTA_FREE_PER_MINUTE: '50', QUOTA_FREE_PER_DAY: '50' },
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  async function createClient(name: string): Promise<NewClientCredentials> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/client.ts',
        'create',
        '--name',
        name,
        '--plan',
        'free',
        '--data-dir',
        stack.dataDir,
      ],
      { cwd: SERVICE_ROOT },
    );
    return JSON.parse(stdout);
  }

  const tokenFor = (client: NewClientCredentials) => issueToken(stack.baseUrl, client);

  const rates = (pathname: string, headers: Record<string, string>) =>
    fetch(`${stack.baseUrl}${pathname}`, { headers });

  it('creates a demo client on first start and prints its credentials on stderr', () => {
    const demo = JSON.parse(readFileSync(path.join(stack.dataDir, 'demo-client.json'), 'utf8'));

    expect(stack.output()).toContain(JSON.stringify(demo));
    expect(demo).toMatchObject({ plan: 'free', client_id: expect.stringMatching(/^cl_/) });
  });

  it('goes from client:create to a token to 200 on /v1/rates with RateLimit headers', async () => {
    const client = await createClient('flow');
    const token = await tokenFor(client);

    const response = await rates('/v1/rates', {
      Authorization: `Bearer ${token}`,
      'x-api-key': client.api_key,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-policy')).toBe('"minute";q=50;w=60, "day";q=50;w=86400');
    expect(response.headers.get('ratelimit')).toMatch(/^"(minute|day)";r=49;t=\d+$/);
  }, 60_000);

  it('answers 401 without a valid token and 403 with another client’s key', async () => {
    const [alice, bob] = await Promise.all([createClient('alice'), createClient('bob')]);
    const token = await tokenFor(alice);

    expect((await rates('/v1/rates', { 'x-api-key': alice.api_key })).status).toBe(401);
    expect(
      (await rates('/v1/rates', { Authorization: 'Bearer garbage', 'x-api-key': alice.api_key })).status,
    ).toBe(401);
    expect((await rates('/v1/rates/dof', { Authorization: `Bearer ${token}` })).status).toBe(401);
    expect(
      (await rates('/v1/rates', { Authorization: `Bearer ${token}`, 'x-api-key': bob.api_key })).status,
    ).toBe(403);
  }, 60_000);

  // 200 truly concurrent requests are shown on the middleware against dynalite
  // (test/integration/quota.test.ts): serverless offline starts a cold worker per
  // concurrent invocation, which a small machine cannot do 400 times at once.
  it('answers exactly 50 of 60 requests (5 in flight) and 429 for the rest, leaving another client alone', async () => {
    const [burst, calm] = await Promise.all([createClient('burst'), createClient('calm')]);
    const headers = { Authorization: `Bearer ${await tokenFor(burst)}`, 'x-api-key': burst.api_key };
    const statuses: number[] = [];
    let refused: Response | undefined;
    let sent = 0;

    await Promise.all(
      Array.from({ length: 5 }, async () => {
        while (sent < 60) {
          sent += 1;
          const response = await rates('/v1/rates/dof', headers);
          await response.arrayBuffer();
          statuses.push(response.status);
          if (response.status === 429) refused = response;
        }
      }),
    );

    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    expect(refused?.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused?.headers.get('ratelimit')).toMatch(/;r=0;t=\d+$/);
    const calmHeaders = { Authorization: `Bearer ${await tokenFor(calm)}`, 'x-api-key': calm.api_key };
    expect((await rates('/v1/rates/dof', calmHeaders)).status).toBe(200);
  }, 120_000);
});
