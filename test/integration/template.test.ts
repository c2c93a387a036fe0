import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTES } from '../../lib/http/routes.js';
import { readServerlessYaml } from '../../scripts/lib/template.js';
import {
  asArray,
  findWildcardGrants,
  packageProd,
  roleStatements,
  type Template,
} from '../helpers/template.js';

const RATES_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

/** The dated routes also read ranges of stored days and store a SIE range at once (lib/history/history-store.ts). */
const HISTORY_ACTIONS = [...RATES_ACTIONS, 'dynamodb:Query', 'dynamodb:BatchWriteItem'];

/** The DynamoDB actions each function's code uses: a role may grant these and nothing more. */
const DYNAMODB_ACTIONS_ALLOWED: Record<string, string[]> = {
  health: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
  notFound: [],
  ping: [],
  openapi: [],
  rates: HISTORY_ACTIONS,
  ratesDof: HISTORY_ACTIONS,
  ratesFixer: HISTORY_ACTIONS,
  ratesBanxico: HISTORY_ACTIONS,
  ratesHistory: HISTORY_ACTIONS,
  ratesFiscal: HISTORY_ACTIONS,
  ratesAverage: HISTORY_ACTIONS,
  convert: HISTORY_ACTIONS,
  refresher: RATES_ACTIONS,
  token: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  authorizer: ['dynamodb:GetItem'],
  whoami: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  web: [],
};

let template: Template;
let packageDir: string;

beforeAll(async () => {
  ({ template, dir: packageDir } = await packageProd());
}, 180_000);

const zipListing = (zip: string) =>
  execFileSync('unzip', ['-Z1', path.join(packageDir, zip)], { encoding: 'utf8' })
    .trim()
    .split('\n');
const unzipText = (zip: string, file: string) =>
  execFileSync('unzip', ['-p', path.join(packageDir, zip), file], {
    encoding: 'utf8',
    maxBuffer: 20 * 1024 * 1024,
  });

