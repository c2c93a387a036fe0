import { OutboundTimeoutError } from '../http/outbound.js';
import { ProviderError } from './provider-error.js';
import type { OutboundResponse, ProviderContext } from './types.js';

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
    throw new ProviderError('upstream_error', `${what} could not be reached`, { cause: error });
  }
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === undefined || type === '' ? undefined : type;
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
