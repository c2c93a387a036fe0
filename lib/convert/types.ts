import type { ConversionKind, ConversionRate } from '../history/rate-for-kind.js';

/**
 * The shapes shared by the conversion rules (lib/convert), the rate that feeds them and the
 * /v1/convert route. The rate kinds and the rate's shape are the history rules' own
 * (lib/history/rate-for-kind.ts, PLAN.md): `fix` SF43718 by determination date, `dof` the DOF
 * publication, `para_pagos` the rate to pay USD obligations, `fiscal` CFF art. 20 (the DOF
 * publication with the latest publication date strictly before the day), `market` Fixer.
 * Values are MXN per 1 USD; dates are Mexico City calendar dates YYYY-MM-DD.
 */
export { CONVERSION_KINDS, type ConversionKind, type ConversionRate } from '../history/rate-for-kind.js';

/** The two currencies of the API (ISO 4217 codes, as the SAT catalog c_Moneda writes them). */
export const CURRENCIES = ['USD', 'MXN'] as const;
export type Currency = (typeof CURRENCIES)[number];

/**
 * The rate of `kind` that applies on `date` (Mexico City), or today's when `date` is undefined.
 * `value` is a double whose shortest decimal form (`String(value)`) is the decimal the source
 * wrote: the conversion starts from that text (lib/convert/convert.ts). Throws `ProviderError`
 * when the source cannot give it (`before_history` for a date before the source's first).
 */
export type RateForConversion = (kind: ConversionKind, date: string | undefined) => Promise<ConversionRate>;
