import { callerFrom, requestGate } from '../lib/http/gate.js';
import { httpHandler, jsonResponse } from '../lib/http/handler.js';
import { HttpProblemError } from '../lib/http/problem.js';

/**
 * GET /v1/whoami: who the token and key say you are. Behind the same authorizer and
 * quota as the rates routes and does nothing else, so it lets a client check its
 * credentials without touching any rate, and it is the benchmark's gated no-op.
 */
export const handler = httpHandler(
  async (event) => {
    const caller = callerFrom(event);
    // requestGate has refused such a request already; this only keeps the types honest.
    if (caller === undefined)
      throw new HttpProblemError(401, 'Unauthorized', 'The request carries no authorized client.');
    // The authorizer adds the client's name; an answer it cached before it did has none.
    const name = event.requestContext.authorizer?.name;
    return jsonResponse(
      200,
      {
        client_id: caller.clientId,
        ...(typeof name === 'string' && name !== '' ? { name } : {}),
        plan: caller.plan,
        token_expires_at: new Date(caller.tokenExpiresAt * 1000).toISOString(),
      },
      { 'Cache-Control': 'no-store' },
    );
  },
  { query: [] },
).use(requestGate());
