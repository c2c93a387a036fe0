import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

/**
 * Every `npm run` script that is one of ours answers `--help` with its usage (exit 0,
 * nothing started) and an unknown option with the usage on stderr (exit 2). The list
 * comes from package.json itself, so a new script is covered as soon as it is added.
 */
const scripts = JSON.parse(readFileSync(path.join(SERVICE_ROOT, 'package.json'), 'utf8')).scripts as Record<
  string,
  string
>;
const OURS = /^node --import tsx (scripts\/[\w-]+\.ts)((?: [\w-]+)*)$/;
const commands = Object.entries(scripts).flatMap(([name, command]) => {
  const match = OURS.exec(command);
  if (match?.[1] === undefined) return [];
  return [{ name, file: match[1], args: (match[2] ?? '').split(' ').filter(Boolean) }];
});
// Not an npm script, but documented for running the replay server on its own.
commands.push({ name: 'scripts/replay-server.ts', file: 'scripts/replay-server.ts', args: [] });

async function run(file: string, args: string[]) {
  const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: SERVICE_ROOT,
    // No local stack is reachable here: --help must answer before anything is started.
    env: { ...process.env, NODE_NO_WARNINGS: '1', PORT: '1', LAMBDA_PORT: '1' },
    timeout: 60_000,
  }).catch((error: { stdout: string; stderr: string; code: number }) => error);
  return { stdout: result.stdout, stderr: result.stderr, code: 'code' in result ? result.code : 0 };
}

describe('the npm scripts', () => {
  it('include every script that takes options', () => {
    expect(commands.map((command) => command.name)).toEqual(
      expect.arrayContaining([
        'start',
        'start:sandbox',
        'client:create',
        'client:list',
        'client:disable',
        'client:rotate-key',
        'refresh',
        'contract:live',
        'smoke',
        'bench',
      ]),
    );
  });

  it.each(commands)('$name answers --help with its usage and exit 0', async ({ file, args }) => {
    const { stdout, stderr, code } = await run(file, [...args, '--help']);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Usage:\n/);
    expect(stdout).toContain('-h, --help');
  });

  it.each(commands)('$name refuses an unknown option with the usage and exit 2', async ({ file, args }) => {
    const { stdout, stderr, code } = await run(file, [...args, '--no-such-option']);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("Unknown option '--no-such-option'");
    expect(stderr).toContain('Usage:\n');
  });
});

describe('a value starting with a dash', () => {
  it('is refused with a hint when written apart from its option', async () => {
    const { stderr, code } = await run('scripts/smoke.ts', ['--client-secret', '-6aLjPyo']);

    expect(code).toBe(2);
    expect(stderr).toContain("'--client-secret=-XYZ'");
  });

  it('is read when written --option=value', async () => {
    const { stderr, code } = await run('scripts/smoke.ts', ['--client-secret=-6aLjPyo', '--requests=x']);

    // Parsing got past the secret to the next check.
    expect(code).toBe(2);
    expect(stderr).toContain('--base-url is required');
  });
});
