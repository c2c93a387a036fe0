/**
 * Which SIE range calls a history read needs (pure: no I/O, no clock).
 *
 * A series is fetched in calendar-year chunks: one SIE range call covers what is missing
 * of one year, so a range of at most 366 days costs at most two calls per series, and a
 * later read anywhere in a fetched year costs none. SIE ranges can span years (UPSTREAMS.md
 * "SIE limits for ranges"), but a year keeps one call's answer small and its store writes
 * bounded (~250 observations).
 *
 * Each chunk remembers how far its data is final (`finalThrough`): a date ≤ it has all
 * the observations it will ever have (none on non-banking days). A chunk that reaches
 * today is final only through yesterday (Mexico City): today's FIX appears from 12:00, and
 * SIE answers `N/E` for a value it does not have yet, so the first `N/E` also ends the final
 * part. The rest (the tail) is fetched again, at most once per `recheckMs` within one Mexico
 * City day; a new day always allows a refetch, since yesterday just became final.
 */
import { addDays } from '../core/mexico-time.js';
import { FIX_FIRST_DATE } from './coverage.js';

/** The earlier of two YYYY-MM-DD dates (they order as strings). */
function earlier(a: string, b: string): string {
  return a <= b ? a : b;
}

function later(a: string, b: string): string {
  return a >= b ? a : b;
}

/** What the store remembers of one (series, year) chunk. */
export interface ChunkMarker {
  /** Last date of the year whose data is final (YYYY-MM-DD). */
  finalThrough: string;
  /** Epoch ms of the first upstream call that stored data for this chunk. */
  fetchedAt: number;
  /** Epoch ms of the latest upstream call for this chunk. */
  checkedAt: number;
}

/** The part of one calendar year a read covers. */
export interface YearSpan {
  year: number;
  from: string;
  to: string;
}

/** [from, to] cut at calendar-year boundaries, oldest first. Both dates are YYYY-MM-DD, from ≤ to. */
export function yearSpans(from: string, to: string): YearSpan[] {
  const spans: YearSpan[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    const start = `${String(year).padStart(4, '0')}-01-01`;
    const end = `${String(year).padStart(4, '0')}-12-31`;
    spans.push({ year, from: later(start, from), to: earlier(end, to) });
  }
  return spans;
}

/**
 * How far a chunk is final without any call: what its marker says, or, before a first call,
 * the day before the series' history starts (SF43718 from 1991-11-12; nothing of either
 * series exists earlier, so those days are final with no value).
 */
export function knownFinalThrough(year: number, marker: ChunkMarker | undefined): string {
  const yearStart = `${String(year).padStart(4, '0')}-01-01`;
  const beforeHistory = addDays(FIX_FIRST_DATE, -1);
  const yearEnd = `${String(year).padStart(4, '0')}-12-31`;
  const bounded = earlier(later(beforeHistory, addDays(yearStart, -1)), yearEnd);
  return marker === undefined ? bounded : later(marker.finalThrough, bounded);
}

/** The one range call a chunk needs to cover `span`, or undefined when it is final or was just asked. */
export function chunkFetchRange(
  span: YearSpan,
  marker: ChunkMarker | undefined,
  today: string,
  recentlyChecked: boolean,
): { from: string; to: string } | undefined {
  const finalThrough = knownFinalThrough(span.year, marker);
  if (finalThrough >= span.to) return undefined;
  // The tail was asked for today already: no new call before the recheck interval ends.
  if (recentlyChecked) return undefined;
  const yearEnd = `${String(span.year).padStart(4, '0')}-12-31`;
  return { from: addDays(finalThrough, 1), to: earlier(yearEnd, today) };
}

/**
 * How far a chunk is final after a range call over [from, to] answered these observations
 * (`value` undefined = `N/E`): through `to`, but never past yesterday nor into the first N/E.
 */
export function finalThroughAfterFetch(
  range: { from: string; to: string },
  observations: ReadonlyArray<{ date: string; value: number | undefined }>,
  today: string,
): string {
  const yesterday = addDays(today, -1);
  let final = earlier(range.to, yesterday);
  const firstMissing = observations.find((observation) => observation.value === undefined);
  if (firstMissing !== undefined && firstMissing.date <= final) final = addDays(firstMissing.date, -1);
  const beforeRange = addDays(range.from, -1);
  return later(final, beforeRange);
}

/**
 * The last date of [from, to] up to which every chunk is final: `to` when all of it is,
 * else the chunk's final date inside the range, or the day before `from` when none is.
 */
export function sliceFinalThrough(
  spans: readonly YearSpan[],
  finalThroughOf: (year: number) => string,
  from: string,
): string {
  for (const span of spans) {
    const final = finalThroughOf(span.year);
    if (final < span.to) return final < from ? addDays(from, -1) : final;
  }
  return spans.at(-1)?.to ?? addDays(from, -1);
}
