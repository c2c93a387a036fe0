import type { BoundedCounter, CounterKey } from '../quota/counter-store.js';
import { windowSpan } from '../quota/rule.js';

/**
 * Brute-force brake for the token endpoint, per client_id: at most MAX_FAILURES failed
 * authentications per fixed 15-minute window; after that every attempt for that
 * client_id is refused (429) until the window ends, whatever the secret.
 *
 * Each attempt reserves a failure *before* the secret is checked (one conditional
 * UpdateItem) and a successful one gives it back. Counting after the check instead
 * would let a burst of concurrent guesses all pass a "fewer than 5 so far" test.
 */
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_SECONDS = 15 * 60;

export type AttemptReservation =
  | { granted: true; release: () => Promise<void> }
  | { granted: false; retryAfterSeconds: number };

export interface FailedAttempts {
  reserve(clientId: string, nowMs: number): Promise<AttemptReservation>;
}

export function createFailedAttempts(counter: BoundedCounter): FailedAttempts {
  return {
    async reserve(clientId, nowMs) {
      const span = windowSpan({ seconds: FAILURE_WINDOW_SECONDS }, nowMs);
      const key: CounterKey = { pk: `token-failures#${clientId}`, sk: `window#${span.start}` };
      const result = await counter.increment(key, MAX_FAILURES, span.end + FAILURE_WINDOW_SECONDS);
      if (!result.admitted) return { granted: false, retryAfterSeconds: span.resetSeconds };
      return { granted: true, release: () => counter.decrement(key) };
    },
  };
}
