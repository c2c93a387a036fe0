import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dynalite exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`dynalite did not listen on ${port} within ${timeoutMs} ms`);
}

/**
 * dynalite runs as its own child process (not in-process) so that it can be stopped
 * independently, which is how the health check's 503 path is exercised.
 */
export async function startDynalite(options: { dataPath?: string; port?: number }) {
  const port = options.port ?? (await freePort());
  const cli = createRequire(import.meta.url).resolve('dynalite/cli.js');
  const args = [
    // Dies with whoever started it (npm start, a test worker), even when that is SIGKILLed.
    '--require',
    EXIT_WITH_PARENT,
    cli,
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--createTableMs',
    '0',
    '--deleteTableMs',
    '0',
  ];
  if (options.dataPath !== undefined) args.push('--path', options.dataPath);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, child, 10_000);
  return { endpoint: `http://127.0.0.1:${port}`, port, process: child };
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
