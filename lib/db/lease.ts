import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClient } from './client.js';
import { conditional } from './counter.js';

/**
 * The lease item `{pk, sk: 'lease', owner, lease_until, expires_at}`, written once for every
 * lease in the table (the rate cache's refresh, the history's chunk and day fetches): who
 * may call an upstream right now. No transactions and no TTL are relied on (dynalite has
 * neither): `expires_at` is for AWS's garbage collection only, `lease_until` is checked.
 */

const DAY_S = 86_400;

/**
 * True when `owner` now holds the lease `pk` until `now + ttlMs`. A lease left by a crashed
 * holder simply runs out: the condition admits a new owner once lease_until has passed.
 */
export function acquireLease(table: TableClient, pk: string, owner: string, now: number, ttlMs: number) {
  return conditional(
    table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk,
          sk: 'lease',
          owner,
          lease_until: now + ttlMs,
          expires_at: Math.ceil((now + ttlMs) / 1000) + DAY_S,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR lease_until < :now',
        ExpressionAttributeValues: { ':now': now },
      }),
    ),
  );
}

/** Gives the lease back, only if `owner` still holds it (a lease that ran out may have a new owner). */
export async function releaseLease(table: TableClient, pk: string, owner: string): Promise<void> {
  await conditional(
    table.doc.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: { pk, sk: 'lease' },
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    ),
  );
}
