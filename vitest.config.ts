import { defineConfig } from 'vitest/config';

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
  test: {
    projects: [tier('unit'), tier('integration'), tier('e2e'), tier('browser')],
    environment: 'node',
    // lib/web/app.css is imported as text (`?raw`); Vitest blanks CSS it is not told to process.
    css: { include: [/\/lib\/web\//] },
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
