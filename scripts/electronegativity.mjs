#!/usr/bin/env node
// `node scripts/electronegativity.mjs [--online]`: runs scripts/electronegativity.ts (which imports
// the app's TypeScript window options to verify its exceptions) under tsx, passing its exit code on.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'electronegativity.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 2);
