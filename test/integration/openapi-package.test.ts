import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_PATH } from '../../scripts/lib/contract.js';
import { packageProd } from '../helpers/template.js';

/** The `openapi` function as AWS would run it: its zip unpacked as the task root, nothing else around. */
describe('the packaged openapi function', () => {
  let zip: string;

  beforeAll(async () => {
    zip = path.join((await packageProd()).dir, 'openapi.zip');
  }, 180_000);

  it('ships openapi.yaml beside its bundle', () => {
    const listing = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n').sort();

    expect(listing).toEqual(['functions/openapi.mjs', 'functions/openapi.mjs.map', 'openapi.yaml']);
  });

  it('serves the document from LAMBDA_TASK_ROOT when run from the unpacked zip', () => {
    const taskRoot = mkdtempSync(path.join(os.tmpdir(), 'tdc-openapi-task-'));
    execFileSync('unzip', ['-q', zip, '-d', taskRoot]);
    const bundle = pathToFileURL(path.join(taskRoot, 'functions', 'openapi.mjs')).href;
    const invoke = `import(${JSON.stringify(bundle)})
      .then(({ handler }) => handler({ path: '/v1/openapi.json', httpMethod: 'GET', queryStringParameters: null, headers: {} }, {}))
      .then((response) => process.stdout.write(JSON.stringify(response)));`;

    // The working directory holds no openapi.yaml: only the task root can provide it.
    const output = execFileSync(process.execPath, ['-e', invoke], {
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH, LAMBDA_TASK_ROOT: taskRoot, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      encoding: 'utf8',
    });
    const response = JSON.parse(output) as { statusCode: number; body: string };

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual(parse(readFileSync(OPENAPI_PATH, 'utf8')));
  });
});
