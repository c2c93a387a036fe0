import { describe, expect, it } from 'vitest';
import type { SourceId } from '../../lib/core/rate.js';
import { checkHealth, healthCode } from '../../lib/health.js';
import type { CacheEntry } from '../../lib/rates/rate-store.js';
import { type SourceState, sourceState, type UpstreamStats } from '../../lib/rates/upstream-stats.js';

const NOW = Date.parse('2026-11-25T21:00:00Z');

function stats(state: SourceState): UpstreamStats {
  return {
    state,
    fresh_until: null,
    calls_today: 0,
    calls_this_month: 0,
    budget: null,
    last_success: null,
    last_error: null,
  };
}

const upstreams = (states: Partial<Record<SourceId, SourceState>>) => async () => ({
  dof: stats(states.dof ?? 'fresh'),
  fixer: stats(states.fixer ?? 'fresh'),
  banxico: stats(states.banxico ?? 'fresh'),
});

const ok = async () => {};

describe('checkHealth', () => {
  it('says ok (200) only when the database answers and every source is fresh', async () => {
    const report = await checkHealth({ pingDatabase: ok, readUpstreams: upstreams({}) });

    expect(report.status).toBe('ok');
    expect(healthCode(report)).toBe(200);
  });

  it.each<SourceState>(['stale', 'failing', 'not_cached', 'not_configured'])(
    'says degraded, still 200, when one source is %s',
    async (state) => {
      const report = await checkHealth({ pingDatabase: ok, readUpstreams: upstreams({ fixer: state }) });

      expect(report.status).toBe('degraded');
      expect(report.upstreams?.fixer.state).toBe(state);
      expect(healthCode(report)).toBe(200);
    },
  );

  it('says degraded with 503 when the database does not answer', async () => {
    const report = await checkHealth({
      pingDatabase: async () => {
        throw new Error('down');
      },
      readUpstreams: upstreams({}),
    });

    expect(report).toEqual({ status: 'degraded', checks: { database: 'unavailable' } });
    expect(healthCode(report)).toBe(503);
  });
});

describe('sourceState', () => {
  const value = (freshUntil: number) =>
    ({
      parsed: { rates: [] },
      dataDate: '2026-11-25',
      dataVersion: 'v',
      fetchedAt: NOW - 3_600_000,
      freshUntil,
      nextExpectedUpdate: NOW + 3_600_000,
    }) as CacheEntry['value'];
  const failure = { code: 'upstream_error' as const, message: 'HTTP 500', at: NOW - 1 };

  it.each<[string, CacheEntry | undefined, boolean, SourceState]>([
    ['nothing stored', undefined, true, 'not_cached'],
    ['no credentials', undefined, false, 'not_configured'],
    [
      'a fresh value',
      { value: value(NOW + 1), lastError: undefined, nextAttemptAt: undefined },
      true,
      'fresh',
    ],
    [
      'an expired value',
      { value: value(NOW - 1), lastError: undefined, nextAttemptAt: undefined },
      true,
      'stale',
    ],
    [
      'a failure backing off',
      { value: value(NOW - 1), lastError: failure, nextAttemptAt: NOW + 1 },
      true,
      'failing',
    ],
    [
      'a failure, nothing stored',
      { value: undefined, lastError: failure, nextAttemptAt: NOW - 1 },
      true,
      'failing',
    ],
  ])('calls %s %s', (_name, entry, configured, expected) => {
    expect(sourceState(entry, NOW, configured)).toBe(expected);
  });
});
