import { generateKeyPairSync } from 'node:crypto';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import jwt from 'jsonwebtoken';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createClient,
  disableClient,
  type NewClientCredentials,
  rotateApiKey,
} from '../../lib/auth/client-admin.js';
import { createDynamoClientStore } from '../../lib/auth/client-store.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../lib/auth/jwt.js';
import { authorizerEvent } from '../../scripts/lib/authorizer-event.js';
import { startTestTable, type TestTable } from '../helpers/dynalite-table.js';

/**
 * The real token and authorizer Lambda handlers (functions/*.ts) on a real dynalite,
 * configured through the environment exactly as serverless offline configures them.
 */
const JWT_SECRET = 'integration-jwt-secret-0123456789abcdefghij';
const STAGE_RESOURCE = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*';

type TokenHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

let db: TestTable;
let tokenHandler: TokenHandler;
let authorizer: AuthorizerHandler;
let alice: NewClientCredentials;
let bob: NewClientCredentials;
let carol: NewClientCredentials;

const admin = () => ({
  store: createDynamoClientStore(db.table),
  registry: undefined,
  now: () => new Date(),
});

beforeAll(async () => {
  db = await startTestTable('tdc-auth-test');
  Object.assign(process.env, {
    STAGE: 'local',
    DYNAMODB_ENDPOINT: db.endpoint,
    TABLE_NAME: db.table.tableName,
    JWT_SECRET,
  });
  tokenHandler = (await import('../../functions/token.js')).handler;
  authorizer = (await import('../../functions/authorizer.js')).handler;
  [alice, bob, carol] = await Promise.all([
    createClient(admin(), { name: 'alice', plan: 'free' }),
    createClient(admin(), { name: 'bob', plan: 'pro' }),
    createClient(admin(), { name: 'carol', plan: 'free' }),
  ]);
  await disableClient(admin(), carol.client_id);
});

afterAll(async () => {
  await db?.close();
});

