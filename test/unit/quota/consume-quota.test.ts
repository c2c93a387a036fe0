import { describe, expect, it } from 'vitest';
import { consumeQuota, quotaCounterKey } from '../../../lib/quota/consume-quota.js';
import { quotaWindows, windowSpan } from '../../../lib/quota/rule.js';
import { memoryCounter } from '../../helpers/memory-counter.js';

const NOW = Date.parse('2025-03-04T10:20:19.000Z');
const LIMITS = { free: { perMinute: 3, perDay: 5 }, pro: { perMinute: 10, perDay: 100 } };
const [MINUTE, DAY] = quotaWindows(LIMITS.free) as [
  ReturnType<typeof quotaWindows>[0],
  ReturnType<typeof quotaWindows>[0],
];
const minuteKey = (now = NOW) => quotaCounterKey('cl_a', MINUTE, windowSpan(MINUTE, now).start);
const dayKey = (now = NOW) => quotaCounterKey('cl_a', DAY, windowSpan(DAY, now).start);

const consume = (counter: ReturnType<typeof memoryCounter>, nowMs = NOW, clientId = 'cl_a') =>
  consumeQuota(counter, { clientId, plan: 'free', limits: LIMITS, nowMs });

describe('consumeQuota', () => {
  it('takes one request from every window and reports what is left', async () => {
    const counter = memoryCounter();

    const decision = await consume(counter);

    expect(decision.admitted).toBe(true);
    expect(decision.outcomes.map((o) => [o.window.name, o.remaining, o.resetSeconds])).toEqual([
      ['minute', 2, 41],
      ['day', 4, 86_400 - (10 * 3600 + 20 * 60 + 19)],
    ]);
    expect(counter.value(minuteKey())).toBe(1);
    expect(counter.value(dayKey())).toBe(1);
  });

  it('keys the counters by client, window name and window start', () => {
    expect(minuteKey()).toEqual({
      pk: 'quota#cl_a',
      sk: `minute#${Date.parse('2025-03-04T10:20:00Z') / 1000}`,
    });
  });

  it('refuses once the minute is used up, without touching the day', async () => {
    const counter = memoryCounter();
    for (let i = 0; i < 3; i++) await consume(counter);

    const decision = await consume(counter);

    expect(decision.admitted).toBe(false);
    expect(decision.outcomes).toEqual([{ window: MINUTE, admitted: false, remaining: 0, resetSeconds: 41 }]);
    expect(counter.value(dayKey())).toBe(3);
  });

  it('gives the minute back when the day refuses', async () => {
    const counter = memoryCounter();
    for (let i = 0; i < 5; i++) await consume(counter, NOW + i * 60_000);
    const later = NOW + 10 * 60_000;

    const decision = await consume(counter, later);

    expect(decision.admitted).toBe(false);
    expect(decision.outcomes.at(-1)).toMatchObject({ admitted: false, remaining: 0 });
    expect(counter.value(minuteKey(later))).toBe(0);
    expect(counter.value(dayKey())).toBe(5);
  });

  it('gives the minute back when the store fails on the day, and rethrows', async () => {
    const counter = memoryCounter();
    const original = counter.increment.bind(counter);
    let calls = 0;
    counter.increment = async (key, limit, expiresAt) => {
      calls += 1;
      if (calls === 2) throw new Error('connection reset');
      return original(key, limit, expiresAt);
    };

    await expect(consume(counter)).rejects.toThrow('connection reset');
    expect(counter.value(minuteKey())).toBe(0);
  });

  it('admits again in the next window', async () => {
    const counter = memoryCounter();
    for (let i = 0; i < 3; i++) await consume(counter);
    expect((await consume(counter)).admitted).toBe(false);

    expect((await consume(counter, NOW + 41_000)).admitted).toBe(true);
  });

  it('counts each client separately', async () => {
    const counter = memoryCounter();
    for (let i = 0; i < 3; i++) await consume(counter);

    expect((await consume(counter, NOW, 'cl_b')).admitted).toBe(true);
  });
});
