import type { Plan } from '../core/plan.js';

/** An application allowed to ask for tokens. `secretHash` is never shown; `apiKey` is its usage-plan key. */
export interface Client {
  clientId: string;
  name: string;
  secretHash: string;
  plan: Plan;
  apiKey: string;
  /** API Gateway's id for `apiKey` in a deployed stage; absent on the local stack. */
  apiKeyId?: string;
  disabled: boolean;
  createdAt: string;
}

/** What `client:list` may show: nothing secret, named in snake_case like the API and client:create. */
export interface ClientSummary {
  client_id: string;
  name: string;
  plan: Plan;
  disabled: boolean;
  created_at: string;
}

export function summarizeClient(client: Client): ClientSummary {
  const { clientId, name, plan, disabled, createdAt } = client;
  return { client_id: clientId, name, plan, disabled, created_at: createdAt };
}

export interface ClientStore {
  getClient(clientId: string): Promise<Client | undefined>;
  /** Fails with ClientExistsError if the id is taken. */
  putNewClient(client: Client): Promise<void>;
  listClients(): Promise<Client[]>;
  /** Fails with ClientNotFoundError for an unknown id. */
  setDisabled(clientId: string, disabled: boolean): Promise<void>;
  setApiKey(clientId: string, apiKey: string, apiKeyId: string | undefined): Promise<void>;
}

export class ClientNotFoundError extends Error {
  override readonly name = 'ClientNotFoundError';
  constructor(readonly clientId: string) {
    super(`No client with id ${clientId}`);
  }
}

export class ClientExistsError extends Error {
  override readonly name = 'ClientExistsError';
  constructor(readonly clientId: string) {
    super(`A client with id ${clientId} already exists`);
  }
}
