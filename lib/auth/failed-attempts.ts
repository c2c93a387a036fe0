/**
 * The token endpoint's brute-force brake. It slows whoever keeps failing; it never locks
 * the owner of a client id out (client ids are not secret, so a brake keyed on the id alone
 * would let anyone deny service to anyone).
 *
 * - Only *verified* failures count: an attempt is recorded after its secret was checked
 *   and found wrong (or its client is unknown or disabled). A correct secret writes
 *   nothing, so concurrent logins cannot refuse each other and a crash mid-request leaves
 *   no phantom failure behind.
 * - Per caller (source IP): CALLER_FREE_FAILURES failures per window cost nothing; after
 *   that the caller waits 1, 2, 4, … seconds (up to MAX_DELAY_SECONDS) after its latest
 *   failure before anything it sends is even checked.
 * - Per client id: once CLIENT_FREE_FAILURES failures from all callers together are
 *   recorded in a window, a caller that itself failed recently waits the same way, on the
 *   client's count. A caller with no failure in the window is never refused: the owner
 *   logging in from anywhere else always gets through.
 *
 * The rule is pure; FailureStore is its storage port (lib/auth/failure-store.ts).
 */
export const FAILURE_WINDOW_SECONDS = 15 * 60;
export const CALLER_FREE_FAILURES = 5;
export const CLIENT_FREE_FAILURES = 10;
export const MAX_DELAY_SECONDS = 15 * 60;

export interface FailureCount {
  failures: number;
  /** Epoch ms of the latest recorded failure; 0 when none. */
  lastFailureMs: number;
}

export const NO_FAILURES: FailureCount = { failures: 0, lastFailureMs: 0 };

export interface FailureSubject {
  caller: string;
  clientId: string;
}

export interface FailureStore {
  /** The current window's counts for the caller and for the client id. */
  read(subject: FailureSubject, windowStart: number): Promise<{ caller: FailureCount; client: FailureCount }>;
  /**
   * One verified failure. `clientKnown: false` records it for the caller only, so random
   * client ids cannot make the table grow with one item per id.
   */
  record(
    subject: FailureSubject & { clientKnown: boolean },
    window: { start: number; expiresAt: number },
    nowMs: number,
  ): Promise<void>;
}

export type BrakeDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The fixed window `nowMs` falls in, and when its items may be collected. */
export function failureWindow(nowMs: number): { start: number; expiresAt: number } {
  const start = Math.floor(nowMs / 1000 / FAILURE_WINDOW_SECONDS) * FAILURE_WINDOW_SECONDS;
  return { start, expiresAt: start + 2 * FAILURE_WINDOW_SECONDS };
}

/** Seconds to wait after the latest failure once `failures` reached `free`: 1, 2, 4, … capped. */
export function delaySeconds(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_DELAY_SECONDS, 2 ** (failures - free));
}

function waitMs(count: FailureCount, free: number, nowMs: number): number {
  const delay = delaySeconds(count.failures, free);
  return delay === 0 ? 0 : count.lastFailureMs + delay * 1000 - nowMs;
}

export function decideBrake(caller: FailureCount, client: FailureCount, nowMs: number): BrakeDecision {
  let wait = waitMs(caller, CALLER_FREE_FAILURES, nowMs);
  if (caller.failures > 0) wait = Math.max(wait, waitMs(client, CLIENT_FREE_FAILURES, nowMs));
  return wait > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { allowed: true };
}
