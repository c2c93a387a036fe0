import { getConfig } from '../lib/config.js';
import { checkLocalData, getTableClient, pingTable } from '../lib/db/client.js';
import { checkHealth, healthCode } from '../lib/health.js';
import { httpHandler, jsonResponse } from '../lib/http/handler.js';
import { createRateCacheStore } from '../lib/rates/cache-store.js';
import { readUpstreamStats } from '../lib/rates/upstream-stats.js';
import { isSourceConfigured } from '../lib/secrets.js';

export const handler = httpHandler(
  async () => {
    const table = getTableClient();
    const report = await checkHealth({
      pingDatabase: async () => {
        const config = getConfig();
        if (config.isLocal) await checkLocalData(config);
        await pingTable(table, 1500);
      },
      readUpstreams: () =>
        readUpstreamStats(
          createRateCacheStore(table),
          Date.now(),
          getConfig().cache.fixerMonthlyBudget,
          isSourceConfigured,
        ),
    });
    return jsonResponse(healthCode(report), report, { 'Cache-Control': 'no-store' });
  },
  { query: [] },
);
