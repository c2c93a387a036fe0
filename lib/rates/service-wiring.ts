import { randomUUID } from 'node:crypto';
import { getConfig } from '../config.js';
import type { HttpClient } from '../core/upstream.js';
import { getTableClient } from '../db/client.js';
import { notConfigured } from '../providers/credentials.js';
import { providers } from '../providers/registry.js';
import { getUpstreamSecrets } from '../secrets.js';
import { createRateCacheStore } from './cache-store.js';
import { ratePolicyFrom } from './rate-policy.js';
import { createRateService, type RateService } from './rate-service.js';

let service: RateService | undefined;

/**
 * The rates service's wiring, the one place that joins it to the providers, the DynamoDB
 * store, the secrets and the configuration. One service per Lambda instance: its
 * single-flight map is what instance-level sharing means.
 */
export function getRateService(): RateService {
  if (service !== undefined) return service;
  const config = getConfig();
  // axios is loaded with the first refresh, not at cold start: most answers come from the cache.
  let http: Promise<HttpClient> | undefined;
  service = createRateService({
    store: createRateCacheStore(getTableClient()),
    fetchSource: async (source) => {
      http ??= import('../outbound/http-client.js').then(({ createHttpClient }) =>
        createHttpClient({ timeoutMs: config.upstream.timeoutMs }),
      );
      const secrets = await getUpstreamSecrets();
      return providers[source]({
        http: await http,
        config: {
          ...config.upstream,
          fixerAccessKey: secrets.fixerAccessKey,
          banxicoToken: secrets.banxicoToken,
        },
      });
    },
    missingConfiguration: async (source) => {
      const missing = notConfigured(source, await getUpstreamSecrets());
      return missing === undefined ? undefined : { code: missing.code, message: missing.message };
    },
    now: Date.now,
    owner: randomUUID(),
    policy: ratePolicyFrom(config),
  });
  return service;
}
