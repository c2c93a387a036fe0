import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { requestGate } from '../../../lib/http/gate.js';
import { httpHandler, jsonResponse } from '../../../lib/http/handler.js';
import { HttpProblemError } from '../../../lib/http/problem.js';
import type { ConsumeFn } from '../../../lib/http/quota-step.js';
import { consumeQuota } from '../../../lib/quota/consume-quota.js';
import { memoryQuotaStore } from '../../helpers/memory-quota-store.js';

const NOW = Date.parse('2025-03-04T10:20:19.000Z');
const LIMITS = { free: { perMinute: 2, perDay: 1000 }, pro: { perMinute: 300, perDay: 50_000 } };
const CONTEXT = {} as Context;

function event(overrides: {
  authorizer?: Record<string, unknown> | null;
  headers?: Record<string, string>;
}): APIGatewayProxyEvent {
  const authorizer =
    overrides.authorizer === undefined
      ? { clientId: 'cl_abc', plan: 'free', tokenExpiresAt: String(NOW / 1000 + 600), principalId: 'cl_abc' }
      : overrides.authorizer;
  return {
    httpMethod: 'GET',
    path: '/v1/rates',
    headers: overrides.headers ?? {},
    queryStringParameters: null,
    requestContext: { authorizer },
  } as unknown as APIGatewayProxyEvent;
}

function setup(options: { consume?: ConsumeFn; handler?: () => Promise<unknown> } = {}) {
  const store = memoryQuotaStore();
  const consume = vi.fn<ConsumeFn>(
    options.consume ?? ((input) => consumeQuota(store, { ...input, limits: LIMITS })),
  );
  const handlerFn = vi.fn(options.handler ?? (async () => undefined));
  const handler = httpHandler(async () => {
    await handlerFn();
    return jsonResponse(200, { ok: true });
  }).use(requestGate({ consume, now: () => NOW }));
  return { handler, consume, handlerFn };
}

describe('requestGate', () => {
  it('answers with RateLimit headers and charges the client named by the authorizer', async () => {
    const { handler, consume } = setup();

    const response = await handler(event({ headers: { 'X-Client-Id': 'cl_other' } }), CONTEXT);

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'RateLimit-Policy': '"minute";q=2;w=60, "day";q=1000;w=86400',
      RateLimit: '"minute";r=1;t=41',
    });
    expect(consume).toHaveBeenCalledWith({ clientId: 'cl_abc', plan: 'free', nowMs: NOW });
  });

  it('refuses over quota with 429 problem+json and Retry-After, before the handler runs', async () => {
    const { handler, handlerFn } = setup();
    await handler(event({}), CONTEXT);
    await handler(event({}), CONTEXT);
    handlerFn.mockClear();

    const response = await handler(event({}), CONTEXT);

    expect(response.statusCode).toBe(429);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/problem+json',
      'Retry-After': '41',
      RateLimit: '"minute";r=0;t=41',
      'RateLimit-Policy': '"minute";q=2;w=60, "day";q=1000;w=86400',
    });
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'The minute quota of the free plan is used up; retry after 41 seconds.',
    });
    expect(handlerFn).not.toHaveBeenCalled();
  });

  it.each([
    ['no authorizer context', null],
    ['no clientId', { plan: 'free', tokenExpiresAt: '9999999999' }],
    ['an unknown plan', { clientId: 'cl_abc', plan: 'gold', tokenExpiresAt: '9999999999' }],
    ['no token expiry', { clientId: 'cl_abc', plan: 'free' }],
  ])('answers 401 and charges nothing for %s', async (_name, authorizer) => {
    const { handler, consume, handlerFn } = setup();

    const response = await handler(event({ authorizer }), CONTEXT);

    expect(response.statusCode).toBe(401);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(consume).not.toHaveBeenCalled();
    expect(handlerFn).not.toHaveBeenCalled();
  });

  it('refuses the serverless-offline authorizer override header', async () => {
    const { handler, consume } = setup();
    const forged = JSON.stringify({ clientId: 'cl_victim', plan: 'pro' });

    const response = await handler(
      event({ headers: { 'sls-offline-authorizer-override': forged } }),
      CONTEXT,
    );

    expect(response.statusCode).toBe(401);
    expect(consume).not.toHaveBeenCalled();
  });

  it('refuses a cached authorization whose token has expired', async () => {
    const { handler, consume } = setup();
    const authorizer = { clientId: 'cl_abc', plan: 'free', tokenExpiresAt: String(NOW / 1000 - 120) };

    const response = await handler(event({ authorizer }), CONTEXT);

    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body).detail).toBe('The access token has expired.');
    expect(consume).not.toHaveBeenCalled();
  });

  it('keeps the headers on a problem the handler throws', async () => {
    const { handler } = setup({
      handler: async () => {
        throw new HttpProblemError(503, 'Service Unavailable', 'No source answered.');
      },
    });

    const response = await handler(event({}), CONTEXT);

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ RateLimit: '"minute";r=1;t=41' });
  });

  it('keeps the headers on an unexpected error, still a bare 500', async () => {
    const { handler } = setup({
      handler: async () => {
        throw new TypeError('boom');
      },
    });

    const response = await handler(event({}), CONTEXT);

    expect(response.statusCode).toBe(500);
    expect(response.headers).toMatchObject({ RateLimit: '"minute";r=1;t=41' });
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'The service failed to answer; the error was logged.',
    });
  });

  it('answers 503 when the quota cannot be checked', async () => {
    const { handler, handlerFn } = setup({
      consume: async () => {
        throw new Error('ECONNREFUSED');
      },
    });

    const response = await handler(event({}), CONTEXT);

    expect(response.statusCode).toBe(503);
    expect(handlerFn).not.toHaveBeenCalled();
  });
});
