import type { SourceId } from './rate.js';

/** The slice of configuration the providers read; built once by lib/config.ts. */
export interface UpstreamConfig {
  dofUrl: string;
  fixerBaseUrl: string;
  fixerAccessKey: string | undefined;
  banxicoBaseUrl: string;
  banxicoToken: string | undefined;
  banxicoFormat: 'json' | 'xml';
  /** Per-source deadline for one upstream call, whole response included. */
  timeoutMs: number;
}

export interface OutboundResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

export interface HttpClient {
  get(url: string, options?: { headers?: Record<string, string> }): Promise<OutboundResponse>;
}

/**
 * Where each upstream lives when no setting says otherwise (DOF_URL, FIXER_BASE_URL,
 * BANXICO_BASE_URL in lib/config.ts). Stated here, on the ground floor, because the
 * providers' parsers name the default URL in a rate's `source` and may not import config.
 */
export const DEFAULT_UPSTREAM_URLS = {
  dofUrl: 'https://www.banxico.org.mx/tipcamb/tipCamMIAction.do',
  // Fixer's free plan has no HTTPS (error 105 https_access_restricted), so http:// is the default.
  fixerBaseUrl: 'http://data.fixer.io/api',
  banxicoBaseUrl: 'https://www.banxico.org.mx/SieAPIRest/service/v1',
} as const;

/** The environment variable each source's credential comes from (the DOF page needs none). */
export const CREDENTIAL_VARIABLES: Readonly<Partial<Record<SourceId, string>>> = {
  fixer: 'FIXER_ACCESS_KEY',
  banxico: 'BANXICO_TOKEN',
};
