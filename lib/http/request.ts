import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { headerValue } from '../core/headers.js';
import { QueryError } from '../history/query.js';
import { badRequest } from './problem.js';

/** Rejects query parameters the route does not know, naming them, so typos never pass silently. */
export function rejectUnknownQuery(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>,
  allowed: readonly string[] = [],
) {
  const unknown = Object.keys(event.queryStringParameters ?? {}).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) {
    throw badRequest(`Unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.sort().join(', ')}`);
  }
}

/**
 * Rejects a query parameter given more than once (`?amount=1&amount=2`), naming it: the
 * single-value view (`queryStringParameters`) would silently keep the last one. API Gateway
 * (and serverless-offline) list every value in `multiValueQueryStringParameters`.
 */
export function rejectRepeatedQuery(
  event: Partial<Pick<APIGatewayProxyEvent, 'multiValueQueryStringParameters'>>,
) {
  const repeated = Object.entries(event.multiValueQueryStringParameters ?? {})
    .filter(([, values]) => (values?.length ?? 0) > 1)
    .map(([name]) => name)
    .sort();
  if (repeated.length === 1) throw badRequest(`Query parameter ${repeated[0]} is given more than once`);
  if (repeated.length > 1)
    throw badRequest(`Query parameters ${repeated.join(', ')} are given more than once`);
}

/** Runs a query check; a QueryError becomes the 400 problem naming its parameter. */
export function parsedQuery<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof QueryError) throw badRequest(error.message);
    throw error;
  }
}

/** A request header by name, whatever its casing (lib/core/headers.ts). */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  return headerValue(event.headers, name);
}

/** A strong ETag for a body: the first 27 base64url characters of its SHA-256, quoted. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * Whether `If-None-Match` matches the current representation's `etag`, so the answer is a
 * 304 (RFC 9110 §13.1.2): `*` matches any current representation; otherwise a list of
 * tags compared weakly (a `W/` prefix ignored). Callers only ask when they have a 200 to give.
 */
export function ifNoneMatchHits(event: Pick<APIGatewayProxyEvent, 'headers'>, etag: string): boolean {
  const value = header(event, 'if-none-match')?.trim();
  if (value === undefined) return false;
  return value === '*' || value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * The one conditional-request answer (rates routes and the page): a 200 with `body`, or a
 * 304 without one when If-None-Match matches `headers.ETag`. `headers` go on both answers,
 * `Content-Type` only on the 200.
 */
export function conditionalResponse(
  event: Pick<APIGatewayProxyEvent, 'headers'>,
  answer: { body: string; contentType: string; headers: Readonly<Record<string, string>> & { ETag: string } },
): APIGatewayProxyResult {
  if (ifNoneMatchHits(event, answer.headers.ETag))
    return { statusCode: 304, headers: answer.headers, body: '' };
  return {
    statusCode: 200,
    headers: { 'Content-Type': answer.contentType, ...answer.headers },
    body: answer.body,
  };
}
