import { mexicoCityDate } from '../core/mexico-time.js';
import {
  type ChunkMarker,
  chunkFetchRange,
  finalThroughAfterFetch,
  knownFinalThrough,
  sliceFinalThrough,
  type YearSpan,
  yearSpans,
} from './chunks.js';
import { underLease } from './flights.js';
import { assertRange, type ReaderContext } from './reader-deps.js';
import type { SeriesSlice, SieSeriesId } from './types.js';

/**
 * `HistoryReader.series`: observations from the store, one SIE range call per chunk
 * (series × calendar year) that is not stored yet (lib/history/chunks.ts decides which).
 */

function recentlyChecked(ctx: ReaderContext, marker: ChunkMarker | undefined): boolean {
  if (marker === undefined) return false;
  const { now, policy } = ctx.deps;
  const sameDay = mexicoCityDate(new Date(marker.checkedAt)) === ctx.today();
  return now() - marker.checkedAt < policy.recheckMs && sameDay;
}

async function readChunk(ctx: ReaderContext, series: SieSeriesId, year: number) {
  return (await ctx.deps.store.readChunks(series, [year])).get(year);
}

/** Under the lease: look again (another instance may just have stored it), then one range call. */
async function fetchChunk(ctx: ReaderContext, series: SieSeriesId, span: YearSpan) {
  const { store, fetchSieRange, now } = ctx.deps;
  const marker = await readChunk(ctx, series, span.year);
  const range = chunkFetchRange(span, marker, ctx.today(), recentlyChecked(ctx, marker));
  if (range === undefined) return marker;
  const observations = await fetchSieRange(series, range.from, range.to);
  const fetchedAt = now();
  const values = observations.flatMap(({ date, value }) => (value === undefined ? [] : [{ date, value }]));
  await store.writeObservations(series, values, fetchedAt);
  // Written after the observations: a crash in between leaves the chunk to be fetched again.
  const finalThrough = finalThroughAfterFetch(range, observations, ctx.today());
  await store.advanceChunk(series, span.year, finalThrough, fetchedAt);
  return readChunk(ctx, series, span.year);
}

/** Makes the store hold what `span` needs, as far as SIE has it: one call per chunk at most. */
async function ensureChunk(ctx: ReaderContext, series: SieSeriesId, span: YearSpan, marker?: ChunkMarker) {
  if (chunkFetchRange(span, marker, ctx.today(), recentlyChecked(ctx, marker)) === undefined) return marker;
  const key = `sie#${series}#${span.year}`;
  // Joined by every concurrent read of this chunk in this instance, whatever span it needs:
  // the call always covers the year through today.
  return ctx.flights.once(key, async () => {
    await ctx.deps.assertConfigured('banxico');
    const before = await readChunk(ctx, series, span.year);
    const changed = async () => {
      const current = await readChunk(ctx, series, span.year);
      return current !== undefined && current.checkedAt !== before?.checkedAt ? current : undefined;
    };
    const lease = { ...ctx.deps, sleep: ctx.sleep };
    return underLease(lease, key, changed, () => fetchChunk(ctx, series, span));
  });
}

/** Chunk markers of these spans: from memory when complete, else from the table. */
async function readMarkers(ctx: ReaderContext, id: SieSeriesId, spans: readonly YearSpan[]) {
  const markers = new Map<number, ChunkMarker>();
  const toRead: number[] = [];
  for (const { year } of spans) {
    const complete = ctx.completeChunks.get(`${id}#${year}`);
    if (complete === undefined) toRead.push(year);
    else markers.set(year, complete);
  }
  for (const [year, marker] of await ctx.deps.store.readChunks(id, toRead)) markers.set(year, marker);
  return markers;
}

function rememberComplete(ctx: ReaderContext, id: SieSeriesId, year: number, marker?: ChunkMarker) {
  if (marker?.finalThrough === `${String(year).padStart(4, '0')}-12-31`)
    ctx.completeChunks.set(`${id}#${year}`, marker);
}

/** Observations of one series in [from, to] (to ≤ today), fetching what is not stored. */
export async function readSeries(
  ctx: ReaderContext,
  id: SieSeriesId,
  from: string,
  to: string,
): Promise<SeriesSlice> {
  assertRange(from, to);
  if (to > ctx.today()) throw new RangeError(`to (${to}) is after today (${ctx.today()}) in Mexico City`);
  const spans = yearSpans(from, to);
  const markers = await readMarkers(ctx, id, spans);
  const ensured = await Promise.all(spans.map((span) => ensureChunk(ctx, id, span, markers.get(span.year))));
  const finalByYear = new Map(spans.map((span, index) => [span.year, ensured[index]]));
  for (const [year, marker] of finalByYear) rememberComplete(ctx, id, year, marker);
  const observations = await ctx.deps.store.readObservations(id, from, to);
  const fetchedTimes = [
    ...observations.map((observation) => observation.fetchedAt),
    ...ensured.flatMap((marker) => (marker === undefined ? [] : [marker.fetchedAt])),
  ];
  return {
    series: id,
    from,
    to,
    observations: observations.map(({ date, value }) => ({ date, value })),
    finalThrough: sliceFinalThrough(spans, (year) => knownFinalThrough(year, finalByYear.get(year)), from),
    source: ctx.deps.sourceOf(id),
    fetchedAt: fetchedTimes.length === 0 ? ctx.deps.now() : Math.min(...fetchedTimes),
  };
}
