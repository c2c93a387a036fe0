import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { TableClient } from '../../lib/db/client.js';
import { ensureTable, startDynalite } from '../../scripts/lib/local-db.js';

export interface TestTable {
  table: TableClient;
  endpoint: string;
  close: () => Promise<void>;
}

/**
 * A real dynalite (in memory, free port) with the table from serverless.yml. The client
 * never retries and waits long: a retried `ADD` would count twice and blur what the
 * concurrency tests measure.
 */
export async function startTestTable(tableName = 'tdc-auth-test'): Promise<TestTable> {
  const db = await startDynalite({});
  await ensureTable(db.endpoint, tableName);
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30_000 }),
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    table: { doc, tableName },
    endpoint: db.endpoint,
    close: async () => {
      doc.destroy();
      const exited = new Promise((resolve) => db.process.once('exit', resolve));
      db.process.kill();
      await exited;
    },
  };
}
