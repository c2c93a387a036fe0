import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { httpHandler, jsonResponse } from '../../../lib/http/handler.js';
import { badRequest } from '../../../lib/http/problem.js';
import { rejectUnknownQuery } from '../../../lib/http/request.js';

function event(
  query: Record<string, string> | null = null,
  multi: Record<string, string[]> | null = null,
): APIGatewayProxyEvent {
  return {
    body: null,
    headers: {},
    multiValueHeaders: {},
    httpMethod: 'GET',
    isBase64Encoded: false,
    path: '/v1/test',
    pathParameters: null,
    queryStringParameters: query,
    multiValueQueryStringParameters: multi,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    resource: '/v1/test',
  };
}
const context = {} as Context;

describe('httpHandler', () => {
  it('refuses query parameters the route does not accept before the handler runs, naming them', async () => {
    let ran = false;
    const handler = httpHandler(
      async () => {
        ran = true;
        return jsonResponse(200, { ok: true });
      },
      { query: ['date'] },
    );

    const refused = await handler(event({ date: '2020-11-13', datum: 'x', b: 'y' }), context);
    const accepted = await handler(event({ date: '2020-11-13' }), context);

    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'Unknown query parameters: b, datum',
    });
    expect(accepted.statusCode).toBe(200);
    expect(ran).toBe(true);
  });

  it.each([
    [
      { query: ['amount', 'from'] },
      { amount: '2', from: 'USD' },
      { amount: ['1000.00', '2'], from: ['USD'] },
      'Query parameter amount is given more than once',
    ],
    [
      {},
      { from: '2020-11-10', to: '2020-11-12' },
      { from: ['2020-11-09', '2020-11-10'], to: ['2020-11-11', '2020-11-12'] },
      'Query parameters from, to are given more than once',
    ],
  ])(
    'refuses a repeated query parameter on every route, naming it (%o)',
    async (options, query, multi, detail) => {
      let ran = false;
      const handler = httpHandler(async () => {
        ran = true;
        return jsonResponse(200, { ok: true });
      }, options);

      const refused = await handler(event(query, multi), context);

      expect(refused.statusCode).toBe(400);
      expect(refused.headers?.['Content-Type']).toBe('application/problem+json');
      expect(JSON.parse(refused.body)).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail,
      });
      expect(ran).toBe(false);
    },
  );

  it('accepts each parameter given once', async () => {
    const handler = httpHandler(async () => jsonResponse(200, { ok: true }), { query: ['amount'] });

    const response = await handler(event({ amount: '1' }, { amount: ['1'] }), context);

    expect(response.statusCode).toBe(200);
  });

  it('leaves the query to the handler when the route declares none', async () => {
    const handler = httpHandler(async (request) => jsonResponse(200, request.queryStringParameters));

    const response = await handler(event({ anything: '1' }), context);

    expect([response.statusCode, JSON.parse(response.body)]).toEqual([200, { anything: '1' }]);
  });

  it('writes a thrown problem as application/problem+json', async () => {
    const handler = httpHandler(async () => {
      throw badRequest('Unknown query parameter: x');
    });

    const response = await handler(event(), context);

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'Unknown query parameter: x',
    });
  });

  it('answers an unexpected error with a bare 500 that reveals nothing', async () => {
    const handler = httpHandler(async () => {
      throw new Error('secret-ish internal detail at /var/task/x.js:1');
    });

    const response = await handler(event(), context);

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('internal detail');
    expect(response.body).not.toContain('x.js');
    expect(JSON.parse(response.body)).toMatchObject({ status: 500, title: 'Internal Server Error' });
  });

  it('passes a successful response through, adding only nosniff', async () => {
    const handler = httpHandler(async () => jsonResponse(200, { ok: true }), {
      strictTransportSecurity: false,
    });

    const response = await handler(event(), context);

    expect(response).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' },
      body: '{"ok":true}',
    });
  });
});

describe('rejectUnknownQuery', () => {
  it('names every unknown parameter, sorted', () => {
    expect(() => rejectUnknownQuery(event({ zeta: '1', alpha: '2', ok: '3' }), ['ok'])).toThrow(
      'Unknown query parameters: alpha, zeta',
    );
  });

  it('accepts known parameters and none', () => {
    expect(() => rejectUnknownQuery(event({ ok: '1' }), ['ok'])).not.toThrow();
    expect(() => rejectUnknownQuery(event())).not.toThrow();
  });
});

describe('security headers', () => {
  const ok = async () => jsonResponse(200, { ok: true });
  const failing = async () => {
    throw badRequest('Unknown query parameter: x');
  };
  const crashing = async () => {
    throw new TypeError('boom');
  };

  it.each([
    ['a JSON answer', ok, 200],
    ['a problem+json answer', failing, 400],
    ['an unexpected error', crashing, 500],
  ])('sends nosniff and HSTS on %s of a deployed stage', async (_name, fn, status) => {
    const response = await httpHandler(fn, { strictTransportSecurity: true })(event(), context);

    expect(response.statusCode).toBe(status);
    expect(response.headers).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    });
  });

  it('sends nosniff but no HSTS on the plain-HTTP local stack', async () => {
    const response = await httpHandler(failing, { strictTransportSecurity: false })(event(), context);

    expect(response.headers?.['X-Content-Type-Options']).toBe('nosniff');
    expect(response.headers).not.toHaveProperty('Strict-Transport-Security');
  });

  it('decides HSTS by the configured stage when not told', async () => {
    const response = await httpHandler(ok)(event(), context);

    expect(response.headers).not.toHaveProperty('Strict-Transport-Security');
  });
});
