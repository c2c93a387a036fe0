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
