/**
 * Electronegativity (Doyensec) over the built app — out/main, out/preload, out/renderer — failing
 * on any finding of MEDIUM severity or higher that is not a verified false positive
 * (scripts/electronegativity-triage.ts). Prints one summary line; details of each blocking finding
 * above it. Exit code 0 = clean, 1 = findings, 2 = the scan could not run.
 *
 *   npx tsx scripts/electronegativity.ts [--online]
 *
 * It builds out/ first when it is missing. Electronegativity cannot read .svelte files or modern
 * class syntax, so the renderer bundle is scanned after lowering its syntax to ES2019 with esbuild
 * (same code, older spelling); the CSP and IPC tests of main/shell stay the guard for the rest.
 * `--online` adds the check that looks up newer Electron releases with security fixes (needs the
 * network, so it is off by default to keep the result reproducible).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { transformSync } from 'esbuild';
import { mainWindowOptions } from '../main/shell/window-options';
import { summaryLine, triage, type Finding, type ScanError } from './electronegativity-triage';

const ROOT = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

interface RunResult {
  globalChecks: number;
  atomicChecks: number;
  errors: ScanError[];
  issues: Finding[];
}
type Run = (options: Record<string, unknown>) => Promise<RunResult>;

function ensureBuilt(): void {
  const needed = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
  if (needed.every((p) => existsSync(join(ROOT, p)))) return;
  process.stderr.write('electronegativity: out/ is missing, building it with electron-vite…\n');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** A copy of out/ the scanner can parse: the renderer's JavaScript lowered to ES2019. */
function prepareScanCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plexe-electronegativity-'));
  for (const part of ['main', 'preload', 'renderer']) cpSync(join(ROOT, 'out', part), join(dir, part), { recursive: true });
  for (const file of listFiles(join(dir, 'renderer')).filter((f) => /\.m?js$/.test(f))) {
    const lowered = transformSync(readFileSync(file, 'utf8'), { loader: 'js', target: 'es2019', format: 'esm', legalComments: 'none' });
    writeFileSync(file, lowered.code);
  }
  return dir;
}

function electronVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    return (pkg.devDependencies['electron'] ?? '').replace(/^[^\d]*/, '');
  }
}

async function main(): Promise<number> {
  const online = process.argv.includes('--online');
  ensureBuilt();
  const scanDir = prepareScanCopy();
  try {
    const run = require('@doyensec/electronegativity') as Run;
    const version = electronVersion();
    // The library prints progress and a translation lookup through console.log; keep stdout for our summary.
    const log = console.log;
    const noise: string[] = [];
    console.log = (...args: unknown[]) => noise.push(args.map(String).join(' '));
    let result: RunResult;
    try {
      result = await run({
        input: scanDir,
        isRelative: true,
        electronVersionOverride: version,
        customScan: [],
        excludeFromScan: online ? [] : ['availablesecurityfixesglobalcheck'],
      });
    } finally {
      console.log = log;
    }
    const cache = new Map<string, string[]>();
    const lines = (file: string) => {
      let l = cache.get(file);
      if (!l) {
        const path = join(scanDir, file);
        l = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
        cache.set(file, l);
      }
      return l;
    };
    const t = triage(result.issues, result.errors, { lines, windowOptions: mainWindowOptions('preload.cjs', { width: 1200, height: 800 }) });
    for (const f of t.blocking) {
      process.stdout.write(`  BLOCKING ${f.severity.name} ${f.id} at out/${f.file}:${f.location.line}:${f.location.column} — ${(f.sample ?? '').trim().slice(0, 160)}\n`);
    }
    for (const e of t.unreadable) process.stdout.write(`  UNREADABLE out/${relative(scanDir, e.file)} — ${e.message}\n`);
    for (const a of t.accepted) process.stdout.write(`  accepted ${a.finding.id} at out/${a.finding.file}:${a.finding.location.line} — ${a.reason}\n`);
    for (const f of t.belowThreshold) process.stdout.write(`  note ${f.severity.name} ${f.id} at out/${f.file}:${f.location.line}\n`);
    const scanned = listFiles(scanDir).filter((f) => /\.(c?js|mjs|html?)$/.test(f)).length;
    process.stdout.write(`${summaryLine(t, scanned, result.globalChecks + result.atomicChecks, version)}\n`);
    return t.ok ? 0 : 1;
  } finally {
    rmSync(scanDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`electronegativity could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
