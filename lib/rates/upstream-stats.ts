import type { RateCacheStore } from './cache-store.js';
import { mexicoCityDate } from './mexico-time.js';
import { SOURCE_IDS, type SourceId } from './rate.js';

export interface UpstreamStats {
  calls_today: number;
  calls_this_month: number;
  /** Calls allowed per month, where the upstream sets one we enforce (Fixer). */
  budget: number | null;
  last_success: string | null;
  last_error: { code: string; message: string; at: string } | null;
}

/** Upstream call counts (Mexico City day and month) and last outcome per source, for /v1/health. */
export async function readUpstreamStats(
  store: RateCacheStore,
  now: number,
  fixerMonthlyBudget: number,
): Promise<Record<SourceId, UpstreamStats>> {
  const day = mexicoCityDate(new Date(now));
  const [counts, latest] = await Promise.all([
    store.readUpstreamCounts(SOURCE_IDS, day.slice(0, 7), day),
    store.readLatest(SOURCE_IDS),
  ]);
  const stats = {} as Record<SourceId, UpstreamStats>;
  for (const source of SOURCE_IDS) {
    const entry = latest.get(source);
    const error = entry?.lastError;
    stats[source] = {
      calls_today: counts.get(source)?.callsToday ?? 0,
      calls_this_month: counts.get(source)?.callsThisMonth ?? 0,
      budget: source === 'fixer' ? fixerMonthlyBudget : null,
      last_success: entry?.value === undefined ? null : new Date(entry.value.fetchedAt).toISOString(),
      last_error:
        error === undefined
          ? null
          : { code: error.code, message: error.message, at: new Date(error.at).toISOString() },
    };
  }
  return stats;
}
