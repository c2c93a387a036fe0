import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describeError, logger } from '../log.js';
import type { ClientStore } from './client.js';
import { constantTimeEquals } from './credentials.js';
import { InvalidTokenError, verifyAccessToken } from './jwt.js';
import { allowPolicy, denyPolicy, unauthorized } from './policy.js';

/**
 * The REQUEST authorizer in front of every /v1/rates* route. A request passes with a
 * valid bearer token of an enabled client *and* that client's API key; the key becomes
 * the usage-plan identifier. A token with another client's key gets an explicit Deny
 * (403); every other failure, including our own errors, throws exactly `Unauthorized`
 * (401). Nothing here logs the token or the key.
 */
export interface AuthorizerDeps {
  /** Called inside the guard, so even a configuration error ends as `Unauthorized`. */
  getClient: ClientStore['getClient'];
  jwtSecret: () => Promise<string>;
  now: () => number;
}

function headerValue(event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  return undefined;
}

function bearerToken(event: APIGatewayRequestAuthorizerEvent): string | undefined {
  const match = /^Bearer +(\S+)$/i.exec(headerValue(event, 'authorization')?.trim() ?? '');
  return match?.[1];
}

class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

async function decide(
  event: APIGatewayRequestAuthorizerEvent,
  deps: AuthorizerDeps,
): Promise<APIGatewayAuthorizerResult> {
  const token = bearerToken(event);
  if (token === undefined) throw new RefusedError('no bearer token');
  const apiKey = headerValue(event, 'x-api-key');
  if (apiKey === undefined || apiKey === '') throw new RefusedError('no API key');

  const verified = verifyAccessToken(token, { secret: await deps.jwtSecret(), nowMs: deps.now() });
  const client = await deps.getClient(verified.clientId);
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
    } else {
      logger.error('authorizer failed', { error: describeError(error) });
    }
    throw unauthorized();
  }
}
