import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { handler as openApiHandler } from '../../functions/openapi.js';
import type { ParsedSource, SourceId } from '../../lib/core/rate.js';
import { findOpenApiFile, OpenApiDocumentError, openApiJson } from '../../lib/http/openapi-doc.js';
import { PUBLIC_ROUTES } from '../../lib/http/routes.js';
import { parseBanxicoSeries, parseDofPage, parseFixerLatest } from '../../lib/providers/index.js';
import { buildRatesAnswer } from '../../lib/rates/envelope.js';
import type { CachedValue } from '../../lib/rates/rate-store.js';
import type { SourceOutcome } from '../../lib/rates/serving.js';
import {
  assertMatchesContract,
  type ContractInput,
  getContract,
  OPENAPI_PATH,
} from '../../scripts/lib/contract.js';
import { readServerlessYaml, SERVICE_ROOT } from '../../scripts/lib/template.js';
import { DOF_CAPTURE, readCapture, readFixture, SIE_OPORTUNO_CAPTURE } from '../helpers/upstream-files.js';

const yamlText = readFileSync(OPENAPI_PATH, 'utf8');
const NOW = Date.parse('2020-11-27T19:00:00.000Z');

function cached(parsed: ParsedSource): CachedValue {
  return {
    parsed,
    dataDate: '2020-11-27',
    dataVersion: '',
    fetchedAt: NOW - 60_000,
    freshUntil: NOW + 3_600_000,
    nextExpectedUpdate: NOW + 7_200_000,
  };
}

/** What the real parsers and envelope make of the real captures: the body the API sends. */
function realOutcomes(): SourceOutcome[] {
  const parsed: Record<SourceId, ParsedSource> = {
    dof: parseDofPage(readCapture(DOF_CAPTURE)),
    fixer: parseFixerLatest(readFixture('fixer_latest_documented-example.json')),
    banxico: parseBanxicoSeries(readCapture(SIE_OPORTUNO_CAPTURE), 'application/json'),
  };
  return (['dof', 'fixer', 'banxico'] as const).map((source) => ({
    source,
    value: cached(parsed[source]),
    stale: false,
    error: undefined,
  }));
}

const ratesHeaders = () =>
  new Headers({
    'Content-Type': 'application/json',
    ETag: '"abc"',
    'Cache-Control': 'private, max-age=60',
    'RateLimit-Policy': '"minute";q=30;w=60, "day";q=1000;w=86400',
    RateLimit: '"minute";r=29;t=41',
  });

