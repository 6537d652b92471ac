import { describe, expect, it } from 'vitest';
import { findChromium, INSTALL_COMMAND, type ChromiumLookup } from './find-chromium';

function lookup(over: Partial<ChromiumLookup> & { files?: string[] }): ChromiumLookup {
  const files = new Set(over.files ?? []);
  return { env: {}, platform: 'linux', exists: (p) => files.has(p), playwrightPath: () => '/home/u/.cache/ms-playwright/chromium-1/chrome', ...over };
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and says so when it points at nothing', () => {
    expect(findChromium(lookup({ env: { CHROMIUM_PATH: '/opt/c' }, files: ['/opt/c', '/home/u/.cache/ms-playwright/chromium-1/chrome'] }))).toBe('/opt/c');
    expect(() => findChromium(lookup({ env: { CHROMIUM_PATH: '/opt/none' } }))).toThrow(/CHROMIUM_PATH is set to "\/opt\/none"/);
  });

  it("then Playwright's own browser, when it is installed", () => {
    expect(findChromium(lookup({ files: ['/home/u/.cache/ms-playwright/chromium-1/chrome', '/usr/bin/chromium'] }))).toBe('/home/u/.cache/ms-playwright/chromium-1/chrome');
  });

  it('then a system Chromium or Chrome, per OS', () => {
    expect(findChromium(lookup({ files: ['/usr/bin/chromium'] }))).toBe('/usr/bin/chromium');
    expect(findChromium(lookup({ platform: 'darwin', files: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'] }))).toMatch(/Google Chrome$/);
    const win = findChromium(lookup({ platform: 'win32', env: { PROGRAMFILES: 'C:\\Program Files' }, files: [] , exists: (p) => /Program Files.Google.Chrome.Application.chrome\.exe$/.test(p) }));
    expect(win).toMatch(/chrome\.exe$/);
    expect(findChromium(lookup({ playwrightPath: () => { throw new Error('no registry'); }, files: ['/usr/bin/chromium'] }))).toBe('/usr/bin/chromium');
  });

  it('fails with the install command when there is no browser at all', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(() => findChromium(lookup({ platform }))).toThrow(INSTALL_COMMAND);
    }
  });
});
