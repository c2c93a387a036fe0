import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClient } from './client.js';

/** A conditional write's outcome: true when written, false when its condition failed; any other error is thrown. */
export async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export interface CounterOptions {
  /** The numeric attribute counted. */
  attribute: string;
  /** Count only while the stored count is below this (a budget); absent: always count. */
  below?: number;
  /** The item's TTL (epoch seconds), set with its first count and kept after. */
  expiresAt?: number;
}

/**
 * The bounded-counter UpdateItem, written once: ADD one to `attribute` of item `key`
 * (atomic, so concurrent writers all count). With `below`, the condition admits the write
 * only while the count is under it, so a budget is never overshot however many instances
 * race: false, and nothing counted, once it is reached.
 */
export function incrementCounter(
  table: TableClient,
  key: { pk: string; sk: string },
  options: CounterOptions,
): Promise<boolean> {
  const { attribute, below, expiresAt } = options;
  return conditional(
    table.doc.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: `ADD #count :one${expiresAt === undefined ? '' : ' SET expires_at = if_not_exists(expires_at, :gc)'}`,
        ...(below === undefined
          ? {}
          : { ConditionExpression: 'attribute_not_exists(#count) OR #count < :below' }),
        ExpressionAttributeNames: { '#count': attribute },
        ExpressionAttributeValues: {
          ':one': 1,
          ...(expiresAt === undefined ? {} : { ':gc': expiresAt }),
          ...(below === undefined ? {} : { ':below': below }),
        },
      }),
    ),
  );
}
