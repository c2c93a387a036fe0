import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, wherever it is cloned; `shared/` sits beside it. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const capturesDir = path.resolve(repoRoot, '..', 'shared', 'upstream-captures');
export const fixturesDir = path.resolve(repoRoot, 'test', 'fixtures');

export const DOF_CAPTURE = 'banxico_tipCamMIAction_browser-saved_2020-11-15_windows-1252.html';
export const SIE_OPORTUNO_CAPTURE = 'banxico-sie_SF43718_oportuno_2020-11-27.json';
export const SIE_RANGE_CAPTURE = 'banxico-sie_SF43718_range_2020-11-26_2020-11-27.json';

/** Real upstream bytes, read-only. */
export function readCapture(name: string): Buffer {
  return readFileSync(path.join(capturesDir, name));
}

/** Files we made (see test/fixtures/README.md). */
export function readFixture(name: string): Buffer {
  return readFileSync(path.join(fixturesDir, name));
}
