import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface Harness {
  url: string;
  token: string;
  dataDir: string;
  /** The page URL with the token in its fragment. */
  pageUrl: string;
  /** Everything the harness process printed (checked for secrets by some suites). */
  output: () => string;
  process: ChildProcess;
}

const ROOT = resolve(import.meta.dirname, '..');

export async function launchHarness(dataDir = mkdtempSync(join(tmpdir(), 'plexe-harness-')), extraArgs: string[] = []): Promise<Harness> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'e2e/harness/cli.ts'), '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ url: string; token: string }>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`harness did not start:\n${output}`)), 30_000);
    child.once('exit', (code) => fail(new Error(`harness exited (${code}):\n${output}`)));
    lines.on('line', (line) => {
      output += `${line}\n`;
      const m = /^HARNESS (\S+) token=(\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        ok({ url: m[1]!, token: m[2]! });
      }
    });
  });
  return { ...ready, dataDir, pageUrl: `${ready.url}#token=${ready.token}`, output: () => output, process: child };
}

export async function stopHarness(h: Harness): Promise<void> {
  if (h.process.exitCode !== null) return;
  await new Promise<void>((ok) => {
    h.process.once('exit', () => ok());
    h.process.kill('SIGTERM');
  });
}

/** Runs axe-core in the page and returns serious or critical violations. */
export async function seriousA11yViolations(page: Page): Promise<{ id: string; impact: string | null; help: string; targets: string[] }[]> {
  const source = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.flatMap((n) => n.target) }));
}

/** One harness per test file, with console errors collected for every page. */
export const test = base.extend<{ consoleErrors: string[] }, { harness: Harness }>({
  harness: [
    async ({}, use) => {
      const h = await launchHarness();
      await use(h);
      await stopHarness(h);
    },
    { scope: 'worker' },
  ],
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await use(errors);
  },
});

export { expect };
