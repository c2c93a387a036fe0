import type { APIGatewayProxyResult } from 'aws-lambda';
import { describeError, logger } from '../log.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemOptions {
  type?: string;
  headers?: Record<string, string>;
  /** Extra members allowed by RFC 9457 (e.g. `errors` for /v1/rates 503). */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * An error that becomes an RFC 9457 problem response. Thrown by handlers and lib
 * code; written to the wire exactly once, by the middy stack in lib/http/handler.ts.
 * `detail` is ours and safe to show: never an upstream body, stack or secret.
 */
export class HttpProblemError extends Error {
  override readonly name = 'HttpProblemError';
  readonly expose = true;
  readonly type: string;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(
    readonly statusCode: number,
    readonly title: string,
    readonly detail: string,
    options: ProblemOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.type = options.type ?? 'about:blank';
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }
}

export const badRequest = (detail: string, options?: ProblemOptions) =>
  new HttpProblemError(400, 'Bad Request', detail, options);
export const notFound = (detail: string) => new HttpProblemError(404, 'Not Found', detail);
export const methodNotAllowed = (detail: string, allow: readonly string[]) =>
  new HttpProblemError(405, 'Method Not Allowed', detail, { headers: { Allow: allow.join(', ') } });
export const serviceUnavailable = (detail: string, options?: ProblemOptions) =>
  new HttpProblemError(503, 'Service Unavailable', detail, options);

export function problemBody(status: number, title: string, detail: string, type = 'about:blank') {
  return { type, title, status, detail };
}

export function problemResponse(error: HttpProblemError): APIGatewayProxyResult {
  return {
    statusCode: error.statusCode,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...error.headers },
    body: JSON.stringify({
      ...error.extensions,
      ...problemBody(error.statusCode, error.title, error.detail, error.type),
    }),
  };
}

/** The bare 500: no detail beyond "it was logged", whatever failed. */
export const internalServerError = (options?: ProblemOptions) =>
  new HttpProblemError(
    500,
    'Internal Server Error',
    'The service failed to answer; the error was logged.',
    options,
  );

export const INTERNAL_ERROR_BODY = problemResponse(internalServerError()).body;

/**
 * The one mapping of a thrown value to the problem to answer: a known problem as it is;
 * anything else is logged (name and message only, never a body) and becomes the bare 500.
 * Used by the middy stack (lib/http/handler.ts) and the request gate (lib/http/gate.ts).
 */
export function problemFromError(error: unknown): HttpProblemError {
  if (error instanceof HttpProblemError) return error;
  logger.error('unhandled error', { error: describeError(error) });
  return internalServerError({ cause: error });
}
