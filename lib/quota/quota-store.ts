import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClient } from '../db/client.js';
import type { QuotaStore, QuotaTake, TakeResult } from './consume-quota.js';

/**
 * A client's quota windows in one item: `pk=quota#<clientId>`, `sk=windows`, attributes
 * `minute_start`, `minute_count`, `day_start`, `day_count` (window starts in epoch s),
 * `expires_at` (TTL). Every admitted request is exactly one conditional UpdateItem that
 * charges both windows or neither, so a crash can never leave one charged alone.
 *
 * An update expression cannot branch, so there are three writes, one per state the item
 * can be in (same minute; new minute of the same day; new day or no item). The first try
 * assumes the common case; when its condition fails, a consistent read says which case
 * holds, or that a window is full (a refusal, which writes nothing).
 */
const MAX_TRIES = 6;

const quotaKey = (clientId: string) => ({ pk: `quota#${clientId}`, sk: 'windows' });

type Case = 'sameMinute' | 'newMinute' | 'newDay';

interface StoredWindows {
  minuteStart: number;
  minuteCount: number;
  dayStart: number;
  dayCount: number;
}

function storedFromItem(item: Record<string, unknown> | undefined): StoredWindows | undefined {
  if (item === undefined) return undefined;
  const { minute_start, minute_count, day_start, day_count } = item;
  if (
    typeof minute_start !== 'number' ||
    typeof minute_count !== 'number' ||
    typeof day_start !== 'number' ||
    typeof day_count !== 'number'
  ) {
    return undefined;
  }
  return { minuteStart: minute_start, minuteCount: minute_count, dayStart: day_start, dayCount: day_count };
}

const WRITES: Record<Case, { update: string; condition: string }> = {
  // Both windows current and both below their limits.
  sameMinute: {
    update: 'SET minute_count = minute_count + :one, day_count = day_count + :one',
    condition: 'minute_start = :ms AND day_start = :ds AND minute_count < :ml AND day_count < :dl',
  },
  // A later minute of the same day: the minute restarts at 1, the day goes on.
  newMinute: {
    update: 'SET minute_start = :ms, minute_count = :one, day_count = day_count + :one',
    condition: 'minute_start < :ms AND day_start = :ds AND day_count < :dl',
  },
  // A later day, or the client's first request (or an item we cannot read): both restart at 1.
  // `<` rather than `<>`: a caller whose clock lags never resets a newer window.
  newDay: {
    update:
      'SET minute_start = :ms, minute_count = :one, day_start = :ds, day_count = :one, expires_at = :expiresAt',
    condition: 'attribute_not_exists(day_start) OR attribute_not_exists(minute_start) OR day_start < :ds',
  },
};

export function createDynamoQuotaStore(table: TableClient): QuotaStore {
  const { doc, tableName } = table;

  async function write(
    which: Case,
    take: QuotaTake,
    starts: { ms: number; ds: number },
  ): Promise<TakeResult> {
    const { update, condition } = WRITES[which];
    const values: Record<string, number> = { ':one': 1, ':ms': starts.ms, ':ds': starts.ds };
    if (which !== 'newDay') values[':dl'] = take.day.limit;
    if (which === 'sameMinute') values[':ml'] = take.minute.limit;
    if (which === 'newDay') values[':expiresAt'] = take.expiresAt;
    const answer = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: quotaKey(take.clientId),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    const stored = storedFromItem(answer.Attributes);
    if (stored === undefined) throw new Error(`quota item of ${take.clientId} came back incomplete`);
    return { admitted: true, minuteCount: stored.minuteCount, dayCount: stored.dayCount };
  }

  return {
    async take(take) {
      let next: Case = 'sameMinute';
      let starts = { ms: take.minute.start, ds: take.day.start };
      for (let tries = 0; tries < MAX_TRIES; tries++) {
        try {
          return await write(next, take, starts);
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
        const { Item } = await doc.send(
          new GetCommand({ TableName: tableName, Key: quotaKey(take.clientId), ConsistentRead: true }),
        );
        const stored = storedFromItem(Item);
        if (stored === undefined || stored.dayStart < take.day.start) {
          next = 'newDay';
          starts = { ms: take.minute.start, ds: take.day.start };
          continue;
        }
        // Another instance's clock is ahead: count against its (newer) windows.
        starts = { ms: Math.max(stored.minuteStart, take.minute.start), ds: stored.dayStart };
        const minuteCount = stored.minuteStart < starts.ms ? 0 : stored.minuteCount;
        if (minuteCount >= take.minute.limit || stored.dayCount >= take.day.limit) {
          return { admitted: false, minuteCount, dayCount: stored.dayCount };
        }
        next = stored.minuteStart < starts.ms ? 'newMinute' : 'sameMinute';
      }
      throw new Error(`quota of ${take.clientId}: the windows kept changing under ${MAX_TRIES} tries`);
    },
  };
}
