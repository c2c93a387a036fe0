import type { Plan } from '../quota/rule.js';

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

/** What `client:list` may show: nothing secret. */
export type ClientSummary = Pick<Client, 'clientId' | 'name' | 'plan' | 'disabled' | 'createdAt'>;

export function summarizeClient(client: Client): ClientSummary {
  const { clientId, name, plan, disabled, createdAt } = client;
  return { clientId, name, plan, disabled, createdAt };
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
