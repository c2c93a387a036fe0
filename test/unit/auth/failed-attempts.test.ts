import { describe, expect, it } from 'vitest';
import {
  CALLER_FREE_FAILURES,
  CLIENT_FREE_FAILURES,
  decideBrake,
  delaySeconds,
  MAX_DELAY_SECONDS,
  NO_FAILURES,
} from '../../../lib/auth/failed-attempts.js';

const NOW = 1_741_082_410_000;

describe('the token-endpoint brake rule', () => {
  it('grows the delay 1, 2, 4 … seconds past the free failures, up to the cap', () => {
    expect([4, 5, 6, 7, 30].map((n) => delaySeconds(n, 5))).toEqual([0, 1, 2, 4, MAX_DELAY_SECONDS]);
  });

  it('lets a caller with fewer than the free failures through', () => {
    const caller = { failures: CALLER_FREE_FAILURES - 1, lastFailureMs: NOW };

    expect(decideBrake(caller, NO_FAILURES, NOW)).toEqual({ allowed: true });
  });

  it('makes a caller past its free failures wait after its latest failure', () => {
    const caller = { failures: CALLER_FREE_FAILURES + 2, lastFailureMs: NOW - 1500 };

    expect(decideBrake(caller, NO_FAILURES, NOW)).toEqual({ allowed: false, retryAfterSeconds: 3 });
    expect(decideBrake(caller, NO_FAILURES, NOW + 2500)).toEqual({ allowed: true });
  });

  it('never refuses a caller without failures, however attacked the client is', () => {
    const client = { failures: 10_000, lastFailureMs: NOW };

    expect(decideBrake(NO_FAILURES, client, NOW)).toEqual({ allowed: true });
  });

  it('makes a caller with one failure wait on an attacked client', () => {
    const caller = { failures: 1, lastFailureMs: NOW - 60_000 };
    const client = { failures: CLIENT_FREE_FAILURES + 3, lastFailureMs: NOW };

    expect(decideBrake(caller, client, NOW)).toEqual({ allowed: false, retryAfterSeconds: 8 });
  });
});
