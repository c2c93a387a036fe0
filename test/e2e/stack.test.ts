import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isListening, type RunningStack, sleep, startStack } from '../../scripts/lib/local-stack.js';
import { readStackFile } from '../../scripts/lib/stack-file.js';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

const PROBLEM = 'application/problem+json';

/**
 * Runs a node script to its end without blocking this process's event loop: a blocking
 * spawnSync froze the keep-alive sockets' idle timers, so the next fetch reused a socket
 * the stack had already closed ("other side closed").
 */
function runNode(
  args: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: SERVICE_ROOT, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** 'connected', or the error code a TCP connection to host:port ends with. */
function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('the local stack (npm start)', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    // As on a fresh clone: no upstream keys (the README says what the rates routes answer then).
    stack = await startStack({ env: { FIXER_ACCESS_KEY: '', BANXICO_TOKEN: '' } });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers health with the database ok, degraded while no source is fresh', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/health`);

    // No keys and nothing fetched yet: the service works, but no source serves a fresh value.
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'degraded',
      checks: { database: 'ok' },
      upstreams: {
        dof: { state: 'not_cached' },
        fixer: { state: 'not_configured' },
        banxico: { state: 'not_configured' },
      },
    });
  });

  it("binds to 127.0.0.1 only: the machine's other addresses refuse its ports", async () => {
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal && !address.address.startsWith('fe80:'))
      .map((address) => address?.address ?? '');

    // Without another address this test could prove nothing: say so rather than pass.
    expect(others.length, 'the machine has no non-loopback address to try').toBeGreaterThan(0);
    expect(stack.baseUrl).toBe(`http://127.0.0.1:${stack.port}`);
    expect(await connectOutcome('127.0.0.1', stack.port)).toBe('connected');
    for (const address of others) {
      expect(await connectOutcome(address, stack.port), address).toBe('ECONNREFUSED');
      expect(await connectOutcome(address, stack.lambdaPort), address).toBe('ECONNREFUSED');
    }
  });

  it("shows the AWS SDK's Node version warning at most once, however many functions load", async () => {
    // Each path runs another function (and the authorizer) in serverless-offline.
    for (const route of ['/v1/ping', '/v1/openapi.json', '/', '/v1/no-such-route', '/v1/rates', '/v1/health'])
      await fetch(`${stack.baseUrl}${route}`);

    await sleep(500); // lets the children's stderr reach us
    const shown = stack.output().split('NodeVersionSupportWarning').length - 1;
    // The SDK warns below Node 22: then the person at the terminal sees it exactly once.
    if (Number(process.versions.node.split('.')[0]) < 22) expect(shown).toBe(1);
    else expect(shown).toBeLessThanOrEqual(1);
  });

  it('answers the keyed sources with a 503 naming the missing key when started without keys', async () => {
    const demo = JSON.parse(readFileSync(`${stack.dataDir}/demo-client.json`, 'utf8'));
    const basic = Buffer.from(`${demo.client_id}:${demo.client_secret}`).toString('base64');
    const token = await fetch(`${stack.baseUrl}/v1/auth/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }).then(async (response) => (await response.json()).access_token as string);

    for (const [source, variable] of [
      ['fixer', 'FIXER_ACCESS_KEY'],
      ['banxico', 'BANXICO_TOKEN'],
    ] as const) {
      const response = await fetch(`${stack.baseUrl}/v1/rates/${source}`, {
        headers: { Authorization: `Bearer ${token}`, 'x-api-key': demo.api_key },
      });
      expect(response.status, source).toBe(503);
      expect(response.headers.get('content-type')).toBe(PROBLEM);
      expect((await response.json()).errors).toEqual({
        [source]: {
          code: 'not_configured',
          message: `${variable} is not set: set it to call this source, or run \`npm run start:sandbox\` to serve recorded answers`,
        },
      });
    }
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/nope`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain(PROBLEM);
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No route for GET /v1/nope',
    });
  });

  it('answers a wrong method with a 405 problem and Allow', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/health`, { method: 'DELETE' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: 'DELETE is not allowed on /v1/health',
    });
  });

  it('answers an unknown query parameter with a 400 problem naming it', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/health?verbose=1`);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'Unknown query parameter: verbose',
    });
  });

  it('runs a second stack beside the first, each with its own data', async () => {
    const second = await startStack();
    try {
      const [a, b] = await Promise.all([
        fetch(`${stack.baseUrl}/v1/health`),
        fetch(`${second.baseUrl}/v1/health`),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(second.port).not.toBe(stack.port);
    } finally {
      await second.stop();
    }
  }, 180_000);

  it('lets npm run refresh find the stack through its data directory, as client:* do', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: stack.dataDir };
    delete env.LAMBDA_PORT;
    delete env.PORT;
    const result = await runNode(['--import', 'tsx', 'scripts/refresh.ts'], { env, timeoutMs: 60_000 });

    expect(result.stderr).not.toContain('no local stack');
    expect(result.status).toBe(0);
    expect(() => JSON.parse(result.stdout)).not.toThrow();
  }, 90_000);

  it('refuses a second start on the same ports and leaves the first stack serving', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tdc-second-'));
    const result = await runNode(['--import', 'tsx', 'scripts/start.ts'], {
      env: {
        ...process.env,
        PORT: String(stack.port),
        LAMBDA_PORT: String(stack.lambdaPort),
        DATA_DIR: dataDir,
      },
      timeoutMs: 60_000,
    });

    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain('ready');
    expect(result.stderr).toContain(`port ${stack.port} (PORT) is already in use (EADDRINUSE)`);
    const health = await fetch(`${stack.baseUrl}/v1/health`);
    expect(health.status).toBe(200);
  }, 90_000);
});

describe('stopping and losing the database', () => {
  it('reports 503 once dynalite dies, and frees every port on SIGTERM', async () => {
    const stack = await startStack();
    try {
      // dynalite is the only process whose arguments name this stack's data dir.
      execFileSync('pkill', ['-f', `dynalite-server.cjs.*${stack.dataDir}`]);
      await sleep(200);
      const response = await fetch(`${stack.baseUrl}/v1/health`);

      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'degraded', checks: { database: 'unavailable' } });
    } finally {
      await stack.stop('SIGTERM');
    }
    expect(await isListening(stack.port)).toBe(false);
    expect(await isListening(stack.lambdaPort)).toBe(false);
    expect(() => execFileSync('pgrep', ['-f', stack.dataDir])).toThrow();
  }, 180_000);

  it('stops offline and dynalite too when the start script itself is killed outright', async () => {
    const stack = await startStack();
    const processesOfStack = () => {
      // dynalite names the data dir in its arguments, offline its HTTP port.
      const found = (pattern: string) => {
        try {
          return execFileSync('pgrep', ['-f', '--', pattern]).toString().trim().split('\n');
        } catch {
          return [];
        }
      };
      return [...found(stack.dataDir), ...found(`--httpPort ${stack.port}( |$)`)];
    };
    try {
      const startScript = readStackFile(stack.dataDir)?.pid;
      if (startScript === undefined || startScript === 0)
        throw new Error('no start script pid in stack.json');
      expect(processesOfStack().length).toBeGreaterThanOrEqual(2);

      // SIGKILL: no handler in the start script runs, so its children must notice by themselves.
      process.kill(startScript, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && processesOfStack().length > 0) await sleep(200);

      expect(processesOfStack()).toEqual([]);
      expect(await isListening(stack.port)).toBe(false);
      expect(await isListening(stack.lambdaPort)).toBe(false);
    } finally {
      await stack.stop();
    }
  }, 180_000);

  it('keeps the data of a first start in the second start', async () => {
    const first = await startStack();
    const secret = (await import('node:fs')).readFileSync(`${first.dataDir}/jwt-secret`, 'utf8');
    await first.stop('SIGINT');
    const second = await startStack({ dataDir: first.dataDir });
    try {
      const again = (await import('node:fs')).readFileSync(`${second.dataDir}/jwt-secret`, 'utf8');
      expect(again).toBe(secret);
      expect((await fetch(`${second.baseUrl}/v1/health`)).status).toBe(200);
    } finally {
      await second.stop();
    }
  }, 240_000);
});
