import { ProviderError } from './provider-error.js';

/** 2000-01-01T00:00:00Z in epoch seconds: "after 1999" (Fixer's history starts in 1999). */
export const EARLIEST_EPOCH_SECONDS = 946_684_800;

/**
 * A seconds epoch from an upstream as an instant; milliseconds and nonsense are
 * `invalid_value`. Read by the Fixer parser and by the rates' time checks (lib/rates/time-checks.ts).
 */
export function epochSecondsToDate(value: number, what: string): Date {
  if (!Number.isSafeInteger(value)) {
    throw new ProviderError('invalid_value', `${what} is not a whole number of seconds`);
  }
  // Epoch milliseconds of any date after 1973 exceed 1e11; seconds will not until the year 5138.
  if (value >= 1e11)
    throw new ProviderError('invalid_value', `${what} ${value} is not in seconds (milliseconds?)`);
  if (value < EARLIEST_EPOCH_SECONDS)
    throw new ProviderError('invalid_value', `${what} ${value} is before 2000`);
  return new Date(value * 1000);
}
