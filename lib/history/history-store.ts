import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TableClient } from '../db/client.js';
import { conditional } from '../db/counter.js';
import { acquireLease, releaseLease } from '../db/lease.js';
import type { ChunkMarker } from './chunks.js';
import type { FixerDay, Observation, SieSeriesId } from './types.js';

/**
 * The DynamoDB side of the history: the only file that knows its item layout. It shares
 * the app's table (pk/sk strings) with the rate cache, under its own prefixes:
 *
 *   history#sie#<series>   obs#<YYYY-MM-DD>     one SIE observation: value, fetched_at
 *   history#sie#<series>   chunk#<YYYY>         how far that year is final (final_through),
 *                                               fetched_at (first call), checked_at (latest)
 *   history#fixer          day#<YYYY-MM-DD>     one Fixer historical day: value, last_updated,
 *                                               provenance (JSON), fetched_at
 *   lease#history#<name>   lease                who may call the upstream for that chunk
 *                                               (sie#<series>#<year>) or day (fixer#<date>);
 *                                               the item is lib/db/lease.ts's
 *
 * Observations and Fixer days are written once and never overwritten (past values do not
 * change); a chunk's final_through only moves forward. No transactions and no TTL are
 * relied on (dynalite has neither). A past year holds ~250 observations per series, so a
 * read of a 366-day range is two Queries of one partition.
 */

export interface StoredObservation extends Observation {
  fetchedAt: number;
}

export interface HistoryStore {
  readChunks(series: SieSeriesId, years: readonly number[]): Promise<Map<number, ChunkMarker>>;
  /** Observations of [from, to], ascending. */
  readObservations(series: SieSeriesId, from: string, to: string): Promise<StoredObservation[]>;
  /** Stores the observations not stored yet; a stored one is never overwritten. */
  writeObservations(
    series: SieSeriesId,
    observations: readonly Observation[],
    fetchedAt: number,
  ): Promise<void>;
  /** Moves the chunk's final_through forward (never back) and records the call. */
  advanceChunk(series: SieSeriesId, year: number, finalThrough: string, at: number): Promise<void>;
  readFixerDay(date: string): Promise<FixerDay | undefined>;
  readFixerDays(from: string, to: string): Promise<FixerDay[]>;
  /** Stores the day unless one is stored already; answers what is stored afterwards. */
  writeFixerDay(day: FixerDay): Promise<FixerDay>;
  acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
}

/** BatchWriteItem's limit per request. */
const BATCH_SIZE = 25;
const MAX_BATCH_ROUNDS = 8;

const seriesPk = (series: SieSeriesId) => `history#sie#${series}`;
const FIXER_PK = 'history#fixer';
const leasePk = (name: string) => `lease#history#${name}`;

function toChunk(item: Record<string, unknown>): ChunkMarker | undefined {
  const { final_through: finalThrough, fetched_at: fetchedAt, checked_at: checkedAt } = item;
  if (typeof finalThrough !== 'string' || typeof fetchedAt !== 'number' || typeof checkedAt !== 'number')
    return undefined;
  return { finalThrough, fetchedAt, checkedAt };
}

function toObservation(item: Record<string, unknown>): StoredObservation | undefined {
  const { date, value, fetched_at: fetchedAt } = item;
  if (typeof date !== 'string' || typeof value !== 'number' || typeof fetchedAt !== 'number')
    return undefined;
  return { date, value, fetchedAt };
}

function toProvenance(json: unknown): Record<string, string | number> | undefined {
  if (typeof json !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed);
    if (!entries.every(([, value]) => typeof value === 'string' || typeof value === 'number'))
      return undefined;
    return Object.fromEntries(entries) as Record<string, string | number>;
  } catch {
    return undefined;
  }
}

/** Items are validated on the way in: a malformed item reads as "not stored" (and is refetched). */
function toFixerDay(item: Record<string, unknown>): FixerDay | undefined {
  const { date, value, last_updated: lastUpdated, fetched_at: fetchedAt } = item;
  const provenance = toProvenance(item.provenance);
  if (
    typeof date !== 'string' ||
    typeof value !== 'number' ||
    typeof lastUpdated !== 'string' ||
    typeof fetchedAt !== 'number' ||
    provenance === undefined
  )
    return undefined;
  return { date, value, lastUpdated, provenance, fetchedAt };
}

async function queryAll(table: TableClient, pk: string, fromSk: string, toSk: string) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': fromSk, ':to': toSk },
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

