import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

/** What a new user looks for first: the license and the Node version, said the same everywhere. */
const read = (file: string) => readFileSync(path.join(SERVICE_ROOT, file), 'utf8');

describe('the project files', () => {
  it('carry the MIT license, named in package.json and the README', () => {
    expect(read('LICENSE')).toMatch(/^MIT License\n/);
    expect(JSON.parse(read('package.json')).license).toBe('MIT');
    expect(read('README.md')).toMatch(/## License\n\n\[MIT\]\(LICENSE\)/);
  });

  it('pin in .nvmrc the Node major the deploy runtime uses, within package.json engines', () => {
    const nvmrc = read('.nvmrc').trim();
    const runtime = /^\s+runtime: nodejs(\d+)\.x$/m.exec(read('serverless.yml'))?.[1];
    const engines = /^>=(\d+)\.(\d+)\.\d+$/.exec(JSON.parse(read('package.json')).engines.node);

    expect(nvmrc).toBe(runtime);
    expect(Number(nvmrc)).toBeGreaterThanOrEqual(Number(engines?.[1]));
    // The README names both: the deploy parity version and the oldest that works.
    expect(read('README.md')).toContain(`Node.js **${nvmrc}**`);
    expect(read('README.md')).toContain(`**${engines?.[1]}.${engines?.[2]}+**`);
  });
});
