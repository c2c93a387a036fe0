import { access } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type AppConfig, getConfig } from '../config.js';

export interface TableClient {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/** DynamoDB accepts a connection in milliseconds: anything slower is a dead database. */
const AWS_TIMEOUTS = { connectionTimeout: 800, requestTimeout: 1500 };
/**
 * A local emulator (DYNAMODB_ENDPOINT) is one Node process sharing the CPU with offline:
 * under a cold burst of 200 it takes seconds to accept connections, and the AWS timeouts
 * turned that into 401s and 503s for valid clients. A dead emulator refuses at once, and
 * the health check keeps its own 1.5 s deadline (pingTable below).
 */
const EMULATOR_TIMEOUTS = { connectionTimeout: 5000, requestTimeout: 5000 };

/**
 * Short socket timeouts so a dead database is reported (health 503, stale cache) in
 * well under two seconds instead of hanging until the Lambda timeout. The handler's
 * options are passed as a plain object (the SDK builds its own NodeHttpHandler): importing
 * @smithy/node-http-handler would bundle ~120 kB the runtime already has.
 */
export function createTableClient(
  config: Pick<AppConfig, 'dynamodbEndpoint' | 'region' | 'tableName'>,
): TableClient {
  const endpoint = config.dynamodbEndpoint;
  const client = new DynamoDBClient({
    region: config.region,
    maxAttempts: 2,
    requestHandler: endpoint === undefined ? AWS_TIMEOUTS : EMULATOR_TIMEOUTS,
    ...(endpoint === undefined
      ? {}
      : { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
  return {
    doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: config.tableName,
  };
}

let shared: TableClient | undefined;

/** One client per Lambda instance, created on first use. */
export function getTableClient(): TableClient {
  shared ??= createTableClient(getConfig());
  return shared;
}

/** One cheap keyed read proves the table answers (GetItem is all the health role may do). */
export async function pingTable(table: TableClient, timeoutMs: number): Promise<void> {
  await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'health', sk: 'health' } }), {
    abortSignal: AbortSignal.timeout(timeoutMs),
  });
}

/**
 * The local stack's data still exists: its data directory (the JWT secret, stack.json) and,
 * when `npm start` runs an embedded dynalite, that database's files. dynalite keeps
 * answering from open files after `.data/` is deleted under it, and would lose every write
 * at its next start, so a GetItem alone cannot tell.
 */
export async function checkLocalData(paths: {
  dataDir: string;
  localDbDir: string | undefined;
}): Promise<void> {
  await access(paths.dataDir);
  if (paths.localDbDir !== undefined) await access(paths.localDbDir);
}
