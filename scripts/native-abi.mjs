#!/usr/bin/env node
// Native modules (better-sqlite3, keytar) must be built for the runtime that loads them: Node's ABI
// for the tests, the CLI and the harness; Electron's ABI for `npm start` and packaging. This switch
// runs automatically before each of those (see package.json) and only rebuilds when needed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.plexe-native-abi');
const MODULES = ['better-sqlite3', 'keytar'];
const target = process.argv[2];
if (target !== 'node' && target !== 'electron') {
  console.error('usage: node scripts/native-abi.mjs node|electron');
  process.exit(2);
}

const current = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '';
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });

function loadsInNode() {
  const probe = spawnSync(process.execPath, ['-e', MODULES.map((m) => `require(${JSON.stringify(m)})`).join(';')], { cwd: root, encoding: 'utf8' });
  return probe.status === 0;
}

if (target === 'node') {
  const want = `node-${process.versions.modules}`;
  if (current === want && loadsInNode()) process.exit(0);
  if (loadsInNode()) {
    writeFileSync(marker, want);
    process.exit(0);
  }
  console.error(`Rebuilding ${MODULES.join(', ')} for Node ${process.version}…`);
  const r = run('npm', ['rebuild', ...MODULES]);
  if (r.status !== 0 || !loadsInNode()) {
    console.error('Could not build the native modules for Node. On Linux install libsecret-1-dev, python3, make and g++ (see README).');
    process.exit(1);
  }
  writeFileSync(marker, want);
  process.exit(0);
}

// electron
const require = createRequire(import.meta.url);
let electronVersion;
try {
  electronVersion = require('electron/package.json').version;
  const binary = require('electron');
  if (typeof binary !== 'string' || !existsSync(binary)) throw new Error('no binary');
} catch {
  console.error('Electron is not installed on this machine (its download was skipped or failed).\nRun "npm install" with network access to the Electron releases, then try again.');
  process.exit(1);
}
const want = `electron-${electronVersion}`;
if (current === want) process.exit(0);
console.error(`Rebuilding ${MODULES.join(', ')} for Electron ${electronVersion}…`);
const r = run('npx', ['electron-builder', 'install-app-deps']);
if (r.status !== 0) process.exit(r.status ?? 1);
writeFileSync(marker, want);
