#!/usr/bin/env node
// The Electron end-to-end suite needs a real Electron binary; machines that cannot download it
// (offline CI, this project's sandboxes) skip it with one line saying so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let binary = null;
try {
  const found = require('electron');
  if (typeof found === 'string' && existsSync(found)) binary = found;
} catch {
  binary = null;
}
if (!binary) {
  console.log('Electron end-to-end suite: skipped — no Electron binary is installed here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or offline); the browser suite covers the UI through the harness.');
  console.log('electron-e2e: 0 passed, 0 failed, 1 skipped');
  process.exit(0);
}
const steps = [
  ['node', ['scripts/native-abi.mjs', 'electron']],
  ['npx', ['playwright', 'test', '-c', 'e2e/electron/playwright.config.ts']],
];
let status = 0;
for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    status = r.status ?? 1;
    break;
  }
}
// Put the native modules back on Node's ABI for the rest of the suite.
spawnSync('node', ['scripts/native-abi.mjs', 'node'], { stdio: 'inherit' });
process.exit(status);
