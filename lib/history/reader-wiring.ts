import { randomUUID } from 'node:crypto';
import { type AppConfig, getConfig } from '../config.js';
import { mexicoCityDate } from '../core/mexico-time.js';
import type { HttpClient, UpstreamConfig } from '../core/upstream.js';
import { getTableClient, type TableClient } from '../db/client.js';
import { notConfigured } from '../providers/credentials.js';
import { createRateCacheStore } from '../rates/cache-store.js';
import { ratePolicyFrom } from '../rates/rate-policy.js';
import { getUpstreamSecrets } from '../secrets.js';
import { createHistoryStore } from './history-store.js';
import { createHistoryReader, type HistoryPolicy } from './reader.js';
import type { HistoryReader, SieSeriesId } from './types.js';

/**
 * The one place that builds the deployed HistoryReader, and the only history file that
 * imports providers. Providers and axios are loaded on the first upstream call only: a
 * read answered from the store never loads them.
 */

const SERIES_NAMES: Readonly<Record<SieSeriesId, string>> = {
  SF43718: 'FIX, fecha de determinación',
  SF60653: 'FIX, fecha de liquidación',
};

/** The policy the deployed reader runs with, from its configuration. */
export function historyPolicyFrom(config: AppConfig): HistoryPolicy {
  return {
    // Longer than any Lambda lives (30 s): a live holder never loses its lease.
    leaseMs: 35_000,
    waitForWinnerMs: config.upstream.timeoutMs + 2_000,
    pollIntervalMs: 50,
    // Today's FIX appears from 12:00; asking SIE again every 10 minutes finds it soon
    // after at a cost of at most 6 calls an hour per series.
    recheckMs: 600_000,
    // As the rate cache's backoff after a failed refresh.
    errorBackoffMs: 60_000,
  };
}

export interface HistoryReaderOptions {
  config: AppConfig;
  table: TableClient;
  /** Credentials (tests pass them; the deployed reader reads env or SSM like the rates). */
  secrets: () => Promise<Pick<UpstreamConfig, 'fixerAccessKey' | 'banxicoToken'>>;
  now?: () => number;
  owner?: string;
  policy?: Partial<HistoryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

/** A reader over `table`, calling the upstreams `config` names. */
export function createConfiguredHistoryReader(options: HistoryReaderOptions): HistoryReader {
  const { config, table, secrets } = options;
  const now = options.now ?? Date.now;
  const rateStore = createRateCacheStore(table);
  let http: Promise<HttpClient> | undefined;
  const context = async () => {
    http ??= import('../outbound/http-client.js').then(({ createHttpClient }) =>
      createHttpClient({ timeoutMs: config.upstream.timeoutMs }),
    );
    return { http: await http, config: { ...config.upstream, ...(await secrets()) } };
  };
  const banxicoBase = config.upstream.banxicoBaseUrl.replace(/\/+$/, '');
  return createHistoryReader({
    store: createHistoryStore(table),
    fetchSieRange: async (series, from, to) =>
      (await import('../providers/banxico.js')).fetchSieRange(await context(), series, from, to),
    fetchFixerDay: async (date) =>
      (await import('../providers/fixer.js')).fetchFixerHistorical(await context(), date),
    // The same counter (and budget) as the live Fixer refresh: one budget for every Fixer call;
    // `below` keeps the live refresh's reserve out of reach (lib/history/fixer-reserve.ts).
    countFixerCall: (at, below) => {
      const day = mexicoCityDate(new Date(at));
      return rateStore.countUpstreamCall('fixer', day.slice(0, 7), day, below);
    },
    fixerMonthlyBudget: config.cache.fixerMonthlyBudget,
    fixerMinIntervalMs: ratePolicyFrom(config).fixerMinIntervalMs,
    assertConfigured: async (source) => {
      const missing = notConfigured(source, await secrets());
      if (missing !== undefined) throw missing;
    },
    sourceOf: (series) =>
      `Banxico SIE — serie ${series} (${SERIES_NAMES[series]}), ${banxicoBase}/series/${series}/datos`,
    now,
    owner: options.owner ?? randomUUID(),
    policy: { ...historyPolicyFrom(config), ...options.policy },
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });
}

let reader: HistoryReader | undefined;

/** One reader per Lambda instance: its single-flight map is what instance-level sharing means. */
export function getHistoryReader(): HistoryReader {
  reader ??= createConfiguredHistoryReader({
    config: getConfig(),
    table: getTableClient(),
    secrets: getUpstreamSecrets,
  });
  return reader;
}
