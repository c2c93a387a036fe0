import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClientStore } from '../../lib/auth/client.js';
import { createClient, type NewClientCredentials } from '../../lib/auth/client-admin.js';
import { createDynamoClientStore } from '../../lib/auth/client-store.js';
import type { AppConfig } from '../../lib/config.js';
import { isPlan } from '../../lib/core/plan.js';
import { createTableClient } from '../../lib/db/client.js';

/**
 * The local stack's ready-made client: created on the first `npm start` of a data dir,
 * its credentials kept in `<DATA_DIR>/demo-client.json` (mode 600, git-ignored with the
 * rest of .data) so later starts print the same ones.
 */
const FILE = 'demo-client.json';

function readRemembered(dataDir: string): NewClientCredentials | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(dataDir, FILE), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { client_id, client_secret, api_key, plan } = parsed as Record<string, unknown>;
    if (typeof client_id !== 'string' || typeof client_secret !== 'string' || typeof api_key !== 'string') {
      return undefined;
    }
    return isPlan(plan) ? { client_id, client_secret, api_key, plan } : undefined;
  } catch {
    return undefined;
  }
}

export async function ensureDemoClient(
  dataDir: string,
  database: Pick<AppConfig, 'dynamodbEndpoint' | 'region' | 'tableName'>,
): Promise<NewClientCredentials> {
  const table = createTableClient(database);
  try {
    return await ensureClient(dataDir, createDynamoClientStore(table));
  } finally {
    table.doc.destroy();
  }
}

async function ensureClient(dataDir: string, store: ClientStore): Promise<NewClientCredentials> {
  const remembered = readRemembered(dataDir);
  const stored = remembered === undefined ? undefined : await store.getClient(remembered.client_id);
  if (remembered !== undefined && stored !== undefined && stored.apiKey === remembered.api_key)
    return remembered;
  const created = await createClient(
    { store, registry: undefined, now: () => new Date() },
    { name: 'demo', plan: 'free' },
  );
  writeFileSync(path.join(dataDir, FILE), `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  return created;
}
