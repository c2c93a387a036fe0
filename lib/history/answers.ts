/**
 * The bodies of /v1/rates/history, /v1/rates/fiscal and /v1/rates/average, read through
 * the data layer (`HistoryReader`) and shaped by the pure rules. Errors: ProviderError
 * from the reader, or `before_history` / `not_published` when the rule finds no value.
 */
import { type AverageKind, monthBounds, monthlyAverage } from './average.js';
import { buildHistoryRows, FIXER_COLUMN_NOTE, type HistoryRow } from './export.js';
import { type FiscalKind, rateUnderRule } from './fiscal.js';
import { noValueError, readFixTimeline } from './timeline-reader.js';
import type { HistoryReader } from './types.js';

export interface HistoryBody {
  from: string;
  to: string;
  rows: HistoryRow[];
  notes: { fixer: string };
}

export interface Finality {
  /** Every value in the answer is final: it can be cached forever. */
  final: boolean;
}

export async function answerHistory(
  reader: HistoryReader,
  from: string,
  to: string,
): Promise<{ body: HistoryBody } & Finality> {
  const [{ timeline }, fixerDays] = await Promise.all([
    readFixTimeline(reader, from, to),
    reader.storedFixer(from, to),
  ]);
  const rows = buildHistoryRows(timeline, fixerDays, from, to);
  return {
    body: { from, to, rows, notes: { fixer: FIXER_COLUMN_NOTE } },
    final: rows.every((row) => row.final),
  };
}

export interface FiscalBody {
  date: string;
  value: number;
  dof_date: string;
  fix_date: string;
  rule: string;
  kind: FiscalKind;
  provenance: Readonly<Record<string, string | number>>;
}

export async function answerFiscal(
  reader: HistoryReader,
  date: string,
  kind: FiscalKind,
): Promise<{ body: FiscalBody } & Finality> {
  const { timeline, slice } = await readFixTimeline(reader, date, date);
  const rate = rateUnderRule(timeline, date, kind);
  if (rate === undefined)
    throw noValueError(timeline, date, kind === 'fiscal' ? 'the fiscal rate' : 'para pagos');
  return {
    body: {
      date,
      value: rate.value,
      dof_date: rate.dofDate,
      fix_date: rate.fixDate,
      rule: rate.rule,
      kind,
      provenance: {
        series_id: 'SF43718',
        source: slice.source,
        identity: 'DOF(P) = FIX(previous banking day before P); P = last DOF publication before D',
        fetched_at: new Date(slice.fetchedAt).toISOString(),
      },
    },
    final: rate.final,
  };
}

export interface AverageBody {
  month: string;
  kind: AverageKind;
  average: number;
  observations: number;
  first_date: string;
  last_date: string;
  provisional: boolean;
}

/** `today` caps the read: a month still running is read up to today. */
export async function answerAverage(
  reader: HistoryReader,
  month: string,
  kind: AverageKind,
  today: string,
): Promise<{ body: AverageBody } & Finality> {
  const { first, last } = monthBounds(month);
  const to = last < today ? last : today;
  const { timeline } = await readFixTimeline(reader, first, to);
  const average = monthlyAverage(timeline, month, kind);
  if (average === undefined)
    throw noValueError(timeline, first, `the ${kind === 'fix' ? 'FIX' : 'DOF'} average`);
  return {
    body: {
      month,
      kind,
      average: average.average,
      observations: average.observations,
      first_date: average.firstDate,
      last_date: average.lastDate,
      provisional: average.provisional,
    },
    final: !average.provisional,
  };
}
