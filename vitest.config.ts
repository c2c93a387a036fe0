import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Required at run time, not imported: Vite would inline the file into its bundled config and
// break its own `require('esbuild')`.
const pageAssets: typeof import('./scripts/web/page-assets.cjs') = createRequire(import.meta.url)(
  './scripts/web/page-assets.cjs',
);

/**
 * One project per tier, so `npm run test:<tier>` runs one and `npm test` all of them in
 * one vitest run (one report for .ci/run to count):
 * - unit: pure code and in-process fakes; no stack, no database, no child process.
 * - integration: real dynalite, real local HTTP servers, the CLI scripts, the packaged template.
 * - e2e: the real `npm start` stack over HTTP.
 * - browser: headless Chromium against the stack.
 */
const tier = (name: string) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`] },
});

export default defineConfig({
  // lib/web/page.ts imports the page's script and stylesheet as esbuild bundles (`?bundle`),
  // made by the same plugin serverless-esbuild uses, so tests see the bytes Lambda serves.
  plugins: [pageAssets.vitePlugin()],
  test: {
    projects: [tier('unit'), tier('integration'), tier('e2e'), tier('browser')],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // e2e suites each start their own stack on ports their worker owns; two cores keep this small.
    maxWorkers: 2,
    restoreMocks: true,
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-report.json' },
  },
});
