import { DynamoDBClient, InternalServerError } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthorizerFaultError, authorizeRequest } from '../../../lib/auth/authorize.js';
import { createDynamoClientStore } from '../../../lib/auth/client-store.js';
import { issueAccessToken } from '../../../lib/auth/jwt.js';
import { logger } from '../../../lib/log.js';
import { authorizerEvent } from '../../../scripts/lib/authorizer-event.js';

/**
 * The authorizer's two failure classes on its real output, with DynamoDB faults injected
 * through aws-sdk-client-mock (a local database cannot be made to fail on cue).
 */
const SECRET = 'unit-authorizer-secret-0123456789abcdefghijkl';
const NOW = Date.parse('2025-03-04T10:00:00.000Z');
const CLIENT_ID = 'cl_0123456789abcdef0123';
const API_KEY = 'a'.repeat(48);

const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const dynamo = mockClient(doc);

const clientItem = (overrides: Record<string, unknown> = {}) => ({
  pk: `client#${CLIENT_ID}`,
  sk: 'client',
  client_id: CLIENT_ID,
  name: 'acme',
  secret_hash: 'scrypt$2$1$1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
  plan: 'free',
  api_key: API_KEY,
  disabled: false,
  created_at: '2025-01-01T00:00:00.000Z',
  ...overrides,
});

const token = (options: { secret?: string; nowMs?: number } = {}) =>
  issueAccessToken(
    { clientId: CLIENT_ID, plan: 'free' },
    { secret: options.secret ?? SECRET, ttlSeconds: 3600, nowMs: options.nowMs ?? NOW },
  ).accessToken;

const request = (headers: Record<string, string>) => authorizerEvent(headers);
const withCredentials = (bearer = token()) =>
  request({ Authorization: `Bearer ${bearer}`, 'x-api-key': API_KEY });

function authorize(event: APIGatewayRequestAuthorizerEvent, jwtSecret = async () => SECRET) {
  const store = createDynamoClientStore({ doc, tableName: 'tdc-unit' });
  return authorizeRequest(event, { getClient: (id) => store.getClient(id), jwtSecret, now: () => NOW });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('the authorizer did not throw');
  return outcome;
}

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({ Item: clientItem() });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the authorizer, credential problems', () => {
  it('allows a valid token with its client’s key', async () => {
    const result = await authorize(withCredentials());

    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
  });

  it.each([
    ['no Authorization header', () => request({ 'x-api-key': API_KEY })],
    ['a malformed token', () => withCredentials('not.a.jwt')],
    ['a forged token', () => withCredentials(token({ secret: 'another-secret-0123456789abcdefghijklmn' }))],
    ['an expired token', () => withCredentials(token({ nowMs: NOW - 2 * 3600_000 }))],
  ])('throws exactly Unauthorized for %s', async (_name, event) => {
    const error = await failure(authorize(event()));

    expect(error.message).toBe('Unauthorized');
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it.each([
    ['an unknown client', {}],
    ['a disabled client', { Item: clientItem({ disabled: true }) }],
  ])('throws exactly Unauthorized for %s', async (_name, answer) => {
    dynamo.on(GetCommand).resolves(answer);

    const error = await failure(authorize(withCredentials()));

    expect(error.message).toBe('Unauthorized');
  });
});

describe('the authorizer, server faults', () => {
  it.each([
    ['DynamoDB answers 500', new InternalServerError({ message: 'Internal server error', $metadata: {} })],
    ['DynamoDB times out', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })],
  ])('throws a non-Unauthorized error, logged with its cause, when %s', async (_name, fault) => {
    dynamo.on(GetCommand).rejects(fault);
    const logged = vi.spyOn(logger, 'error');

    const error = await failure(authorize(withCredentials()));

    expect(error).toBeInstanceOf(AuthorizerFaultError);
    expect(error.message).not.toBe('Unauthorized');
    expect(error.cause).toBe(fault);
    expect(logged).toHaveBeenCalledWith('authorizer failed', {
      error: expect.objectContaining({ name: fault.name, message: fault.message }),
    });
  });

  it('throws a non-Unauthorized error when the signing secret cannot be read', async () => {
    const error = await failure(
      authorize(withCredentials(), async () => {
        throw new Error('SSM parameter unreadable');
      }),
    );

    expect(error).toBeInstanceOf(AuthorizerFaultError);
    expect(error.message).not.toBe('Unauthorized');
  });
});

describe('a remembered client lookup', () => {
  const stale = { clientId: CLIENT_ID, name: 'acme', secretHash: 'h', plan: 'free' as const, createdAt: '' };

  it('refuses only on a fresh read: a rotated key or a re-enabled client passes at once', async () => {
    const fresh = vi.fn(async () => ({ ...stale, apiKey: API_KEY, disabled: false }));
    for (const remembered of [
      { ...stale, apiKey: 'b'.repeat(48), disabled: false },
      { ...stale, apiKey: API_KEY, disabled: true },
      undefined,
    ]) {
      const policy = await authorizeRequest(withCredentials(), {
        getClient: async () => remembered,
        getFreshClient: fresh,
        jwtSecret: async () => SECRET,
        now: () => NOW,
      });
      expect(policy.usageIdentifierKey).toBe(API_KEY);
    }
    expect(fresh).toHaveBeenCalledTimes(3);
  });

  it('makes no fresh read for a caller it lets through', async () => {
    const fresh = vi.fn(async () => undefined);
    const policy = await authorizeRequest(withCredentials(), {
      getClient: async () => ({ ...stale, apiKey: API_KEY, disabled: false }),
      getFreshClient: fresh,
      jwtSecret: async () => SECRET,
      now: () => NOW,
    });
    expect([policy.usageIdentifierKey, fresh.mock.calls.length]).toEqual([API_KEY, 0]);
  });
});
