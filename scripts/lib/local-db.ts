import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { SERVICE_ROOT, tableDefinitionFromTemplate } from './template.js';

/** `node --require` this into a child so that it stops when its parent dies (see the file). */
export const EXIT_WITH_PARENT = path.join(SERVICE_ROOT, 'scripts', 'lib', 'exit-with-parent.cjs');
/** dynalite behind a port-0 bind that reports its port (see the file). */
export const DYNALITE_SERVER = path.join(SERVICE_ROOT, 'scripts', 'lib', 'dynalite-server.cjs');

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * dynalite runs as its own child process (not in-process) so that it can be stopped
 * independently, which is how the health check's 503 path is exercised.
 */
export async function startDynalite(options: { dataPath?: string; port?: number }) {
  const args = [
    // Dies with whoever started it (npm start, a test worker), even when that is SIGKILLed.
    '--require',
    EXIT_WITH_PARENT,
    DYNALITE_SERVER,
    // 0 (the default): dynalite binds a port the kernel picks and reports it.
    '--port',
    String(options.port ?? 0),
    '--host',
    '127.0.0.1',
  ];
  if (options.dataPath !== undefined) args.push('--path', options.dataPath);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await listeningPort(child, 30_000);
  return { endpoint: `http://127.0.0.1:${port}`, port, process: child };
}

/** Waits for dynalite-server.cjs's "listening" line and returns the port in it. */
function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const done = (error?: Error, port?: number) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining: a full pipe would block dynalite on a later write.
      child.stdout?.resume();
      if (port !== undefined) resolve(port);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Dynalite listening at: http:\/\/[^:]+:(\d+)/.exec(output);
      if (match?.[1]) done(undefined, Number(match[1]));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      done(new Error(`dynalite exited (${signal ?? code}) before listening`));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(new Error(`dynalite did not listen within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Creates the app table from serverless.yml unless it exists, then waits for ACTIVE. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localDynamoClient(endpoint);
  try {
    await client.send(new CreateTableCommand(tableDefinitionFromTemplate(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.TableStatus !== 'ACTIVE') throw new Error(`table ${tableName} is ${Table?.TableStatus}`);
  client.destroy();
}
