import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

export type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

let packaged: Promise<{ dir: string; template: Template }> | undefined;

/** `serverless package --stage prod` once per test file, into a temp dir, without credentials. */
export function packageProd(): Promise<{ dir: string; template: Template }> {
  packaged ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tdc-package-'));
    const cli = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
    const env: Record<string, string | undefined> = {
      ...process.env,
      ESBUILD_WORK_FOLDER: `.esbuild/package-${process.pid}`,
    };
    // Whatever the developer's shell holds must not leak into the deployable template.
    for (const name of ['JWT_SECRET', 'FIXER_ACCESS_KEY', 'BANXICO_TOKEN', 'DYNAMODB_ENDPOINT', 'TABLE_NAME'])
      delete env[name];
    await promisify(execFile)(process.execPath, [cli, 'package', '--stage', 'prod', '--package', dir], {
      cwd: SERVICE_ROOT,
      env,
      maxBuffer: 10 * 1024 * 1024,
    });
    const template = JSON.parse(
      readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
    return { dir, template };
  })();
  return packaged;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export function roleStatements(template: Template, roleName: string): Statement[] {
  const role = template.Resources[roleName];
  const policies = (role?.Properties?.Policies ?? []) as Array<{
    PolicyDocument: { Statement: Statement[] };
  }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * Every IAM statement in the template that grants a wildcard action ("*", "dynamodb:*")
 * or a bare "*" resource. Used by the template test, and tested itself on a doctored copy.
 */
export function findWildcardGrants(template: Template): string[] {
  const problems: string[] = [];
  for (const [name, resource] of Object.entries(template.Resources)) {
    const documents: Array<{ Statement: Statement[] }> = [];
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of (resource.Properties?.Policies ?? []) as Array<{
        PolicyDocument: { Statement: Statement[] };
      }>) {
        documents.push(policy.PolicyDocument);
      }
    }
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push(resource.Properties?.PolicyDocument as { Statement: Statement[] });
    }
    for (const statement of documents.flatMap((document) => document.Statement)) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of asArray(statement.Action)) {
        if (action === '*' || action.endsWith(':*')) problems.push(`${name}: action ${action}`);
      }
      for (const target of asArray(statement.Resource)) {
        if (target === '*') problems.push(`${name}: resource *`);
      }
    }
  }
  return problems;
}
