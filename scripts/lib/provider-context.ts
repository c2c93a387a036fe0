import type { UpstreamConfig } from '../../lib/core/upstream.js';
import { createHttpClient } from '../../lib/outbound/http-client.js';
import type { ProviderContext } from '../../lib/providers/types.js';

/** A real client against a local server (the replay server, a test server); every upstream URL points at `baseUrl`. */
export function providerContextFor(
  baseUrl: string,
  overrides: Partial<UpstreamConfig> = {},
): ProviderContext {
  const config: UpstreamConfig = {
    dofUrl: `${baseUrl}/tipcamb/tipCamMIAction.do`,
    fixerBaseUrl: `${baseUrl}/api`,
    fixerAccessKey: 'fixer-test-key-5f0c1d',
    banxicoBaseUrl: `${baseUrl}/SieAPIRest/service/v1`,
    banxicoToken: 'b'.repeat(64),
    banxicoFormat: 'json',
    timeoutMs: 1000,
    ...overrides,
  };
  return { http: createHttpClient({ timeoutMs: config.timeoutMs }), config };
}
