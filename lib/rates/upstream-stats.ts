import { mexicoCityDate } from '../core/mexico-time.js';
import { SOURCE_IDS, type SourceId } from '../core/rate.js';
import { entryState } from './entry-state.js';
import type { CacheEntry, RateCacheStore } from './rate-store.js';

/**
 * How a source stands: `fresh` (served as current), `stale` (its freshness ran out and it
 * is due), `failing` (its last refresh failed), `not_cached` (never fetched yet),
 * `not_configured` (no credentials: it is never called).
 */
export type SourceState = 'fresh' | 'stale' | 'failing' | 'not_cached' | 'not_configured';

export function sourceState(entry: CacheEntry | undefined, now: number, configured: boolean): SourceState {
  if (!configured) return 'not_configured';
  const state = entryState(entry, now);
  if (state.state === 'fresh' || state.state === 'late') return 'fresh';
  if (entry?.lastError !== undefined) return 'failing';
  return entry?.value === undefined ? 'not_cached' : 'stale';
}

export interface UpstreamStats {
  state: SourceState;
  /** Until when the stored value is served as current (null: nothing stored). */
  fresh_until: string | null;
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
  configured: (source: SourceId) => boolean = () => true,
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
      state: sourceState(entry, now, configured(source)),
      fresh_until: entry?.value === undefined ? null : new Date(entry.value.freshUntil).toISOString(),
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
