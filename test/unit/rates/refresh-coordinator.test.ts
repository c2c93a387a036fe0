import { describe, expect, it } from 'vitest';
import type { ParsedSource, SourceId } from '../../../lib/core/rate.js';
import type { RefreshAnswer } from '../../../lib/rates/entry-state.js';
import type { RatePolicy } from '../../../lib/rates/rate-policy.js';
import { createRefreshCoordinator } from '../../../lib/rates/refresh-coordinator.js';
import { IN_PROGRESS } from '../../../lib/rates/serving.js';
import { toCachedValue } from '../../../lib/rates/upstream-call.js';
import { createMemoryRateStore } from '../../helpers/memory-rate-store.js';

const MINUTE = 60_000;
const POLICY: RatePolicy = {
  maxStaleMs: 7 * 24 * 60 * MINUTE,
  fixerMinIntervalMs: 8 * 60 * MINUTE,
  fixerMonthlyBudget: 100,
  retryLateMs: 15 * MINUTE,
  errorBackoffMs: MINUTE,
  leaseMs: 35_000,
  waitForWinnerMs: 5_000,
  pollIntervalMs: 50,
};
/** Wednesday 2026-11-25, 15:00 Mexico City: after the FIX publication. */
const START = Date.parse('2026-11-25T21:00:00Z');

function fixOf(date: string, value = 20.1): ParsedSource {
  return {
    rates: [
      {
        key: 'banxico',
        value,
        date,
        lastUpdated: `${date}T18:00:00.000Z`,
        kind: 'fix',
        source: 'test SF43718',
        provenance: { series: 'SF43718' },
      },
    ],
  };
}

/** A coordinator on an in-memory store, a clock that sleeping advances, and a counted upstream call. */
function harness(answer: (source: SourceId, started: number) => RefreshAnswer) {
  const clock = { t: START };
  const memory = createMemoryRateStore();
  const calls: number[] = [];
  const coordinator = createRefreshCoordinator({
    store: memory.store,
    call: async (source, started) => {
      calls.push(started);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return answer(source, started);
    },
    now: () => clock.t,
    policy: POLICY,
    owner: 'this-instance',
    sleep: async (ms) => {
      clock.t += ms;
      await new Promise((resolve) => setTimeout(resolve, 1));
    },
  });
  return { clock, memory, calls, coordinator };
}

const todaysFix = (_source: SourceId, started: number): RefreshAnswer => ({
  kind: 'value',
  value: toCachedValue('banxico', fixOf('2026-11-25'), started, POLICY),
});

describe('refresh coordinator', () => {
  it('makes one upstream call for concurrent refreshes in one instance, stores it and frees the lease', async () => {
    // Prepare
    const { memory, calls, coordinator } = harness(todaysFix);

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => coordinator.refreshOnce('banxico', undefined)),
    );

    // Assess
    expect(calls).toHaveLength(1);
    expect(
      outcomes.every((o) => o.value?.dataDate === '2026-11-25' && !o.stale && o.error === undefined),
    ).toBe(true);
    expect(memory.latest.get('banxico')?.value?.dataDate).toBe('2026-11-25');
    expect(memory.history).toEqual([{ source: 'banxico', date: '2026-11-25', key: 'banxico' }]);
    expect(memory.leases.has('banxico')).toBe(false);
  });

  it('waits for the lease holder and serves the value it stores, without calling', async () => {
    // Prepare: another instance holds the lease; its value lands while we poll.
    const { clock, memory, calls, coordinator } = harness(todaysFix);
    await memory.store.acquireLease('banxico', 'other-instance', clock.t, POLICY.leaseMs);
    const landing = (async () => {
      while (clock.t < START + 200) await new Promise((resolve) => setTimeout(resolve, 1));
      await memory.store.writeLatest(
        'banxico',
        toCachedValue('banxico', fixOf('2026-11-25'), clock.t, POLICY),
      );
    })();

    // Act
    const outcome = await coordinator.refreshOnce('banxico', undefined);
    await landing;

    // Assess
    expect(calls).toHaveLength(0);
    expect(outcome).toMatchObject({ source: 'banxico', stale: false, error: undefined });
    expect(outcome.value?.dataDate).toBe('2026-11-25');
  });

  it('tells a waiting request the refresh is still in progress once waitForWinnerMs runs out', async () => {
    // Prepare
    const { clock, memory, calls, coordinator } = harness(todaysFix);
    await memory.store.acquireLease('banxico', 'other-instance', clock.t, POLICY.leaseMs);

    // Act
    const outcome = await coordinator.refreshOnce('banxico', undefined);

    // Assess
    expect(calls).toHaveLength(0);
    expect(outcome).toEqual({ source: 'banxico', value: undefined, stale: false, error: IN_PROGRESS });
    expect(clock.t).toBeGreaterThanOrEqual(START + POLICY.waitForWinnerMs);
  });

  it('serves the stored value stale with the error after a failed call, and records the backoff', async () => {
    // Prepare: yesterday's FIX stored and due; the upstream now times out.
    const { clock, memory, calls, coordinator } = harness(() => ({
      kind: 'failure',
      error: { code: 'timeout', message: 'SIE did not answer in 3000 ms' },
    }));
    const yesterday = toCachedValue('banxico', fixOf('2026-11-24'), START - 26 * 60 * MINUTE, POLICY);
    await memory.store.writeLatest('banxico', yesterday);

    // Act
    const outcome = await coordinator.refreshOnce('banxico', memory.latest.get('banxico'));

    // Assess
    expect(calls).toEqual([START]);
    expect(outcome).toEqual({
      source: 'banxico',
      value: yesterday,
      stale: true,
      error: { code: 'timeout', message: 'SIE did not answer in 3000 ms' },
    });
    const stored = memory.latest.get('banxico');
    expect(stored?.lastError).toEqual({
      code: 'timeout',
      message: 'SIE did not answer in 3000 ms',
      at: START,
    });
    expect(stored?.nextAttemptAt).toBe(clock.t + POLICY.errorBackoffMs);
    // The one-minute backoff outlasts the 35 s lease: it is left to expire, no release round trip.
    expect(memory.leases.get('banxico')?.owner).toBe('this-instance');
  });

  it('does not call when the entry turned fresh between the first read and the lease', async () => {
    // Prepare: the caller read nothing, but another instance stored today's FIX since.
    const { memory, calls, coordinator } = harness(todaysFix);
    await memory.store.writeLatest(
      'banxico',
      toCachedValue('banxico', fixOf('2026-11-25'), START - MINUTE, POLICY),
    );

    // Act
    const outcome = await coordinator.refreshOnce('banxico', undefined);

    // Assess
    expect(calls).toHaveLength(0);
    expect(outcome.value?.dataDate).toBe('2026-11-25');
    expect(outcome.stale).toBe(false);
  });
});
