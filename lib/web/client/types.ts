/**
 * What the page reads from the API, checked at the door: JSON is `unknown` until a guard
 * here has looked at it, so a changed or broken answer becomes a "server" error message,
 * never a `TypeError` halfway through drawing the cards.
 * Shapes: openapi.yaml (`Rate`, `RatesResponse`, `Consistency`), PLAN "the consistency block".
 */

/**
 * One rate as the API answers it (README "Rate shape"); values are MXN per 1 USD. Dated
 * answers (`?date=`, openapi `DatedRate`) have no freshness fields (`stale`, `fresh_until`,
 * `next_update`) and add `final` and maybe `applies_since`.
 */
export interface Rate {
  value: number;
  /** ISO date (Mexico City calendar) the value belongs to. */
  date: string;
  last_updated: string;
  kind: string;
  source: string;
  fetched_at: string;
  stale: boolean;
  /** Seconds since `fetched_at`, only on stale values. */
  age_seconds?: number | undefined;
  fresh_until?: string | undefined;
  /** When the source should publish a newer value; in the past = overdue. */
  next_update?: string | undefined;
  /** Dated answers only: the day the value was published, when the asked day had none of its own. */
  applies_since?: string | undefined;
  /** Dated answers only: true once the value can no longer change. */
  final?: boolean | undefined;
}

/** `errors` of a rates answer: per source (`dof`, `fixer`, `banxico`), the API's error code. */
export type SourceErrors = Record<string, { code: string; message: string }>;

/** A value and the date it belongs to, one side of a consistency check. */
export type DatedValue = Readonly<{ date: string; value: number }>;

/**
 * One server-side consistency check. `ok` null = not checkable (then `reason` says why and
 * a missing side is null). `sides` keeps the check's named sides (`dof`, `fix`, …) in order.
 */
export interface ConsistencyCheck {
  ok: boolean | null;
  rule: string;
  reason?: string | undefined;
  sides: Record<string, DatedValue | null>;
  spread_pesos?: number | null | undefined;
  spread_percent?: number | null | undefined;
}

/** The checks the page shows, with the names of their two sides (PLAN "the consistency block"). */
export const CONSISTENCY_SIDES = {
  dof_vs_fix: ['dof', 'fix'],
  para_pagos_vs_sf60653: ['para_pagos', 'sf60653'],
  fixer_vs_fix: ['fixer', 'fix'],
} as const;
export type ConsistencyName = keyof typeof CONSISTENCY_SIDES;
export type Consistency = Partial<Record<ConsistencyName, ConsistencyCheck>>;

