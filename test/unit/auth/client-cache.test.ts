import { describe, expect, it } from 'vitest';
import type { Client } from '../../../lib/auth/client.js';
import { MAX_REMEMBERED_CLIENTS, rememberClientLookups } from '../../../lib/auth/client-cache.js';

const client: Client = {
  clientId: 'cl_0123456789abcdef0123',
  name: 'acme',
  plan: 'pro',
  disabled: false,
  createdAt: '2026-11-29T00:00:00.000Z',
  secretHash: 'hash',
  apiKey: 'key',
};

function countingStore(answer: () => Promise<Client | undefined>) {
  const calls: string[] = [];
  return {
    calls,
    getClient: (clientId: string) => {
      calls.push(clientId);
      return answer();
    },
  };
}

describe('rememberClientLookups', () => {
  it('reads a client once within the time to live, again after it', async () => {
    let nowMs = 0;
    const store = countingStore(async () => client);
    const { remembered: getClient } = rememberClientLookups(store.getClient, {
      ttlMs: () => 5000,
      now: () => nowMs,
    });

    await getClient(client.clientId);
    nowMs = 4999;
    await getClient(client.clientId);
    expect(store.calls).toHaveLength(1);

    nowMs = 5000;
    expect(await getClient(client.clientId)).toEqual(client);
    expect(store.calls).toHaveLength(2);
  });

  it('does not remember a failed read', async () => {
    let fail = true;
    const store = countingStore(async () => {
      if (fail) throw new Error('database down');
      return client;
    });
    const { remembered: getClient } = rememberClientLookups(store.getClient, {
      ttlMs: () => 5000,
      now: () => 0,
    });

    await expect(getClient(client.clientId)).rejects.toThrow('database down');
    fail = false;
    expect(await getClient(client.clientId)).toEqual(client);
    expect(store.calls).toHaveLength(2);
  });

  it('reads every time with a time to live of 0', async () => {
    const store = countingStore(async () => client);
    const { remembered: getClient } = rememberClientLookups(store.getClient, {
      ttlMs: () => 0,
      now: () => 0,
    });

    await getClient(client.clientId);
    await getClient(client.clientId);
    expect(store.calls).toHaveLength(2);
  });

  it('forgets the oldest client past the limit', async () => {
    const store = countingStore(async () => client);
    const { remembered: getClient } = rememberClientLookups(store.getClient, {
      ttlMs: () => 5000,
      now: () => 0,
    });

    for (let i = 0; i <= MAX_REMEMBERED_CLIENTS; i += 1) await getClient(`cl_${i}`);
    await getClient(`cl_${MAX_REMEMBERED_CLIENTS}`);
    expect(store.calls).toHaveLength(MAX_REMEMBERED_CLIENTS + 1);
    await getClient('cl_0');
    expect(store.calls).toHaveLength(MAX_REMEMBERED_CLIENTS + 2);
  });

  it('replaces what it remembers with a fresh read', async () => {
    let current: Client = client;
    const store = countingStore(async () => current);
    const lookups = rememberClientLookups(store.getClient, { ttlMs: () => 5000, now: () => 0 });

    await lookups.remembered(client.clientId);
    current = { ...client, apiKey: 'rotated' };
    expect((await lookups.remembered(client.clientId))?.apiKey).toBe('key');
    expect((await lookups.fresh(client.clientId))?.apiKey).toBe('rotated');
    expect((await lookups.remembered(client.clientId))?.apiKey).toBe('rotated');
    expect(store.calls).toHaveLength(2);
  });

  it('keeps clients apart', async () => {
    const store = countingStore(async () => undefined);
    const { remembered: getClient } = rememberClientLookups(store.getClient, {
      ttlMs: () => 5000,
      now: () => 0,
    });

    await getClient('cl_a');
    await getClient('cl_b');
    expect(store.calls).toEqual(['cl_a', 'cl_b']);
  });
});
