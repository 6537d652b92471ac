/**
 * The GitHub workflows cannot run here; their structure is asserted, every bash step is syntax-checked
 * with `bash -n`, and the signing step is executed with and without secrets to prove that missing
 * secrets give a warning and an unsigned build rather than a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on'?: string;
  needs?: string | string[];
  uses?: string;
  strategy?: { matrix: { os: string[] }; 'fail-fast'?: boolean };
  steps?: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

function workflow(name: string): Workflow {
  // js-yaml reads the key `on` as a string (YAML 1.2), as GitHub does.
  return load(readFileSync(join(ROOT, '.github/workflows', name), 'utf8')) as Workflow;
}

const ci = workflow('ci.yml');
const release = workflow('release.yml');

function steps(w: Workflow): Step[] {
  return Object.values(w.jobs).flatMap((j) => j.steps ?? []);
}

function stepNamed(w: Workflow, pattern: RegExp): Step {
  const s = steps(w).find((x) => pattern.test(x.name ?? ''));
  if (!s) throw new Error(`no step matching ${pattern}`);
  return s;
}

describe('ci.yml', () => {
  it('runs npm test on Linux under xvfb with an unlocked keychain, after a full npm ci (Electron binary included)', () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request', 'workflow_call']));
    const job = ci.jobs['test']!;
    expect(job['runs-on']).toMatch(/^ubuntu-/);
    const runs = (job.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/^npm ci$/m);
    expect(runs).not.toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD/);
    const test = stepNamed(ci, /^npm test$/).run!;
    expect(test).toMatch(/xvfb-run[\s\S]*dbus-run-session[\s\S]*gnome-keyring-daemon --unlock[\s\S]*npm test/);
    expect(runs).toMatch(/CHROMIUM_PATH=/);
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  it('runs the unit and browser suites on Windows and macOS too, finding Playwright\'s own Chromium there', () => {
    const job = ci.jobs['other-os']!;
    const oses = job.strategy!.matrix.os;
    expect(oses.some((o) => o.startsWith('windows'))).toBe(true);
    expect(oses.some((o) => o.startsWith('macos'))).toBe(true);
    expect(job.strategy!['fail-fast']).toBe(false);
    const runs = (job.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/^npm ci$/m);
    expect(runs).toMatch(/npx playwright install chromium/);
    expect(runs).toMatch(/npx vitest run/);
    expect(runs).toMatch(/playwright test -c e2e\/playwright\.config\.ts/);
    expect(runs).not.toMatch(/CHROMIUM_PATH/);
  });
});

describe('release.yml', () => {
  it('builds on a v* tag, after the tests, on Windows, macOS and Linux', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    expect(release.permissions).toEqual({ contents: 'write' });
    expect(release.jobs['test']!.uses).toBe('./.github/workflows/ci.yml');
    const job = release.jobs['installers']!;
    expect(job.needs).toBe('draft');
    expect(release.jobs['draft']!.needs).toBe('test');
    expect(job.strategy!['fail-fast']).toBe(false);
    const oses = job.strategy!.matrix.os;
    expect(oses.some((o) => o.startsWith('windows'))).toBe(true);
    expect(oses.some((o) => o.startsWith('macos'))).toBe(true);
    expect(oses.some((o) => o.startsWith('ubuntu'))).toBe(true);
    const runs = (job.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/^npm ci$/m);
    expect(runs).toMatch(/npm run dist -- --publish always/);
  });

  it('uploads to a draft release that exists before the builds start', () => {
    const create = stepNamed(release, /Create the draft release/).run!;
    expect(create).toMatch(/gh release create "\$GITHUB_REF_NAME" --draft/);
    const builder = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { publish: { provider: string; releaseType: string } };
    expect(builder.publish).toMatchObject({ provider: 'github', releaseType: 'draft' });
    expect(stepNamed(release, /^Build and upload/).env!['GH_TOKEN']).toBe('${{ secrets.GITHUB_TOKEN }}');
  });

  it('reads every signing secret from the repository secrets', () => {
    const env = stepNamed(release, /^Build and upload/).env!;
    for (const name of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'WIN_CSC_LINK', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID']) {
      expect(env[name], name).toBe(`\${{ secrets.${name} }}`);
    }
  });
});

describe('workflow steps', () => {
  it('every action is pinned to a version and every bash step parses', () => {
    for (const w of [ci, release]) {
      for (const s of steps(w)) {
        if (s.uses) expect(s.uses, s.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
        if (s.run && (!s.shell || s.shell === 'bash')) {
          const script = s.run.replace(/\$\{\{[^}]*\}\}/g, 'x');
          const r = spawnSync('bash', ['--noprofile', '--norc', '-n'], { input: script, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
          expect(r.status, `${s.name}: ${r.stderr}`).toBe(0);
        }
      }
    }
  });

  describe('the signing step', () => {
    const script = stepNamed(release, /^Code signing/).run!;

    function runSigning(os: string, secrets: Record<string, string>) {
      const dir = mkdtempSync(join(tmpdir(), 'plexe-sign-'));
      try {
        const envFile = join(dir, 'github_env');
        writeFileSync(envFile, '');
        const out = execFileSync('bash', ['--noprofile', '--norc', '-e', '-c', script], {
          encoding: 'utf8',
          env: { PATH: process.env['PATH'] ?? '', RUNNER_OS: os, GITHUB_ENV: envFile, CSC_LINK: '', WIN_CSC_LINK: '', APPLE_ID: '', APPLE_APP_SPECIFIC_PASSWORD: '', APPLE_TEAM_ID: '', ...secrets },
        });
        return { out, env: readFileSync(envFile, 'utf8') };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    it('without secrets: a warning and an unsigned build, not a failure', () => {
      for (const os of ['macOS', 'Windows']) {
        const r = runSigning(os, {});
        expect(r.out).toMatch(/^::warning title=Unsigned build::/m);
        expect(r.env).toContain('CSC_IDENTITY_AUTO_DISCOVERY=false');
      }
      expect(runSigning('Linux', {}).env).toBe('');
    });

    it('with secrets: signs (and says when notarisation credentials are missing)', () => {
      const mac = runSigning('macOS', { CSC_LINK: 'base64cert' });
      expect(mac.env).toBe('');
      expect(mac.out).toMatch(/::warning title=Not notarised::/);
      const full = runSigning('macOS', { CSC_LINK: 'c', APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 'T' });
      expect(full.out).toBe('');
      expect(runSigning('Windows', { WIN_CSC_LINK: 'c' }).env).toBe('');
    });
  });
});
