import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedPort } from '../../scripts/lib/owned-ports.js';
import { type ReplayServer, startReplayServer } from '../../scripts/lib/replay-server.js';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

/** `npm run contract:live` as a pipeline runs it, never against a host outside this machine. */

interface Run {
  code: number;
  stdout: string;
}

async function contractLive(env: Record<string, string>, args: string[] = []): Promise<Run> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/contract-live.ts', ...args],
      { cwd: SERVICE_ROOT, env: { ...process.env, UPSTREAM_TIMEOUT_MS: '2000', ...env } },
    );
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '' };
  }
}

describe('npm run contract:live', () => {
  let replay: ReplayServer;
  let closedPort: number;

  beforeAll(async () => {
    replay = await startReplayServer({ fixerAccessKey: 'live-key', banxicoToken: 'live-token' });
    closedPort = refusedPort();
  });

  afterAll(async () => {
    await replay?.close();
  });

  const unreachable = () => ({
    DOF_URL: `http://127.0.0.1:${closedPort}/tipcamb/tipCamMIAction.do`,
    FIXER_BASE_URL: `http://127.0.0.1:${closedPort}/api`,
    BANXICO_BASE_URL: `http://127.0.0.1:${closedPort}/SieAPIRest/service/v1`,
  });
  const replayed = () => ({
    DOF_URL: replay.dofUrl,
    FIXER_BASE_URL: replay.fixerBaseUrl,
    BANXICO_BASE_URL: replay.banxicoBaseUrl,
  });

  it('says it could not reach the upstreams and exits 0', async () => {
    const run = await contractLive(unreachable());

    expect(run.code).toBe(0);
    for (const name of ['dof', 'fixer', 'banxico']) {
      expect(run.stdout).toMatch(
        new RegExp(`^\\? ${name} — could not reach the upstream: .*ECONNREFUSED`, 'm'),
      );
    }
    expect(run.stdout).toContain('0 verified, 0 broken, 3 unreachable');
    expect(run.stdout).toContain('could not reach every upstream');
  });

  it('exits non-zero with --strict when they cannot be reached', async () => {
    const run = await contractLive(unreachable(), ['--strict']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('--strict');
  });

  it('passes against the replay server, even with --strict, one line per upstream', async () => {
    const run = await contractLive(
      { ...replayed(), FIXER_ACCESS_KEY: 'live-key', BANXICO_TOKEN: 'live-token' },
      ['--strict'],
    );

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^✓ dof — contract holds \(7 rows, newest 15\/11\/2020\)/m);
    expect(run.stdout).toMatch(/^✓ fixer — contract holds \(latest 2020-11-27, base EUR\)/m);
    expect(run.stdout).toMatch(/^✓ banxico — contract holds \(SF43718 27\/11\/2020 = 20\.0777\)/m);
    expect(run.stdout).not.toContain('live-key');
  });

  it('reports error answers without credentials (exit 0), and fails on a broken contract', async () => {
    const withoutCredentials = await contractLive({ ...replayed(), FIXER_ACCESS_KEY: '', BANXICO_TOKEN: '' });
    expect(withoutCredentials.code).toBe(0);
    expect(withoutCredentials.stdout).toMatch(/^~ fixer — answered error 101 invalid_access_key/m);
    expect(withoutCredentials.stdout).toMatch(/^~ banxico — answered HTTP 400 error "Token inválido"/m);

    replay.setFault('fixer', { alteredLayout: true });
    try {
      const broken = await contractLive({
        ...replayed(),
        FIXER_ACCESS_KEY: 'live-key',
        BANXICO_TOKEN: 'live-token',
      });
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/^✗ fixer — contract broken .*must have required property 'rates'/m);
    } finally {
      replay.setFault('fixer', undefined);
    }
  });
});
