import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClient } from '../db/client.js';
import { incrementCounter } from '../db/counter.js';
import { type FailureCount, type FailureStore, NO_FAILURES } from './failed-attempts.js';

/**
 * Verified token-endpoint failures in the single table, one item per subject and window:
 * `pk=token-failures#caller#<ip>` or `token-failures#client#<id>`, `sk=window#<start>`,
 * attributes `failures`, `last_failure_at` (epoch ms), `expires_at` (TTL).
 */
const callerKey = (caller: string, start: number) => ({
  pk: `token-failures#caller#${caller}`,
  sk: `window#${start}`,
});
const clientKey = (clientId: string, start: number) => ({
  pk: `token-failures#client#${clientId}`,
  sk: `window#${start}`,
});

function countFromItem(item: Record<string, unknown> | undefined): FailureCount {
  const failures = item?.failures;
  const last = item?.last_failure_at;
  if (typeof failures !== 'number' || typeof last !== 'number') return NO_FAILURES;
  return { failures, lastFailureMs: last };
}

export function createDynamoFailureStore(table: TableClient): FailureStore {
  const { doc, tableName } = table;
  const get = async (key: { pk: string; sk: string }) =>
    countFromItem(
      (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item,
    );
  const add = (key: { pk: string; sk: string }, nowMs: number, expiresAt: number) =>
    doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        // ADD is atomic, so concurrent failures all count. last_failure_at only moves forward.
        UpdateExpression: 'ADD failures :one SET last_failure_at = :now, expires_at = :expiresAt',
        ConditionExpression: 'attribute_not_exists(last_failure_at) OR last_failure_at <= :now',
        ExpressionAttributeValues: { ':one': 1, ':now': nowMs, ':expiresAt': expiresAt },
      }),
    );
  const addCounting = async (key: { pk: string; sk: string }, nowMs: number, expiresAt: number) => {
    try {
      await add(key, nowMs, expiresAt);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // A later failure already moved last_failure_at: count this one without moving it back.
      await incrementCounter(table, key, { attribute: 'failures' });
    }
  };

  return {
    async read(subject, windowStart) {
      const [caller, client] = await Promise.all([
        get(callerKey(subject.caller, windowStart)),
        get(clientKey(subject.clientId, windowStart)),
      ]);
      return { caller, client };
    },

    async record(subject, window, nowMs) {
      await Promise.all([
        addCounting(callerKey(subject.caller, window.start), nowMs, window.expiresAt),
        subject.clientKnown
          ? addCounting(clientKey(subject.clientId, window.start), nowMs, window.expiresAt)
          : null,
      ]);
    },
  };
}
