/**
 * The shapes shared by the conversion rules (lib/convert), the rate that feeds them
 * (`rateForConversion`, PLAN.md: lib/history/rate-for-kind.ts once it exists) and the
 * /v1/convert route. Values are MXN per 1 USD; dates are Mexico City calendar dates YYYY-MM-DD.
 */

/** The two currencies of the API (ISO 4217 codes, as the SAT catalog c_Moneda writes them). */
export const CURRENCIES = ['USD', 'MXN'] as const;
export type Currency = (typeof CURRENCIES)[number];

/**
 * Which official or market rate a conversion uses (README "Rate semantics"):
 * `fix` SF43718 by determination date, `dof` the DOF publication, `para_pagos` the rate to pay
 * USD obligations, `fiscal` CFF art. 20 (the DOF publication with the latest publication date
 * strictly before the day), `market` Fixer's mid-rate.
 */
export const CONVERSION_KINDS = ['fix', 'dof', 'para_pagos', 'fiscal', 'market'] as const;
export type ConversionKind = (typeof CONVERSION_KINDS)[number];

/** The rate a conversion uses, with what it is and where it comes from. */
export interface ConversionRate {
  kind: ConversionKind;
  /**
   * MXN per 1 USD as the source gives it (4 decimals; Fixer's rounded half-up to 4). A double
   * whose shortest decimal form (`String(value)`) is the decimal the source wrote: the
   * conversion starts from that text, never from binary arithmetic (lib/convert/convert.ts).
   */
  value: number;
  /** The date the value belongs to (the source's own date, or the publication date for dof/fiscal). */
  date: string;
  /** Only when the requested day had no value of its own: since when this value applies. */
  applies_since?: string;
  /** One sentence: which rule picked this value. */
  rule: string;
  /** Human name plus series or URL. */
  source: string;
  provenance: Readonly<Record<string, string | number>>;
}

/**
 * The rate of `kind` that applies on `date` (Mexico City), or today's when `date` is undefined.
 * Throws `ProviderError` when the source cannot give it.
 */
export type RateForConversion = (kind: ConversionKind, date: string | undefined) => Promise<ConversionRate>;
