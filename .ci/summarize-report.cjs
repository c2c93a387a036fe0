'use strict';
/**
 * Reads vitest's JSON report (argument 1, default test-report.json) and prints, from it
 * alone: the time of each tier (test/<tier>/), then the closing line CI reads,
 * `tests: N passed, M failed`, where M counts failed tests AND failed suites (a file that
 * throws at import, or whose beforeAll fails, has no failed test but a failed suite;
 * vitest counts each file and each describe block as a suite, so one failing test in a
 * describe counts three times: better over than hidden). Exits 1 when M > 0, when the
 * report says it failed or when it has no test at all.
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');

const file = process.argv[2] ?? 'test-report.json';
const report = JSON.parse(readFileSync(file, 'utf8'));

const tiers = new Map();
for (const result of report.testResults ?? []) {
  const tier = /[\\/]test[\\/]([^\\/]+)[\\/]/.exec(result.name)?.[1] ?? 'other';
  const entry = tiers.get(tier) ?? {
    files: 0,
    tests: 0,
    failed: 0,
    busy: 0,
    start: Infinity,
    end: -Infinity,
  };
  entry.files += 1;
  entry.busy += result.endTime - result.startTime;
  entry.tests += (result.assertionResults ?? []).length;
  entry.failed += result.status === 'failed' ? 1 : 0;
  entry.start = Math.min(entry.start, result.startTime);
  entry.end = Math.max(entry.end, result.endTime);
  tiers.set(tier, entry);
}
for (const [tier, entry] of [...tiers].sort()) {
  // Tiers share the workers, so a tier's span includes others' files: the file time is its own cost.
  const span = ((entry.end - entry.start) / 1000).toFixed(1);
  const busy = (entry.busy / 1000).toFixed(1);
  console.log(
    `ci: tier ${tier}: ${entry.files} files, ${entry.tests} tests, ${entry.failed} failed files, ${busy} s of file time (span ${span} s)`,
  );
}

const passed = report.numPassedTests ?? 0;
const failedTests = report.numFailedTests ?? 0;
const failedSuites = report.numFailedTestSuites ?? 0;
const failed = failedTests + failedSuites;
if (failed > 0)
  console.log(`ci: ${failedTests} failed tests, ${failedSuites} failed suites (files and describe blocks)`);
console.log(`tests: ${passed} passed, ${failed} failed`);
const empty = (report.numTotalTests ?? 0) === 0;
if (empty) console.log(`ci: ${path.basename(file)} holds no test`);
process.exit(failed > 0 || report.success !== true || empty ? 1 : 0);
