import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isPlan } from '../core/plan.js';
import type { TableClient } from '../db/client.js';
import { type Client, ClientExistsError, ClientNotFoundError, type ClientStore } from './client.js';

/**
 * Clients in the single table: `pk=client#<id>`, `sk=client`, snake_case attributes.
 * Items are validated on the way out; a malformed one is treated as absent (and so
 * can never authenticate) rather than cast into a Client.
 */
const SK = 'client';
const clientKey = (clientId: string) => ({ pk: `client#${clientId}`, sk: SK });

function toItem(client: Client) {
  return {
    ...clientKey(client.clientId),
    client_id: client.clientId,
    name: client.name,
    secret_hash: client.secretHash,
    plan: client.plan,
    api_key: client.apiKey,
    api_key_id: client.apiKeyId,
    disabled: client.disabled,
    created_at: client.createdAt,
  };
}

export function clientFromItem(item: Record<string, unknown> | undefined): Client | undefined {
  if (item === undefined) return undefined;
  const { client_id, name, secret_hash, plan, api_key, api_key_id, disabled, created_at } = item;
  if (
    typeof client_id !== 'string' ||
    typeof name !== 'string' ||
    typeof secret_hash !== 'string' ||
    !isPlan(plan) ||
    typeof api_key !== 'string' ||
    typeof disabled !== 'boolean' ||
    typeof created_at !== 'string' ||
    (api_key_id !== undefined && typeof api_key_id !== 'string')
  ) {
    return undefined;
  }
  return {
    clientId: client_id,
    name,
    secretHash: secret_hash,
    plan,
    apiKey: api_key,
    ...(typeof api_key_id === 'string' ? { apiKeyId: api_key_id } : {}),
    disabled,
    createdAt: created_at,
  };
}

async function updateClient(
  table: TableClient,
  clientId: string,
  expression: string,
  values: Record<string, unknown>,
) {
  try {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: clientKey(clientId),
        UpdateExpression: expression,
        // Never create a half client by updating an id that does not exist.
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ClientNotFoundError(clientId);
    throw error;
  }
}

/** Every client, oldest first. */
async function scanClients(table: TableClient): Promise<Client[]> {
  const clients: Client[] = [];
  // An admin command over a small set of items; the table has no index for clients.
  const pages = paginateScan(
    { client: table.doc },
    {
      TableName: table.tableName,
      FilterExpression: 'sk = :sk AND begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':sk': SK, ':prefix': 'client#' },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const client = clientFromItem(item);
      if (client !== undefined) clients.push(client);
    }
  }
  return clients.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export function createDynamoClientStore(table: TableClient): ClientStore {
  const { doc, tableName } = table;

  return {
    async getClient(clientId) {
      const answer = await doc.send(
        new GetCommand({ TableName: tableName, Key: clientKey(clientId), ConsistentRead: true }),
      );
      return clientFromItem(answer.Item);
    },

    async putNewClient(client) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: toItem(client),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new ClientExistsError(client.clientId);
        throw error;
      }
    },

    listClients: () => scanClients(table),

    async setDisabled(clientId, disabled) {
      await updateClient(table, clientId, 'SET disabled = :disabled', { ':disabled': disabled });
    },

    async setApiKey(clientId, apiKey, apiKeyId) {
      if (apiKeyId === undefined) {
        await updateClient(table, clientId, 'SET api_key = :key REMOVE api_key_id', { ':key': apiKey });
      } else {
        await updateClient(table, clientId, 'SET api_key = :key, api_key_id = :keyId', {
          ':key': apiKey,
          ':keyId': apiKeyId,
        });
      }
    },
  };
}
