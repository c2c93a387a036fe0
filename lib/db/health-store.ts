import { access } from 'node:fs/promises';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClient } from './client.js';

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
