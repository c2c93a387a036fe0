import { convertAmount, rateDecimal, roundingRule } from './convert.js';
import { amountTooSmall, type ConvertQuery } from './query.js';
import type { ConversionRate, Currency } from './types.js';

/** The rate as /v1/convert shows it: the rate's own shape, its value as decimal text like the amounts. */
export type ConvertAnswerRate = Omit<ConversionRate, 'value'> & {
  /** MXN per 1 USD, the decimal text the conversion used. */
  value: string;
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
    },
    date: query.date ?? today,
  };
}
