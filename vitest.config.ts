import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // lib/web/app.css is imported as text (`?raw`); Vitest blanks CSS it is not told to process.
    css: { include: [/\/lib\/web\//] },
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // e2e suites each start their own stack on free ports; two cores keep this small.
    maxWorkers: 2,
    restoreMocks: true,
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-report.json' },
  },
});
