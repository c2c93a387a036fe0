import type { Plan } from '../core/plan.js';
import {
  type Client,
  ClientNotFoundError,
  type ClientStore,
  type ClientSummary,
  summarizeClient,
} from './client.js';
import { generateApiKey, generateClientId, generateClientSecret } from './credentials.js';
import { hashSecret } from './secret-hash.js';

/**
 * What the `client:*` admin commands do, against any ClientStore. In a deployed stage
 * the API key must also exist in API Gateway, on the usage plan of the client's plan
 * (the authorizer names it as `usageIdentifierKey`): that is the ApiKeyRegistry. The
 * local stack has none; serverless-offline does not enforce usage plans.
 */
export interface ApiKeyRegistry {
  /** Creates the key with exactly this value, attaches it to the plan's usage plan, returns its id. */
  registerKey(input: { clientId: string; name: string; value: string; plan: Plan }): Promise<string>;
  setKeyEnabled(keyId: string, enabled: boolean): Promise<void>;
  deleteKey(keyId: string): Promise<void>;
}

export interface ClientAdminDeps {
  store: ClientStore;
  registry: ApiKeyRegistry | undefined;
  now: () => Date;
}

/** Shown once, at creation: the secret is stored only as a hash. */
export interface NewClientCredentials {
  client_id: string;
  client_secret: string;
  api_key: string;
  plan: Plan;
}

export async function createClient(
  deps: ClientAdminDeps,
  input: { name: string; plan: Plan },
): Promise<NewClientCredentials> {
  const clientId = generateClientId();
  const clientSecret = generateClientSecret();
  const apiKey = generateApiKey();
  const apiKeyId = await deps.registry?.registerKey({
    clientId,
    name: input.name,
    value: apiKey,
    plan: input.plan,
  });
  const client: Client = {
    clientId,
    name: input.name,
    secretHash: await hashSecret(clientSecret),
    plan: input.plan,
    apiKey,
    ...(apiKeyId === undefined ? {} : { apiKeyId }),
    disabled: false,
    createdAt: deps.now().toISOString(),
  };
  try {
    await deps.store.putNewClient(client);
  } catch (error) {
    // Do not leave a usable API key behind for a client that was never stored.
    if (apiKeyId !== undefined) await deps.registry?.deleteKey(apiKeyId).catch(() => undefined);
    throw error;
  }
  return { client_id: clientId, client_secret: clientSecret, api_key: apiKey, plan: input.plan };
}

export async function listClients(deps: Pick<ClientAdminDeps, 'store'>): Promise<ClientSummary[]> {
  return (await deps.store.listClients()).map(summarizeClient);
}

async function requireClient(store: ClientStore, clientId: string): Promise<Client> {
  const client = await store.getClient(clientId);
  if (client === undefined) throw new ClientNotFoundError(clientId);
  return client;
}

/** The authorizer refuses a disabled client at once (up to its cache TTL); its key is disabled too. */
export async function disableClient(deps: ClientAdminDeps, clientId: string): Promise<ClientSummary> {
  const client = await requireClient(deps.store, clientId);
  await deps.store.setDisabled(clientId, true);
  if (client.apiKeyId !== undefined) await deps.registry?.setKeyEnabled(client.apiKeyId, false);
  return summarizeClient({ ...client, disabled: true });
}

/** A new key replaces the old one; the old one stops working as soon as the store is updated. */
export async function rotateApiKey(
  deps: ClientAdminDeps,
  clientId: string,
): Promise<{ client_id: string; api_key: string }> {
  const client = await requireClient(deps.store, clientId);
  const apiKey = generateApiKey();
  const apiKeyId = await deps.registry?.registerKey({
    clientId,
    name: client.name,
    value: apiKey,
    plan: client.plan,
  });
  await deps.store.setApiKey(clientId, apiKey, apiKeyId);
  if (client.apiKeyId !== undefined) await deps.registry?.deleteKey(client.apiKeyId);
  return { client_id: clientId, api_key: apiKey };
}
