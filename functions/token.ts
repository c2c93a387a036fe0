import { createDynamoClientStore } from '../lib/auth/client-store.js';
import { createDynamoFailureStore } from '../lib/auth/failure-store.js';
import { respondToTokenRequest, tokenRequestFrom } from '../lib/auth/token-endpoint.js';
import { getConfig } from '../lib/config.js';
import { getTableClient } from '../lib/db/client.js';
import { httpHandler } from '../lib/http/handler.js';
import { HttpProblemError, serviceUnavailable } from '../lib/http/problem.js';
import { describeError, logger } from '../lib/log.js';
import { getSecrets } from '../lib/secrets.js';

/** POST /v1/auth/token: client credentials → bearer token (lib/auth/token-endpoint.ts). */
export const handler = httpHandler(async (event) => {
  const table = getTableClient();
  const { jwtSecret } = await getSecrets();
  try {
    return await respondToTokenRequest(tokenRequestFrom(event), {
      clients: createDynamoClientStore(table),
      failures: createDynamoFailureStore(table),
      jwtSecret,
      ttlSeconds: getConfig().tokenTtlSeconds,
      now: Date.now,
    });
  } catch (error) {
    if (error instanceof HttpProblemError) throw error;
    // The client store could not be read: a retryable outage, not a server bug.
    logger.error('token endpoint storage failed', { error: describeError(error) });
    throw serviceUnavailable('Client credentials cannot be checked right now; retry shortly.', {
      headers: { 'Retry-After': '5' },
    });
  }
});
