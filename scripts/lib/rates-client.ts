import { createClient, type NewClientCredentials } from '../../lib/auth/client-admin.js';
import { createDynamoClientStore } from '../../lib/auth/client-store.js';
import { createTableClient } from '../../lib/db/client.js';
import { assertMatchesContract, contractInput } from './contract.js';
import type { RunningStack } from './local-stack.js';
import { readStackFile } from './stack-file.js';

export interface RatesClient {
  /** A request to a path under the stack's base URL (e.g. `/v1/rates`), authorized as one client. */
  get(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * The one way e2e tests and the bench call /v1/rates*: creates a `pro` client in the
 * stack's own table (found through `<dataDir>/stack.json`, as `npm run client:create`
 * does), takes a token from POST /v1/auth/token and sends it with the client's
 * x-api-key on every request. Headers passed in `init` are added to those.
 */
export async function ratesClient(stack: RunningStack): Promise<RatesClient> {
  const auth = await ratesAuthHeaders(stack);
  return {
    get: async (path, init = {}) => {
      const headers = new Headers(init.headers);
      for (const [name, value] of Object.entries(auth)) headers.set(name, value);
      const response = await fetch(`${stack.baseUrl}${path}`, { ...init, headers });
      // Every answer is checked against openapi.yaml, so the code cannot drift from the
      // contract unnoticed. A 504 is serverless-offline's own answer to a Lambda that
      // timed out on an overloaded machine: not ours to describe.
      if (response.status !== 504) {
        assertMatchesContract(await contractInput(init.method ?? 'GET', path, response.clone()), {
          acceptOfflineAuthorizerRefusal: true,
        });
      }
      return response;
    },
  };
}

/** The headers `ratesClient` sends, for tools that make their own requests (autocannon in the bench). */
export async function ratesAuthHeaders(stack: RunningStack): Promise<Record<string, string>> {
  const info = readStackFile(stack.dataDir);
  if (info === undefined) throw new Error(`no stack.json in ${stack.dataDir}: is the stack running?`);
  const table = createTableClient({
    region: 'us-east-1',
    dynamodbEndpoint: info.dynamodbEndpoint,
    tableName: info.tableName,
  });
  let credentials: Awaited<ReturnType<typeof createClient>>;
  try {
    credentials = await createClient(
      { store: createDynamoClientStore(table), registry: undefined, now: () => new Date() },
      { name: 'e2e', plan: 'pro' },
    );
  } finally {
    table.doc.destroy();
  }
  return {
    Authorization: `Bearer ${await issueToken(stack.baseUrl, credentials)}`,
    'x-api-key': credentials.api_key,
  };
}

export function basicAuthorization(
  client: Pick<NewClientCredentials, 'client_id' | 'client_secret'>,
): string {
  const pair = `${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

/** POST /v1/auth/token with the client's Basic credentials; throws with the answer unless 200. */
export async function issueToken(baseUrl: string, client: NewClientCredentials): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/auth/token`, {
    method: 'POST',
    headers: {
      Authorization: basicAuthorization(client),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /v1/auth/token answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}
