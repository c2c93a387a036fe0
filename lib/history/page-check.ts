/**
 * Cross-check of Banxico's scraped page (DOF source) against the identities, where its
 * rows reach (issue 15 item 1). Each page row has the FIX, the DOF publication and the
 * para-pagos rate of one calendar day, or `N/E`; each cell is compared with what the
 * SF43718 timeline says applies on that day by its own value:
 * FIX(D), DOF(D) = FIX(previous banking day), para pagos(D) = DOF(previous banking day).
 * Pure.
 */
import { sameRate } from './consistency.js';
import type { AppliedValue, FixTimeline } from './fix-timeline.js';

/** One page row; `undefined` = the page shows `N/E`. */
export interface PageRow {
  date: string;
  fix: number | undefined;
  dof: number | undefined;
  paraPagos: number | undefined;
}

export type PageColumn = 'fix' | 'dof' | 'para_pagos';

export interface PageCellCheck {
  date: string;
  column: PageColumn;
  /** The page's value; null for `N/E`. */
  page: number | null;
  /** The day's own value by the identities; null when the day has none (weekend, holiday). */
  expected: number | null;
  /** null when the timeline does not reach this cell (the data starts later). */
  ok: boolean | null;
}

function ownValue(applied: AppliedValue | undefined): number | null | undefined {
  if (applied === undefined) return undefined;
  return applied.appliesSince === undefined ? applied.value : null;
}

function checkCell(
  date: string,
  column: PageColumn,
  page: number | undefined,
  expected: number | null | undefined,
) {
  const pageValue = page ?? null;
  if (expected === undefined) return { date, column, page: pageValue, expected: null, ok: null };
  const ok = pageValue === null || expected === null ? pageValue === expected : sameRate(pageValue, expected);
  return { date, column, page: pageValue, expected, ok };
}

/** One check per cell of every row; rows the timeline does not reach come back with ok null. */
export function checkPageRows(timeline: FixTimeline, rows: readonly PageRow[]): PageCellCheck[] {
  return rows.flatMap((row) => [
    checkCell(row.date, 'fix', row.fix, ownValue(timeline.fixOn(row.date))),
    checkCell(row.date, 'dof', row.dof, ownValue(timeline.dofOn(row.date))),
    checkCell(row.date, 'para_pagos', row.paraPagos, ownValue(timeline.paraPagosOn(row.date))),
  ]);
}
