/**
 * Monthly averages of the FIX or of the DOF publications (issue 15 item 7). Pure.
 * The observations are the days the value exists: FIX determination days (SF43718
 * observations) or DOF publication days (banking days, DOF(D) = FIX(previous banking day)).
 * The average is the arithmetic mean rounded half-up to 4 decimals, like the inputs.
 */

import { addDays } from '../core/mexico-time.js';
import { roundHalfUp } from '../core/plausibility.js';
import type { FixTimeline } from './fix-timeline.js';

export const AVERAGE_KINDS = ['fix', 'dof'] as const;
export type AverageKind = (typeof AVERAGE_KINDS)[number];

export interface MonthlyAverage {
  /** YYYY-MM */
  month: string;
  kind: AverageKind;
  average: number;
  observations: number;
  firstDate: string;
  lastDate: string;
  /** True while the month is not over in the data (a later day may still add an observation). */
  provisional: boolean;
}

/** First and last calendar dates of a YYYY-MM month. */
export function monthBounds(month: string): { first: string; last: string } {
  const first = `${month}-01`;
  const nextMonthFirst = addDays(first, 32).slice(0, 7);
  return { first, last: addDays(`${nextMonthFirst}-01`, -1) };
}

/** The month's average of `kind`, or undefined when it has no observation in the data. */
export function monthlyAverage(
  timeline: FixTimeline,
  month: string,
  kind: AverageKind,
): MonthlyAverage | undefined {
  const { first, last } = monthBounds(month);
  const values: Array<{ date: string; value: number }> = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    const applied = kind === 'fix' ? timeline.fixOn(day) : timeline.dofOn(day);
    // Only the day's own value counts: a carried value is not an observation.
    if (applied !== undefined && applied.appliesSince === undefined && applied.final) {
      values.push({ date: day, value: applied.value });
    }
  }
  const firstValue = values[0];
  const lastValue = values.at(-1);
  if (firstValue === undefined || lastValue === undefined) return undefined;
  const sum = values.reduce((total, entry) => total + entry.value, 0);
  return {
    month,
    kind,
    average: roundHalfUp(sum / values.length, 4),
    observations: values.length,
    firstDate: firstValue.date,
    lastDate: lastValue.date,
    provisional: timeline.finalThrough < last,
  };
}
