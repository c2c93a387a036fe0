import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

export type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

let packaged: Promise<{ dir: string; template: Template }> | undefined;

const LOCK_DIR = path.join(SERVICE_ROOT, '.esbuild', 'package.lock');

function lockHolderAlive(): boolean {
  try {
    const pid = Number(readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // No pid file yet (the holder is between mkdir and write) counts as alive; ESRCH as dead.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * `serverless package` into `dir`, one at a time across test workers: serverless-esbuild
 * copies every run's zips through the service's own `.serverless/` folder, so two runs at
 * once (template tests and the canary test in parallel workers) remove each other's files.
 * The lock is a directory holding the holder's pid; a dead holder's lock is taken over.
 */
export async function packageService(stage: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!lockHolderAlive()) rmSync(LOCK_DIR, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
    const cli = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
    await promisify(execFile)(process.execPath, [cli, 'package', '--stage', stage, '--package', dir], {
      cwd: SERVICE_ROOT,
      env,
      maxBuffer: 10 * 1024 * 1024,
    });
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** `serverless package --stage prod` once per test file, into a temp dir, without credentials. */
export function packageProd(): Promise<{ dir: string; template: Template }> {
  packaged ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tdc-package-'));
    const env: Record<string, string | undefined> = {
      ...process.env,
      ESBUILD_WORK_FOLDER: `.esbuild/package-${process.pid}`,
    };
    // Whatever the developer's shell holds must not leak into the deployable template.
    for (const name of ['JWT_SECRET', 'FIXER_ACCESS_KEY', 'BANXICO_TOKEN', 'DYNAMODB_ENDPOINT', 'TABLE_NAME'])
      delete env[name];
    await packageService('prod', dir, env);
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
