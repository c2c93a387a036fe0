import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
 * the health check keeps its own 1.5 s deadline (lib/db/health-store.ts).
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
