import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_ROOT } from './template.js';

/**
 * How a running `npm start` is found by the admin commands: it writes
 * `<DATA_DIR>/stack.json` once its table exists and removes it when it stops.
 */
export interface StackInfo {
  dynamodbEndpoint: string;
  tableName: string;
  baseUrl: string;
  pid: number;
  /** serverless-offline's Lambda invoke port (npm run refresh); absent in older files. */
  lambdaPort?: number;
}

const FILE = 'stack.json';

/** The data dir `npm start` uses: DATA_DIR, else `.data` for PORT 3000 and `.data/stack-<PORT>` otherwise. */
export function localDataDir(env: Readonly<Record<string, string | undefined>>, explicit?: string): string {
  const port = env.PORT?.trim() || '3000';
  const chosen = explicit || env.DATA_DIR || (port === '3000' ? '.data' : `.data/stack-${port}`);
  return path.resolve(SERVICE_ROOT, chosen);
}

export function writeStackFile(dataDir: string, info: StackInfo): void {
  writeFileSync(path.join(dataDir, FILE), `${JSON.stringify(info, null, 2)}\n`);
}

export function removeStackFile(dataDir: string): void {
  rmSync(path.join(dataDir, FILE), { force: true });
}

export function readStackFile(dataDir: string): StackInfo | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path.join(dataDir, FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { dynamodbEndpoint, tableName, baseUrl, pid, lambdaPort } = parsed as Record<string, unknown>;
  if (typeof dynamodbEndpoint !== 'string' || typeof tableName !== 'string') return undefined;
  return {
    dynamodbEndpoint,
    tableName,
    baseUrl: typeof baseUrl === 'string' ? baseUrl : '',
    pid: typeof pid === 'number' ? pid : 0,
    ...(typeof lambdaPort === 'number' ? { lambdaPort } : {}),
  };
}

/**
 * Whether the process that wrote stack.json still runs. A `kill -9`ed `npm start` cannot
 * remove its stack.json; its pid is then gone (ESRCH). EPERM means alive but not ours.
 */
export function isStackRunning(info: StackInfo): boolean {
  if (!Number.isInteger(info.pid) || info.pid <= 0) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
