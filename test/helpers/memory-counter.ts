import type { BoundedCounter, CounterKey } from '../../lib/quota/counter-store.js';

/** An in-memory BoundedCounter with the DynamoDB adapter's contract, for the rules built on it. */
export function memoryCounter(): BoundedCounter & { value(key: CounterKey): number } {
  const counts = new Map<string, number>();
  const id = (key: CounterKey) => `${key.pk}|${key.sk}`;
  return {
    value: (key) => counts.get(id(key)) ?? 0,
    async increment(key, limit) {
      const current = counts.get(id(key)) ?? 0;
      if (current >= limit) return { admitted: false };
      counts.set(id(key), current + 1);
      return { admitted: true, count: current + 1 };
    },
    async decrement(key) {
      const current = counts.get(id(key)) ?? 0;
      if (current > 0) counts.set(id(key), current - 1);
    },
  };
}
