/** What a rate means, in Mexican terms (see README "Rate semantics"). */
export type RateKind = 'fix' | 'dof' | 'para_pagos' | 'market';

/** The upstream sources, one provider module each. */
export const SOURCE_IDS = ['dof', 'fixer', 'banxico'] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

/** The keys under `rates` in the API: the DOF source yields two rates. */
export const RATE_KEYS = ['dof', 'dof_para_pagos', 'banxico', 'fixer'] as const;
export type RateKey = (typeof RATE_KEYS)[number];

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
