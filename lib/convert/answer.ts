import { convertAmount, rateDecimal, roundingRule } from './convert.js';
import { amountTooSmall, type ConvertQuery } from './query.js';
import { rateStanding } from './standing.js';
import type { ConversionRate, Currency } from './types.js';

/** The rate as /v1/convert shows it: the rate's own shape, its value as decimal text like the amounts. */
export type ConvertAnswerRate = Omit<ConversionRate, 'value'> & {
  /** MXN per 1 USD, the decimal text the conversion used. */
  value: string;
  /** The rates routes' `stale` for today's cached rate; false for a dated one (lib/convert/standing.ts). */
  stale: boolean;
  /** Whether this is the rate the kind's rule gives for the answer's `date` (lib/convert/standing.ts). */
  applies_to_date: boolean;
};

/** The body of a 200 from GET /v1/convert (openapi.yaml `Conversion`). */
export interface ConvertAnswer {
  amount: string;
  from: Currency;
  to: Currency;
  result: string;
  rounding: string;
  rate: ConvertAnswerRate;
  /** The Mexico City date the conversion is for: the requested one, or today. */
  date: string;
  /** Present when the rate is stale or is not the one that applies on `date`: do not pay with it. */
  warning?: string;
}

/**
 * Converts a checked query at `rate` and shapes the answer (pure). Throws QueryError (amount)
 * when the amount, never zero, converts to less than the smallest unit of `to`.
 */
export function buildConvertAnswer(query: ConvertQuery, rate: ConversionRate, today: string): ConvertAnswer {
  const value = rateDecimal(rate.value);
  const { amount, result } = convertAmount({
    amount: query.amount,
    from: query.from,
    to: query.to,
    rate: value,
  });
  if (Number(result) === 0) throw amountTooSmall(query, value);
  const date = query.date ?? today;
  const { warning, ...standing } = rateStanding(rate.kind, rate.date, date, rate.stale ?? false);
  return {
    amount,
    from: query.from,
    to: query.to,
    result,
    rounding: roundingRule(query.to),
    rate: {
      kind: rate.kind,
      value,
      date: rate.date,
      ...(rate.applies_since === undefined ? {} : { applies_since: rate.applies_since }),
      rule: rate.rule,
      source: rate.source,
      provenance: rate.provenance,
      ...standing,
    },
    date,
    ...(warning === undefined ? {} : { warning }),
  };
}
