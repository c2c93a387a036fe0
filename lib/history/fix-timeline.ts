/**
 * Which FIX, DOF publication and para-pagos rate apply on a Mexico City date D, read from
 * the SF43718 observations alone (UPSTREAMS.md "Mexican rate semantics" and "Rates for a
 * date"). Pure: no I/O, no clock.
 *
 * - FIX(D): the SF43718 value determined on D; on a day without one (weekend, holiday,
 *   before 12:00) the latest one before D, with `appliesSince`.
 * - DOF(D) = FIX(previous banking day before D), published on banking days only; on other
 *   days the latest publication before D applies, with `appliesSince`.
 * - para pagos(D) = DOF(previous banking day before D), on every calendar day (Banxico's
 *   page shows a value on weekends too: 14/11/2020 carries DOF(13/11/2020) = 20.5303).
 *
 * A banking day, for dates the data covers (≤ `finalThrough`), is a day with an SF43718
 * observation; after it (today before 12:00) the computed calendar
 * (lib/core/banking-calendar.ts) forecasts, and answers that depend on it are not final.
 */
import { isBankingDay as isForecastBankingDay } from '../core/banking-calendar.js';
import { addDays } from '../core/mexico-time.js';
import type { SeriesSlice } from './types.js';

/**
 * How many calendar days before D the rules may look. Para pagos(D) needs the second
 * banking day before D: at most two stretches of ≤ 4 non-banking days (Holy Thursday to
 * Easter Sunday) plus two banking days = 10; 14 leaves a margin.
 */
export const LOOKBACK_DAYS = 14;

/** A value as it applies on a requested date. Values are MXN per 1 USD. */
export interface AppliedValue {
  value: number;
  /** The date the source gives the value: FIX determination date, DOF publication date, para-pagos day. */
  date: string;
  /** Only when the requested day had no value of its own: the date since which this value applies. */
  appliesSince?: string;
  /** True when no later data can change the answer for the requested date. */
  final: boolean;
  /** The FIX determination date behind the value (SF43718). */
  fixDate: string;
  /** The DOF publication behind the value (DOF and para pagos only). */
  dofDate?: string;
}

/** The inputs behind an applied value, as the API's `provenance` shows them. */
export function appliedProvenance(applied: AppliedValue, requested: string): Record<string, string> {
  return {
    series_id: 'SF43718',
    requested_date: requested,
    fix_date: applied.fixDate,
    ...(applied.dofDate === undefined ? {} : { dof_date: applied.dofDate }),
  };
}

export interface FixTimeline {
  /** First date the observations cover; rules looking further back answer undefined. */
  readonly coveredFrom: string;
  readonly finalThrough: string;
  isBankingDay(date: string): boolean | undefined;
  /** The last banking day strictly before `date`; undefined when the data does not reach it. */
  previousBankingDay(date: string): string | undefined;
  fixOn(date: string): AppliedValue | undefined;
  dofOn(date: string): AppliedValue | undefined;
  paraPagosOn(date: string): AppliedValue | undefined;
}

/** What the rules read: the observations by date, how far they reach and how far they are final. */
interface TimelineData {
  byDate: ReadonlyMap<string, number>;
  /** Observation dates, ascending. */
  dates: readonly string[];
  coveredFrom: string;
  finalThrough: string;
}

function isBankingDayIn(data: TimelineData, date: string): boolean | undefined {
  if (date < data.coveredFrom) return undefined;
  if (data.byDate.has(date)) return true;
  return date <= data.finalThrough ? false : isForecastBankingDay(date);
}

function previousBankingDayIn(data: TimelineData, date: string): string | undefined {
  for (let day = addDays(date, -1); day >= data.coveredFrom; day = addDays(day, -1)) {
    if (isBankingDayIn(data, day)) return day;
  }
  return undefined;
}

function fixIn(data: TimelineData, date: string): AppliedValue | undefined {
  const own = data.byDate.get(date);
  if (own !== undefined) return { value: own, date, final: true, fixDate: date };
  const latest = data.dates.findLast((candidate) => candidate <= date);
  const value = latest === undefined ? undefined : data.byDate.get(latest);
  if (latest === undefined || value === undefined) return undefined;
  return { value, date: latest, appliesSince: latest, final: date <= data.finalThrough, fixDate: latest };
}

/** DOF of a publication day P: FIX of the banking day before P. */
function publicationIn(
  data: TimelineData,
  publicationDay: string,
): { value: number; fixDate: string } | undefined {
  const fixDate = previousBankingDayIn(data, publicationDay);
  const value = fixDate === undefined ? undefined : data.byDate.get(fixDate);
  return fixDate === undefined || value === undefined ? undefined : { value, fixDate };
}

function dofIn(data: TimelineData, date: string): AppliedValue | undefined {
  const own = isBankingDayIn(data, date);
  if (own === undefined) return undefined;
  const publicationDay = own ? date : previousBankingDayIn(data, date);
  const published = publicationDay === undefined ? undefined : publicationIn(data, publicationDay);
  if (publicationDay === undefined || published === undefined) return undefined;
  return {
    value: published.value,
    date: publicationDay,
    ...(own ? {} : { appliesSince: publicationDay }),
    final: date <= data.finalThrough,
    fixDate: published.fixDate,
    dofDate: publicationDay,
  };
}

function paraPagosIn(data: TimelineData, date: string): AppliedValue | undefined {
  const publicationDay = previousBankingDayIn(data, date);
  const published = publicationDay === undefined ? undefined : publicationIn(data, publicationDay);
  if (publicationDay === undefined || published === undefined) return undefined;
  return {
    value: published.value,
    date,
    final: addDays(date, -1) <= data.finalThrough,
    fixDate: published.fixDate,
    dofDate: publicationDay,
  };
}

/** The timeline of one SF43718 slice (its `series` must be SF43718). */
export function createFixTimeline(slice: SeriesSlice): FixTimeline {
  if (slice.series !== 'SF43718') throw new RangeError(`A FIX timeline reads SF43718, not ${slice.series}`);
  const byDate = new Map(slice.observations.map((observation) => [observation.date, observation.value]));
  const data: TimelineData = {
    byDate,
    dates: [...byDate.keys()].sort(),
    coveredFrom: slice.from,
    finalThrough: slice.finalThrough,
  };
  return {
    coveredFrom: data.coveredFrom,
    finalThrough: data.finalThrough,
    isBankingDay: (date) => isBankingDayIn(data, date),
    previousBankingDay: (date) => previousBankingDayIn(data, date),
    fixOn: (date) => fixIn(data, date),
    dofOn: (date) => dofIn(data, date),
    paraPagosOn: (date) => paraPagosIn(data, date),
  };
}
