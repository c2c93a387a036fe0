import type { QuotaStore } from '../../lib/quota/consume-quota.js';

interface Windows {
  minuteStart: number;
  minuteCount: number;
  dayStart: number;
  dayCount: number;
}

/** An in-memory QuotaStore with the DynamoDB adapter's contract: both windows or neither. */
export function memoryQuotaStore(): QuotaStore & {
  windows(clientId: string): Windows | undefined;
  writes: number;
} {
  const items = new Map<string, Windows>();
  const store = {
    writes: 0,
    windows: (clientId: string) => items.get(clientId),
    async take(take: Parameters<QuotaStore['take']>[0]) {
      const stored = items.get(take.clientId);
      const sameDay = stored !== undefined && stored.dayStart === take.day.start;
      const minuteCount = sameDay && stored.minuteStart === take.minute.start ? stored.minuteCount : 0;
      const dayCount = sameDay ? stored.dayCount : 0;
      if (minuteCount >= take.minute.limit || dayCount >= take.day.limit) {
        return { admitted: false, minuteCount, dayCount };
      }
      const next = {
        minuteStart: take.minute.start,
        minuteCount: minuteCount + 1,
        dayStart: take.day.start,
        dayCount: dayCount + 1,
      };
      items.set(take.clientId, next);
      store.writes += 1;
      return { admitted: true, minuteCount: next.minuteCount, dayCount: next.dayCount };
    },
  };
  return store;
}
