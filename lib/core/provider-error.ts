export const PROVIDER_ERROR_CODES = [
  'timeout',
  'upstream_error',
  'layout_changed',
  'invalid_value',
  'unauthorized_upstream',
  'quota_exhausted',
  /** The source answered correctly but has no value yet (SIE `N/E`, no or empty `datos`). */
  'not_published',
  /** The source's credentials are not configured here: nothing was called. */
  'not_configured',
  /** The date asked for is before the source's first value (SF43718 1991-11-12, Fixer 1999-01-01). */
  'before_history',
] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

export interface ProviderErrorOptions {
  cause?: unknown;
  /** Seconds until the upstream accepts calls again (Banxico secondsToReset). */
  retryAfterSeconds?: number;
  /** The upstream's own error code (Fixer 101, 104, …), safe to show. */
  upstreamCode?: string | number;
}

/**
 * The one error type a provider throws. `message` is written by us and safe to show
 * to API users: it never contains an upstream body, a URL with credentials or a key.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly retryAfterSeconds: number | undefined;
  readonly upstreamCode: string | number | undefined;

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    options: ProviderErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.upstreamCode = options.upstreamCode;
  }
}
