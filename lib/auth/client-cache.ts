import type { ClientStore } from './client.js';

/** Short next to API Gateway's own 300 s: the worst case for a disabled client barely moves. */
export const CLIENT_LOOKUP_TTL_MS = 5000;

/**
 * The authorizer's client lookups, remembered per Lambda instance for `ttlMs`. API Gateway
 * already caches a whole decision for 300 s (serverless.yml `resultTtlInSeconds`); this
 * covers the requests it does not (another token, another route's cache key, offline,
 * which runs the authorizer on every request), so a steady caller costs no read per
 * request. A disable or key rotation is seen at most `ttlMs` later than it is today.
 * A failed read is not remembered.
 */
export function rememberClientLookups(
  getClient: ClientStore['getClient'],
  { ttlMs, now }: { ttlMs: number; now: () => number },
): ClientStore['getClient'] {
  const remembered = new Map<string, { at: number; client: ReturnType<ClientStore['getClient']> }>();
  return (clientId) => {
    const hit = remembered.get(clientId);
    if (hit !== undefined && now() - hit.at < ttlMs) return hit.client;
    const client = getClient(clientId);
    remembered.set(clientId, { at: now(), client });
    client.catch(() => {
      if (remembered.get(clientId)?.client === client) remembered.delete(clientId);
    });
    return client;
  };
}
