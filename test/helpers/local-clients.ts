import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NewClientCredentials } from '../../lib/auth/client-admin.js';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

export { basicAuthorization, issueToken } from '../../scripts/lib/rates-client.js';

/** `npm run client:create -- --name … --plan …` against the stack whose data lives in `dataDir`. */
export async function createClientWithCli(
  dataDir: string,
  name: string,
  plan: 'free' | 'pro',
): Promise<NewClientCredentials> {
  const { stdout } = await promisify(execFile)(
    'npm',
    ['run', '--silent', 'client:create', '--', '--name', name, '--plan', plan],
    { cwd: SERVICE_ROOT, env: { ...process.env, DATA_DIR: dataDir } },
  );
  return JSON.parse(stdout) as NewClientCredentials;
}

/**
 * The pid of the dynalite that `npm start` runs for this data dir (found by its exact
 * `--path <dataDir>/dynamodb` argument), so a test stops that one process and no other.
 */
export function dynalitePidFor(dataDir: string): number | undefined {
  const wanted = path.join(dataDir, 'dynamodb');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const pathIndex = args.indexOf('--path');
    if (
      args.some((arg) => arg.endsWith(`${path.sep}dynalite-server.cjs`)) &&
      args[pathIndex + 1] === wanted
    ) {
      return Number(entry);
    }
  }
  return undefined;
}

/** Stops the stack's database (only it) and waits until the process is gone. */
export async function stopDatabaseOf(dataDir: string): Promise<void> {
  const pid = dynalitePidFor(dataDir);
  if (pid === undefined) throw new Error(`no dynalite running for ${dataDir}`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && dynalitePidFor(dataDir) !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * serverless-offline loads a function on its first call, inside that function's timeout;
 * on a busy machine that first call can end in offline's own 504. Calling each function
 * once beforehand (unchecked, repeated while 504) keeps that emulator artefact out of
 * the checks that follow.
 */
export async function warmUpFunctions(
  baseUrl: string,
  calls: ReadonlyArray<{ method?: string; path: string; headers?: Record<string, string> }>,
): Promise<void> {
  for (const call of calls) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fetch(`${baseUrl}${call.path}`, {
        method: call.method ?? 'GET',
        headers: call.headers ?? {},
      });
      await response.arrayBuffer();
      if (response.status !== 504) break;
    }
  }
}
