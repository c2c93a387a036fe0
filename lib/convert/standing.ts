import { addDays, isBankingDay, previousBankingDay } from '../core/banking-calendar.js';
import type { ConversionKind } from './types.js';

/**
 * Whether a conversion's rate can be paid with on the answer's date (pure).
 *
 * `applies_to_date` says whether the rate's own date is the one the kind's rule gives for D
 * (Mexico City dates):
 * - `fix`: FIX determined on the last banking day on or before D; the previous banking day's
 *   is also accepted (before 12:00 on D, when Banxico determines it, it is the current one);
 * - `dof`: the DOF publication of D, or of the last banking day on or before D;
 * - `para_pagos`: the para-pagos row of D itself (DOF of the previous banking day);
 * - `fiscal`: the DOF publication of the previous banking day (CFF art. 20, the latest
 *   publication strictly before D);
 * - `market`: Fixer dated D or D-1.
 * `stale` is the rates routes' `stale` (the cached value is served after its freshness ran
 * out or its refresh failed); a dated conversion's rate, read from history, is never stale.
 * `warning` is present exactly when `stale` is true or `applies_to_date` is false.
 */
export interface RateStanding {
  stale: boolean;
  applies_to_date: boolean;
  warning?: string;
}

function lastBankingDayOnOrBefore(date: string): string {
  return isBankingDay(date) ? date : previousBankingDay(date);
}

/** Whether a rate of `kind` dated `rateDate` is the one that applies on `date` (see RateStanding). */
export function appliesToDate(kind: ConversionKind, rateDate: string, date: string): boolean {
  switch (kind) {
    case 'fix':
      return rateDate === lastBankingDayOnOrBefore(date) || rateDate === previousBankingDay(date);
    case 'dof':
      return rateDate === date || rateDate === lastBankingDayOnOrBefore(date);
    case 'para_pagos':
      return rateDate === date;
    case 'fiscal':
      return rateDate === previousBankingDay(date);
    case 'market':
      return rateDate === date || rateDate === addDays(date, -1);
  }
}

/** The standing of a rate of `kind` dated `rateDate`, served stale or not, for a conversion on `date`. */
export function rateStanding(
  kind: ConversionKind,
  rateDate: string,
  date: string,
  stale: boolean,
): RateStanding {
  const applies = appliesToDate(kind, rateDate, date);
  if (!applies) {
    return {
      stale,
      applies_to_date: false,
      warning: `The rate used is from ${rateDate}; the rate that applies on ${date} is not available`,
    };
  }
  if (stale) {
    return {
      stale,
      applies_to_date: true,
      warning: `The rate used (${rateDate}) is served stale: its source could not be refreshed`,
    };
  }
  return { stale, applies_to_date: true };
}