afterEach(() => {
  vi.useRealTimers();
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function tokenRequest(options: {
  authorization?: string;
  body?: string;
  contentType?: string;
  sourceIp?: string;
}): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers.Authorization = options.authorization;
  if (options.contentType !== undefined) headers['Content-Type'] = options.contentType;
  return {
    httpMethod: 'POST',
    path: '/v1/auth/token',
    resource: '/v1/auth/token',
    headers,
    multiValueHeaders: {},
    body: options.body ?? null,
    isBase64Encoded: false,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: (options.sourceIp === undefined
      ? {}
      : { identity: { sourceIp: options.sourceIp } }) as APIGatewayProxyEvent['requestContext'],
  };
}

const FORM = 'application/x-www-form-urlencoded';

async function requestToken(client: NewClientCredentials, secret = client.client_secret, sourceIp?: string) {
  return tokenHandler(
    tokenRequest({
      authorization: basic(client.client_id, secret),
      body: 'grant_type=client_credentials',
      contentType: FORM,
      ...(sourceIp === undefined ? {} : { sourceIp }),
    }),
    {} as Context,
  );
}

async function accessTokenFor(client: NewClientCredentials): Promise<string> {
  const response = await requestToken(client);
  expect(response.statusCode).toBe(200);
  return JSON.parse(response.body).access_token;
}

describe('POST /v1/auth/token', () => {
  it('issues a bearer token for valid client credentials (form body)', async () => {
    const response = await requestToken(alice);

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'Cache-Control': 'no-store',
      'Content-Type': 'application/json',
    });
    const body = JSON.parse(response.body);
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    expect(jwt.verify(body.access_token, JWT_SECRET, { algorithms: ['HS256'] })).toMatchObject({
      sub: alice.client_id,
      plan: 'free',
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
    });
  });

  it('accepts a JSON body too', async () => {
    const response = await tokenHandler(
      tokenRequest({
        authorization: basic(bob.client_id, bob.client_secret),
        body: JSON.stringify({ grant_type: 'client_credentials' }),
        contentType: 'application/json; charset=utf-8',
      }),
      {} as Context,
    );

    expect(response.statusCode).toBe(200);
    expect(jwt.decode(JSON.parse(response.body).access_token)).toMatchObject({ plan: 'pro' });
  });

  it('answers invalid_client 401 with WWW-Authenticate when Authorization is absent', async () => {
    const response = await tokenHandler(
      tokenRequest({ body: 'grant_type=client_credentials', contentType: FORM }),
      {} as Context,
    );

    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject({
      'WWW-Authenticate': 'Basic realm="tipo-de-cambio"',
      'Cache-Control': 'no-store',
    });
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed: use HTTP Basic with the client id and secret.',
    });
  });

  it.each([
    ['a wrong secret', () => basic(alice.client_id, 'not-the-secret')],
    ['an unknown client', () => basic('cl_doesnotexist00000', 'whatever')],
    ['a disabled client', () => basic(carol.client_id, carol.client_secret)],
  ])('answers invalid_client 401 for %s', async (_name, authorization) => {
    const response = await tokenHandler(
      tokenRequest({
        authorization: authorization(),
        body: 'grant_type=client_credentials',
        contentType: FORM,
      }),
      {} as Context,
    );

    expect(response.statusCode).toBe(401);
    expect(response.headers?.['WWW-Authenticate']).toBe('Basic realm="tipo-de-cambio"');
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed.',
    });
  });

  it('answers invalid_request 400 without grant_type', async () => {
    const response = await tokenHandler(
      tokenRequest({
        authorization: basic(bob.client_id, bob.client_secret),
        body: 'scope=rates',
        contentType: FORM,
      }),
      {} as Context,
    );

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_request',
      error_description: 'The grant_type parameter is required.',
    });
  });

  it('answers invalid_request 400 naming a query parameter (the endpoint takes none)', async () => {
    const response = await tokenHandler(
      {
        ...tokenRequest({
          authorization: basic(bob.client_id, bob.client_secret),
          body: 'grant_type=client_credentials',
          contentType: FORM,
        }),
        queryStringParameters: { x: '1' },
      },
      {} as Context,
    );

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_request',
      error_description: 'Unknown query parameter: x; send grant_type in the form body.',
    });
  });

  it('answers unsupported_grant_type 400 for another grant', async () => {
    const response = await tokenHandler(
      tokenRequest({
        authorization: basic(bob.client_id, bob.client_secret),
        body: 'grant_type=password&username=a&password=b',
        contentType: FORM,
      }),
      {} as Context,
    );

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'Only grant_type=client_credentials is supported.',
    });
  });

  it.each([
    ['an unsupported content type', 'grant_type=client_credentials', 'text/plain'],
    ['malformed JSON', '{"grant_type":', 'application/json'],
    ['a repeated parameter', 'grant_type=client_credentials&grant_type=client_credentials', FORM],
    ['the secret in the body', `grant_type=client_credentials&client_secret=x`, FORM],
  ])('answers invalid_request 400 for %s', async (_name, body, contentType) => {
    const response = await tokenHandler(
      tokenRequest({ authorization: basic(bob.client_id, bob.client_secret), body, contentType }),
      {} as Context,
    );

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toBe('invalid_request');
  });

  it('slows the caller that guesses, and lets the owner in from elsewhere at once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2025-03-04T10:00:10.000Z'));
    const dave = await createClient(admin(), { name: 'dave', plan: 'free' });
    const attacker = '203.0.113.66';

    // 20 guesses from one caller: the first 5 are checked (401), the rest slowed (429).
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await requestToken(dave, 'guess', attacker)).statusCode);
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);

    const slowed = await requestToken(dave, dave.client_secret, attacker);
    expect(slowed.statusCode).toBe(429);
    expect(slowed.headers?.['Retry-After']).toBe('1');
    expect(JSON.parse(slowed.body)).toEqual({
      error: 'invalid_client',
      error_description: 'Too many failed authentication attempts; retry after 1 second.',
    });
    expect((await requestToken(dave, dave.client_secret, '198.51.100.20')).statusCode).toBe(200);

    vi.setSystemTime(Date.parse('2025-03-04T10:15:00.000Z'));
    expect((await requestToken(dave, dave.client_secret, attacker)).statusCode).toBe(200);
  });

  it('does not count successful authentications as failures', async () => {
    const erin = await createClient(admin(), { name: 'erin', plan: 'free' });

    for (let i = 0; i < 8; i++) expect((await requestToken(erin)).statusCode).toBe(200);
  });
});

