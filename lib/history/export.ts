/**
 * Rows of a date range and their serialisations (issue 15 item 3): one row per calendar
 * day with the FIX, DOF and para-pagos rate that apply on it, and Fixer where a value is
 * already stored (its paid time-series endpoint is not used). Pure.
 */
import { addDays } from '../core/mexico-time.js';
import type { FixTimeline } from './fix-timeline.js';
import type { FixerDay } from './types.js';

/** Longest range one request may ask for, in calendar days (both ends included). */
export const MAX_RANGE_DAYS = 366;

export const FIXER_COLUMN_NOTE =
  'fixer holds only Fixer values already stored by this service (one historical call per date ' +
  'asked through /v1/rates?date=); a range never calls Fixer, whose time-series endpoint is a paid feature.';

export interface HistoryRow {
  date: string;
  fix: number | null;
  dof: number | null;
  para_pagos: number | null;
  fixer: number | null;
  /** Present when the day had no value of its own: the date since which the value applies. */
  fix_applies_since?: string;
  dof_applies_since?: string;
  /** True when every value is present and no later publication can change it. */
  final: boolean;
}

/** The rows of [from, to], ascending; `fixerDays` are the stored Fixer values (keyed by their date). */
export function buildHistoryRows(
  timeline: FixTimeline,
  fixerDays: readonly FixerDay[],
  from: string,
  to: string,
): HistoryRow[] {
  const fixerByDate = new Map(fixerDays.map((day) => [day.date, day.value]));
  const rows: HistoryRow[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const fix = timeline.fixOn(date);
    const dof = timeline.dofOn(date);
    const paraPagos = timeline.paraPagosOn(date);
    rows.push({
      date,
      fix: fix?.value ?? null,
      dof: dof?.value ?? null,
      para_pagos: paraPagos?.value ?? null,
      fixer: fixerByDate.get(date) ?? null,
      ...(fix?.appliesSince === undefined ? {} : { fix_applies_since: fix.appliesSince }),
      ...(dof?.appliesSince === undefined ? {} : { dof_applies_since: dof.appliesSince }),
      // A missing value may yet be read (data not reached): only a complete row is final.
      final: [fix, dof, paraPagos].every((value) => value?.final === true),
    });
  }
  return rows;
}

export const CSV_COLUMNS = ['date', 'fix', 'dof', 'para_pagos', 'fixer'] as const;

/** A rate as a spreadsheet reads a number: dot decimal, 4 places, no thousands separator. */
function csvNumber(value: number | null): string {
  return value === null ? '' : value.toFixed(4);
}

/**
 * RFC 4180 CSV: a header row, CRLF line ends, ISO dates, dot decimals, empty cells for
 * missing values. No cell needs quoting (dates and numbers only).
 */
export function toCsv(rows: readonly HistoryRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      [
        row.date,
        csvNumber(row.fix),
        csvNumber(row.dof),
        csvNumber(row.para_pagos),
        csvNumber(row.fixer),
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Newline-delimited JSON: one row object per line, each line ending in \n. */
export function toNdjson(rows: readonly HistoryRow[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}

/** `tipo-de-cambio_FROM_TO.csv` */
export function csvFileName(from: string, to: string): string {
  return `tipo-de-cambio_${from}_${to}.csv`;
}
