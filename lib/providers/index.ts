// The providers' surface for tests and scripts; `providers` (registry.ts) loads each one lazily.
export { fetchBanxicoFix, parseBanxicoSeries } from './banxico.js';
export { fetchDofRates, parseDofPage } from './dof.js';
export { fetchFixerRate, parseFixerLatest } from './fixer.js';
export { PROVIDER_ERROR_CODES, ProviderError, type ProviderErrorCode } from './provider-error.js';
export { providers } from './registry.js';
export type {
  FetchSource,
  HttpClient,
  OutboundResponse,
  ProviderContext,
  ProviderRegistry,
  UpstreamConfig,
} from './types.js';
