import { BatchWriteItemCommand, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';

/**
 * Deletes every cached rate, lease and upstream counter from a local table (the state of
 * a first deployment), then waits out the instances' memory of what they read
 * (RATES_MEMORY_TTL_MS), so the next request really finds the cache cold. For the e2e
 * tests and the bench, which run the stack against a dynalite they started.
 */
export async function makeCacheCold(
  db: DynamoDBClient,
  tableName: string,
  memoryTtlMs: number,
): Promise<void> {
  const scan = await db.send(new ScanCommand({ TableName: tableName, ProjectionExpression: 'pk, sk' }));
  const keys = (scan.Items ?? []).filter((item) => /^(rate|lease|upstream)#/.test(item.pk?.S ?? ''));
  for (let i = 0; i < keys.length; i += 25) {
    await db.send(
      new BatchWriteItemCommand({
        RequestItems: { [tableName]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) },
      }),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, memoryTtlMs + 100));
}
