import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { usagePlanName } from '../../lib/auth/api-gateway-keys.js';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';
import { asArray, packageProd, roleStatements, type Template } from '../helpers/template.js';

/** What API Gateway itself enforces in a deployed stage: authorizer, API keys, usage plans. */
let template: Template;

beforeAll(async () => {
  ({ template } = await packageProd());
}, 180_000);

const ofType = (type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

type Ref = { Ref: string } | { 'Fn::GetAtt': [string, string] };

/** `/v1/rates/dof` for a method, walking its resource's parents up to the root. */
function methodPath(method: { Properties?: Record<string, unknown> }): string {
  const parts: string[] = [];
  let ref = method.Properties?.ResourceId as Ref | undefined;
  while (ref !== undefined && 'Ref' in ref) {
    const resource = template.Resources[ref.Ref];
    parts.unshift(String(resource?.Properties?.PathPart));
    ref = resource?.Properties?.ParentId as Ref | undefined;
  }
  return `/${parts.join('/')}`;
}

describe('the packaged prod template', () => {
  it('puts the authorizer and a required API key on every /v1/rates* method, /v1/convert and /v1/whoami', () => {
    const methods = ofType('AWS::ApiGateway::Method').filter(
      ([, m]) => m.Properties?.HttpMethod !== 'OPTIONS',
    );
    const rates = methods.filter(([, m]) => /^\/v1\/(rates|whoami|convert)/.test(methodPath(m)));

    expect(rates.map(([, m]) => methodPath(m)).sort()).toEqual([
      '/v1/convert',
      '/v1/rates',
      '/v1/rates/average',
      '/v1/rates/banxico',
      '/v1/rates/dof',
      '/v1/rates/fiscal',
      '/v1/rates/fixer',
      '/v1/rates/history',
      '/v1/whoami',
    ]);
    for (const [, method] of rates) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: 'AuthorizerApiGatewayAuthorizer' },
        ApiKeyRequired: true,
      });
    }
  });

  it('leaves the token endpoint and health open', () => {
    const open = ofType('AWS::ApiGateway::Method').filter(([, m]) =>
      ['/v1/auth/token', '/v1/health'].includes(methodPath(m)),
    );

    expect(open).toHaveLength(2);
    for (const [, method] of open)
      expect(method.Properties).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: false });
  });

  it('declares a REQUEST authorizer cached per token and key', () => {
    expect(template.Resources.AuthorizerApiGatewayAuthorizer?.Properties).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization,method.request.header.x-api-key',
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('takes the API key from the authorizer', () => {
    const [api] = ofType('AWS::ApiGateway::RestApi');
    expect(api?.[1].Properties?.ApiKeySourceType).toBe('AUTHORIZER');
  });

  it('has free and pro usage plans with throttle and quota, named as client:create looks them up', () => {
    const plans = Object.fromEntries(
      ofType('AWS::ApiGateway::UsagePlan').map(([, plan]) => [
        plan.Properties?.UsagePlanName,
        plan.Properties,
      ]),
    );

    for (const plan of ['free', 'pro'] as const) {
      const properties = plans[usagePlanName('tipo-de-cambio', 'prod', plan)];
      expect(properties?.Throttle).toEqual({ RateLimit: expect.any(Number), BurstLimit: expect.any(Number) });
      expect(properties?.Quota).toEqual({ Limit: expect.any(Number), Period: 'DAY' });
    }
    expect(Object.keys(plans)).toHaveLength(2);
  });

  it.each([
    ['UNAUTHORIZED', '401'],
    ['ACCESS_DENIED', '403'],
    ['INVALID_API_KEY', '403'],
    ['MISSING_AUTHENTICATION_TOKEN', '403'],
    ['THROTTLED', '429'],
    ['QUOTA_EXCEEDED', '429'],
    ['API_CONFIGURATION_ERROR', '500'],
    ['AUTHORIZER_FAILURE', '500'],
    ['AUTHORIZER_CONFIGURATION_ERROR', '500'],
    ['INTEGRATION_TIMEOUT', '504'],
  ])('answers %s with a problem+json %s and CORS headers', (type, status) => {
    const [response] = ofType('AWS::ApiGateway::GatewayResponse').filter(
      ([, r]) => r.Properties?.ResponseType === type,
    );
    const properties = response?.[1].Properties;

    expect(properties?.StatusCode).toBe(status);
    expect(properties?.RestApiId).toEqual({ Ref: 'ApiGatewayRestApi' });
    expect(properties?.ResponseParameters).toMatchObject({
      'gatewayresponse.header.Content-Type': "'application/problem+json'",
      'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
    });
    const templates = (properties?.ResponseTemplates ?? {}) as Record<string, string>;
    const body = JSON.parse(templates['application/json'] ?? '');
    expect(body).toMatchObject({ type: 'about:blank', status: Number(status), title: expect.any(String) });
  });

  it.each(['DEFAULT_4XX', 'DEFAULT_5XX'])(
    'falls back to problem+json for any other %s, keeping its status',
    (type) => {
      const [response] = ofType('AWS::ApiGateway::GatewayResponse').filter(
        ([, r]) => r.Properties?.ResponseType === type,
      );
      const properties = response?.[1].Properties;
      const templates = (properties?.ResponseTemplates ?? {}) as Record<string, string>;

      // A status code here would replace the status of every other 4XX/5XX response.
      expect(properties?.StatusCode).toBeUndefined();
      expect(properties?.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
      });
      // API Gateway fills $context.error.messageString with a quoted JSON string.
      const rendered = (templates['application/json'] ?? '').replace(
        '$context.error.messageString',
        JSON.stringify('Missing Authentication Token'),
      );
      expect(JSON.parse(rendered)).toEqual({
        type: 'about:blank',
        title: expect.any(String),
        detail: 'Missing Authentication Token',
      });
    },
  );

  it('answers every gateway response as problem+json with the fields of RFC 9457', () => {
    const responses = ofType('AWS::ApiGateway::GatewayResponse');

    expect(responses.length).toBeGreaterThanOrEqual(12);
    for (const [name, response] of responses) {
      const templates = (response.Properties?.ResponseTemplates ?? {}) as Record<string, string>;
      const template = templates['application/json'] ?? '';
      const body = JSON.parse(template.replace('$context.error.messageString', '"x"'));
      expect(Object.keys(body), name).toEqual(expect.arrayContaining(['type', 'title', 'detail']));
      expect(response.Properties?.ResponseParameters, name).toMatchObject({
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
      });
      if (response.Properties?.StatusCode !== undefined)
        expect(body.status, name).toBe(Number(response.Properties.StatusCode));
    }
  });

  it('lets the token and authorizer functions read only the JWT secret parameter', () => {
    for (const role of ['TokenRole', 'AuthorizerRole']) {
      const ssm = roleStatements(template, role).filter((s) =>
        asArray(s.Action).some((a) => a.startsWith('ssm:')),
      );
      expect(ssm).toHaveLength(1);
      expect(asArray(ssm[0]?.Action ?? [])).toEqual(['ssm:GetParameter']);
      expect(JSON.stringify(ssm[0]?.Resource)).toMatch(/parameter\/tipo-de-cambio\/prod\/jwt-secret"/);
    }
    for (const fn of ['TokenLambdaFunction', 'AuthorizerLambdaFunction']) {
      const environment = template.Resources[fn]?.Properties?.Environment as
        | { Variables: Record<string, string> }
        | undefined;
      const variables = environment?.Variables ?? {};
      expect(variables.FIXER_ACCESS_KEY_SSM).toBe('');
      expect(variables.BANXICO_TOKEN_SSM).toBe('');
    }
  });
});

describe('the local stage', () => {
  it('keeps the authorizer but does not make gated routes private (offline would check its own key)', async () => {
    const cli = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'print', '--stage', 'local', '--format', 'json', '--path', 'functions'],
      { cwd: SERVICE_ROOT },
    );
    const functions = JSON.parse(stdout) as Record<
      string,
      { events?: Array<{ http?: Record<string, unknown> }> }
    >;
    const rateEvents = Object.values(functions)
      .flatMap((fn) => fn.events ?? [])
      .flatMap((event) =>
        event.http && /^v1\/(rates|whoami|convert)/.test(String(event.http.path)) ? [event.http] : [],
      );

    // The four rates routes, history, fiscal, average, convert and whoami.
    expect(rateEvents).toHaveLength(9);
    for (const http of rateEvents) {
      expect(http.private).toBe(false);
      expect(http.authorizer).toMatchObject({ name: 'authorizer', type: 'request' });
    }
  }, 60_000);
});