export interface RatesBody {
  rates: Record<string, Rate>;
  errors: SourceErrors;
  /** Absent from servers that do not send it yet. */
  consistency?: Consistency | undefined;
  /** Dated answers (`?date=`) only. */
  date?: string | undefined;
  /** Dated answers: a rate its source could not derive while serving the other, keyed by rate key. */
  rateErrors?: SourceErrors | undefined;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const optional = <T>(value: unknown, guard: (item: unknown) => item is T): T | undefined =>
  guard(value) ? value : undefined;
const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

const RATE_STRINGS = ['date', 'last_updated', 'kind', 'source', 'fetched_at'];

/** A rate, or undefined when any required field is missing or of the wrong type. */
export function readRate(raw: unknown): Rate | undefined {
  if (!isRecord(raw) || !isNumber(raw.value)) return undefined;
  if (!RATE_STRINGS.every((field) => isString(raw[field]))) return undefined;
  // Today's answers say whether the value is stale; dated ones (no freshness fields) never are.
  if (!(isBoolean(raw.stale) || (raw.stale === undefined && isBoolean(raw.final)))) return undefined;
  return {
    value: raw.value,
    date: String(raw.date),
    last_updated: String(raw.last_updated),
    kind: String(raw.kind),
    source: String(raw.source),
    fetched_at: String(raw.fetched_at),
    stale: raw.stale === true,
    age_seconds: optional(raw.age_seconds, isNumber),
    fresh_until: optional(raw.fresh_until, isString),
    next_update: optional(raw.next_update, isString),
    applies_since: optional(raw.applies_since, isString),
    final: optional(raw.final, isBoolean),
  };
}

/** `errors` as sent, keeping only entries that have a string code. */
export function readSourceErrors(raw: unknown): SourceErrors {
  const errors: SourceErrors = {};
  if (!isRecord(raw)) return errors;
  for (const [source, error] of Object.entries(raw)) {
    if (isRecord(error) && isString(error.code)) {
      errors[source] = { code: error.code, message: isString(error.message) ? error.message : '' };
    }
  }
  return errors;
}

function readDatedValue(raw: unknown): DatedValue | null {
  return isRecord(raw) && isString(raw.date) && isNumber(raw.value)
    ? { date: raw.date, value: raw.value }
    : null;
}

function readCheck(raw: unknown, sideNames: readonly string[]): ConsistencyCheck | undefined {
  if (!isRecord(raw) || !isString(raw.rule) || !(raw.ok === null || isBoolean(raw.ok))) return undefined;
  const sides: Record<string, DatedValue | null> = {};
  for (const name of sideNames) sides[name] = readDatedValue(raw[name]);
  const spread = (value: unknown) => (isNumber(value) ? value : value === null ? null : undefined);
  return {
    ok: raw.ok,
    rule: raw.rule,
    reason: optional(raw.reason, isString),
    sides,
    spread_pesos: spread(raw.spread_pesos),
    spread_percent: spread(raw.spread_percent),
  };
}

/** The consistency block, keeping the checks that are well formed; undefined when absent. */
export function readConsistency(raw: unknown): Consistency | undefined {
  if (!isRecord(raw)) return undefined;
  const consistency: Consistency = {};
  for (const [name, sideNames] of Object.entries(CONSISTENCY_SIDES) as [
    ConsistencyName,
    readonly string[],
  ][]) {
    const check = readCheck(raw[name], sideNames);
    if (check !== undefined) consistency[name] = check;
  }
  return consistency;
}

/** A rates answer (200), or undefined when `rates` is missing or any rate in it is malformed. */
export function readRatesBody(raw: unknown): RatesBody | undefined {
  if (!isRecord(raw) || !isRecord(raw.rates)) return undefined;
  const rates: Record<string, Rate> = {};
  for (const [key, value] of Object.entries(raw.rates)) {
    const rate = readRate(value);
    if (rate === undefined) return undefined;
    rates[key] = rate;
  }
  return {
    rates,
    errors: readSourceErrors(raw.errors),
    consistency: readConsistency(raw.consistency),
    date: optional(raw.date, isString),
    rateErrors: readSourceErrors(raw.rate_errors),
  };
}

/** GET /v1/rates/fiscal?date=D (PLAN "Routes"): the CFF art. 20 rate for obligations caused on D. */
export interface FiscalRate {
  date: string;
  value: number;
  /** The DOF publication used: the latest one strictly before `date`. */
  dof_date: string;
  /** The FIX that publication printed (determined the banking day before `dof_date`). */
  fix_date: string;
  rule: string;
  kind: string;
}

export function readFiscal(raw: unknown): FiscalRate | undefined {
  if (!isRecord(raw) || !isNumber(raw.value)) return undefined;
  const { date, dof_date, fix_date, rule, kind } = raw;
  if (!isString(date) || !isString(dof_date) || !isString(fix_date) || !isString(rule)) return undefined;
  return { date, value: raw.value, dof_date, fix_date, rule, kind: isString(kind) ? kind : 'fiscal' };
}

/** GET /v1/convert (PLAN "Routes"): amounts are decimal strings, never parsed into floats. */
export interface Conversion {
  amount: string;
  from: string;
  to: string;
  result: string;
  rounding: string;
  rate: { kind: string; value: string; date: string; applies_since?: string | undefined; source: string };
  date: string;
}

/** A decimal as text: the API sends amounts (and, from /v1/convert, the rate) as strings. */
const isDecimalText = (value: unknown): value is string => isString(value) && /^\d+(\.\d+)?$/.test(value);

export function readConversion(raw: unknown): Conversion | undefined {
  if (!isRecord(raw) || !isRecord(raw.rate)) return undefined;
  const { amount, from, to, result, rounding, date } = raw;
  if (!isDecimalText(amount) || !isDecimalText(result) || !isString(from) || !isString(to)) return undefined;
  const { kind, value, source } = raw.rate;
  const rateValue = isNumber(value) ? String(value) : value;
  if (!isString(kind) || !isDecimalText(rateValue) || !isString(raw.rate.date) || !isString(date))
    return undefined;
  return {
    amount,
    from,
    to,
    result,
    rounding: isString(rounding) ? rounding : '',
    rate: {
      kind,
      value: rateValue,
      date: raw.rate.date,
      applies_since: optional(raw.rate.applies_since, isString),
      source: isString(source) ? source : '',
    },
    date,
  };
}

/** The four series of GET /v1/rates/history rows (PLAN "Routes"), in the CSV's column order. */
export const HISTORY_SERIES = ['fix', 'dof', 'para_pagos', 'fixer'] as const;
export type HistorySeries = (typeof HISTORY_SERIES)[number];

/** One calendar day of the history: each value MXN per USD, or null when the day has none. */
export type HistoryRow = { date: string } & Record<HistorySeries, number | null>;

export interface History {
  from: string;
  to: string;
  rows: HistoryRow[];
}

function readHistoryRow(raw: unknown): HistoryRow | undefined {
  if (!isRecord(raw) || !isString(raw.date)) return undefined;
  const row: HistoryRow = { date: raw.date, fix: null, dof: null, para_pagos: null, fixer: null };
  for (const series of HISTORY_SERIES) {
    const value = raw[series];
    if (isNumber(value)) row[series] = value;
    else if (value !== null && value !== undefined) return undefined;
  }
  return row;
}

/** A history answer, or undefined when any row is malformed. */
export function readHistory(raw: unknown): History | undefined {
  if (!isRecord(raw) || !isString(raw.from) || !isString(raw.to) || !Array.isArray(raw.rows))
    return undefined;
  const rows: HistoryRow[] = [];
  for (const item of raw.rows) {
    const row = readHistoryRow(item);
    if (row === undefined) return undefined;
    rows.push(row);
  }
  return { from: raw.from, to: raw.to, rows };
}
