import { ProviderError } from './provider-error.js';

/**
 * Bounds for MXN per 1 USD. The peso has traded between ~9.9 (2008) and ~25.1 (March
 * 2020) since the 1993 redenomination; 5–60 leaves room for years of drift or a crisis
 * while still catching the failures we actually fear: a parsed zero, a sign lost, a
 * value read from the wrong column or unit (USD per MXN ≈ 0.05, cents ≈ 2000), or a
 * decimal point dropped (205303).
 */
export const MIN_PLAUSIBLE_MXN_PER_USD = 5;
export const MAX_PLAUSIBLE_MXN_PER_USD = 60;

/** Returns the value if it can be a USD→MXN rate; otherwise throws ProviderError('invalid_value'). */
export function assertPlausibleRate(value: number, what: string): number {
  if (!Number.isFinite(value) || value < MIN_PLAUSIBLE_MXN_PER_USD || value > MAX_PLAUSIBLE_MXN_PER_USD) {
    throw new ProviderError(
      'invalid_value',
      `${what} is ${String(value)}, outside the plausible range ${MIN_PLAUSIBLE_MXN_PER_USD}–${MAX_PLAUSIBLE_MXN_PER_USD} MXN per USD`,
    );
  }
  return value;
}

/** Moves the decimal point through the number's own text, so 1.00005 stays 1.00005 and not 1.0000499…. */
function shiftDecimal(value: number, places: number): number {
  const [mantissa, exponent = '0'] = String(value).split('e');
  return Number(`${mantissa}e${Number(exponent) + places}`);
}

/**
 * Rounds half away from zero at `decimals` places, on the decimal text of the number:
 * `Math.round(x * 10 ** d)` and `toFixed` both round 1.005 to 1.00 because 1.005 is
 * stored as 1.00499999….
 */
export function roundHalfUp(value: number, decimals: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`Cannot round ${String(value)}`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15) {
    throw new RangeError(`decimals must be an integer 0–15, got ${decimals}`);
  }
  const magnitude = shiftDecimal(Math.round(shiftDecimal(Math.abs(value), decimals)), -decimals);
  return value < 0 ? -magnitude : magnitude;
}
