import type { APIGatewayProxyEvent } from 'aws-lambda';
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

/** Case-insensitive header lookup (API Gateway keeps the client's casing). */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}
