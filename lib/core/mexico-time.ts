/**
 * Wall-clock helpers for America/Mexico_City. They go through the tz database (Intl)
 * rather than a fixed -06:00 because Mexico observed summer time (UTC-5) until
 * 30 Oct 2022, and historical rates are keyed by Mexican calendar dates.
 */

const ZONE = 'America/Mexico_City';
const MINUTE_MS = 60_000;

// hourCycle h23: some ICU versions print midnight as "24" with hour12: false.
const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export interface MexicoCityParts {
  /** YYYY-MM-DD */
  date: string;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: Date): WallClock {
  const values: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatter.formatToParts(instant)) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  const { year, month, day, hour, minute, second } = values;
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    throw new RangeError(`Cannot read Mexico City wall clock for ${instant.toISOString()}`);
  }
  return { year, month, day, hour, minute, second };
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function isoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Mexico City's offset from UTC at that instant, in ms (negative: -5 h or -6 h). */
function offsetAt(instantMs: number): number {
  const wall = wallClock(new Date(instantMs));
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(instantMs / 1000) * 1000;
}

function parseIsoDate(date: string): { year: number; month: number; day: number } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return isRealDate(year, month, day) ? { year, month, day } : undefined;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(date: string): boolean {
  return parseIsoDate(date) !== undefined;
}

/**
 * The UTC instant at which Mexico City's clocks showed `date hour:minute`.
 * A wall time skipped by a spring-forward change resolves to the instant one hour
 * later; a repeated one (autumn) resolves to its first occurrence.
 */
export function mexicoCityInstant(date: string, hour: number, minute = 0): Date {
  const parts = parseIsoDate(date);
  if (parts === undefined) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`Hour out of range: ${hour}`);
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new RangeError(`Minute out of range: ${minute}`);
  }
  const wallAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, hour, minute);
  // Offsets before and after a change differ; the earlier one picks the first
  // occurrence of a repeated wall time.
  const offsets = [offsetAt(wallAsUtc - 6 * 60 * MINUTE_MS), offsetAt(wallAsUtc + 6 * 60 * MINUTE_MS)];
  for (const offset of offsets.sort((a, b) => b - a)) {
    const candidate = wallAsUtc - offset;
    if (offsetAt(candidate) === offset) return new Date(candidate);
  }
  // Skipped wall time: apply the offset in force before the change (02:30 → 03:30).
  return new Date(wallAsUtc - Math.min(...offsets));
}

/** Mexico City calendar date (YYYY-MM-DD) at that instant. */
export function mexicoCityDate(instant: Date): string {
  const wall = wallClock(instant);
  return isoDate(wall.year, wall.month, wall.day);
}

export function mexicoCityParts(instant: Date): MexicoCityParts {
  const wall = wallClock(instant);
  return {
    date: isoDate(wall.year, wall.month, wall.day),
    hour: wall.hour,
    minute: wall.minute,
    weekday: new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay(),
  };
}

/** '13/11/2020' → '2020-11-13'; undefined unless it is a real calendar date. */
export function parseDdMmYyyy(text: string): string | undefined {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (match === null) return undefined;
  const day = Number(match[1]);
  const month = Number(match[2]);
  const year = Number(match[3]);
  return isRealDate(year, month, day) ? isoDate(year, month, day) : undefined;
}

/** The calendar date `days` after (or before, if negative) a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const parts = parseIsoDate(date);
  if (parts === undefined) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  const shifted = new Date(Date.UTC(parts.year, parts.month - 1, parts.day + days));
  return isoDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}
