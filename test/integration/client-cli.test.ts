import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClientStore } from '../../lib/auth/client-store.js';
import { verifySecret } from '../../lib/auth/secret-hash.js';
import { writeStackFile } from '../../scripts/lib/stack-file.js';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';
import { startTestTable, type TestTable } from '../helpers/dynalite-table.js';

/** `scripts/client.ts` as `npm run client:*` runs it, against a stack found through stack.json. */
let db: TestTable;
let dataDir: string;

beforeAll(async () => {
  db = await startTestTable('tdc-cli-test');
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'tdc-cli-'));
  writeStackFile(dataDir, {
    dynamodbEndpoint: db.endpoint,
    tableName: db.table.tableName,
    baseUrl: 'http://127.0.0.1:1',
    pid: process.pid,
  });
});

afterAll(async () => {
  await db?.close();
});

async function cli(...args: string[]) {
  const result = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/client.ts', ...args, '--data-dir', dataDir],
    { cwd: SERVICE_ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  ).catch((error: { stdout: string; stderr: string; code: number }) => error);
  return { stdout: result.stdout, stderr: result.stderr, code: 'code' in result ? result.code : 0 };
}

describe('the client admin commands', () => {
  it('create a client, printing exactly one JSON object with the credentials', async () => {
    const { stdout, code } = await cli('create', '--name', 'acme', '--plan', 'pro');

    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const created = JSON.parse(stdout);
    expect(Object.keys(created)).toEqual(['client_id', 'client_secret', 'api_key', 'plan']);
    expect(created.plan).toBe('pro');
    expect(created.api_key).toMatch(/^[0-9a-f]{48}$/);
    const stored = await createDynamoClientStore(db.table).getClient(created.client_id);
    expect(stored).toMatchObject({ name: 'acme', plan: 'pro', apiKey: created.api_key, disabled: false });
    expect(stored?.secretHash).not.toContain(created.client_secret);
    expect(await verifySecret(created.client_secret, stored?.secretHash ?? '')).toBe(true);
  });

  it('list clients without secrets, hashes or keys', async () => {
    const created = JSON.parse((await cli('create', '--name', 'listed')).stdout);

    const { stdout } = await cli('list');

    const listed = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(listed.find((client) => client.client_id === created.client_id)).toEqual({
      client_id: created.client_id,
      name: 'listed',
      plan: 'free',
      disabled: false,
      created_at: expect.any(String),
    });
    expect(stdout).not.toContain(created.api_key);
    expect(stdout).not.toContain('scrypt$');
  });

  it('disable a client and rotate its key', async () => {
    const created = JSON.parse((await cli('create', '--name', 'rotating')).stdout);

    const rotated = JSON.parse((await cli('rotate-key', '--client-id', created.client_id)).stdout);
    const disabled = await cli('disable', '--client-id', created.client_id);

    expect(rotated.client_id).toBe(created.client_id);
    expect(rotated.api_key).toMatch(/^[0-9a-f]{48}$/);
    expect(rotated.api_key).not.toBe(created.api_key);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ client_id: created.client_id, disabled: true });
    expect(await createDynamoClientStore(db.table).getClient(created.client_id)).toMatchObject({
      apiKey: rotated.api_key,
      disabled: true,
    });
  });

  it('name every field in snake_case, as the API does', async () => {
    const created = JSON.parse((await cli('create', '--name', 'naming')).stdout);
    const answers = [
      created,
      ...JSON.parse((await cli('list')).stdout),
      JSON.parse((await cli('rotate-key', `--client-id=${created.client_id}`)).stdout),
      JSON.parse((await cli('disable', `--client-id=${created.client_id}`)).stdout),
    ];

    const keys = new Set(answers.flatMap((answer) => Object.keys(answer)));
    expect([...keys].filter((key) => !/^[a-z]+(_[a-z]+)*$/.test(key))).toEqual([]);
    expect(keys).toContain('client_id');
    expect(keys).toContain('created_at');
  });

  it('fail with a message on stderr and nothing on stdout', async () => {
    const badPlan = await cli('create', '--name', 'x', '--plan', 'gold');
    const unknown = await cli('disable', '--client-id', 'cl_nobody');
    const noStack = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/client.ts',
        'list',
        '--data-dir',
        mkdtempSync(path.join(os.tmpdir(), 'tdc-none-')),
      ],
      { cwd: SERVICE_ROOT },
    ).catch((error: { stdout: string; stderr: string; code: number }) => error);

    expect(badPlan).toMatchObject({ code: 2, stdout: '' });
    expect(badPlan.stderr).toContain('--plan must be one of free, pro');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toContain('No client with id cl_nobody');
    expect(noStack.stdout).toBe('');
    expect(noStack.stderr).toContain('No running local stack found');
  });

  it('say the stack is not running when stack.json names a dead process', async () => {
    const staleDir = mkdtempSync(path.join(os.tmpdir(), 'tdc-stale-'));
    // A pid that existed and is gone, as after `kill -9` of npm start.
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    writeStackFile(staleDir, {
      dynamodbEndpoint: 'http://127.0.0.1:1',
      tableName: 'gone',
      baseUrl: 'http://127.0.0.1:1',
      pid: deadPid,
    });

    const result = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/client.ts', 'list', '--data-dir', staleDir],
      { cwd: SERVICE_ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    ).catch((error: { stdout: string; stderr: string; code: number }) => error);

    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain(
      `The local stack in ${staleDir} is not running: its process ${deadPid} is gone`,
    );
    expect(result.stderr).not.toContain('ECONNREFUSED');
  });

  it('checks the command line before looking for a stack: a wrong option is exit 2 without one', async () => {
    const noStackDir = mkdtempSync(path.join(os.tmpdir(), 'tdc-nostack-'));
    const run = (args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'scripts/client.ts', ...args, '--data-dir', noStackDir],
        { cwd: SERVICE_ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      ).catch((error: { stdout: string; stderr: string; code: number }) => error);

    const [badPlan, noClientId] = await Promise.all([
      run(['create', '--name', 'x', '--plan', 'gold']),
      run(['disable']),
    ]);
    expect(badPlan).toMatchObject({ code: 2, stdout: '' });
    expect(badPlan.stderr).toContain('--plan must be one of free, pro');
    expect(noClientId).toMatchObject({ code: 2, stdout: '' });
    expect(noClientId.stderr).toContain('--client-id is required');
  });

  it('names start:sandbox when the stale stack was a sandbox', async () => {
    const sandboxDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'tdc-stale-')), 'sandbox');
    mkdirSync(sandboxDir);
    writeStackFile(sandboxDir, {
      dynamodbEndpoint: 'http://127.0.0.1:1',
      tableName: 'gone',
      baseUrl: 'http://127.0.0.1:1',
      pid: spawnSync(process.execPath, ['-e', '']).pid,
    });

    const result = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/client.ts', 'list', '--data-dir', sandboxDir],
      { cwd: SERVICE_ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1', PORT: '' } },
    ).catch((error: { stdout: string; stderr: string; code: number }) => error);

    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain('Start it again (npm run start:sandbox), or pass --stage.');
  });
});
