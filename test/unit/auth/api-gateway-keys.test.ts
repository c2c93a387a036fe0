import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiGatewayKeyRegistry, usagePlanName } from '../../../lib/auth/api-gateway-keys.js';

// No AWS account here: API Gateway is the one system these tests can only fake.
const apiGateway = mockClient(APIGatewayClient);
const registry = () =>
  createApiGatewayKeyRegistry(new APIGatewayClient({ region: 'us-east-1' }), {
    service: 'tipo-de-cambio',
    stage: 'prod',
  });
const KEY = 'a'.repeat(48);

afterEach(() => {
  apiGateway.reset();
});

describe('the API Gateway key registry', () => {
  it('names usage plans as the framework does', () => {
    expect(usagePlanName('tipo-de-cambio', 'prod', 'free')).toBe('tipo-de-cambio-free-prod');
  });

  it('creates the key with the same value and attaches it to the plan found by name', async () => {
    apiGateway
      .on(GetUsagePlansCommand)
      .resolvesOnce({ items: [{ id: 'up-other', name: 'other' }], position: 'next' })
      .resolvesOnce({ items: [{ id: 'up-free', name: 'tipo-de-cambio-free-prod' }] });
    apiGateway.on(CreateApiKeyCommand).resolves({ id: 'key-1' });
    apiGateway.on(CreateUsagePlanKeyCommand).resolves({});

    const id = await registry().registerKey({ clientId: 'cl_a', name: 'acme', value: KEY, plan: 'free' });

    expect(id).toBe('key-1');
    expect(apiGateway.commandCalls(CreateApiKeyCommand)[0]?.args[0].input).toMatchObject({
      name: 'tipo-de-cambio-prod-cl_a',
      value: KEY,
      enabled: true,
    });
    expect(apiGateway.commandCalls(CreateUsagePlanKeyCommand)[0]?.args[0].input).toEqual({
      usagePlanId: 'up-free',
      keyId: 'key-1',
      keyType: 'API_KEY',
    });
  });

  it('fails before creating a key when the stage has no such usage plan', async () => {
    apiGateway.on(GetUsagePlansCommand).resolves({ items: [] });

    await expect(
      registry().registerKey({ clientId: 'cl_a', name: 'acme', value: KEY, plan: 'pro' }),
    ).rejects.toThrow('No usage plan named tipo-de-cambio-pro-prod');
    expect(apiGateway.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
  });

  it('deletes the new key when it cannot be attached to the plan', async () => {
    apiGateway
      .on(GetUsagePlansCommand)
      .resolves({ items: [{ id: 'up-free', name: 'tipo-de-cambio-free-prod' }] });
    apiGateway.on(CreateApiKeyCommand).resolves({ id: 'key-1' });
    apiGateway.on(CreateUsagePlanKeyCommand).rejects(new Error('TooManyRequestsException'));
    apiGateway.on(DeleteApiKeyCommand).resolves({});

    await expect(
      registry().registerKey({ clientId: 'cl_a', name: 'acme', value: KEY, plan: 'free' }),
    ).rejects.toThrow('TooManyRequestsException');
    expect(apiGateway.commandCalls(DeleteApiKeyCommand)[0]?.args[0].input).toEqual({ apiKey: 'key-1' });
  });

  it('disables a key with a patch operation', async () => {
    apiGateway.on(UpdateApiKeyCommand).resolves({});

    await registry().setKeyEnabled('key-1', false);

    expect(apiGateway.commandCalls(UpdateApiKeyCommand)[0]?.args[0].input).toEqual({
      apiKey: 'key-1',
      patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
    });
  });
});
