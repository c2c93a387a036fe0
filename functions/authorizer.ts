import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorizeRequest } from '../lib/auth/authorize.js';
import { rememberClientLookups } from '../lib/auth/client-cache.js';
import { createDynamoClientStore } from '../lib/auth/client-store.js';
import { rememberVerifiedTokens } from '../lib/auth/jwt.js';
import { getConfig } from '../lib/config.js';
import { getTableClient } from '../lib/db/client.js';
import { getSecrets } from '../lib/secrets.js';

const clients = rememberClientLookups(
  (clientId) => createDynamoClientStore(getTableClient()).getClient(clientId),
  { ttlMs: () => getConfig().auth.clientMemoryTtlMs, now: () => Date.now() },
);

const verifyToken = rememberVerifiedTokens();

/**
 * REQUEST authorizer for /v1/rates*: bearer token + the client's own x-api-key.
 * Never wrapped in the HTTP middy stack: it answers a policy, `Unauthorized` (401) for bad
 * credentials, or AuthorizerFaultError (500 on API Gateway) when it cannot decide.
 */
export const handler = (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> =>
  authorizeRequest(event, {
    getClient: clients.remembered,
    getFreshClient: clients.fresh,
    verifyToken,
    jwtSecret: async () => (await getSecrets()).jwtSecret,
    now: Date.now,
  });
