import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

/**
 * The standard Redocly linter (recommended rules) on openapi.yaml: 0 errors and 0 warnings.
 * Ignores are listed, each with its reason, in .redocly.lint-ignore.yaml.
 */
describe('redocly lint openapi.yaml', () => {
  it('finds no error and no warning', async () => {
    const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'lint', 'openapi.yaml', '--format=json'],
      {
        cwd: SERVICE_ROOT,
        // No telemetry, no update check: the suite runs offline.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number; ignored: number };
      problems: Array<{ ruleId: string; message: string }>;
    };

    expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(report.totals.ignored).toBeLessThanOrEqual(2);
  }, 60_000);
});
