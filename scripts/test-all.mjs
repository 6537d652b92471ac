#!/usr/bin/env node
// `npm test`: every suite in order, each with its pass/fail counts, then one closing total line.
// Exits non-zero when any suite fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
const results = [];

function run(name, cmd, args, counts) {
  const started = Date.now();
  console.log(`\n━━ ${name} ━━ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = r.status === 0;
  const c = counts ? counts(ok) : { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
  if (!ok && c.failed === 0) c.failed = 1;
  results.push({ name, ok, seconds, ...c });
  console.log(`${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${seconds}s)`);
  return ok;
}

function vitestCounts() {
  try {
    const j = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
    return { passed: j.numPassedTests, failed: j.numFailedTests + (j.numRuntimeErrorTestSuites ?? 0), skipped: j.numPendingTests + j.numTodoTests };
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

function playwrightCounts(file) {
  return () => {
    try {
      const s = JSON.parse(readFileSync(file, 'utf8')).stats;
      return { passed: s.expected, failed: s.unexpected + (s.flaky ?? 0), skipped: s.skipped };
    } catch {
      return { passed: 0, failed: 1, skipped: 0 };
    }
  };
}

const steps = [
  () => run('native modules (Node ABI)', 'node', ['scripts/native-abi.mjs', 'node']),
  () => run('types (tsc)', 'npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']),
  () => run('types (svelte-check)', 'npx', ['svelte-check', '--tsconfig', './tsconfig.web.json', '--fail-on-warnings', '--output', 'human']),
  () => run('lint (eslint)', 'npx', ['eslint', '.', '--max-warnings', '0']),
  () => {
    rmSync('test-results/vitest.json', { force: true });
    return run('unit + integration (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json'], vitestCounts);
  },
  () => run('build (electron-vite)', 'npx', ['electron-vite', 'build']),
  () => (existsSync('scripts/electronegativity.mjs') ? run('security scan (electronegativity)', 'node', ['scripts/electronegativity.mjs']) : true),
  () => {
    rmSync('test-results/e2e/results.json', { force: true });
    return run('browser end-to-end (playwright + chromium)', 'npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts'], playwrightCounts('test-results/e2e/results.json'));
  },
  () => run('electron end-to-end', 'node', ['scripts/electron-e2e.mjs'], (ok) => {
    if (!existsSync('test-results/electron/results.json')) return { passed: 0, failed: ok ? 0 : 1, skipped: ok ? 1 : 0 };
    return playwrightCounts('test-results/electron/results.json')();
  }),
];

for (const step of steps) step();

const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log('\n━━ summary ━━');
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${r.seconds}s)`);
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
