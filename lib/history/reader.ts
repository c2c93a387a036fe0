import { readFixerOn, readStoredFixer } from './fixer-reader.js';
import { createFlights } from './flights.js';
import { type HistoryReaderDeps, type ReaderContext, todayIn } from './reader-deps.js';
import { readSeries } from './series-reader.js';
import type { HistoryReader } from './types.js';

export type { FixerAnswer, HistoryPolicy, HistoryReaderDeps, RangeObservation } from './reader-deps.js';

/**
 * The history data layer (`HistoryReader`): past values are read from the store, and an
 * upstream is called only for what is not stored yet, once. Within an instance concurrent
 * reads of one chunk (SIE series × year) or one Fixer day share one promise
 * (single-flight); across instances a DynamoDB lease per chunk/day lets one call and the
 * others wait for what it stores (lib/history/flights.ts). A failed call stores nothing:
 * the error (ProviderError) reaches the caller, and this instance repeats it for the
 * backoff instead of calling again.
 */
export function createHistoryReader(deps: HistoryReaderDeps): HistoryReader {
  const ctx: ReaderContext = {
    deps,
    flights: createFlights(deps.now, deps.policy.errorBackoffMs),
    sleep: deps.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    today: () => todayIn(deps),
    completeChunks: new Map(),
  };
  return {
    series: (id, from, to) =>
      ctx.flights.shared(`series#${id}#${from}#${to}`, () => readSeries(ctx, id, from, to)),
    fixerOn: (date) => ctx.flights.shared(`fixer#${date}`, () => readFixerOn(ctx, date)),
    storedFixer: (from, to) => readStoredFixer(ctx, from, to),
  };
}
