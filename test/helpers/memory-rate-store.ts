import type { SourceId } from '../../lib/core/rate.js';
import type { CachedValue, CacheEntry, RateCacheStore, UpstreamCounts } from '../../lib/rates/rate-store.js';

/**
 * The rate cache port held in memory, with the same conditions as the DynamoDB adapter
 * (lib/rates/cache-store.ts): a late writer never overwrites a newer value, a lease is
 * taken only when free or run out, a budgeted counter stops at its budget. For unit tests
 * of the coordinator; the adapter itself is tested on dynalite.
 */
export function createMemoryRateStore() {
  const latest = new Map<SourceId, CacheEntry>();
  const leases = new Map<SourceId, { owner: string; until: number }>();
  const counts = new Map<string, number>();
  const history: Array<{ source: SourceId; date: string; key: string }> = [];
  const entry = (source: SourceId): CacheEntry =>
    latest.get(source) ?? { value: undefined, lastError: undefined, nextAttemptAt: undefined };
  const isNewer = (stored: CachedValue | undefined, value: CachedValue, replacing?: string) =>
    stored === undefined ||
    stored.dataVersion < value.dataVersion ||
    (stored.dataVersion === value.dataVersion && stored.fetchedAt < value.fetchedAt) ||
    stored.dataVersion === replacing;

  const store: RateCacheStore = {
    async readLatest(sources) {
      return new Map(
        sources.flatMap((source) => (latest.has(source) ? [[source, entry(source)] as const] : [])),
      );
    },
    async writeLatest(source, value, replacing) {
      if (!isNewer(latest.get(source)?.value, value, replacing)) return false;
      latest.set(source, { value, lastError: undefined, nextAttemptAt: undefined });
      return true;
    },
    async markChecked(source, value) {
      const stored = latest.get(source)?.value;
      if (stored?.dataVersion !== value.dataVersion || stored.fetchedAt !== value.fetchedAt) return false;
      latest.set(source, { value, lastError: undefined, nextAttemptAt: undefined });
      return true;
    },
    async writeHistory(source, rates) {
      for (const rate of rates) history.push({ source, date: rate.date, key: rate.key });
    },
    async recordFailure(source, error, nextAttemptAt, attemptStartedAt) {
      const current = entry(source);
      if (current.value !== undefined && current.value.fetchedAt >= attemptStartedAt) return;
      latest.set(source, { ...current, lastError: error, nextAttemptAt });
    },
    async acquireLease(source, owner, now, ttlMs) {
      const held = leases.get(source);
      if (held !== undefined && held.until >= now) return false;
      leases.set(source, { owner, until: now + ttlMs });
      return true;
    },
    async releaseLease(source, owner) {
      if (leases.get(source)?.owner === owner) leases.delete(source);
    },
    async countUpstreamCall(source, month, day, monthlyBudget) {
      const monthKey = `${source}#${month}`;
      const calls = counts.get(monthKey) ?? 0;
      if (monthlyBudget !== undefined && calls >= monthlyBudget) return false;
      counts.set(monthKey, calls + 1);
      counts.set(`${source}#${day}`, (counts.get(`${source}#${day}`) ?? 0) + 1);
      return true;
    },
    async readUpstreamCounts(sources, month, day) {
      return new Map<SourceId, UpstreamCounts>(
        sources.map((source) => [
          source,
          {
            callsToday: counts.get(`${source}#${day}`) ?? 0,
            callsThisMonth: counts.get(`${source}#${month}`) ?? 0,
          },
        ]),
      );
    },
  };
  return { store, latest, leases, history };
}
