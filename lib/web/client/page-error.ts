import type { SourceErrors } from './types.js';

/** Every failure the page explains in words (messages.ts picks the words by `kind`). */
export type PageErrorKind =
  | 'bad-credentials'
  | 'sign-in-locked'
  | 'bad-sign-in-request'
  | 'missing-fields'
  | 'expired'
  | 'wrong-api-key'
  | 'quota'
  | 'no-source'
  | 'before-history'
  | 'bad-request'
  | 'unreachable'
  | 'server';

export interface PageErrorDetails {
  /** Seconds, from `Retry-After`. */
  retryAfter?: number | undefined;
  status?: number | undefined;
  /** A 503's `errors`, per source. */
  errors?: SourceErrors | undefined;
  /** The names of the empty sign-in fields, in form order. */
  fields?: string[] | undefined;
  /** A 400's problem `detail` (it names the parameter and the accepted form). */
  detail?: string | undefined;
}

export class PageError extends Error {
  override name = 'PageError';

  constructor(
    readonly kind: PageErrorKind,
    readonly details: PageErrorDetails = {},
  ) {
    super(kind);
  }
}

export const isPageError = (error: unknown, ...kinds: PageErrorKind[]): error is PageError =>
  error instanceof PageError && (kinds.length === 0 || kinds.includes(error.kind));
