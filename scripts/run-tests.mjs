// `npm test`: lint, typecheck, unit + integration tests, UI build, end-to-end tests.
// Every step runs even when an earlier one fails, so one run shows everything broken; the
// last line is `N passed, N failed` (each vitest test counts one, each other step one).
import { requireNode } from './node-version.mjs';
requireNode();

const { spawnSync } = await import('node:child_process');
const { existsSync, readFileSync, mkdirSync, rmSync } = await import('node:fs');
const { join, dirname } = await import('node:path');
const { fileURLToPath } = await import('node:url');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

let passed = 0;
let failed = 0;
const failures = [];

function run(label, command, args) {
  console.log(`\n=== ${label}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' } });
  console.log(`=== ${label}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r.status === 0;
}

function step(label, command, args) {
  if (run(label, command, args)) passed++;
  else {
    failed++;
    failures.push(label);
  }
}

function vitest(label, args, jsonFile) {
  rmSync(jsonFile, { force: true });
  const ok = run(label, bin('vitest'), ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`]);
  if (!existsSync(jsonFile)) {
    failed++;
    failures.push(`${label} (no report)`);
    return;
  }
  const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  if (report.numFailedTests > 0) failures.push(`${label}: ${report.numFailedTests} failed`);
  if (!ok && report.numFailedTests === 0) {
    // e.g. an unhandled error or a suite that failed to load
    failed++;
    failures.push(`${label}: run failed (unhandled error or suite error)`);
  }
}

step('lint', bin('eslint'), ['.']);
step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
vitest('unit + integration', [], join(results, 'unit.json'));
if (existsSync(join(root, 'src-renderer/vite.config.ts'))) step('build UI', bin('vite'), ['build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']);
if (existsSync(join(root, 'e2e/vitest.config.ts'))) vitest('end-to-end', ['--config', 'e2e/vitest.config.ts'], join(results, 'e2e.json'));

console.log('');
if (failures.length > 0) console.log(`Failed: ${failures.join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
