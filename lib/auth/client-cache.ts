import type { ClientStore } from './client.js';

/** At most this many clients are remembered; past it the oldest lookup is forgotten first. */
export const MAX_REMEMBERED_CLIENTS = 1000;

type GetClient = ClientStore['getClient'];

export interface ClientLookups {
  /** The lookup remembered for the time to live, or a read. */
  remembered: GetClient;
  /** Always a read, which then replaces what was remembered. */
  fresh: GetClient;
}

/**
 * The authorizer's client lookups, remembered per Lambda instance for `ttlMs`
 * (AUTH_CLIENT_MEMORY_TTL_MS, default 5000 ms; 0 = a read every time).
 *
 * API Gateway already caches a whole decision for 300 s (serverless.yml
 * `resultTtlInSeconds`); this covers the requests its cache does not (another token,
 * another route's cache key, and serverless-offline, which never caches), so a steady
 * caller costs no GetItem per request and the gate is about one quota write. The
 * authorizer refuses only on a `fresh` read (lib/auth/authorize.ts), so a rotated key or
 * a re-enabled client works at once; a disable or the old key of a rotation is seen at
 * most `ttlMs` late on an instance, far inside the gateway's own 300 s. Only lookups of
 * tokens whose signature verified reach it, at most MAX_REMEMBERED_CLIENTS are kept, and
 * a failed read is not remembered.
 */
export function rememberClientLookups(
  read: GetClient,
  { ttlMs, now }: { ttlMs: () => number; now: () => number },
): ClientLookups {
  const remembered = new Map<string, { at: number; client: ReturnType<GetClient> }>();
  const fresh: GetClient = (clientId) => {
    const client = read(clientId);
    if (ttlMs() <= 0) return client;
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
  return {
    fresh,
    remembered: (clientId) => {
      const hit = remembered.get(clientId);
      if (hit !== undefined && now() - hit.at < ttlMs()) return hit.client;
      return fresh(clientId);
    },
  };
}
