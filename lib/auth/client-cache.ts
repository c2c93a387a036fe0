import type { ClientStore } from './client.js';

/** At most this many clients are remembered; past it the oldest lookup is forgotten first. */
export const MAX_REMEMBERED_CLIENTS = 1000;

/**
 * The authorizer's client lookups, remembered per Lambda instance for `ttlMs`
 * (AUTH_CLIENT_MEMORY_TTL_MS, default 5000 ms; 0 = a read every time).
 *
 * API Gateway already caches a whole decision for 300 s (serverless.yml
 * `resultTtlInSeconds`); this covers the requests its cache does not (another token,
 * another route's cache key, and serverless-offline, which never caches), so a steady
 * caller costs no GetItem per request and the gate is about one quota write. A disable
 * or a key rotation is therefore seen at most `ttlMs` later on the instance, far inside
 * the gateway's own 300 s. Only lookups of tokens whose signature already verified reach
 * it, and at most MAX_REMEMBERED_CLIENTS are kept. A failed read is not remembered.
 */
export function rememberClientLookups(
  getClient: ClientStore['getClient'],
  { ttlMs, now }: { ttlMs: () => number; now: () => number },
): ClientStore['getClient'] {
  const remembered = new Map<string, { at: number; client: ReturnType<ClientStore['getClient']> }>();
  return (clientId) => {
    const ttl = ttlMs();
    const hit = remembered.get(clientId);
    if (hit !== undefined && now() - hit.at < ttl) return hit.client;
    const client = getClient(clientId);
    if (ttl <= 0) return client;
    remembered.delete(clientId);
    remembered.set(clientId, { at: now(), client });
    if (remembered.size > MAX_REMEMBERED_CLIENTS) {
      const oldest = remembered.keys().next();
      if (!oldest.done) remembered.delete(oldest.value);
    }
    client.catch(() => {
      if (remembered.get(clientId)?.client === client) remembered.delete(clientId);
    });
    return client;
  };
}
