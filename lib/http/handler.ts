import middy, { type MiddlewareObj } from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { getConfig } from '../config.js';
import { INTERNAL_ERROR_BODY, problemFromError, problemResponse } from './problem.js';
import { rejectRepeatedQuery, rejectUnknownQuery } from './request.js';

export type HttpFunction = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Maps errors to problem+json exactly once. Known problems keep their status; anything
 * else is logged (name and message only) and answered as a bare 500 without detail.
 */
function problemDetails(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      request.response = problemResponse(problemFromError(request.error));
    },
  };
}

export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/**
 * Headers every answer carries, successes and problems alike: `nosniff` everywhere, and
 * HSTS on deployed stages (API Gateway adds none). The plain-HTTP local stack sends no
 * HSTS: browsers ignore it over http://, and it would only confuse a reader of the answer.
 */
function securityHeaders(
  strictTransportSecurity: boolean | undefined,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const addHeaders = (request: { response: APIGatewayProxyResult | undefined | null }) => {
    if (request.response === undefined || request.response === null) return;
    const headers: Record<string, string> = { 'X-Content-Type-Options': 'nosniff' };
    if (strictTransportSecurity ?? !isLocalStage())
      headers['Strict-Transport-Security'] = STRICT_TRANSPORT_SECURITY;
    request.response = { ...request.response, headers: { ...request.response.headers, ...headers } };
  };
  return { after: async (request) => addHeaders(request), onError: async (request) => addHeaders(request) };
}

/** A configuration error must not stop the headers: then assume a deployed stage. */
function isLocalStage(): boolean {
  try {
    return getConfig().isLocal;
  } catch {
    return false;
  }
}

export interface HttpHandlerOptions {
  /** Send HSTS; by default on every stage but `local`. */
  strictTransportSecurity?: boolean;
  /**
   * The query parameters the route accepts: any other is a 400 naming it, checked when the
   * handler starts (after the gate's `before`). Left out, the handler reads the query itself.
   * A parameter given more than once is a 400 naming it on every route either way.
   */
  query?: readonly string[];
}

/**
 * The middy stack every HTTP function uses. @middy/http-error-handler stays last as
 * the safety net (never exposes a message it was not told to); problemDetails runs
 * before it in the onError chain and normally answers first. securityHeaders is used
 * first, so it runs last on both paths and sees the final answer.
 */
export function httpHandler(fn: HttpFunction, options: HttpHandlerOptions = {}) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(securityHeaders(options.strictTransportSecurity))
    .use(httpErrorHandler({ logger: false, fallbackMessage: INTERNAL_ERROR_BODY }))
    .use(problemDetails())
    .handler((event, context) => {
      // Every route: a repeated parameter is refused whether or not the route declares its query.
      rejectRepeatedQuery(event);
      if (options.query !== undefined) rejectUnknownQuery(event, options.query);
      return fn(event, context);
    });
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
