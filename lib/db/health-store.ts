import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClient } from './client.js';

/** One cheap keyed read proves the table answers (GetItem is all the health role may do). */
export async function pingTable(table: TableClient, timeoutMs: number): Promise<void> {
  await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'health', sk: 'health' } }), {
    abortSignal: AbortSignal.timeout(timeoutMs),
  });
}