function ratesInput(body: unknown, path = '/v1/rates'): ContractInput {
  return { method: 'GET', path, status: 200, headers: ratesHeaders(), body: JSON.stringify(body) };
}

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(parse(yamlText));

    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('would be refused by the validator with a response lacking its description', async () => {
    const doctored = parse(yamlText);
    delete doctored.paths['/v1/ping'].get.responses['204'].description;

    expect((await new Validator().validate(doctored)).valid).toBe(false);
  });

  it('documents every public route and no other (besides the home page)', () => {
    const paths = getContract().document.paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routed = PUBLIC_ROUTES.map((route) => `${route.method} ${route.path}`);

    expect(documented.filter((operation) => operation !== 'GET /').sort()).toEqual(
      routed.filter((operation) => operation !== 'GET /').sort(),
    );
  });

  it('documents every http event of serverless.yml except the catch-all', () => {
    const functions = readServerlessYaml().functions as Record<
      string,
      { events?: Array<{ http?: { path: string; method: string } }> }
    >;
    const paths = getContract().document.paths as Record<string, Record<string, unknown>>;
    const events = Object.values(functions)
      .flatMap((fn) => fn.events ?? [])
      .flatMap((event) => (event.http === undefined ? [] : [event.http]))
      .filter((http) => http.path !== '/{proxy+}');

    expect(events.length).toBeGreaterThan(5);
    for (const http of events) {
      const path = `/${http.path.replace(/^\//, '')}`;
      expect(paths[path]?.[http.method.toLowerCase()], `${http.method} ${path}`).toBeDefined();
    }
  });

  it('accepts the rates body the real parsers and envelope produce from the real captures', () => {
    const { body } = buildRatesAnswer(realOutcomes(), NOW);

    expect(Object.keys(body.rates)).toEqual(['dof', 'dof_para_pagos', 'banxico', 'fixer']);
    expect(assertMatchesContract(ratesInput(body))).toMatchObject({ response: '200', bodyChecked: true });
  });

  it('accepts SF60653 as banxico_para_pagos on /v1/rates and /v1/rates/banxico', () => {
    const both = [SIE_OPORTUNO_CAPTURE, 'banxico-sie_SF60653_oportuno_asof-2020-11-29.json'].flatMap(
      (name) => (JSON.parse(readCapture(name).toString('utf8')) as { bmx: { series: unknown[] } }).bmx.series,
    );
    const parsed = parseBanxicoSeries(
      Buffer.from(JSON.stringify({ bmx: { series: both } })),
      'application/json',
    );
    const outcome: SourceOutcome = {
      source: 'banxico',
      value: cached(parsed),
      stale: false,
      error: undefined,
    };
    const { body } = buildRatesAnswer([outcome], NOW);

    expect(Object.keys(body.rates)).toEqual(['banxico', 'banxico_para_pagos']);
    expect(assertMatchesContract(ratesInput(body))).toMatchObject({ response: '200', bodyChecked: true });
    expect(assertMatchesContract(ratesInput(body, '/v1/rates/banxico'))).toMatchObject({ bodyChecked: true });
  });

  it('accepts a stale rate with its age and a source error', () => {
    const [dof, fixer, banxico] = realOutcomes();
    if (dof === undefined || fixer === undefined || banxico === undefined) throw new Error('no outcomes');
    const outcomes: SourceOutcome[] = [
      { ...dof, stale: true, error: { code: 'timeout', message: 'DOF did not answer' } },
      { ...fixer, value: undefined, error: { code: 'quota_exhausted', message: 'spent' } },
      {
        ...banxico,
        value: undefined,
        error: { code: 'quota_exhausted', message: 'x', retryAfterSeconds: 42 },
      },
    ];
    const { body } = buildRatesAnswer(outcomes, NOW);

    expect(body.rates.dof?.age_seconds).toBe(60);
    expect(body.errors.banxico).toEqual({ code: 'quota_exhausted', message: 'x', retry_after_seconds: 42 });
    expect(() => assertMatchesContract(ratesInput(body))).not.toThrow();
  });

  it('names a renamed rate field (drift between code and contract)', () => {
    const { body } = buildRatesAnswer(realOutcomes(), NOW);
    const doctored = JSON.parse(JSON.stringify(body).replace('"value":', '"valor":'));

    expect(() => assertMatchesContract(ratesInput(doctored))).toThrow(
      "GET /v1/rates 200: /rates/dof must have required property 'value'; /rates/dof must NOT have additional property 'valor'",
    );
  });

  it('names a field added to the envelope, a wrong kind and a missing age on a stale rate', () => {
    const { body } = buildRatesAnswer(realOutcomes(), NOW);
    const dof = body.rates.dof;
    if (dof === undefined) throw new Error('no dof rate');

    expect(() => assertMatchesContract(ratesInput({ ...body, generated_at: 'now' }))).toThrow(
      "(body) must NOT have additional property 'generated_at'",
    );
    expect(() =>
      assertMatchesContract(ratesInput({ ...body, rates: { ...body.rates, dof: { ...dof, kind: 'fix' } } })),
    ).toThrow('/rates/dof/kind must be "dof"');
    expect(() =>
      assertMatchesContract(ratesInput({ ...body, rates: { ...body.rates, dof: { ...dof, stale: true } } })),
    ).toThrow("/rates/dof must have required property 'age_seconds'");
    expect(() =>
      assertMatchesContract(
        ratesInput({ ...body, rates: { ...body.rates, dof: { ...dof, value: '20.5' } } }),
      ),
    ).toThrow('/rates/dof/value must be number');
  });

  it('refuses a rate of another source on a single-source route', () => {
    const { body } = buildRatesAnswer(realOutcomes(), NOW);

    expect(() => assertMatchesContract(ratesInput(body, '/v1/rates/fixer'))).toThrow(
      "GET /v1/rates/fixer 200: /rates must NOT have additional property 'dof'",
    );
  });

  it('names a missing or malformed header, an undeclared status and an undeclared content type', () => {
    const { body } = buildRatesAnswer(realOutcomes(), NOW);
    const withoutLimit = ratesInput(body);
    withoutLimit.headers.delete('RateLimit');
    const badPolicy = ratesInput(body);
    badPolicy.headers.set('RateLimit-Policy', 'thirty per minute');
    const html = ratesInput(body);
    html.headers.set('Content-Type', 'text/html');

    expect(() => assertMatchesContract(withoutLimit)).toThrow(
      'GET /v1/rates 200: header RateLimit is missing',
    );
    expect(() => assertMatchesContract(badPolicy)).toThrow('header RateLimit-Policy must match pattern');
    expect(() => assertMatchesContract({ ...ratesInput(body), status: 418 })).toThrow(
      'GET /v1/rates 418: status 418 is not declared',
    );
    expect(() => assertMatchesContract(html)).toThrow('Content-Type text/html is not declared');
  });

  it('checks unknown paths against NotFound and wrong methods against MethodNotAllowed', () => {
    const problem = (status: number, title: string) =>
      JSON.stringify({ type: 'about:blank', title, status, detail: 'x' });
    const headers = new Headers({ 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' });

    expect(
      assertMatchesContract({
        method: 'GET',
        path: '/v2/nothing',
        status: 404,
        headers,
        body: problem(404, 'Not Found'),
      }),
    ).toMatchObject({ response: 'NotFound' });
    expect(() =>
      assertMatchesContract({
        method: 'PUT',
        path: '/v1/rates',
        status: 405,
        headers,
        body: problem(405, 'Method Not Allowed'),
      }),
    ).toThrow('GET /v1/rates 405: header Allow is missing'.replace('GET', 'PUT'));
    expect(() =>
      assertMatchesContract({ method: 'GET', path: '/v2/nothing', status: 200, headers, body: '{}' }),
    ).toThrow('no path of openapi.yaml matches /v2/nothing');
  });

  it('accepts the Gateway Responses of serverless.yml (what AWS answers for the authorizer and usage plans)', () => {
    const resources = (readServerlessYaml().resources as { Resources: Record<string, unknown> }).Resources;
    const gatewayResponses = Object.entries(resources).flatMap(([name, resource]) => {
      const typed = resource as {
        Type: string;
        Properties: {
          StatusCode?: string;
          ResponseType?: string;
          ResponseParameters: Record<string, string>;
          ResponseTemplates: Record<string, string>;
        };
      };
      return typed.Type === 'AWS::ApiGateway::GatewayResponse' ? [[name, typed.Properties] as const] : [];
    });

    expect(gatewayResponses.length).toBeGreaterThanOrEqual(5);
    // The DEFAULT_4XX/5XX fallbacks keep the status of what they replace: try them with the
    // ones only API Gateway produces (504 when the function times out, 413 too large).
    const statusOf = (properties: { StatusCode?: string; ResponseType?: string }) =>
      properties.StatusCode !== undefined
        ? Number(properties.StatusCode)
        : properties.ResponseType === 'DEFAULT_5XX'
          ? 504
          : 413;
    const violations: Record<string, string> = {};
    for (const [name, properties] of gatewayResponses) {
      const headers = new Headers();
      for (const [key, value] of Object.entries(properties.ResponseParameters)) {
        headers.set(key.replace(/^gatewayresponse\.header\./, ''), value.replace(/^'|'$/g, ''));
      }
      for (const path of [
        '/v1/whoami',
        '/v1/convert',
        '/v1/rates',
        '/v1/rates/dof',
        '/v1/rates/fixer',
        '/v1/rates/banxico',
      ]) {
        const input = {
          method: 'GET',
          path,
          status: statusOf(properties),
          headers,
          // What API Gateway puts in for $context.error.messageString: a quoted JSON string.
          body: (properties.ResponseTemplates['application/json'] ?? '').replaceAll(
            '$context.error.messageString',
            JSON.stringify('Endpoint request timed out'),
          ),
        };
        try {
          assertMatchesContract(input);
        } catch (error) {
          violations[name] = error instanceof Error ? error.message : String(error);
        }
      }
    }

    // Known gap, reported: API Gateway's usage-plan quota refusal carries no Retry-After
    // (serverless.yml QuotaExceededResponse). When it gets one, this expectation fails: empty it.
    expect(violations).toEqual({
      QuotaExceededResponse: 'GET /v1/rates/banxico 429: header Retry-After is missing',
    });
  });
});

describe('GET /v1/openapi.json', () => {
  it('serves openapi.yaml as JSON, matching its own contract', async () => {
    const event = { path: '/v1/openapi.json', httpMethod: 'GET', queryStringParameters: null, headers: {} };
    const response = await openApiHandler(event as unknown as APIGatewayProxyEvent, {} as Context);

    expect(JSON.parse(response.body)).toEqual(parse(yamlText));
    expect(
      assertMatchesContract({
        method: 'GET',
        path: '/v1/openapi.json',
        status: response.statusCode,
        headers: new Headers(response.headers as Record<string, string>),
        body: response.body,
      }),
    ).toMatchObject({ response: '200' });
  });

  it('finds the YAML in the first root that has it (offline sets LAMBDA_TASK_ROOT to /var/task)', () => {
    expect(findOpenApiFile(['/var/task-that-does-not-exist', SERVICE_ROOT])).toBe(OPENAPI_PATH);
    expect(() => findOpenApiFile([undefined, os.tmpdir()])).toThrow(OpenApiDocumentError);
    expect(JSON.parse(openApiJson([SERVICE_ROOT])).openapi).toBe('3.1.0');
  });
});
