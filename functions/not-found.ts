import { httpHandler } from '../lib/http/handler.js';
import { methodNotAllowed, notFound } from '../lib/http/problem.js';
import { allowedMethods } from '../lib/http/routes.js';

export const handler = httpHandler(async (event) => {
  const allow = allowedMethods(event.path);
  if (allow.length > 0) {
    throw methodNotAllowed(`${event.httpMethod} is not allowed on ${event.path}`, allow);
  }
  throw notFound(`No route for ${event.httpMethod} ${event.path}`);
});
