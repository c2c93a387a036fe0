import { ProviderError } from '../core/provider-error.js';
import type { OutboundResponse } from '../core/upstream.js';
import { OutboundNetworkError, OutboundTimeoutError } from '../outbound/http-client.js';
import type { ProviderContext } from './types.js';

/**
 * One GET to an upstream with transport failures already turned into ProviderError.
 * `what` names the upstream in messages shown to API users, so it never holds a URL.
 */
export async function getFromUpstream(
  ctx: ProviderContext,
  what: string,
  url: string,
  headers?: Record<string, string>,
): Promise<OutboundResponse> {
  try {
    return await ctx.http.get(url, headers === undefined ? {} : { headers });
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    if (error instanceof OutboundTimeoutError) {
      throw new ProviderError('timeout', `${what} did not answer within ${ctx.config.timeoutMs} ms`, {
        cause: error,
      });
    }
    const code = error instanceof OutboundNetworkError ? error.code : undefined;
    const host = hostOf(url);
    throw new ProviderError(
      'upstream_error',
      `${what}: could not reach ${host ?? 'the host'}: ${networkFailure(code)}`,
      { cause: error },
    );
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * A JSON body, or `upstream_error` when it is not JSON at all (a proxy's page, a truncated
 * answer): an upstream fault, where JSON without the documented fields is `layout_changed`.
 */
export function parseJsonBody(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProviderError('upstream_error', `${what} answered with a body that is not JSON`, {
      cause: error,
    });
  }
}

/** TLS failures Node reports (certificate checks, handshake, protocol version). */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH)/;

/** What failed on the way to the upstream, in words an operator acts on, from Node's error code. */
export function networkFailure(code: string | undefined): string {
  if (code === undefined) return 'network error';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL')
    return `DNS lookup failed (${code})`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return `connection reset (${code})`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENETDOWN')
    return `network unreachable (${code})`;
  if (TLS_CODE.test(code)) return `TLS failed (${code})`;
  return `network error (${code})`;
}

/** The charset parameter of a Content-Type header, if any. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1];
}

/** A Retry-After style header in seconds, if it is a plain non-negative number. */
export function secondsHeader(headers: Readonly<Record<string, string>>, name: string): number | undefined {
  const raw = headers[name]?.trim();
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw)) return undefined;
  return Math.ceil(Number(raw));
}
