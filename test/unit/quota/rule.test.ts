import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../lib/config.js';
import { DEFAULT_QUOTA_LIMITS } from '../../../lib/core/plan.js';
import {
  formatRateLimitPolicy,
  type QuotaDecision,
  quotaHeaders,
  quotaWindows,
  windowSpan,
} from '../../../lib/quota/rule.js';

const FREE = quotaWindows(DEFAULT_QUOTA_LIMITS.free);
const [MINUTE, DAY] = FREE as [(typeof FREE)[0], (typeof FREE)[0]];

describe('windowSpan', () => {
  it('aligns fixed windows to the epoch and counts whole seconds to the reset', () => {
    const now = Date.parse('2025-03-04T10:20:19.500Z');

    expect(windowSpan(MINUTE, now)).toEqual({
      start: Date.parse('2025-03-04T10:20:00Z') / 1000,
      end: Date.parse('2025-03-04T10:21:00Z') / 1000,
      resetSeconds: 41,
    });
    expect(windowSpan(DAY, now).start).toBe(Date.parse('2025-03-04T00:00:00Z') / 1000);
  });

  it('starts a new window exactly at the boundary', () => {
    const boundary = Date.parse('2025-03-04T10:21:00.000Z');

    expect(windowSpan(MINUTE, boundary).start).toBe(boundary / 1000);
    expect(windowSpan(MINUTE, boundary - 1).start).toBe(boundary / 1000 - 60);
  });
});

describe('RateLimit headers', () => {
  it('lists every window of the plan in RateLimit-Policy', () => {
    expect(formatRateLimitPolicy(FREE)).toBe('"minute";q=30;w=60, "day";q=1000;w=86400');
    expect(formatRateLimitPolicy(quotaWindows(DEFAULT_QUOTA_LIMITS.pro))).toBe(
      '"minute";q=300;w=60, "day";q=50000;w=86400',
    );
  });

  it('reports the window with the fewest requests left', () => {
    const decision: QuotaDecision = {
      admitted: true,
      windows: FREE,
      outcomes: [
        { window: MINUTE, admitted: true, remaining: 29, resetSeconds: 41 },
        { window: DAY, admitted: true, remaining: 3, resetSeconds: 5000 },
      ],
    };

    expect(quotaHeaders(decision)).toEqual({
      'RateLimit-Policy': '"minute";q=30;w=60, "day";q=1000;w=86400',
      RateLimit: '"day";r=3;t=5000',
    });
  });

  it('adds Retry-After from the refusing window', () => {
    const decision: QuotaDecision = {
      admitted: false,
      windows: FREE,
      outcomes: [{ window: MINUTE, admitted: false, remaining: 0, resetSeconds: 41 }],
    };

    expect(quotaHeaders(decision)).toMatchObject({ RateLimit: '"minute";r=0;t=41', 'Retry-After': '41' });
  });
});

describe('quota configuration', () => {
  it('defaults to free 30/min + 1000/day and pro 300/min + 50000/day', () => {
    expect(loadConfig({}).quota).toEqual({
      free: { perMinute: 30, perDay: 1000 },
      pro: { perMinute: 300, perDay: 50_000 },
    });
  });

  it('reads each window from the environment', () => {
    const config = loadConfig({ QUOTA_FREE_PER_MINUTE: '50', QUOTA_PRO_PER_DAY: '70000' });

    expect(config.quota.free).toEqual({ perMinute: 50, perDay: 1000 });
    expect(config.quota.pro.perDay).toBe(70_000);
  });

  it('rejects a day window smaller than the minute window, naming the variable', () => {
    expect(() => loadConfig({ QUOTA_FREE_PER_DAY: '10' })).toThrow(ConfigError);
    expect(() => loadConfig({ QUOTA_FREE_PER_DAY: '10' })).toThrow(/QUOTA_FREE_PER_DAY/);
    expect(() => loadConfig({ QUOTA_PRO_PER_MINUTE: 'many' })).toThrow(/QUOTA_PRO_PER_MINUTE/);
  });
});
