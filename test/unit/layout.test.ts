import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

/** Where code may import from: tests import the product and its tools, never the reverse. */

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(SERVICE_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|cts|mts|js|cjs|mjs)$/.test(file))
    .map((file) => path.join(folder, file));
}

/** Every module specifier a file imports, requires or re-exports. */
function specifiersOf(file: string): string[] {
  const text = readFileSync(path.join(SERVICE_ROOT, file), 'utf8');
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? '');
}

describe('import direction', () => {
  it('finds the imports it looks for (so an empty result below means something)', () => {
    expect(specifiersOf('scripts/bench.ts')).toContain('./lib/replay-server.js');
    expect(specifiersOf('scripts/start.ts')).toContain('./lib/replay-server.js');
  });

  it.each(['functions', 'lib', 'scripts'])('%s/ never imports test/', (folder) => {
    const offenders = sourceFiles(folder).flatMap((file) =>
      specifiersOf(file)
        .filter((specifier) => specifier.startsWith('.'))
        .filter((specifier) => {
          const target = path.relative(
            SERVICE_ROOT,
            path.resolve(SERVICE_ROOT, path.dirname(file), specifier),
          );
          return target === 'test' || target.startsWith(`test${path.sep}`);
        })
        .map((specifier) => `${file} → ${specifier}`),
    );

    expect(offenders).toEqual([]);
  });
});
