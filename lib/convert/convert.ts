import Big from 'big.js';
import type { Currency } from './types.js';

/**
 * The conversion arithmetic, in decimal: amounts and the rate enter as decimal strings and the
 * result leaves as one, so no binary floating point touches a peso (big.js, README "Choices").
 * Rates are MXN per 1 USD: USD→MXN multiplies, MXN→USD divides.
 */

/**
 * Decimals per currency, from the SAT currency catalog c_Moneda (Anexo 20 of the CFDI): MXN and
 * USD both have 2. Results are rounded to these, half-up (half away from zero; amounts are
 * positive), as the catalog and the CFDI rounding rules ask.
 */
export const CURRENCY_DECIMALS: Readonly<Record<Currency, number>> = { USD: 2, MXN: 2 };

/** Digits before the dot an amount may have (999 999 999 999 999.99 is the largest amount). */
export const MAX_INTEGER_DIGITS = 15;

/** A private constructor: its DP/RM apply to division only and never leak to other big.js users. */
const Decimal = Big();
Decimal.RM = Big.roundHalfUp;

export type AmountCheck = { ok: true; amount: string } | { ok: false; reason: string };

const DECIMAL_TEXT = /^(\d+)(?:\.(\d+))?$/;

/**
 * Checks an amount written by a client: digits, at most one dot with digits on both sides, no
 * sign, no exponent, no leading zeros, at most 15 integer digits, at most the currency's
 * decimals (c_Moneda), greater than zero. The accepted amount comes back written with exactly
 * the currency's decimals ("1000" → "1000.00"). `reason` is one clause for a 400 detail.
 */
export function checkAmount(text: string, currency: Currency): AmountCheck {
  if (text === '') return { ok: false, reason: 'it is empty' };
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return { ok: false, reason: whyNotDecimal(text) };
  const integer = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (integer.length > MAX_INTEGER_DIGITS)
    return { ok: false, reason: `it has more than ${MAX_INTEGER_DIGITS} integer digits` };
  if (integer.length > 1 && integer.startsWith('0')) return { ok: false, reason: 'it has leading zeros' };
  const decimals = CURRENCY_DECIMALS[currency];
  if (fraction.length > decimals)
    return { ok: false, reason: `it has more than ${decimals} decimals, the most ${currency} has` };
  const amount = new Decimal(text);
  if (amount.eq(0)) return { ok: false, reason: 'it is zero' };
  return { ok: true, amount: amount.toFixed(decimals) };
}

function whyNotDecimal(text: string): string {
  if (text.startsWith('-')) return 'negative amounts are not converted';
  if (text.startsWith('+')) return 'a sign is not accepted';
  if (/^[\d.]+[eE][+-]?\d+$/.test(text)) return 'exponent notation is not accepted';
  if (text.includes(','))
    return 'a comma is not accepted (no thousands separators; the decimal mark is a dot)';
  return 'it is not a decimal number';
}

/**
 * The decimal text of a rate given as a number. `String(x)` is the shortest decimal that reads
 * back as the same double, which is the decimal the source wrote whenever that had at most 15
 * significant digits (rates have 2 integer digits and 4 to 6 decimals). Refuses anything that
 * is not a plain positive decimal (an exponent, NaN, zero), which no plausible rate is.
 */
export function rateDecimal(value: number): string {
  const text = String(value);
  if (!DECIMAL_TEXT.test(text) || Number(text) <= 0)
    throw new RangeError(`Not a plain positive decimal rate: ${text}`);
  return text;
}

export interface ConversionInput {
  /** A checked amount (`checkAmount`), in `from`. */
  amount: string;
  from: Currency;
  to: Currency;
  /** MXN per 1 USD, decimal text. */
  rate: string;
}

export interface Conversion {
  /** The amount with the `from` currency's decimals. */
  amount: string;
  /** In `to`, rounded half-up to its c_Moneda decimals. */
  result: string;
}

/**
 * USD→MXN: amount × rate, exact, then rounded once. MXN→USD: amount ÷ rate, rounded once from
 * the exact quotient (big.js division rounds at DP with the remainder in view, so there is no
 * double rounding). Throws RangeError for a pair that is not USD/MXN or a rate that is not positive.
 */
export function convertAmount(input: ConversionInput): Conversion {
  const amount = new Decimal(input.amount);
  const rate = new Decimal(input.rate);
  if (rate.lte(0)) throw new RangeError(`The rate must be positive, got ${input.rate}`);
  const decimals = CURRENCY_DECIMALS[input.to];
  let result: Big;
  if (input.from === 'USD' && input.to === 'MXN') {
    result = amount.times(rate).round(decimals, Big.roundHalfUp);
  } else if (input.from === 'MXN' && input.to === 'USD') {
    Decimal.DP = decimals;
    result = amount.div(rate);
  } else {
    throw new RangeError(`Cannot convert ${input.from} to ${input.to}`);
  }
  return { amount: amount.toFixed(CURRENCY_DECIMALS[input.from]), result: result.toFixed(decimals) };
}

/** The rounding the answer states, e.g. "half-up, 2 decimals (SAT c_Moneda: MXN has 2 decimals)". */
export function roundingRule(to: Currency): string {
  const decimals = CURRENCY_DECIMALS[to];
  return `half-up, ${decimals} decimals (SAT c_Moneda: ${to} has ${decimals} decimals), computed in decimal arithmetic from the rate's decimal text`;
}
