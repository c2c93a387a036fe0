import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { headerValue } from '../core/headers.js';
import { describeError, logger } from '../log.js';
import type { ClientStore } from './client.js';
import { constantTimeEquals } from './credentials.js';
import { InvalidTokenError, verifyAccessToken } from './jwt.js';
import { allowPolicy, denyPolicy, unauthorized } from './policy.js';

/**
 * The REQUEST authorizer in front of every /v1/rates* route. A request passes with a
 * valid bearer token of an enabled client *and* that client's API key; the key becomes
 * the usage-plan identifier. A token with another client's key gets an explicit Deny
 * (403); a credential problem (missing, malformed, forged or expired token; unknown or
 * disabled client) throws exactly `Unauthorized` (401). Anything else (the database down
 * or slow, the secret unreadable) is our fault, not the caller's: it is logged with its
 * cause and thrown as AuthorizerFaultError, which API Gateway answers with a 500, so a
 * valid client is never told its credentials are wrong and never re-authenticates for
 * nothing. Nothing here logs the token or the key.
 */
export interface AuthorizerDeps {
  /** May answer from a short memory (lib/auth/client-cache.ts). */
  getClient: ClientStore['getClient'];
  /** A read of the table: a refusal is decided only on it, so a remembered lookup never refuses. */
  getFreshClient?: ClientStore['getClient'];
  jwtSecret: () => Promise<string>;
  now: () => number;
  /** The token check; default verifyAccessToken (the authorizer passes rememberVerifiedTokens()). */
  verifyToken?: typeof verifyAccessToken;
}

function bearerToken(event: APIGatewayRequestAuthorizerEvent): string | undefined {
  const match = /^Bearer +(\S+)$/i.exec(headerValue(event.headers, 'authorization')?.trim() ?? '');
  return match?.[1];
}

class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

/** The authorizer could not decide; any message but `Unauthorized` is a 500 on API Gateway. */
export class AuthorizerFaultError extends Error {
  override readonly name = 'AuthorizerFaultError';
  constructor(options: { cause: unknown }) {
    super('The authorizer failed; the request was neither allowed nor refused.', options);
  }
}

async function decide(
  event: APIGatewayRequestAuthorizerEvent,
  deps: AuthorizerDeps,
): Promise<APIGatewayAuthorizerResult> {
  const token = bearerToken(event);
  if (token === undefined) throw new RefusedError('no bearer token');
  const apiKey = headerValue(event.headers, 'x-api-key');
  if (apiKey === undefined || apiKey === '') throw new RefusedError('no API key');

  const verify = deps.verifyToken ?? verifyAccessToken;
  const verified = verify(token, { secret: await deps.jwtSecret(), nowMs: deps.now() });
  let client = await deps.getClient(verified.clientId);
  const passes = client !== undefined && !client.disabled && constantTimeEquals(apiKey, client.apiKey);
  if (!passes && deps.getFreshClient !== undefined) client = await deps.getFreshClient(verified.clientId);
  if (client === undefined) throw new RefusedError('unknown client');
  if (client.disabled) throw new RefusedError('client disabled');

  if (!constantTimeEquals(apiKey, client.apiKey)) {
    logger.warn('authorization denied', { reason: 'API key of another client', clientId: client.clientId });
    return denyPolicy(event.methodArn, client.clientId);
  }
  // The stored plan wins over the token's claim: a plan change applies without a new token.
  return allowPolicy(
    event.methodArn,
    { clientId: client.clientId, name: client.name, plan: client.plan, tokenExpiresAt: verified.expiresAt },
    client.apiKey,
  );
}

export async function authorizeRequest(
  event: APIGatewayRequestAuthorizerEvent,
  deps: AuthorizerDeps,
): Promise<APIGatewayAuthorizerResult> {
  try {
    return await decide(event, deps);
  } catch (error) {
    if (error instanceof RefusedError || error instanceof InvalidTokenError) {
      const reason = error instanceof InvalidTokenError ? error.reason : error.message;
      logger.info('authorization refused', { reason });
      throw unauthorized();
    }
    logger.error('authorizer failed', { error: describeError(error) });
    throw new AuthorizerFaultError({ cause: error });
  }
}
