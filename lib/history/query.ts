/**
 * Query parameters of the dated routes, checked before any data is read (issue 15 "Bad
 * input gets a clear answer"). Each refusal is a `QueryError` naming the parameter and the
 * accepted form; lib/http turns it into a 400 problem. Pure: "today" is passed in
 * (the Mexico City calendar date).
 */
import { addDays, isIsoDate } from '../core/mexico-time.js';
import { AVERAGE_KINDS, type AverageKind } from './average.js';
import { MAX_RANGE_DAYS } from './export.js';
import { FISCAL_KINDS, type FiscalKind } from './fiscal.js';

export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

type Query = Readonly<Record<string, string | undefined>> | null | undefined;

function required(query: Query, name: string, form: string): string {
  const value = query?.[name];
  if (value === undefined || value === '') throw new QueryError(name, `${name} is required (${form}).`);
  return value;
}

/** A past or present Mexico City date written YYYY-MM-DD. */
export function parseDateParameter(name: string, raw: string, today: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    throw new QueryError(name, `${name} must be a date written YYYY-MM-DD, e.g. 2024-01-05 (got "${raw}").`);
  }
  if (!isIsoDate(raw)) {
    throw new QueryError(
      name,
      `${name} ${raw} is not a calendar date (YYYY-MM-DD with a real month and day).`,
    );
  }
  if (raw > today) {
    throw new QueryError(
      name,
      `${name} ${raw} is in the future; rates exist up to today in Mexico City, ${today} (YYYY-MM-DD).`,
    );
  }
  return raw;
}

/** `date` of GET /v1/rates*: undefined when absent (then the answer is today's). */
export function parseOptionalDate(query: Query, today: string): string | undefined {
  const raw = query?.date;
  return raw === undefined ? undefined : parseDateParameter('date', raw, today);
}

export function parseRequiredDate(query: Query, today: string): string {
  return parseDateParameter('date', required(query, 'date', 'YYYY-MM-DD'), today);
}

/** Number of calendar days in [from, to], both ends included. */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export function parseRange(query: Query, today: string): { from: string; to: string } {
  const from = parseDateParameter('from', required(query, 'from', 'YYYY-MM-DD'), today);
  const to = parseDateParameter('to', required(query, 'to', 'YYYY-MM-DD'), today);
  if (from > to)
    throw new QueryError('from', `from ${from} is after to ${to}; from must be on or before to.`);
  const days = daysInRange(from, to);
  if (days > MAX_RANGE_DAYS) {
    throw new QueryError(
      'to',
      `The range from ${from} to ${to} has ${days} days; at most ${MAX_RANGE_DAYS} are allowed (to ≤ ${addDays(from, MAX_RANGE_DAYS - 1)}).`,
    );
  }
  return { from, to };
}

export const HISTORY_FORMATS = ['json', 'csv', 'ndjson'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

const MEDIA_TYPES: Readonly<Record<string, HistoryFormat>> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/json': 'json',
};

/**
 * `format` wins over `Accept`; otherwise the first of text/csv, application/x-ndjson and
 * application/json that `Accept` lists (parameters and q-values ignored) picks it; else JSON.
 */
export function parseFormat(query: Query, accept: string | undefined): HistoryFormat {
  const raw = query?.format;
  if (raw !== undefined) {
    const format = HISTORY_FORMATS.find((candidate) => candidate === raw);
    if (format === undefined) {
      throw new QueryError('format', `format must be one of ${HISTORY_FORMATS.join(', ')} (got "${raw}").`);
    }
    return format;
  }
  for (const range of (accept ?? '').split(',')) {
    const format = MEDIA_TYPES[range.split(';')[0]?.trim().toLowerCase() ?? ''];
    if (format !== undefined) return format;
  }
  return 'json';
}

function parseKind<K extends string>(query: Query, kinds: readonly K[], fallback: K | undefined): K {
  const raw = query?.kind;
  if (raw === undefined && fallback !== undefined) return fallback;
  const kind = kinds.find((candidate) => candidate === raw);
  if (kind === undefined) {
    throw new QueryError(
      'kind',
      raw === undefined
        ? `kind is required (one of ${kinds.join(', ')}).`
        : `kind must be one of ${kinds.join(', ')} (got "${raw}").`,
    );
  }
  return kind;
}

export function parseFiscalKind(query: Query): FiscalKind {
  return parseKind(query, FISCAL_KINDS, 'fiscal');
}

export function parseAverageKind(query: Query): AverageKind {
  return parseKind(query, AVERAGE_KINDS, undefined);
}

/** A month written YYYY-MM, not after the current Mexico City month. */
export function parseMonth(query: Query, today: string): string {
  const raw = required(query, 'month', 'YYYY-MM');
  const match = /^(\d{4})-(\d{2})$/.exec(raw);
  if (match === null || Number(match[2]) < 1 || Number(match[2]) > 12) {
    throw new QueryError('month', `month must be a month written YYYY-MM, e.g. 2024-01 (got "${raw}").`);
  }
  if (raw > today.slice(0, 7)) {
    throw new QueryError(
      'month',
      `month ${raw} is in the future; the current month in Mexico City is ${today.slice(0, 7)} (YYYY-MM).`,
    );
  }
  return raw;
}
