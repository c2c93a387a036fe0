import axios, { type AxiosResponse, isAxiosError } from 'axios';
import type { HttpClient, OutboundResponse } from '../core/upstream.js';

/**
 * The one factory for calls to upstreams. Deliberately no retries: Fixer's free plan has
 * 100 calls a month and Banxico blocks a token that goes over its limit, so a retry
 * storm costs more than one failed refresh (the cache layer serves the previous value).
 */

/** Query parameters that carry credentials for our upstreams (Fixer, Banxico, APILayer). */
const SECRET_QUERY_PARAMS = /([?&](?:access_key|token|apikey)=)[^&#]*/gi;
/** Headers that carry credentials and must not follow a redirect to another host. */
const SECRET_HEADERS = ['bmx-token', 'apikey', 'authorization'];

const MAX_REDIRECTS = 3;
/** The DOF page is ~30 kB and the JSON bodies are tiny: anything this big is not our upstream. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** A URL safe to log or put in an error message: credentials in the query or userinfo become `***`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1***').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
}

export interface OutboundErrorOptions {
  cause?: unknown;
  /** Node or axios error code (ECONNREFUSED, ERR_FR_TOO_MANY_REDIRECTS, …). */
  code?: string | undefined;
}

export class OutboundTimeoutError extends Error {
  override readonly name = 'OutboundTimeoutError';

  constructor(
    readonly method: string,
    url: string,
    readonly timeoutMs: number,
    options: OutboundErrorOptions = {},
  ) {
    super(
      `${method} ${redactUrl(url)} did not complete within ${timeoutMs} ms`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}

export class OutboundNetworkError extends Error {
  override readonly name = 'OutboundNetworkError';
  readonly code: string | undefined;

  constructor(
    readonly method: string,
    url: string,
    detail: string,
    options: OutboundErrorOptions = {},
  ) {
    super(
      `${method} ${redactUrl(url)} failed: ${detail}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = options.code;
  }
}

function lowerCaseHeaders(raw: AxiosResponse['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

function toBuffer(data: unknown): Buffer | undefined {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (typeof data === 'string') return Buffer.from(data);
  return undefined;
}

function hostnameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

export function createHttpClient({ timeoutMs }: { timeoutMs: number }): HttpClient {
  return {
    async get(url, options = {}) {
      const method = 'GET';
      // axios' own timeout is an idle timer per socket event; a server that trickles one
      // byte at a time would never trip it. The AbortSignal is the whole-call deadline.
      const deadline = AbortSignal.timeout(timeoutMs);
      const originHost = hostnameOf(url);
      let response: AxiosResponse<unknown>;
      try {
        response = await axios.request<unknown>({
          method,
          url,
          headers: options.headers ?? {},
          adapter: 'http',
          responseType: 'arraybuffer',
          validateStatus: () => true,
          timeout: timeoutMs,
          signal: deadline,
          maxRedirects: MAX_REDIRECTS,
          maxContentLength: MAX_BODY_BYTES,
          transitional: { clarifyTimeoutError: true },
          beforeRedirect: (redirectOptions) => {
            // follow-redirects strips Authorization on a host change but not our custom
            // credential headers (Bmx-Token, apikey): never hand a token to another host.
            const target: unknown = redirectOptions.hostname;
            const headers: unknown = redirectOptions.headers;
            if (typeof headers !== 'object' || headers === null) return;
            if (originHost !== undefined && target === originHost) return;
            for (const name of Object.keys(headers)) {
              if (SECRET_HEADERS.includes(name.toLowerCase())) Reflect.deleteProperty(headers, name);
            }
          },
        });
      } catch (error) {
        throw toOutboundError(error, method, url, timeoutMs, deadline);
      }
      const body = toBuffer(response.data);
      if (body === undefined) {
        throw new OutboundNetworkError(method, url, 'response body is not binary data');
      }
      const result: OutboundResponse = {
        status: response.status,
        headers: lowerCaseHeaders(response.headers),
        body,
      };
      return result;
    },
  };
}

function toOutboundError(
  error: unknown,
  method: string,
  url: string,
  timeoutMs: number,
  deadline: AbortSignal,
): Error {
  if (!isAxiosError(error)) {
    if (deadline.aborted) return new OutboundTimeoutError(method, url, timeoutMs, { cause: deadline.reason });
    return new OutboundNetworkError(method, url, 'unexpected failure', { cause: error });
  }
  const code = error.code;
  if (deadline.aborted || code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ERR_CANCELED') {
    return new OutboundTimeoutError(method, url, timeoutMs, { code });
  }
  // The AxiosError itself carries the request config (URL with access_key, Bmx-Token
  // header): keep only the low-level error underneath it as the cause.
  const lowLevel: unknown = error.cause;
  const detail = lowLevel instanceof Error ? lowLevel.message : (code ?? 'network error');
  return new OutboundNetworkError(method, url, redactUrl(detail), {
    cause: lowLevel instanceof Error ? lowLevel : undefined,
    code,
  });
}
