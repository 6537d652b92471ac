import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from '../main/shell/window-options';
import { summaryLine, triage, type Finding, type TriageContext } from './electronegativity-triage';

const MEDIUM = { value: 2, name: 'MEDIUM' };
const HIGH = { value: 3, name: 'HIGH' };
const LOW = { value: 1, name: 'LOW' };
const FIRM = { value: 1, name: 'FIRM' };

const bundle = [
  'function guardContents(contents, openExternal) {', // 1
  '  contents.on("will-navigate", (event, url) => {', // 2
  '    event.preventDefault();', // 3
  '    if (typeof url === "string" && isSafeExternalUrl(url)) void openExternal(url);', // 4
  '  });', // 5
  '  contents.setWindowOpenHandler(({ url }) => {', // 6
  '    if (isSafeExternalUrl(url)) void openExternal(url);', // 7
  '    return { action: "deny" };', // 8
  '  });', // 9
  '}', // 10
  'function start() {', // 11
  '  guardContents(contents, (url) => shell.openExternal(url));', // 12
  '  const a = 1;', // 13
  '  const b = 2;', // 14
  '  const c = 3;', // 15
  '  const d = 4;', // 16
  '  shell.openExternal(untrusted);', // 17
  '  const win = new BrowserWindow(mainWindowOptions(preload, bounds));', // 18
  '  const other = new BrowserWindow({ webPreferences: {} });', // 19
  '}', // 20
];

function finding(id: string, line: number, severity = MEDIUM): Finding {
  return { id, severity, confidence: FIRM, file: 'main/index.js', location: { line, column: 2 }, sample: bundle[line - 1]!.trim() };
}

function ctx(webPreferences: Record<string, unknown>, lines = bundle): TriageContext {
  return { lines: () => lines, windowOptions: { webPreferences } };
}

const secure = { contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, disableBlinkFeatures: 'Auxclick' };

describe('electronegativity triage', () => {
  it('accepts openExternal only where the URL was checked, and the guard callback only while the guard checks', () => {
    const t = triage([finding('OPEN_EXTERNAL_JS_CHECK', 12), finding('OPEN_EXTERNAL_JS_CHECK', 17)], [], ctx(secure));
    expect(t.accepted.map((a) => a.finding.location.line)).toEqual([12]);
    expect(t.blocking.map((b) => b.location.line)).toEqual([17]);
    expect(t.ok).toBe(false);

    // a guard that hands an unchecked URL to openExternal voids the exception
    const weakened = bundle.map((l, i) => (i === 6 ? '    void openExternal(url);' : l));
    expect(triage([finding('OPEN_EXTERNAL_JS_CHECK', 12)], [], ctx(secure, weakened)).blocking).toHaveLength(1);
  });

  it('accepts window findings only for mainWindowOptions and only when the real options are safe', () => {
    const ids = ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'AUXCLICK_JS_CHECK', 'NODE_INTEGRATION_JS_CHECK'];
    const ok = triage(ids.map((id) => finding(id, 18, id === 'CONTEXT_ISOLATION_JS_CHECK' ? HIGH : MEDIUM)), [], ctx(secure));
    expect(ok.blocking).toEqual([]);
    expect(ok.ok).toBe(true);

    const unsafe = triage(ids.map((id) => finding(id, 18)), [], ctx({ ...secure, sandbox: false, disableBlinkFeatures: undefined }));
    expect(unsafe.blocking.map((b) => b.id).sort()).toEqual(['AUXCLICK_JS_CHECK', 'SANDBOX_JS_CHECK']);

    // a window built from a literal the scanner can read is judged as reported
    expect(triage([finding('SANDBOX_JS_CHECK', 19)], [], ctx(secure)).blocking).toHaveLength(1);
  });

  it('never accepts an unknown finding, lets low ones through, and fails on files it could not read', () => {
    const t = triage([finding('NEW_CHECK_NOBODY_REVIEWED', 13), finding('CSP_GLOBAL_CHECK', 13, LOW)], [{ file: 'x.js', message: 'Unknown node type', tolerable: false }], ctx(secure));
    expect(t.blocking.map((b) => b.id)).toEqual(['NEW_CHECK_NOBODY_REVIEWED']);
    expect(t.belowThreshold.map((b) => b.id)).toEqual(['CSP_GLOBAL_CHECK']);
    expect(t.unreadable).toHaveLength(1);
    expect(summaryLine(t, 4, 41, '38.8.6')).toBe(
      'electronegativity FAILED: 4 files, 41 checks (Electron 38.8.6): 1 blocking (medium or higher), 0 accepted after verification, 1 below medium, 1 files could not be scanned',
    );
    expect(triage([], [{ file: 'y.js', message: 'odd comment', tolerable: true }], ctx(secure)).ok).toBe(true);
  });

  it('the window premises are read from the real options (main/shell/window-options.ts)', () => {
    const wp = mainWindowOptions('p.cjs', { width: 1000, height: 700 }).webPreferences!;
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
  });
});
