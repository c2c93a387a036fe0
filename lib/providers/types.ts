import type { ParsedSource, SourceId } from '../core/rate.js';
import type { HttpClient, UpstreamConfig } from '../core/upstream.js';

export interface ProviderContext {
  http: HttpClient;
  config: UpstreamConfig;
}

/** fetch (I/O) + parse (pure) behind one call; errors are always ProviderError. */
export type FetchSource = (ctx: ProviderContext) => Promise<ParsedSource>;

export type ProviderRegistry = Readonly<Record<SourceId, FetchSource>>;
