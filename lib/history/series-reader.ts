import { addDays, mexicoCityDate } from '../core/mexico-time.js';
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
 * `HistoryReader.series`: observations from the store, one SIE range call per uncached
 * contiguous span: chunks (series × calendar year, lib/history/chunks.ts) that are missing
 * side by side are fetched with one call over their union and each marked as covered, so the
 * rules' look-back into the previous year does not cost a call of its own.
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

/** The chunks' markers as the table holds them now. */
async function readGroup(ctx: ReaderContext, series: SieSeriesId, spans: readonly YearSpan[]) {
  return ctx.deps.store.readChunks(
    series,
    spans.map((span) => span.year),
  );
}

/**
 * Under the lease: look again, then ONE range call over the union of what the chunks still
 * miss, stored and marked chunk by chunk (each chunk's final part as if fetched alone).
 */
async function fetchGroup(ctx: ReaderContext, series: SieSeriesId, spans: readonly YearSpan[]) {
  const { store, fetchSieRange, now } = ctx.deps;
  const markers = await readGroup(ctx, series, spans);
  const today = ctx.today();
  const needed = spans.flatMap((span) => {
    const marker = markers.get(span.year);
    const range = chunkFetchRange(span, marker, today, recentlyChecked(ctx, marker));
    return range === undefined ? [] : [{ span, range }];
  });
  const first = needed[0];
  const last = needed.at(-1);
  if (first === undefined || last === undefined) return markers;
  const observations = await fetchSieRange(series, first.range.from, last.range.to);
  const fetchedAt = now();
  const values = observations.flatMap(({ date, value }) => (value === undefined ? [] : [{ date, value }]));
  await store.writeObservations(series, values, fetchedAt);
  for (const { span, range } of needed) {
    const inChunk = observations.filter(({ date }) => date >= range.from && date <= range.to);
    await store.advanceChunk(series, span.year, finalThroughAfterFetch(range, inChunk, today), fetchedAt);
  }
  return readGroup(ctx, series, spans);
}

/** Several adjacent missing chunks: one flight, one lease, one SIE call for all of them. */
async function ensureGroup(ctx: ReaderContext, series: SieSeriesId, spans: readonly YearSpan[]) {
  const key = `sie#${series}#${spans[0]?.year}-${spans.at(-1)?.year}`;
  return ctx.flights.once(key, async () => {
    await ctx.deps.assertConfigured('banxico');
    const before = await readGroup(ctx, series, spans);
    const changed = async () => {
      const current = await readGroup(ctx, series, spans);
      const all = spans.every(({ year }) => {
        const marker = current.get(year);
        return marker !== undefined && marker.checkedAt !== before.get(year)?.checkedAt;
      });
      return all ? current : undefined;
    };
    const lease = { ...ctx.deps, sleep: ctx.sleep };
    return underLease(lease, key, changed, () => fetchGroup(ctx, series, spans));
  });
}

/**
 * The spans cut into runs of adjacent chunks that each need a call whose range starts the
 * day after the previous one's ends: such a run is one contiguous uncached span, so one call.
 */
function fetchRuns(
  ctx: ReaderContext,
  spans: readonly YearSpan[],
  markers: ReadonlyMap<number, ChunkMarker>,
) {
  const runs: YearSpan[][] = [];
  let previousEnd: string | undefined;
  for (const span of spans) {
    const marker = markers.get(span.year);
    const range = chunkFetchRange(span, marker, ctx.today(), recentlyChecked(ctx, marker));
    const current = runs.at(-1);
    if (
      range !== undefined &&
      current !== undefined &&
      previousEnd !== undefined &&
      addDays(previousEnd, 1) === range.from
    )
      current.push(span);
    else runs.push([span]);
    previousEnd = range?.to;
  }
  return runs;
}

async function ensureRun(
  ctx: ReaderContext,
  id: SieSeriesId,
  run: readonly YearSpan[],
  markers: ReadonlyMap<number, ChunkMarker>,
): Promise<(ChunkMarker | undefined)[]> {
  const [only] = run;
  if (run.length === 1 && only !== undefined)
    return [await ensureChunk(ctx, id, only, markers.get(only.year))];
  const stored = await ensureGroup(ctx, id, run);
  return run.map((span) => stored.get(span.year));
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
  const runs = fetchRuns(ctx, spans, markers);
  const ensured = (await Promise.all(runs.map((run) => ensureRun(ctx, id, run, markers)))).flat();
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