async function batchPut(table: TableClient, items: Record<string, unknown>[]): Promise<void> {
  const { doc, tableName } = table;
  for (let index = 0; index < items.length; index += BATCH_SIZE) {
    let requests = items.slice(index, index + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } }));
    // Unprocessed items (throttling on AWS) are sent again; a write that never lands throws,
    // and the chunk's final_through then stays where it was, so the data is fetched again.
    for (let round = 0; requests.length > 0; round++) {
      if (round === MAX_BATCH_ROUNDS) throw new Error('history store: batch write kept unprocessed items');
      const answer = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (answer.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
        request.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: request.PutRequest.Item } }],
      );
    }
  }
}

async function readChunks(table: TableClient, series: SieSeriesId, years: readonly number[]) {
  const result = new Map<number, ChunkMarker>();
  if (years.length === 0) return result;
  const keys = years.map((year) => ({ pk: seriesPk(series), sk: `chunk#${year}` }));
  const answer = await table.doc.send(
    new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: keys, ConsistentRead: true } } }),
  );
  for (const item of answer.Responses?.[table.tableName] ?? []) {
    const chunk = toChunk(item);
    if (chunk !== undefined) result.set(Number(String(item.sk).slice('chunk#'.length)), chunk);
  }
  // Unprocessed keys read as "not fetched yet": the caller fetches under a lease.
  return result;
}

function seriesItems(table: TableClient): Omit<HistoryStore, FixerMethods | LeaseMethods> {
  const readObservations = async (series: SieSeriesId, from: string, to: string) =>
    (await queryAll(table, seriesPk(series), `obs#${from}`, `obs#${to}`)).flatMap(
      (item) => toObservation(item) ?? [],
    );
  return {
    readChunks: (series, years) => readChunks(table, series, years),
    readObservations,
    async writeObservations(series, observations, fetchedAt) {
      const dates = observations.map((observation) => observation.date).sort();
      const [first, last] = [dates[0], dates.at(-1)];
      if (first === undefined || last === undefined) return;
      // Only the lease holder writes a chunk; what an earlier call of the tail stored stays as it is.
      const stored = new Set((await readObservations(series, first, last)).map((item) => item.date));
      const fresh = observations.filter((observation) => !stored.has(observation.date));
      await batchPut(
        table,
        fresh.map(({ date, value }) => ({
          pk: seriesPk(series),
          sk: `obs#${date}`,
          date,
          value,
          fetched_at: fetchedAt,
        })),
      );
    },
    async advanceChunk(series, year, finalThrough, at) {
      await conditional(
        table.doc.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: { pk: seriesPk(series), sk: `chunk#${year}` },
            UpdateExpression:
              'SET final_through = :final, checked_at = :at, fetched_at = if_not_exists(fetched_at, :at)',
            // A slower writer holding an older answer never moves final_through back.
            ConditionExpression: 'attribute_not_exists(final_through) OR final_through <= :final',
            ExpressionAttributeValues: { ':final': finalThrough, ':at': at },
          }),
        ),
      );
    },
  };
}

type FixerMethods = 'readFixerDay' | 'readFixerDays' | 'writeFixerDay';
type LeaseMethods = 'acquireLease' | 'releaseLease';

function fixerItems(table: TableClient): Pick<HistoryStore, FixerMethods> {
  const { doc, tableName: TableName } = table;
  const readFixerDay = async (date: string) => {
    const answer = await doc.send(
      new GetCommand({ TableName, Key: { pk: FIXER_PK, sk: `day#${date}` }, ConsistentRead: true }),
    );
    return answer.Item === undefined ? undefined : toFixerDay(answer.Item);
  };
  return {
    readFixerDay,
    readFixerDays: async (from, to) =>
      (await queryAll(table, FIXER_PK, `day#${from}`, `day#${to}`)).flatMap((item) => toFixerDay(item) ?? []),
    async writeFixerDay(day) {
      const Item = {
        pk: FIXER_PK,
        sk: `day#${day.date}`,
        date: day.date,
        value: day.value,
        last_updated: day.lastUpdated,
        provenance: JSON.stringify(day.provenance),
        fetched_at: day.fetchedAt,
      };
      const written = await conditional(
        doc.send(new PutCommand({ TableName, Item, ConditionExpression: 'attribute_not_exists(sk)' })),
      );
      return written ? day : ((await readFixerDay(day.date)) ?? day);
    },
  };
}

function leaseItems(table: TableClient): Pick<HistoryStore, LeaseMethods> {
  return {
    acquireLease: (name, owner, now, ttlMs) => acquireLease(table, leasePk(name), owner, now, ttlMs),
    releaseLease: (name, owner) => releaseLease(table, leasePk(name), owner),
  };
}

export function createHistoryStore(table: TableClient): HistoryStore {
  return { ...seriesItems(table), ...fixerItems(table), ...leaseItems(table) };
}
