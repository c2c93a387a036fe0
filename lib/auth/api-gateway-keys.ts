import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  paginateGetUsagePlans,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import type { Plan } from '../core/plan.js';
import type { ApiKeyRegistry } from './client-admin.js';

/**
 * API keys in API Gateway for a deployed stage. Usage plans are the ones serverless.yml
 * declares under provider.apiGateway.usagePlan; the framework names them
 * `<service>-<plan>-<stage>` (e.g. tipo-de-cambio-free-prod).
 */
export function usagePlanName(service: string, stage: string, plan: Plan): string {
  return `${service}-${plan}-${stage}`;
}

export class UsagePlanNotFoundError extends Error {
  override readonly name = 'UsagePlanNotFoundError';
}

export function createApiGatewayKeyRegistry(
  client: APIGatewayClient,
  options: { service: string; stage: string },
): ApiKeyRegistry {
  async function findUsagePlanId(plan: Plan): Promise<string> {
    const wanted = usagePlanName(options.service, options.stage, plan);
    for await (const page of paginateGetUsagePlans({ client }, { limit: 100 })) {
      const found = page.items?.find((item) => item.name === wanted);
      if (found?.id !== undefined) return found.id;
    }
    throw new UsagePlanNotFoundError(
      `No usage plan named ${wanted}: deploy the ${options.stage} stage first`,
    );
  }

  return {
    async registerKey({ clientId, name, value, plan }) {
      const usagePlanId = await findUsagePlanId(plan);
      const key = await client.send(
        new CreateApiKeyCommand({
          name: `${options.service}-${options.stage}-${clientId}`,
          description: `Client ${name} (${plan})`,
          value,
          enabled: true,
        }),
      );
      if (key.id === undefined) throw new Error('API Gateway returned no id for the new API key');
      try {
        await client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }));
      } catch (error) {
        await client.send(new DeleteApiKeyCommand({ apiKey: key.id })).catch(() => undefined);
        throw error;
      }
      return key.id;
    },

    async setKeyEnabled(keyId, enabled) {
      await client.send(
        new UpdateApiKeyCommand({
          apiKey: keyId,
          patchOperations: [{ op: 'replace', path: '/enabled', value: String(enabled) }],
        }),
      );
    },

    async deleteKey(keyId) {
      await client.send(new DeleteApiKeyCommand({ apiKey: keyId }));
    },
  };
}
