/**
 * How the page writes numbers, dates and durations: es-MX, and instants in Mexico City
 * time (the README's rule for every `last_updated`). A date without a time (`2020-11-27`)
 * is a calendar day, formatted in UTC so that no time zone moves it to the day before.
 */
export const LOCALE = 'es-MX';
export const MEXICO_CITY = 'America/Mexico_City';

/** Rates: 4 decimals, as FIX and DOF are published. */
export const numberFormat = new Intl.NumberFormat(LOCALE, {
  minimumFractionDigits: 4,
  maximumFractionDigits: 4,
});
export const percentFormat = new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 2 });
export const countFormat = new Intl.NumberFormat(LOCALE);
const dayFormat = new Intl.DateTimeFormat(LOCALE, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const shortDayFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' });
const instantFormat = new Intl.DateTimeFormat(LOCALE, {
  dateStyle: 'medium',
  timeStyle: 'short',
  hourCycle: 'h23',
  timeZone: MEXICO_CITY,
});
export const clockFormat = new Intl.DateTimeFormat(LOCALE, {
  timeStyle: 'medium',
  hourCycle: 'h23',
  timeZone: MEXICO_CITY,
});

/** "viernes, 27 de noviembre de 2020"; the input unchanged when it is not a date. */
export function formatDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : dayFormat.format(date);
}

/** "27 nov 2020". */
export function formatShortDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : shortDayFormat.format(date);
}

/** "27 nov 2020, 12:00" in Mexico City time. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : instantFormat.format(date);
}

/** "45 s", "12 min", "3 h 5 min", "2 días 4 h": a duration in seconds, rounded, never negative. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  const label = days === 1 ? 'día' : 'días';
  return hours % 24 === 0 ? `${days} ${label}` : `${days} ${label} ${hours % 24} h`;
}

const weekdayFormat = new Intl.DateTimeFormat(LOCALE, { weekday: 'long', timeZone: 'UTC' });

/** "viernes 27 nov 2020": the weekday matters to a reader (no publication on weekends). */
export function formatWeekdayDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(date.getTime())
    ? isoDate
    : `${weekdayFormat.format(date)} ${shortDayFormat.format(date)}`;
}

const DAY_S = 86_400;

/**
 * A coarse age for a value's date: "15 min", "3 h", "4 días", "5 meses", "6 años" (months of
 * 30 days and years of 365 past 60 days and 2 years: a reader wants the order of magnitude).
 */
export function formatAge(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 2 * DAY_S) return formatDuration(s);
  if (s < 60 * DAY_S) return `${Math.floor(s / DAY_S)} días`;
  if (s < 730 * DAY_S) return `${Math.floor(s / (30 * DAY_S))} meses`;
  return `${Math.floor(s / (365 * DAY_S))} años`;
}

/** Today's calendar date in Mexico City, `YYYY-MM-DD` (the API's dates are Mexico City dates). */
export function mexicoCityToday(now: number = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: MEXICO_CITY }).format(new Date(now));
}

/** "20077.70" → "20,077.70" (es-MX groups with commas); the digits are never turned into a float. */
export function groupDigits(decimal: string): string {
  const [whole = '', fraction] = decimal.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** The calendar date `days` before `isoDate` (plain date arithmetic in UTC, no time zone). */
export function daysBefore(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
