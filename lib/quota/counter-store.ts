import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClient } from '../db/client.js';

/**
 * A counter that never goes past its limit, one item per (pk, sk). Used for the
 * per-client quota windows and for the token endpoint's failed-attempt budget.
 */
export interface CounterKey {
  pk: string;
  sk: string;
}

export type IncrementResult = { admitted: true; count: number } | { admitted: false };

export interface BoundedCounter {
  /** Adds one unless the counter already holds `limit`; `expiresAt` (epoch s) lets DynamoDB TTL collect it. */
  increment(key: CounterKey, limit: number, expiresAt: number): Promise<IncrementResult>;
  /** Gives one back (a refund); never creates an item and never goes below zero. */
  decrement(key: CounterKey): Promise<void>;
}

export function createDynamoCounterStore(table: TableClient): BoundedCounter {
  return {
    async increment(key, limit, expiresAt) {
      try {
        const answer = await table.doc.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: { pk: key.pk, sk: key.sk },
            UpdateExpression: 'ADD #count :one SET expires_at = if_not_exists(expires_at, :expiresAt)',
            // The check and the increment are one atomic write: concurrent callers cannot all
            // read "49" and all pass, as they could with a read-then-write.
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expiresAt': expiresAt },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        const count = answer.Attributes?.count;
        if (typeof count !== 'number') throw new Error(`counter ${key.pk}/${key.sk} returned no count`);
        return { admitted: true, count };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { admitted: false };
        throw error;
      }
    },

    async decrement(key) {
      try {
        await table.doc.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: { pk: key.pk, sk: key.sk },
            UpdateExpression: 'ADD #count :minusOne',
            ConditionExpression: '#count > :zero',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return;
        throw error;
      }
    },
  };
}
