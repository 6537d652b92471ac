import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the browser suite finds Chromium, in the order Playwright users expect: `CHROMIUM_PATH` when
 * set; else the browser `npx playwright install chromium` put in Playwright's own cache; else a
 * Chromium or Chrome installed by the system. Throws, naming the install command, when there is none.
 */
export interface ChromiumLookup {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  exists: (path: string) => boolean;
  /** Playwright's own browser path (playwright-core's `chromium.executablePath()`); may not exist on disk. */
  playwrightPath: () => string | null;
}

export const INSTALL_COMMAND = 'npx playwright install chromium';

/** Common system install locations per OS, most likely first. */
export function systemCandidates(platform: NodeJS.Platform, env: Record<string, string | undefined>): string[] {
  if (platform === 'darwin') {
    return ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  }
  if (platform === 'win32') {
    const roots = [env['LOCALAPPDATA'], env['PROGRAMFILES'], env['PROGRAMFILES(X86)']].filter((r): r is string => Boolean(r));
    return roots.flatMap((r) => [join(r, 'Chromium', 'Application', 'chrome.exe'), join(r, 'Google', 'Chrome', 'Application', 'chrome.exe')]);
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];
}

export function findChromium(lookup: ChromiumLookup): string {
  const given = lookup.env['CHROMIUM_PATH'];
  if (given) {
    if (!lookup.exists(given)) throw new Error(`CHROMIUM_PATH is set to "${given}", but there is no file there. Point it at a Chromium or Chrome executable, or unset it to use Playwright's own browser (install it with: ${INSTALL_COMMAND}).`);
    return given;
  }
  let own: string | null = null;
  try {
    own = lookup.playwrightPath();
  } catch {
    own = null;
  }
  if (own && lookup.exists(own)) return own;
  const system = systemCandidates(lookup.platform, lookup.env).find((p) => lookup.exists(p));
  if (system) return system;
  throw new Error(`No Chromium found for the browser tests. Install Playwright's browser with:\n\n  ${INSTALL_COMMAND}\n\nor set CHROMIUM_PATH to a Chromium or Chrome executable.`);
}

/** The lookup on this machine. */
export function localLookup(playwrightPath: () => string | null): ChromiumLookup {
  return { env: process.env, platform: process.platform, exists: existsSync, playwrightPath };
}
