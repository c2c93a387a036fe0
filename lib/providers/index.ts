import { fetchBanxicoFix } from './banxico.js';
import { fetchDofRates } from './dof.js';
import { fetchFixerRate } from './fixer.js';
import type { ProviderRegistry } from './types.js';

/** One fetch per source; callers wrap these with caching and quota rules. */
export const providers: ProviderRegistry = {
  dof: fetchDofRates,
  fixer: fetchFixerRate,
  banxico: fetchBanxicoFix,
};

export { fetchBanxicoFix, parseBanxicoSeries } from './banxico.js';
export { fetchDofRates, parseDofPage } from './dof.js';
export { fetchFixerRate, parseFixerLatest } from './fixer.js';
export { PROVIDER_ERROR_CODES, ProviderError, type ProviderErrorCode } from './provider-error.js';
export type {
  FetchSource,
  HttpClient,
  OutboundResponse,
  ProviderContext,
  ProviderRegistry,
  UpstreamConfig,
} from './types.js';
