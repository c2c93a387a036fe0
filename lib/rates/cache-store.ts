import { BatchGetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ProviderErrorCode } from '../core/provider-error.js';
import type { ParsedRate, ParsedSource, SourceId } from '../core/rate.js';
import type { TableClient } from '../db/client.js';
import { conditional, incrementCounter } from '../db/counter.js';
import { acquireLease, releaseLease } from '../db/lease.js';
import type { CachedValue, CacheEntry, RateCacheStore, UpstreamCounts } from './rate-store.js';

/**
 * The DynamoDB adapter of the rate cache (the port is rate-store.ts): the only file that
 * knows its item layout.
 *
 *   rate#<source>     latest                 the last good value + last failure
 *   rate#<source>     history#<date>#<key>   one item per (rate, date)
 *   lease#<source>    lease                  who may call the upstream right now
 *   upstream#<source> month#YYYY-MM | day#…  upstream call counters (budget, health)
 */

const LATEST = 'latest';
const DAY_S = 86_400;

const ratePk = (source: SourceId) => `rate#${source}`;
const leasePk = (source: SourceId) => `lease#${source}`;
const upstreamPk = (source: SourceId) => `upstream#${source}`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isParsedRate(value: unknown): value is ParsedRate {
  return (
    isObject(value) &&
    typeof value.key === 'string' &&
    typeof value.value === 'number' &&
    typeof value.date === 'string' &&
    typeof value.lastUpdated === 'string' &&
    typeof value.kind === 'string' &&
    typeof value.source === 'string' &&
    isObject(value.provenance)
  );
}

/** Items are validated on the way in: a malformed item reads as "nothing cached". */
function toParsedSource(json: unknown): ParsedSource | undefined {
  if (typeof json !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !Array.isArray(parsed.rates) || !parsed.rates.every(isParsedRate))
    return undefined;
  const fixByDate = isObject(parsed.fixByDate) ? (parsed.fixByDate as Record<string, number>) : undefined;
  const newestRowDate = typeof parsed.newestRowDate === 'string' ? parsed.newestRowDate : undefined;
  return {
    rates: parsed.rates,
    ...(fixByDate === undefined ? {} : { fixByDate }),
    ...(newestRowDate === undefined ? {} : { newestRowDate }),
  };
}

function toEntry(item: Record<string, unknown>): CacheEntry {
  const parsed = toParsedSource(item.payload);
  const numbers = ['fetched_at', 'fresh_until', 'next_expected'].map((name) => item[name]);
  const value: CachedValue | undefined =
    parsed !== undefined &&
    typeof item.data_date === 'string' &&
    typeof item.data_version === 'string' &&
    numbers.every((n) => typeof n === 'number')
      ? {
          parsed,
          dataDate: item.data_date,
          dataVersion: item.data_version,
          fetchedAt: item.fetched_at as number,
          ...(typeof item.checked_at === 'number' ? { checkedAt: item.checked_at } : {}),
          freshUntil: item.fresh_until as number,
          nextExpectedUpdate: item.next_expected as number,
        }
      : undefined;
  const error = item.last_error;
  const lastError =
    isObject(error) &&
    typeof error.code === 'string' &&
    typeof error.message === 'string' &&
    typeof error.at === 'number'
      ? { code: error.code as ProviderErrorCode, message: error.message, at: error.at }
      : undefined;
  return {
    value,
    lastError,
    nextAttemptAt: typeof item.next_attempt_at === 'number' ? item.next_attempt_at : undefined,
  };
}

/** The latest entries of these sources. */
function latestReadOf(table: TableClient): Pick<RateCacheStore, 'readLatest'> {
  const { doc, tableName: TableName } = table;
  return {
    async readLatest(sources) {
      const result = new Map<SourceId, CacheEntry>();
      if (sources.length === 0) return result;
      const answer = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [TableName]: { Keys: sources.map((source) => ({ pk: ratePk(source), sk: LATEST })) },
          },
        }),
      );
      for (const item of answer.Responses?.[TableName] ?? []) {
        const source = sources.find((id) => ratePk(id) === item.pk);
        if (source !== undefined) result.set(source, toEntry(item));
      }
      // Unprocessed keys (throttling in AWS) read as "not cached": the caller refreshes under a lease.
      return result;
    },
  };
}

/** The upstream call counters (month and day), for the budget and /v1/health. */
function countersOf(table: TableClient): Pick<RateCacheStore, 'readUpstreamCounts' | 'countUpstreamCall'> {
  const { doc, tableName: TableName } = table;
  return {
    async readUpstreamCounts(sources, month, day) {
      const result = new Map<SourceId, UpstreamCounts>(
        sources.map((source) => [source, { callsToday: 0, callsThisMonth: 0 }]),
      );
      if (sources.length === 0) return result;
      const answer = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [TableName]: {
              Keys: sources.flatMap((source) => [
                { pk: upstreamPk(source), sk: `month#${month}` },
                { pk: upstreamPk(source), sk: `day#${day}` },
              ]),
            },
          },
        }),
      );
      for (const item of answer.Responses?.[TableName] ?? []) {
        const source = sources.find((id) => upstreamPk(id) === item.pk);
        const counts = source === undefined ? undefined : result.get(source);
        const calls = typeof item.calls === 'number' ? item.calls : 0;
        if (counts === undefined) continue;
        if (String(item.sk).startsWith('month#')) counts.callsThisMonth = calls;
        else counts.callsToday = calls;
      }
      return result;
    },

    async countUpstreamCall(source, month, day, monthlyBudget) {
      const nowS = Math.ceil(Date.now() / 1000);
      const admitted = await incrementCounter(
        table,
        { pk: upstreamPk(source), sk: `month#${month}` },
        {
          attribute: 'calls',
          expiresAt: nowS + 400 * DAY_S,
          ...(monthlyBudget === undefined ? {} : { below: monthlyBudget }),
        },
      );
      if (!admitted) return false;
      await incrementCounter(
        table,
        { pk: upstreamPk(source), sk: `day#${day}` },
        { attribute: 'calls', expiresAt: nowS + 40 * DAY_S },
      );
      return true;
    },
  };
}

