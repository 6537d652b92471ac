/**
 * The list of files electron-builder would pack into app.asar, computed with electron-builder's own
 * file matchers (app-builder-lib's getMainFileMatchers, AppFileWalker and NodeModuleCopyHelper)
 * over the built output and the production dependencies — no Electron download needed.
 *
 * Run `npx tsx scripts/packaged-files.ts [linux|mac|win]` to print it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { load } from 'js-yaml';

const require = createRequire(import.meta.url);
export const ROOT = resolve(import.meta.dirname, '..');

export type PlatformName = 'linux' | 'mac' | 'win';

interface Matcher {
  from: string;
  to: string;
  patterns: string[];
  macroExpander: (s: string) => string;
}
interface FileSet {
  src: string;
  destination: string;
  files: string[];
  metadata: Map<string, { isDirectory(): boolean }>;
}

const fileMatcher = require('app-builder-lib/out/fileMatcher') as {
  getMainFileMatchers(appDir: string, destination: string, expand: (s: string) => string, platformOptions: unknown, platformPackager: unknown, outDir: string, isElectronCompile: boolean): Matcher[];
  getNodeModuleFileMatcher(appDir: string, destination: string, expand: (s: string) => string, platformOptions: unknown, packagerInfo: unknown): Matcher;
  FileMatcher: new (from: string, to: string, expand: (s: string) => string, patterns: string[]) => Matcher;
  excludedExts: string;
};
const appFileCopier = require('app-builder-lib/out/util/appFileCopier') as {
  computeFileSets(matchers: Matcher[], transformer: null, platformPackager: unknown, isElectronCompile: boolean): Promise<FileSet[]>;
};
const { NodeModuleCopyHelper } = require('app-builder-lib/out/util/NodeModuleCopyHelper') as {
  NodeModuleCopyHelper: new (matcher: Matcher, packager: unknown) => {
    collectNodeModules(dep: { name: string; dir: string }, excludedExts: string[], destination: string): Promise<string[]>;
    metadata: Map<string, { isDirectory(): boolean }>;
  };
};

export interface PackagedFile {
  /** Path inside the package (as in app.asar), with forward slashes. */
  path: string;
  /** Where it comes from on disk. */
  source: string;
}

/** Production packages from package-lock.json (what `npm ci --omit=dev` installs), present on disk. */
export function productionPackages(root = ROOT): { name: string; key: string; dir: string }[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; link?: boolean; name?: string }>;
  };
  const out: { name: string; key: string; dir: string }[] = [];
  for (const [key, info] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || info.dev || info.devOptional || info.link) continue;
    const dir = join(root, key);
    if (!existsSync(join(dir, 'package.json'))) continue; // an optional package for another platform
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    out.push({ name, key, dir });
  }
  return out;
}

export async function listPackagedFiles(platform: PlatformName = 'linux', root = ROOT): Promise<PackagedFile[]> {
  const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
    directories?: { output?: string; buildResources?: string };
  };
  const expand = (s: string) => s;
  const info = {
    projectDir: root,
    buildResourcesDir: config.directories?.buildResources ?? 'build',
    config,
    isPrepackedAppAsar: false,
    debugLogger: { isEnabled: false, add() {} },
    appInfo: { type: 'module' },
    getWorkspaceRoot: async () => root,
  };
  const platformPackager = { info, config, platform: { name: platform } };
  const outDir = join(root, config.directories?.output ?? 'dist');
  const destination = join(root, '.packaged-app'); // only used to compute relative paths
  const platformOptions = (config[platform] ?? {}) as object;
  const matchers = fileMatcher.getMainFileMatchers(root, destination, expand, platformOptions, platformPackager, outDir, false);
  const files: PackagedFile[] = [];

  for (const set of await appFileCopier.computeFileSets(matchers, null, platformPackager, false)) {
    for (const file of set.files) {
      if (set.metadata.get(file)?.isDirectory() ?? false) continue;
      files.push({ path: toPosix(join(relative(destination, set.destination), relative(set.src, file))), source: file });
    }
  }

  // As platformPackager.copyAppFiles → appFileCopier.computeNodeModuleFileSets does it.
  const moduleMatcher = fileMatcher.getNodeModuleFileMatcher(root, destination, expand, platformOptions, info);
  // appFileCopier.getNodeModuleExcludedExts
  const excludedExts = ['.o', '.obj', ...fileMatcher.excludedExts.split(',').map((e) => `.${e}`), '.pdb'];
  if (platform !== 'win') excludedExts.push('.dll', '.exe');
  for (const dep of productionPackages(root)) {
    const matcher = new fileMatcher.FileMatcher(dep.dir, join(moduleMatcher.to, dep.key), expand, moduleMatcher.patterns);
    const helper = new NodeModuleCopyHelper(matcher, info);
    for (const file of await helper.collectNodeModules({ name: dep.name, dir: dep.dir }, excludedExts, dep.key)) {
      if (helper.metadata.get(file)?.isDirectory() ?? false) continue;
      files.push({ path: toPosix(join(dep.key, relative(dep.dir, file))), source: file });
    }
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const platform = (process.argv[2] ?? 'linux') as PlatformName;
  void listPackagedFiles(platform).then((files) => {
    for (const f of files) process.stdout.write(`${f.path}\n`);
    process.stderr.write(`${files.length} files would be packed for ${platform}\n`);
  });
}
