/**
 * electron-builder.yml checked here, since installers cannot be built on this machine: validated
 * by electron-builder's own schema check, then the settings that matter asserted one by one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

type Target = { target: string; arch: string[] };
type AjvValidate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  buildDependenciesFromSource: boolean;
  electronFuses: Record<string, boolean>;
  publish: { provider: string; owner: string; repo: string; releaseType: string };
  win: { icon: string; target: Target[]; fileAssociations?: unknown[] };
  nsis: Record<string, unknown>;
  mac: {
    icon: string;
    target: Target[];
    hardenedRuntime: boolean;
    entitlements: string;
    entitlementsInherit: string;
    notarize?: boolean;
    fileAssociations: { ext: string; role: string; rank: string }[];
  };
  linux: {
    icon: string;
    category: string;
    maintainer: string;
    target: Target[];
    fileAssociations: { ext: string; mimeType: string }[];
    desktop: { entry: Record<string, string> };
  };
  extraMetadata: { homepage: string; author: { email: string } };
}

const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

function targets(list: Target[]): Record<string, string[]> {
  return Object.fromEntries(list.map((t) => [t.target, [...t.arch].sort()]));
}

describe('electron-builder.yml', () => {
  it('matches electron-builder’s configuration schema', () => {
    // The schema and ajv build electron-builder validates with at build time; compiled without
    // inlined refs (same meaning, a third of the compile time) so the test stays fast.
    const builderRequire = createRequire(require.resolve('app-builder-lib/out/util/config/schemaValidator'));
    const Ajv = (builderRequire('ajv') as { default: new (o: object) => { compile(s: unknown): AjvValidate } }).default;
    const schema = builderRequire('../../../scheme.json') as unknown;
    const validate = new Ajv({ strict: false, coerceTypes: true, validateSchema: false, inlineRefs: false, code: { optimize: false } }).compile(schema);
    const ok = validate(structuredClone(config));
    expect(validate.errors ?? [], 'electron-builder.yml has options electron-builder does not accept').toEqual([]);
    expect(ok).toBe(true);
    // and the check is real: a misspelt option is refused
    expect(validate({ ...structuredClone(config), macc: {} })).toBe(false);
  });

  it('names the app', () => {
    expect(config.appId).toBe('ai.plexe.desktop');
    expect(config.productName).toBe('Plexe Desktop');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; productName: string };
    expect(pkg.main).toBe('out/main/index.js');
    expect(config.files).toContain('out/**/*');
  });

  it('builds NSIS for Windows, DMG+ZIP for macOS and AppImage+deb for Linux, each for x64 and arm64', () => {
    expect(targets(config.win.target)).toEqual({ nsis: ['arm64', 'x64'] });
    expect(targets(config.mac.target)).toEqual({ dmg: ['arm64', 'x64'], zip: ['arm64', 'x64'] });
    expect(targets(config.linux.target)).toEqual({ AppImage: ['arm64', 'x64'], deb: ['arm64', 'x64'] });
    expect(config.nsis['oneClick']).toBe(true);
    expect(config.nsis['perMachine']).toBe(false);
    expect(config.nsis['deleteAppDataOnUninstall']).toBe(false);
  });

  it('uses icons generated from the one source image', () => {
    expect(config.win.icon).toBe('assets/icons/icon.ico');
    expect(config.mac.icon).toBe('assets/icons/icon.icns');
    expect(config.linux.icon).toBe('assets/icons/png');
    for (const p of [config.win.icon, config.mac.icon, `${config.linux.icon}/512x512.png`, `${config.linux.icon}/256x256.png`]) {
      expect(existsSync(join(ROOT, p)), p).toBe(true);
    }
  });

  it('signs macOS with the hardened runtime and entitlements fit for notarisation', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).not.toBe(false);
    expect(config.mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(config.mac.entitlementsInherit).toBe('build/entitlements.mac.plist');
    const plist = readFileSync(join(ROOT, config.mac.entitlements), 'utf8');
    const granted = [...plist.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1]);
    expect(granted).toContain('com.apple.security.cs.allow-jit');
    // nothing that lets other programs inject code into the app
    expect(granted).not.toContain('com.apple.security.cs.allow-dyld-environment-variables');
    expect(granted).not.toContain('com.apple.security.get-task-allow');
    expect(plist).toMatch(/^<\?xml[\s\S]*<plist version="1.0">[\s\S]*<\/plist>\s*$/);
  });

  it('offers "Open with Plexe Desktop" for .csv without taking the default away from other apps', () => {
    expect(config.mac.fileAssociations).toEqual([expect.objectContaining({ ext: 'csv', role: 'Viewer', rank: 'Alternate' })]);
    expect(config.linux.fileAssociations).toEqual([expect.objectContaining({ ext: 'csv', mimeType: 'text/csv' })]);
    expect(config.linux.desktop.entry['MimeType']).toContain('text/csv');
    // Windows: fileAssociations would make us the default handler; the NSIS include registers "Open with" only.
    expect(config.win.fileAssociations ?? []).toEqual([]);
    expect(config.nsis['include']).toBe('build/installer.nsh');
    const nsh = readFileSync(join(ROOT, 'build/installer.nsh'), 'utf8');
    expect(nsh).toMatch(/!macro customInstall[\s\S]*Software\\Classes\\\.csv\\OpenWithProgids[\s\S]*!macroend/);
    expect(nsh).toMatch(/!macro customUnInstall[\s\S]*DeleteRegValue SHELL_CONTEXT "Software\\Classes\\\.csv\\OpenWithProgids"[\s\S]*!macroend/);
    expect(nsh).not.toMatch(/WriteRegStr SHELL_CONTEXT "Software\\Classes\\\.csv" ""/);
  });

  it('has a Linux desktop entry with a category and deb metadata', () => {
    expect(config.linux.category).toBe('Office');
    expect(config.linux.desktop.entry['Categories']).toBe('Office;');
    expect(config.linux.desktop.entry['Name']).toBe('Plexe Desktop');
    expect(config.linux.maintainer).toMatch(/<[^@\s]+@[^>\s]+>/);
    expect(config.extraMetadata.homepage).toMatch(/^https:\/\//);
  });

  it('unpacks and rebuilds the native modules', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**/*.node', '**/node_modules/keytar/**/*.node']));
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(false);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['better-sqlite3', 'keytar']));
  });

  it('sets the Electron fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs only built output, never tests, maps, sources or secrets', () => {
    const includes = config.files.filter((p) => !p.startsWith('!'));
    expect(includes.sort()).toEqual(['out/**/*', 'package.json']);
    const excludes = config.files.filter((p) => p.startsWith('!'));
    expect(excludes).toEqual(
      expect.arrayContaining(['!**/*.map', '!**/*.{test,spec}.*', '!**/.env*', '!**/*.{ts,mts,cts,tsx,svelte}']),
    );
  });

  it('publishes drafts to GitHub Releases (what electron-updater reads)', () => {
    expect(config.publish).toEqual({ provider: 'github', owner: 'plexe-ai', repo: 'plexe-desktop', releaseType: 'draft' });
  });
});