/** A conditional UpdateItem of a source's latest item: false when its condition failed. */
function updateLatest(
  table: TableClient,
  source: SourceId,
  update: {
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
  },
): Promise<boolean> {
  return conditional(
    table.doc.send(
      new UpdateCommand({ TableName: table.tableName, Key: { pk: ratePk(source), sk: LATEST }, ...update }),
    ),
  );
}

/** Writes of a new value, or of a check that found nothing newer. */
function valueWritesOf(table: TableClient): Pick<RateCacheStore, 'writeLatest' | 'markChecked'> {
  return {
    writeLatest(source, value, replacing) {
      // Newer data wins; for the same data, the later fetch wins. A slow writer holding
      // an older page can therefore never replace what a faster one already stored.
      const newer =
        'attribute_not_exists(data_version) OR data_version < :version OR (data_version = :version AND fetched_at < :fetched)';
      return updateLatest(table, source, {
        UpdateExpression:
          'SET payload = :payload, data_date = :date, data_version = :version, fetched_at = :fetched, fresh_until = :fresh, next_expected = :next REMOVE last_error, next_attempt_at, checked_at',
        ConditionExpression: replacing === undefined ? newer : `${newer} OR data_version = :replacing`,
        ExpressionAttributeValues: {
          ...(replacing === undefined ? {} : { ':replacing': replacing }),
          ':payload': JSON.stringify(value.parsed),
          ':date': value.dataDate,
          ':version': value.dataVersion,
          ':fetched': value.fetchedAt,
          ':fresh': value.freshUntil,
          ':next': value.nextExpectedUpdate,
        },
      });
    },

    markChecked(source, value) {
      return updateLatest(table, source, {
        UpdateExpression:
          'SET checked_at = :checked, fresh_until = :fresh, next_expected = :next REMOVE last_error, next_attempt_at',
        // Only over the very value we compared with: a newer one written meanwhile stays.
        ConditionExpression: 'data_version = :version AND fetched_at = :fetched',
        ExpressionAttributeValues: {
          ':checked': value.checkedAt ?? value.fetchedAt,
          ':fresh': value.freshUntil,
          ':next': value.nextExpectedUpdate,
          ':version': value.dataVersion,
          ':fetched': value.fetchedAt,
        },
      });
    },
  };
}

/** The per-date history items, and a failed refresh on the latest item. */
function historyAndFailuresOf(table: TableClient): Pick<RateCacheStore, 'writeHistory' | 'recordFailure'> {
  const { doc, tableName: TableName } = table;
  return {
    async writeHistory(source, rates, fetchedAt) {
      await Promise.all(
        rates.map((rate) =>
          conditional(
            doc.send(
              new PutCommand({
                TableName,
                Item: {
                  pk: ratePk(source),
                  sk: `history#${rate.date}#${rate.key}`,
                  key: rate.key,
                  value: rate.value,
                  date: rate.date,
                  kind: rate.kind,
                  last_updated: rate.lastUpdated,
                  source: rate.source,
                  provenance: JSON.stringify(rate.provenance),
                  fetched_at: fetchedAt,
                },
                ConditionExpression: 'attribute_not_exists(sk) OR fetched_at < :fetched',
                ExpressionAttributeValues: { ':fetched': fetchedAt },
              }),
            ),
          ),
        ),
      );
    },

    async recordFailure(source, error, nextAttemptAt, attemptStartedAt) {
      // A value fetched after this attempt started is newer news than this failure.
      await updateLatest(table, source, {
        UpdateExpression: 'SET last_error = :error, next_attempt_at = :next',
        ConditionExpression: 'attribute_not_exists(fetched_at) OR fetched_at < :started',
        ExpressionAttributeValues: { ':error': error, ':next': nextAttemptAt, ':started': attemptStartedAt },
      });
    },
  };
}

/** Who may call an upstream now. */
function leasesOf(table: TableClient): Pick<RateCacheStore, 'acquireLease' | 'releaseLease'> {
  return {
    acquireLease: (source, owner, now, ttlMs) => acquireLease(table, leasePk(source), owner, now, ttlMs),
    releaseLease: (source, owner) => releaseLease(table, leasePk(source), owner),
  };
}

/** The DynamoDB adapter behind the RateCacheStore port. */
export function createRateCacheStore(table: TableClient): RateCacheStore {
  return {
    ...latestReadOf(table),
    ...countersOf(table),
    ...valueWritesOf(table),
    ...historyAndFailuresOf(table),
    ...leasesOf(table),
  };
}
