/**
 * Mexican banking days: the days on which Banxico determines a FIX and the DOF
 * publishes one. Monday to Friday, except the bank holidays below.
 *
 * The list follows the CNBV's yearly "días inhábiles" calendar, which has kept this
 * shape for years but is re-issued every December and can add a day. The calendar
 * only decides *when we expect* a new value: a wrong guess costs an extra refetch
 * (or a short wait for a late value), never a wrong number, because every value
 * served carries the date the source itself gave it.
 */
import { addDays, isIsoDate } from './mexico-time.js';

export { addDays };

/** Presidential inauguration (Oct 1) is a bank holiday every sixth year from 2024 on. */
const FIRST_INAUGURATION_YEAR = 2024;
const INAUGURATION_PERIOD_YEARS = 6;

const holidaysByYear = new Map<number, ReadonlySet<string>>();

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

function assertIsoDate(date: string): void {
  if (!isIsoDate(date)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
}

/** 0 = Sunday … 6 = Saturday; a calendar date has no time zone, so UTC is exact. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Day of the month of the `nth` Monday of `month` (1-based month and nth). */
function nthMonday(year: number, month: number, nth: number): number {
  const firstWeekday = weekdayOf(year, month, 1);
  const firstMonday = 1 + ((8 - firstWeekday) % 7);
  return firstMonday + 7 * (nth - 1);
}

/** Easter Sunday (YYYY-MM-DD) by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

function bankHolidays(year: number): ReadonlySet<string> {
  const cached = holidaysByYear.get(year);
  if (cached !== undefined) return cached;
  const easter = easterSunday(year);
  // Fixed-date holidays are not moved when they fall on a weekend: they are simply lost.
  const holidays = new Set<string>([
    isoDate(year, 1, 1),
    isoDate(year, 2, nthMonday(year, 2, 1)), // Constitution Day
    isoDate(year, 3, nthMonday(year, 3, 3)), // Benito Juárez's birthday
    addDays(easter, -3), // Holy Thursday
    addDays(easter, -2), // Good Friday
    isoDate(year, 5, 1),
    isoDate(year, 9, 16),
    isoDate(year, 11, 2),
    isoDate(year, 11, nthMonday(year, 11, 3)), // Revolution Day
    isoDate(year, 12, 12),
    isoDate(year, 12, 25),
  ]);
  if (year >= FIRST_INAUGURATION_YEAR && (year - FIRST_INAUGURATION_YEAR) % INAUGURATION_PERIOD_YEARS === 0) {
    holidays.add(isoDate(year, 10, 1));
  }
  holidaysByYear.set(year, holidays);
  return holidays;
}

/** True when Mexican banks open on that date (Mon–Fri and not a CNBV bank holiday). */
export function isBankingDay(date: string): boolean {
  assertIsoDate(date);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const weekday = weekdayOf(year, month, day);
  if (weekday === 0 || weekday === 6) return false;
  return !bankHolidays(year).has(date);
}

/** The last banking day strictly before `date`. */
export function previousBankingDay(date: string): string {
  assertIsoDate(date);
  let candidate = addDays(date, -1);
  while (!isBankingDay(candidate)) candidate = addDays(candidate, -1);
  return candidate;
}

/** The first banking day strictly after `date`. */
export function nextBankingDay(date: string): string {
  assertIsoDate(date);
  let candidate = addDays(date, 1);
  while (!isBankingDay(candidate)) candidate = addDays(candidate, 1);
  return candidate;
}
