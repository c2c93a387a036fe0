/**
 * The contract between the history data layer (SIE range calls, Fixer's historical
 * endpoint, the immutable per-date store) and the rules that answer "which rate applies
 * on date D" (issue 15). Values are MXN per 1 USD; dates are Mexico City calendar dates
 * `YYYY-MM-DD`. Errors are `ProviderError` (lib/core/provider-error.ts).
 */

/** SIE series: SF43718 = FIX by determination date; SF60653 = FIX by settlement date (UPSTREAMS.md). */
export const SIE_HISTORY_SERIES = ['SF43718', 'SF60653'] as const;
export type SieSeriesId = (typeof SIE_HISTORY_SERIES)[number];

/** One SIE observation: the value SIE gives for `date`. */
export interface Observation {
  date: string;
  /** MXN per 1 USD, as SIE gives it (4 decimals). */
  value: number;
}

/** The observations of one series over [from, to], as far as the data is final. */
export interface SeriesSlice {
  series: SieSeriesId;
  from: string;
  to: string;
  /** Ascending by date; SIE omits days without a value (non-banking days). */
  observations: readonly Observation[];
  /**
   * The last date of [from, to] for which the data is final: a date ≤ `finalThrough` with
   * no observation had no value. Dates after it may still get one (today's FIX before
   * 12:00, or a range that reaches today).
   */
  finalThrough: string;
  /** Human name plus series, as in today's rates' `source`. */
  source: string;
  /** Epoch ms of the oldest upstream call whose data this slice holds. */
  fetchedAt: number;
}

/** Fixer's EUR-based historical answer for one date, crossed to USD→MXN. */
export interface FixerDay {
  date: string;
  /** MXN per 1 USD = rates.MXN / rates.USD, rounded as today's Fixer rate is. */
  value: number;
  /** Fixer's `timestamp` as ISO 8601 UTC. */
  lastUpdated: string;
  provenance: Readonly<Record<string, string | number>>;
  fetchedAt: number;
}

/** The data layer the date rules read. Past values are stored once and never refetched. */
export interface HistoryReader {
  /**
   * Observations of one series in [from, to] (from ≤ to, both ≤ today in Mexico City):
   * from the store, fetching only uncached chunks (one SIE range call per chunk,
   * single-flight within an instance and lease-protected across instances).
   * Throws ProviderError (`not_configured`, `timeout`, `upstream_error`, …).
   */
  series(series: SieSeriesId, from: string, to: string): Promise<SeriesSlice>;
  /**
   * Fixer on one past date: stored once, fetched at most once ever (historical
   * endpoint; the call counts against the same monthly budget as `latest`).
   * Throws ProviderError (`not_configured`, `quota_exhausted`, …).
   */
  fixerOn(date: string): Promise<FixerDay>;
  /** Only the Fixer values already stored in [from, to]; never calls Fixer. */
  storedFixer(from: string, to: string): Promise<readonly FixerDay[]>;
}
