/**
 * What electron-builder would put into app.asar (computed with its own file matchers over
 * electron-vite's out/ and the production dependencies) holds no tests, test source maps, .env
 * files or sample keys — and does hold everything the app needs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { listPackagedFiles, productionPackages, ROOT, type PackagedFile } from './packaged-files';

const require = createRequire(join(ROOT, 'node_modules/app-builder-lib/package.json'));
const { minimatch } = require('minimatch') as { minimatch(path: string, pattern: string, opts?: object): boolean };

let files: PackagedFile[] = [];
let paths: string[] = [];

/** Builds out/ with electron-vite when it is not there yet (CI builds it before the tests). */
export function ensureBuilt(): void {
  if (existsSync(join(ROOT, 'out/main/index.js')) && existsSync(join(ROOT, 'out/preload/index.cjs')) && existsSync(join(ROOT, 'out/renderer/index.html'))) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
}

beforeAll(async () => {
  ensureBuilt();
  files = await listPackagedFiles('linux');
  paths = files.map((f) => f.path);
}, 240_000);

/** Every fixture key our tests use: none may end up in the built app. */
function sampleKeysFromTests(): string[] {
  const keys = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'out' || entry.name === 'dist') continue;
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(test|spec)\.ts$/.test(entry.name)) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(/(?:key|token|secret)\w*\s*[:=]\s*['"`]([A-Za-z0-9_.-]{12,})['"`]/gi)) keys.add(m[1]!);
      }
    }
  };
  for (const dir of ['main', 'shared', 'sandbox', 'renderer', 'e2e', 'scripts', 'bench']) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  return [...keys];
}

describe('packaged file list', () => {
  it('holds the built app and every production dependency', () => {
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies)) expect(paths, dep).toContain(`node_modules/${dep}/package.json`);
    expect(paths.some((p) => /^node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node$/.test(p))).toBe(true);
    expect(paths.some((p) => /^node_modules\/keytar\/build\/Release\/keytar\.node$/.test(p))).toBe(true);
    // development tools never ship
    const prodNames = new Set(productionPackages().map((p) => p.name));
    for (const dev of Object.keys(pkg.devDependencies)) {
      if (prodNames.has(dev)) continue; // also needed at run time by a production package
      expect(paths.some((p) => p.startsWith(`node_modules/${dev}/`)), dev).toBe(false);
    }
  });

  it('holds no file of ours outside the build output', () => {
    const own = paths.filter((p) => !p.startsWith('node_modules/'));
    expect(own.filter((p) => p !== 'package.json' && !p.startsWith('out/'))).toEqual([]);
  });

  it('holds no tests, test configs or test source maps', () => {
    const testish = paths.filter(
      (p) =>
        /(^|\/)(test|tests|__tests__|__mocks__|e2e|bench|fixtures|test-results|coverage)\//.test(p) ||
        /\.(test|spec)\.[cm]?[jt]sx?$/.test(p) ||
        /(^|\/)node_modules\/[^/]+\/(tests?|test-[^/]+)\.[cm]?js$/.test(p) ||
        /(^|\/)(vitest|jest|karma|playwright)\.config\./.test(p) ||
        /\.map$/.test(p),
    );
    expect(testish).toEqual([]);
    // and test code was not bundled into the app either
    for (const f of files.filter((x) => x.path.startsWith('out/') && /\.(c?js|html)$/.test(x.path))) {
      const text = readFileSync(f.source, 'utf8');
      expect(/from ["']vitest["']|require\(["']vitest["']\)|@playwright\/test/.test(text), f.path).toBe(false);
    }
  });

  it('holds no .env files, key files, sources or sample keys', () => {
    expect(paths.filter((p) => /(^|\/)\.env(\.|$)/.test(p))).toEqual([]);
    expect(paths.filter((p) => /\.(pem|key|p12|pfx|cer|crt|der)$/i.test(p))).toEqual([]);
    expect(paths.filter((p) => /\.(ts|mts|cts|tsx|svelte)$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => /\.csv$/i.test(p))).toEqual([]);
    const samples = sampleKeysFromTests();
    expect(samples.length).toBeGreaterThan(3); // the harvest itself works
    for (const f of files.filter((x) => !x.path.startsWith('node_modules/'))) {
      const text = readFileSync(f.source, 'utf8');
      expect(text, f.path).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      for (const key of samples) expect(text.includes(key), `${f.path} contains the test key ${key}`).toBe(false);
    }
  });

  it('the asarUnpack globs match the native modules, and only those', () => {
    const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { asarUnpack: string[] };
    const unpacked = paths.filter((p) => config.asarUnpack.some((g) => minimatch(p, g, { dot: true })));
    expect(unpacked.sort()).toEqual(['node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/keytar/build/Release/keytar.node']);
  });
});
