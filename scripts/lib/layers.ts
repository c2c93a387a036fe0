import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { SERVICE_ROOT } from './template.js';

/**
 * The import-direction check (README "Layers"), in process: dependency-cruiser with the
 * rules of `.dependency-cruiser.cjs` over lib/, functions/ and scripts/ of a service root.
 * `npm run lint` runs the same rules through the `depcruise` CLI; test/unit/layers.test.ts
 * runs this on the repository and on a tree built to break every rule.
 */
export const LAYERS_CONFIG = path.join(SERVICE_ROOT, '.dependency-cruiser.cjs');
export const LAYERED_FOLDERS = ['lib', 'functions', 'scripts'] as const;

export interface LayersReport {
  /** One line per violation: `rule: from → to` (a cycle lists its path). */
  violations: string[];
  modules: number;
  dependencies: number;
}

export async function checkLayers(root: string = SERVICE_ROOT): Promise<LayersReport> {
  const options = await extractDepcruiseOptions(LAYERS_CONFIG);
  // Modules are named relative to baseDir, and the rules match those names.
  const result = await cruise([...LAYERED_FOLDERS], { ...options, baseDir: root });
  if (typeof result.output === 'string')
    throw new Error('dependency-cruiser answered a report, not a result');
  const output: ICruiseResult = result.output;
  const violations = output.summary.violations.map((violation) => {
    const cycle = violation.cycle?.map((step) => step.name).join(' → ');
    return `${violation.rule.name}: ${violation.from} → ${cycle ?? violation.to}`;
  });
  return {
    violations,
    modules: output.summary.totalCruised,
    dependencies: output.summary.totalDependenciesCruised ?? 0,
  };
}