describe('the authorizer', () => {
  const otherSecret = 'another-secret-entirely-0123456789abcdef';
  const now = () => Math.floor(Date.now() / 1000);
  const validClaims = () => ({
    sub: alice.client_id,
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    plan: 'free',
    jti: 'b1c2',
    iat: now(),
    exp: now() + 600,
  });
  const sign = (claims: object, secret: string | Buffer = JWT_SECRET, algorithm: jwt.Algorithm = 'HS256') =>
    jwt.sign(claims, secret, { algorithm });
  const omit = <T extends object>(claims: T, name: keyof T) =>
    Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  async function refusal(event: APIGatewayRequestAuthorizerEvent): Promise<unknown> {
    return authorizer(event).then(
      (result) => ({ unexpectedResult: result }),
      (error: unknown) => error,
    );
  }

  const withToken = (token: string, apiKey = alice.api_key) =>
    authorizerEvent({ Authorization: `Bearer ${token}`, 'x-api-key': apiKey });

  it('allows a token from the token endpoint with its own API key, for the whole stage', async () => {
    const token = await accessTokenFor(alice);

    const result = await authorizer(withToken(token));

    expect(result).toEqual({
      principalId: alice.client_id,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: STAGE_RESOURCE }],
      },
      context: { clientId: alice.client_id, name: 'alice', plan: 'free', tokenExpiresAt: expect.any(Number) },
      usageIdentifierKey: alice.api_key,
    });
  });

  it('reads the headers in any casing', async () => {
    const token = await accessTokenFor(alice);

    const result = await authorizer(
      authorizerEvent({ authorization: `bearer ${token}`, 'X-Api-Key': alice.api_key }),
    );

    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
  });

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attacks: Array<[string, () => APIGatewayRequestAuthorizerEvent]> = [
    ['no Authorization header', () => authorizerEvent({ 'x-api-key': alice.api_key })],
    ['Bearer with garbage', () => withToken('garbage')],
    [
      'Basic instead of Bearer',
      () =>
        authorizerEvent({
          Authorization: basic(alice.client_id, alice.client_secret),
          'x-api-key': alice.api_key,
        }),
    ],
    ['a token with 2 segments', () => withToken(sign(validClaims()).split('.').slice(0, 2).join('.'))],
    ['a token with 4 segments', () => withToken(`${sign(validClaims())}.extra`)],
    ['alg none', () => withToken(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(validClaims())}.`)],
    [
      'alg none with a signature',
      () => withToken(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(validClaims())}.c2ln`),
    ],
    ['an HS512 token with the right secret', () => withToken(sign(validClaims(), JWT_SECRET, 'HS512'))],
    ['an RS256 token', () => withToken(jwt.sign(validClaims(), privateKey, { algorithm: 'RS256' }))],
    ['an HS256 token signed with another secret', () => withToken(sign(validClaims(), otherSecret))],
    ['an expired token', () => withToken(sign({ ...validClaims(), iat: now() - 4000, exp: now() - 120 }))],
    ['nbf in the future', () => withToken(sign({ ...validClaims(), nbf: now() + 600 }))],
    ['a token without exp', () => withToken(sign(omit(validClaims(), 'exp')))],
    ['a wrong aud', () => withToken(sign({ ...validClaims(), aud: 'another-api' }))],
    ['a wrong iss', () => withToken(sign({ ...validClaims(), iss: 'someone-else' }))],
    ['a token without sub', () => withToken(sign(omit(validClaims(), 'sub')))],
    ['a client that does not exist', () => withToken(sign({ ...validClaims(), sub: 'cl_ghost' }))],
    ['a disabled client', () => withToken(sign({ ...validClaims(), sub: carol.client_id }), carol.api_key)],
    ['no x-api-key header', () => authorizerEvent({ Authorization: `Bearer ${sign(validClaims())}` })],
    ['an 8 KB token', () => withToken(sign({ ...validClaims(), pad: 'x'.repeat(8 * 1024) }))],
  ];

  it.each(attacks)('throws exactly Unauthorized for %s', async (_name, event) => {
    const error = await refusal(event());

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Unauthorized');
  });

  it('denies (403) a valid token presented with another client’s API key', async () => {
    const token = await accessTokenFor(alice);

    const result = await authorizer(withToken(token, bob.api_key));

    expect(result).toEqual({
      principalId: alice.client_id,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: STAGE_RESOURCE }],
      },
    });
  });

  it('follows a key rotation at once, and a disable once its client memory (AUTH_CLIENT_MEMORY_TTL_MS, 5 s) has passed', async () => {
    const frank = await createClient(admin(), { name: 'frank', plan: 'pro' });
    const token = await accessTokenFor(frank);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      expect((await authorizer(withToken(token, frank.api_key))).usageIdentifierKey).toBe(frank.api_key);
      const { api_key: newKey } = await rotateApiKey(admin(), frank.client_id);

      // The new key works at once: a refusal is only ever decided on a fresh read.
      expect((await authorizer(withToken(token, newKey))).usageIdentifierKey).toBe(newKey);
      await authorizer(withToken(token, frank.api_key)).then((policy) =>
        expect(policy.policyDocument.Statement[0]?.Effect).toBe('Deny'),
      );

      // A disable is seen once the 5 s memory has passed (API Gateway itself caches 300 s).
      await disableClient(admin(), frank.client_id);
      vi.setSystemTime(Date.now() + 4_999);
      expect((await authorizer(withToken(token, newKey))).usageIdentifierKey).toBe(newKey);
      vi.setSystemTime(Date.now() + 1);
      expect(((await refusal(withToken(token, newKey))) as Error).message).toBe('Unauthorized');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('logs', () => {
  it('never contain a token, an API key, a client secret or JWT_SECRET', async () => {
    const { logger } = await import('../../lib/log.js');
    logger.setLogLevel('DEBUG');
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);

    const token = await accessTokenFor(bob);
    await requestToken(bob, 'wrong-secret');
    await authorizer(withTokenFor(token, bob.api_key));
    await authorizer(withTokenFor(token, alice.api_key));
    await authorizer(withTokenFor(`${token}x`, bob.api_key)).catch(() => undefined);
    await authorizer(withTokenFor(jwt.sign({ sub: bob.client_id }, 'x'.repeat(40)), bob.api_key)).catch(
      () => undefined,
    );
    vi.restoreAllMocks();

    const output = lines.join('');
    expect(output).toContain('token issued');
    expect(output).toContain('authorization refused');
    expect(output).toContain('authorization denied');
    for (const secret of [
      token,
      bob.api_key,
      alice.api_key,
      bob.client_secret,
      JWT_SECRET,
      token.split('.')[2] ?? '',
    ]) {
      expect(output).not.toContain(secret);
    }
  });
});

function withTokenFor(token: string, apiKey: string) {
  return authorizerEvent({ Authorization: `Bearer ${token}`, 'x-api-key': apiKey });
}
