import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';
import { packageService } from '../helpers/template.js';

/**
 * Packaging with the developer's shell full of secrets and local settings: nothing of it may
 * reach a deployed stage's artifacts (template, serverless-state.json, any entry of any zip).
 * The same canaries packaged for the `local` stage must show up, which proves the scan and
 * the variable list are real.
 */

/** Build-machine settings that are declared build configuration, not function settings. */
const NOT_CANARIED = new Set(['ESBUILD_WORK_FOLDER']);

/** Every variable serverless.yml reads from the shell, and every one lib/ reads at runtime. */
function configuredVariableNames(): string[] {
  const names = new Set<string>();
  const yaml = readFileSync(path.join(SERVICE_ROOT, 'serverless.yml'), 'utf8');
  for (const match of yaml.matchAll(/\$\{env:([A-Z][A-Z0-9_]*)/g)) names.add(match[1] as string);
  for (const file of ['lib/config.ts', 'lib/secrets.ts']) {
    const source = readFileSync(path.join(SERVICE_ROOT, file), 'utf8');
    for (const match of source.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) names.add(match[1] as string);
  }
  for (const secret of ['JWT_SECRET', 'FIXER_ACCESS_KEY', 'BANXICO_TOKEN']) names.add(`${secret}_SSM`);
  for (const name of NOT_CANARIED) names.delete(name);
  return [...names].sort();
}

const NAMES = configuredVariableNames();
const canaryFor = (name: string) => `canary${name.toLowerCase().replace(/_/g, '')}q7x`;

async function packageWithCanaries(stage: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tdc-canary-${stage}-`));
  const env: Record<string, string | undefined> = {
    ...process.env,
    ESBUILD_WORK_FOLDER: `.esbuild/canary-${stage}-${process.pid}`,
  };
  for (const name of NAMES) env[name] = canaryFor(name);
  await packageService(stage, dir, env);
  return dir;
}

/** `file` or `file.zip!entry` → the canaries found in it. */
function findCanaries(dir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const scan = (label: string, bytes: Buffer) => {
    const text = bytes.toString('latin1');
    const hits = NAMES.filter((name) => text.includes(canaryFor(name)));
    if (hits.length > 0) found.set(label, hits);
  };
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder)) {
      const file = path.join(folder, entry);
      const label = path.relative(dir, file);
      if (statSync(file).isDirectory()) {
        walk(file);
        continue;
      }
      scan(label, readFileSync(file));
      if (!entry.endsWith('.zip')) continue;
      const unpacked = mkdtempSync(path.join(os.tmpdir(), 'tdc-canary-zip-'));
      execFileSync('unzip', ['-q', file, '-d', unpacked]);
      const entries: string[] = [];
      const collect = (at: string) => {
        for (const name of readdirSync(at)) {
          const inner = path.join(at, name);
          if (statSync(inner).isDirectory()) collect(inner);
          else entries.push(inner);
        }
      };
      collect(unpacked);
      expect(entries.length).toBeGreaterThan(0);
      for (const inner of entries) scan(`${label}!${path.relative(unpacked, inner)}`, readFileSync(inner));
    }
  };
  walk(dir);
  return found;
}

describe('packaging with secrets and local settings in the shell', () => {
  let prodDir: string;
  let localDir: string;

  beforeAll(async () => {
    // One after the other: two packagings of one service at once trip over each other.
    prodDir = await packageWithCanaries('prod');
    localDir = await packageWithCanaries('local');
  }, 300_000);

  it('canaries every secret and local setting', () => {
    expect(NAMES).toEqual(
      expect.arrayContaining([
        'JWT_SECRET',
        'FIXER_ACCESS_KEY',
        'BANXICO_TOKEN',
        'DYNAMODB_ENDPOINT',
        'FIXER_BASE_URL',
        'DATA_DIR',
        'TABLE_NAME',
        'LOG_LEVEL',
        'QUOTA_FREE_PER_MINUTE',
      ]),
    );
  });

  it('leaves no canary in any file or zip entry of a prod package', () => {
    const files = readdirSync(prodDir);
    expect(files).toEqual(
      expect.arrayContaining([
        'cloudformation-template-update-stack.json',
        'serverless-state.json',
        'token.zip',
      ]),
    );

    expect(Object.fromEntries(findCanaries(prodDir))).toEqual({});
  });

  it('passes the shell settings to the local stage, where they belong', () => {
    const found = findCanaries(localDir);
    const inTemplate = found.get('cloudformation-template-update-stack.json') ?? [];

    expect(inTemplate).toEqual(
      expect.arrayContaining([
        'JWT_SECRET',
        'FIXER_ACCESS_KEY',
        'BANXICO_TOKEN',
        'DYNAMODB_ENDPOINT',
        'DATA_DIR',
      ]),
    );
  });
});
