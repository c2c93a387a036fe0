import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type AppConfig, getConfig } from '../config.js';

export interface TableClient {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * Short socket timeouts so a dead database is reported (health 503, stale cache) in
 * well under two seconds instead of hanging until the Lambda timeout.
 */
export function createTableClient(
  config: Pick<AppConfig, 'dynamodbEndpoint' | 'region' | 'tableName'>,
): TableClient {
  const endpoint = config.dynamodbEndpoint;
  const client = new DynamoDBClient({
    region: config.region,
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 800, requestTimeout: 1500 }),
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
