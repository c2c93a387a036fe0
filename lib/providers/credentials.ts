import { ProviderError } from '../core/provider-error.js';
import type { SourceId } from '../core/rate.js';
import { CREDENTIAL_VARIABLES, type UpstreamConfig } from '../core/upstream.js';

function credentialOf(source: SourceId, config: Pick<UpstreamConfig, 'fixerAccessKey' | 'banxicoToken'>) {
  if (source === 'fixer') return config.fixerAccessKey;
  if (source === 'banxico') return config.banxicoToken;
  return 'none needed';
}

/**
 * A source whose credential is not configured is a configuration state, not an upstream
 * failure: `not_configured`, naming the variable to set and the sandbox that needs none.
 */
export function notConfigured(
  source: SourceId,
  config: Pick<UpstreamConfig, 'fixerAccessKey' | 'banxicoToken'>,
): ProviderError | undefined {
  const credential = credentialOf(source, config);
  const variable = CREDENTIAL_VARIABLES[source];
  if (variable === undefined || (credential !== undefined && credential !== '')) return undefined;
  return new ProviderError(
    'not_configured',
    `${variable} is not set: set it to call this source, or run \`npm run start:sandbox\` to serve recorded answers`,
  );
}

/** The credential a fetcher sends, or the `not_configured` error thrown before any call. */
export function requireCredential(
  source: 'fixer' | 'banxico',
  config: Pick<UpstreamConfig, 'fixerAccessKey' | 'banxicoToken'>,
): string {
  const credential = credentialOf(source, config);
  const missing = notConfigured(source, config);
  if (missing !== undefined || credential === undefined) {
    throw missing ?? new ProviderError('not_configured', `${source} has no credential`);
  }
  return credential;
}
