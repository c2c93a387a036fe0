/** What a rate means, in Mexican terms (see README "Rate semantics"). */
export type RateKind = 'fix' | 'dof' | 'para_pagos' | 'market';

/** The upstream sources, one provider module each. */
export const SOURCE_IDS = ['dof', 'fixer', 'banxico'] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

/** The keys under `rates` in the API: the DOF source yields two rates. */
export const RATE_KEYS = ['dof', 'dof_para_pagos', 'banxico', 'banxico_para_pagos', 'fixer'] as const;
export type RateKey = (typeof RATE_KEYS)[number];

/**
 * Rates dated by settlement, not by publication: SIE's SF60653 gives the FIX under the
 * date it settles, two banking days after its determination, so its latest value is
 * legitimately dated up to two banking days ahead of today (UPSTREAMS.md). Time checks
 * bound them by that, and a source's freshness goes by its other rates' dates.
 */
export const SETTLEMENT_DATED_KEYS: ReadonlySet<RateKey> = new Set<RateKey>(['banxico_para_pagos']);

/** A validated value from one source, before any caching decision. */
export interface ParsedRate {
  key: RateKey;
  /** MXN per 1 USD. */
  value: number;
  /** Mexico City calendar date (YYYY-MM-DD) the value belongs to. */
  date: string;
  /** When the source published it, ISO 8601 UTC. */
  lastUpdated: string;
  kind: RateKind;
  /** Human name plus series or URL. */
  source: string;
  /** Inputs the value was derived from (e.g. Fixer's EUR rates), never secrets. */
  provenance: Readonly<Record<string, string | number>>;
}

/** Everything a provider parse yields: the rates plus side data kept for consistency checks. */
export interface ParsedSource {
  rates: ParsedRate[];
  /** FIX values seen on the DOF page, by date, for the DOF(D) = FIX(prev banking day) check. */
  fixByDate?: Readonly<Record<string, number>>;
  /** The newest date the source showed at all (the DOF page's first row), checked like the rates' dates. */
  newestRowDate?: string;
  /** Disagreements between the source's own fields, logged as warnings (and shown in provenance). */
  warnings?: readonly string[];
}
