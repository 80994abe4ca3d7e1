// Prints the closing line CI reads ("N passed, N failed") from vitest's and Playwright's JSON
// reports, and fails when CI=true and any test was skipped: in CI every test must run, except
// the Electron smoke test (the Electron binary cannot be downloaded there).
import fs from 'node:fs';

const exitStatus = Number(process.argv[2] ?? 1);
const VITEST_REPORT = 'test-results/vitest.json';
const PLAYWRIGHT_REPORT = 'test-results/playwright.json';
const ALLOWED_SKIP = /electron smoke/i;

let passed = 0;
let failed = 0;
const skippedNames = [];

if (fs.existsSync(VITEST_REPORT)) {
  const report = JSON.parse(fs.readFileSync(VITEST_REPORT, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') skippedNames.push(t.fullName);
    }
  }
}

if (fs.existsSync(PLAYWRIGHT_REPORT)) {
  const report = JSON.parse(fs.readFileSync(PLAYWRIGHT_REPORT, 'utf8'));
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const name = [...titles, spec.title].join(' > ');
        if (test.status === 'skipped') skippedNames.push(`${name} ${(test.annotations ?? []).map((a) => a.description).join(' ')}`);
        else if (test.status === 'expected' || test.status === 'flaky') passed += 1;
        else failed += 1;
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const suite of report.suites ?? []) walk(suite, [suite.title]);
}

let status = exitStatus;
if (!fs.existsSync(VITEST_REPORT)) {
  // Typecheck or lint failed before the tests ran.
  failed += 1;
  status = status === 0 ? 1 : status;
}
const forbiddenSkips = skippedNames.filter((name) => !ALLOWED_SKIP.test(name));
if (process.env.CI === 'true' && forbiddenSkips.length > 0) {
  console.log(`Skipped with CI=true (only the Electron smoke test may skip):\n  ${forbiddenSkips.join('\n  ')}`);
  failed += forbiddenSkips.length;
  status = 1;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skippedNames.length ? `, ${skippedNames.length} skipped` : ''}`);
process.exit(status);
