import middy, { type MiddlewareObj } from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describeError, logger } from '../log.js';
import { HttpProblemError, INTERNAL_ERROR_BODY, PROBLEM_CONTENT_TYPE, problemResponse } from './problem.js';

export type HttpFunction = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Maps errors to problem+json exactly once. Known problems keep their status; anything
 * else is logged (name and message only) and answered as a bare 500 without detail.
 */
function problemDetails(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof HttpProblemError) {
        request.response = problemResponse(error);
        return;
      }
      logger.error('unhandled error', { error: describeError(error) });
      request.response = {
        statusCode: 500,
        headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store' },
        body: INTERNAL_ERROR_BODY,
      };
    },
  };
}

/**
 * The middy stack every HTTP function uses. @middy/http-error-handler stays last as
 * the safety net (never exposes a message it was not told to); problemDetails runs
 * before it in the onError chain and normally answers first.
 */
export function httpHandler(fn: HttpFunction) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpErrorHandler({ logger: false, fallbackMessage: INTERNAL_ERROR_BODY }))
    .use(problemDetails())
    .handler(fn);
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