const resourcesOfType = (type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

describe('the packaged prod template', () => {
  it('runs every function on nodejs22.x with its own role', () => {
    const functions = resourcesOfType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(1);
    for (const [, fn] of functions) {
      expect(fn.Properties?.Runtime).toBe('nodejs22.x');
      expect(fn.Properties?.Role).toMatchObject({ 'Fn::GetAtt': [expect.stringMatching(/Role$/), 'Arn'] });
    }
  });

  it('packages one bundle per function, minified with a source map and without the AWS SDK', () => {
    const zips = readdirSync(packageDir).filter((file) => file.endsWith('.zip'));
    expect(zips.length).toBe(resourcesOfType('AWS::Lambda::Function').length);
    const listing = execFileSync('unzip', ['-Z1', path.join(packageDir, 'health.zip')], { encoding: 'utf8' });
    expect(listing.trim().split('\n').sort()).toEqual(['functions/health.mjs', 'functions/health.mjs.map']);
    const bundle = unzipText('health.zip', 'functions/health.mjs');
    expect(bundle).toMatch(/from\s*"@aws-sdk\/lib-dynamodb"/);
    expect(bundle).toContain('sourceMappingURL=health.mjs.map');
    // Minified: a handful of very long lines, not the source's layout.
    expect(bundle.split('\n').length).toBeLessThan(50);
    // The map names the sources without carrying them (sourcesContent: false).
    const map = JSON.parse(unzipText('health.zip', 'functions/health.mjs.map')) as {
      sourcesContent?: unknown;
    };
    expect(map.sourcesContent).toBeUndefined();
  });

  it('keeps providers out of the rates entry bundle: imported on first refresh, as their own files', () => {
    const rates = unzipText('rates.zip', 'functions/rates.mjs');
    for (const chunk of ['dof', 'fixer', 'banxico']) {
      expect(rates).toMatch(new RegExp(`import\\("\\./chunks/${chunk}-[A-Z0-9]+\\.mjs"\\)`));
    }
    // Neither axios nor cheerio is in the entry, nor mime-db (form-data) anywhere.
    expect(rates).not.toContain('axios');
    expect(rates).not.toContain('cheerio');
    for (const file of zipListing('rates.zip').filter((name) => name.endsWith('.mjs'))) {
      expect(unzipText('rates.zip', file)).not.toContain('application/vnd.openxmlformats');
    }
    // Functions that never refresh ship no provider chunk.
    expect(zipListing('authorizer.zip').sort()).toEqual([
      'functions/authorizer.mjs',
      'functions/authorizer.mjs.map',
    ]);
  });

  it('keeps every code file in every zip under 200 kB', () => {
    const oversized: string[] = [];
    for (const zip of readdirSync(packageDir).filter((file) => file.endsWith('.zip'))) {
      // `unzip -Zl`: permissions, version, os, size, …, name; code files only.
      for (const line of execFileSync('unzip', ['-Zl', path.join(packageDir, zip)], {
        encoding: 'utf8',
      }).split('\n')) {
        const cols = line.trim().split(/\s+/);
        const name = cols.at(-1) ?? '';
        if (name.endsWith('.mjs') && Number(cols[3]) > 200 * 1024)
          oversized.push(`${zip}:${name} ${cols[3]} B`);
      }
    }
    expect(oversized).toEqual([]);
  });

  it('declares the table pay-per-request with TTL and point-in-time recovery', () => {
    const tables = resourcesOfType('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const properties = tables[0]?.[1].Properties;
    expect(properties?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(properties?.TimeToLiveSpecification).toEqual({ AttributeName: 'expires_at', Enabled: true });
    expect(properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('sets a retention on every log group', () => {
    const groups = resourcesOfType('AWS::Logs::LogGroup');
    expect(groups.length).toBe(resourcesOfType('AWS::Lambda::Function').length);
    for (const [, group] of groups) expect(group.Properties?.RetentionInDays).toBeGreaterThan(0);
  });

  it('grants no wildcard action and no "*" resource', () => {
    expect(findWildcardGrants(template)).toEqual([]);
  });

  it('would catch someone adding Action "*"', () => {
    const doctored = structuredClone(template);
    const role = Object.values(doctored.Resources).find((resource) => resource.Type === 'AWS::IAM::Role');
    const policies = role?.Properties?.Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>;
    policies[0]?.PolicyDocument.Statement.push({ Effect: 'Allow', Action: '*', Resource: '*' });

    expect(findWildcardGrants(doctored)).toHaveLength(2);
  });

  it('gives each function only the DynamoDB actions its code uses', () => {
    for (const [logicalId, fn] of resourcesOfType('AWS::Lambda::Function')) {
      const name = logicalId.replace(/LambdaFunction$/, '');
      const functionName = name.charAt(0).toLowerCase() + name.slice(1);
      const allowed = DYNAMODB_ACTIONS_ALLOWED[functionName];
      expect(allowed, `${functionName} must be listed in DYNAMODB_ACTIONS_ALLOWED`).toBeDefined();
      const role = fn.Properties?.Role as { 'Fn::GetAtt': [string, string] } | undefined;
      const roleName = role?.['Fn::GetAtt'][0] ?? '';
      const granted = roleStatements(template, roleName)
        .flatMap((statement) => asArray(statement.Action))
        .filter((action) => action.startsWith('dynamodb:'));
      for (const action of granted) expect(allowed, `${functionName} may not ${action}`).toContain(action);
    }
  });

  it('sends HSTS and nosniff on every answer API Gateway writes itself', () => {
    const responses = resourcesOfType('AWS::ApiGateway::GatewayResponse');
    expect(responses.length).toBeGreaterThan(0);
    for (const [, response] of responses) {
      expect(response.Properties?.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Strict-Transport-Security': "'max-age=31536000; includeSubDomains'",
        'gatewayresponse.header.X-Content-Type-Options': "'nosniff'",
      });
    }
  });

  it('carries no secret value in any function environment', () => {
    for (const [, fn] of resourcesOfType('AWS::Lambda::Function')) {
      const environment = fn.Properties?.Environment as { Variables: Record<string, string> } | undefined;
      const variables = environment?.Variables ?? {};
      expect(variables.JWT_SECRET ?? '').toBe('');
      expect(variables.FIXER_ACCESS_KEY ?? '').toBe('');
      expect(variables.BANXICO_TOKEN ?? '').toBe('');
      expect(variables.JWT_SECRET_SSM).toBe('/tipo-de-cambio/prod/jwt-secret');
    }
  });
});

describe('serverless.yml and the route table', () => {
  it('agree on every public route, so 405 answers list the real methods', () => {
    const functions = readServerlessYaml().functions as Record<
      string,
      { events?: Array<{ http?: { path: string; method: string } }> }
    >;
    const declared = Object.values(functions)
      .flatMap((fn) => fn.events ?? [])
      .flatMap((event) => (event.http ? [event.http] : []))
      .filter((http) => !http.path.includes('{proxy+}'))
      .map((http) => `${http.method.toUpperCase()} /${http.path.replace(/^\//, '')}`)
      .sort();

    expect(PUBLIC_ROUTES.map((route) => `${route.method} ${route.path}`).sort()).toEqual(declared);
  });
});
