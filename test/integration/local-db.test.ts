import net from 'node:net';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableClient, pingTable } from '../../lib/db/client.js';
import { checkHealth } from '../../lib/health.js';
import { ensureTable, localDynamoClient, startDynalite } from '../../scripts/lib/local-db.js';

describe('the table created from serverless.yml on a real dynalite', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;

  beforeAll(async () => {
    db = await startDynalite({});
    await ensureTable(db.endpoint, 'tdc-test');
  });

  afterAll(() => {
    db?.process.kill();
  });

  it('has the key schema the template declares and is ACTIVE', async () => {
    const { Table } = await localDynamoClient(db.endpoint).send(
      new DescribeTableCommand({ TableName: 'tdc-test' }),
    );

    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('is created idempotently', async () => {
    await expect(ensureTable(db.endpoint, 'tdc-test')).resolves.toBeUndefined();
  });

  it('reports the database ok, then unavailable once dynalite dies', async () => {
    const table = createTableClient({
      dynamodbEndpoint: db.endpoint,
      region: 'us-east-1',
      tableName: 'tdc-test',
    });
    const ping = () => pingTable(table, 1500);
    expect(await checkHealth({ pingDatabase: ping })).toEqual({ status: 'ok', checks: { database: 'ok' } });

    db.process.kill('SIGKILL');
    await new Promise((resolve) => db.process.once('exit', resolve));
    const report = await checkHealth({ pingDatabase: ping });

    expect(report).toEqual({ status: 'degraded', checks: { database: 'unavailable' } });
  });
});

describe('a database that accepts connections but never answers', () => {
  it('is reported unavailable at the ping deadline, not hung on', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const table = createTableClient({
      dynamodbEndpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      tableName: 'tdc-test',
    });
    try {
      const ping = pingTable(table, 1500).catch((error: unknown) => error);
      const report = await checkHealth({ pingDatabase: () => pingTable(table, 1500) });

      expect(report.checks.database).toBe('unavailable');
      // The ping's own deadline ended it (not a refused or reset connection).
      expect(await ping).toMatchObject({ name: 'AbortError', cause: { name: 'TimeoutError' } });
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});
