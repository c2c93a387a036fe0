import { describe, expect, it } from 'vitest';
import { consumeQuota } from '../../../lib/quota/consume-quota.js';
import { quotaWindows, windowSpan } from '../../../lib/quota/rule.js';
import { memoryQuotaStore } from '../../helpers/memory-quota-store.js';

const NOW = Date.parse('2025-03-04T10:20:19.000Z');
const LIMITS = { free: { perMinute: 3, perDay: 5 }, pro: { perMinute: 10, perDay: 100 } };
const [MINUTE, DAY] = quotaWindows(LIMITS.free) as [
  ReturnType<typeof quotaWindows>[0],
  ReturnType<typeof quotaWindows>[0],
];

const consume = (store: ReturnType<typeof memoryQuotaStore>, nowMs = NOW, clientId = 'cl_a') =>
  consumeQuota(store, { clientId, plan: 'free', limits: LIMITS, nowMs });

describe('consumeQuota', () => {
  it('takes one request from both windows in one write and reports what is left', async () => {
    const store = memoryQuotaStore();

    const decision = await consume(store);

    expect(decision.admitted).toBe(true);
    expect(decision.outcomes.map((o) => [o.window.name, o.remaining, o.resetSeconds])).toEqual([
      ['minute', 2, 41],
      ['day', 4, 86_400 - (10 * 3600 + 20 * 60 + 19)],
    ]);
    expect(store.writes).toBe(1);
    expect(store.windows('cl_a')).toEqual({
      minuteStart: windowSpan(MINUTE, NOW).start,
      minuteCount: 1,
      dayStart: windowSpan(DAY, NOW).start,
      dayCount: 1,
    });
  });

  it('asks the store for the current minute and day of the client, with their limits', async () => {
    const takes: unknown[] = [];
    await consumeQuota(
      {
        take: async (take) => {
          takes.push(take);
          return { admitted: true, minuteCount: 1, dayCount: 1 };
        },
      },
      { clientId: 'cl_a', plan: 'free', limits: LIMITS, nowMs: NOW },
    );

    expect(takes).toEqual([
      {
        clientId: 'cl_a',
        minute: { start: Date.parse('2025-03-04T10:20:00Z') / 1000, limit: 3 },
        day: { start: Date.parse('2025-03-04T00:00:00Z') / 1000, limit: 5 },
        expiresAt: Date.parse('2025-03-05T00:00:00Z') / 1000 + 3600,
      },
    ]);
  });

  it('refuses once the minute is used up, charging neither window', async () => {
    const store = memoryQuotaStore();
    for (let i = 0; i < 3; i++) await consume(store);

    const decision = await consume(store);

    expect(decision.admitted).toBe(false);
    expect(decision.outcomes[0]).toEqual({ window: MINUTE, admitted: false, remaining: 0, resetSeconds: 41 });
    expect(store.windows('cl_a')).toMatchObject({ minuteCount: 3, dayCount: 3 });
  });

  it('refuses once the day is used up, charging neither window', async () => {
    const store = memoryQuotaStore();
    for (let i = 0; i < 5; i++) await consume(store, NOW + i * 60_000);
    const later = NOW + 10 * 60_000;

    const decision = await consume(store, later);

    expect(decision.admitted).toBe(false);
    expect(decision.outcomes.at(-1)).toMatchObject({ admitted: false, remaining: 0 });
    expect(store.windows('cl_a')).toMatchObject({ minuteCount: 1, dayCount: 5 });
  });

  it('admits again in the next window', async () => {
    const store = memoryQuotaStore();
    for (let i = 0; i < 3; i++) await consume(store);
    expect((await consume(store)).admitted).toBe(false);

    expect((await consume(store, NOW + 41_000)).admitted).toBe(true);
  });

  it('counts each client separately', async () => {
    const store = memoryQuotaStore();
    for (let i = 0; i < 3; i++) await consume(store);

    expect((await consume(store, NOW, 'cl_b')).admitted).toBe(true);
  });
});
