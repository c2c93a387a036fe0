import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLayers, LAYERS_CONFIG } from '../../scripts/lib/layers.js';

/** The rule names of .dependency-cruiser.cjs, read from the file itself. */
async function ruleNames(): Promise<string[]> {
  const { default: config } = (await import(LAYERS_CONFIG)) as {
    default: { forbidden: Array<{ name: string }> };
  };
  return config.forbidden.map((rule) => rule.name).sort();
}

/** A service tree in which every rule is broken at least once (file → its source). */
const BROKEN_TREE: Record<string, string> = {
  // core imports something of ours (and, being below http, the inbound layer).
  'lib/core/rate.ts': "import '../http/handler.js';\nexport const core = 1;\n",
  'lib/config.ts': "import './log.js';\nexport const config = 1;\n",
  'lib/log.ts': 'export const log = 1;\n',
  'lib/outbound/http-client.ts': "import '../rates/service.js';\nexport const outbound = 1;\n",
  // providers ↔ rates: a provider reaching up, a non-wiring rates module reaching a provider.
  'lib/providers/dof.ts': "import '../rates/service.js';\nexport const dof = 1;\n",
  'lib/rates/service.ts': "import '../providers/dof.js';\nexport const service = 1;\n",
  // http ↔ auth: a folder cycle, and an adapter reaching the inbound layer.
  'lib/http/handler.ts': "import '../auth/authorize.js';\nexport const handler = 1;\n",
  'lib/auth/authorize.ts': "import '../http/handler.js';\nexport const authorize = 1;\n",
  'lib/health.ts': "import '../functions/rates.js';\nimport '../scripts/start.js';\nimport './nowhere.js';\n",
  'functions/rates.ts': 'export const rates = 1;\n',
  'scripts/start.ts': "import '../test/helpers/server.js';\nexport const start = 1;\n",
  'test/helpers/server.ts': 'export const server = 1;\n',
};

describe('layers (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('finds no import against the direction in lib/, functions/ and scripts/', async () => {
    const report = await checkLayers();

    expect(report.violations).toEqual([]);
    // It did look: the service has well over a hundred modules and their imports.
    expect(report.modules).toBeGreaterThan(100);
    expect(report.dependencies).toBeGreaterThan(300);
  });

  it('every rule is one a broken tree violates, naming the import', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tdc-layers-'));
    roots.push(root);
    for (const [file, source] of Object.entries(BROKEN_TREE)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), source);
    }

    const report = await checkLayers(root);

    const violated = [...new Set(report.violations.map((line) => line.split(':')[0]))].sort();
    expect(violated).toEqual(await ruleNames());
    expect(report.violations).toContain(
      'providers-import-core-and-outbound: lib/providers/dof.ts → lib/rates/service.ts',
    );
    expect(report.violations).toContain(
      'scripts-never-import-test: scripts/start.ts → test/helpers/server.ts',
    );
  });
});
