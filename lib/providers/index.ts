// The providers' surface for tests and scripts; `providers` (registry.ts) loads each one lazily.

export { PROVIDER_ERROR_CODES, ProviderError, type ProviderErrorCode } from '../core/provider-error.js';
export type { HttpClient, OutboundResponse, UpstreamConfig } from '../core/upstream.js';
export { fetchBanxicoFix, parseBanxicoSeries } from './banxico.js';
export { fetchDofRates, parseDofPage } from './dof.js';
export { fetchFixerRate, parseFixerLatest } from './fixer.js';
export { providers } from './registry.js';
export type { FetchSource, ProviderContext, ProviderRegistry } from './types.js';
