/**
 * Decides which Electronegativity findings block a build. Anything of MEDIUM severity or higher
 * blocks, unless it matches an accepted exception below AND that exception's premise is verified
 * against the real code right now — so an exception cannot outlive the reason it was granted.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export interface Finding {
  id: string;
  severity: { value: number; name: string };
  confidence: { value: number; name: string };
  /** Relative to the scanned folder, e.g. main/index.js. */
  file: string;
  location: { line: number; column: number };
  sample?: string;
  description?: string;
  manualReview?: boolean;
}

export interface ScanError {
  file: string;
  message: string;
  tolerable: boolean;
}

export interface TriageContext {
  /** The lines (1-based line n is lines[n-1]) of a scanned file. */
  lines(file: string): string[];
  /** The options the app really creates its window with (main/shell/window-options.ts). */
  windowOptions: BrowserWindowConstructorOptions;
}

export interface AcceptedException {
  id: string;
  /** Why this is not a real problem here; printed with the summary. */
  reason: string;
  /** True only when the premise of the reason holds for this finding. */
  holds(finding: Finding, ctx: TriageContext): boolean;
}

export const MEDIUM = 2;

const WINDOW_CALL = /new BrowserWindow\(mainWindowOptions\(/;

/** The window is built from mainWindowOptions(), which Electronegativity cannot see into: check the real value. */
function windowPremise(id: string, premise: (wp: NonNullable<BrowserWindowConstructorOptions['webPreferences']>) => boolean, what: string): AcceptedException {
  return {
    id,
    reason: `new BrowserWindow(mainWindowOptions(…)): the options come from a function the scanner cannot follow; verified that ${what}`,
    holds: (f, ctx) => WINDOW_CALL.test(f.sample ?? lineAt(ctx, f)) && premise(ctx.windowOptions.webPreferences ?? {}),
  };
}

function lineAt(ctx: TriageContext, f: Finding): string {
  return ctx.lines(f.file)[f.location.line - 1] ?? '';
}

/** The guard's own body: every openExternal call in it sits behind isSafeExternalUrl on the same line. */
function guardChecksEveryUrl(ctx: TriageContext, file: string): boolean {
  const text = ctx.lines(file).join('\n');
  const start = text.indexOf('function guardContents(');
  if (start < 0) return false;
  const end = text.indexOf('\nfunction ', start + 1);
  const body = text.slice(start, end < 0 ? undefined : end).split('\n');
  const calls = body.filter((l) => /openExternal\(/.test(l));
  return calls.length > 0 && calls.every((l) => /isSafeExternalUrl\([^)]*\)[^;]*openExternal\(/.test(l));
}

export const ACCEPTED_EXCEPTIONS: AcceptedException[] = [
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    // Flagged for manual review at every shell.openExternal call. Reviewed: each call is reached only
    // with a URL that passed isSafeExternalUrl (https only, no credentials), checked on the same line
    // or in the three lines before it — or it is the callback handed to guardContents, whose every
    // call checks the URL first.
    reason: 'shell.openExternal only ever receives URLs that passed isSafeExternalUrl (https, no credentials)',
    holds: (f, ctx) => {
      const lines = ctx.lines(f.file);
      const from = Math.max(0, f.location.line - 4);
      const window = lines.slice(from, f.location.line).join('\n');
      if (/isSafeExternalUrl\(/.test(window)) return true;
      return /guardContents\([^,]+,\s*\(url\)\s*=>\s*shell\.openExternal\(url\)\)/.test(lineAt(ctx, f)) && guardChecksEveryUrl(ctx, f.file);
    },
  },
  windowPremise('CONTEXT_ISOLATION_JS_CHECK', (wp) => wp.contextIsolation === true, 'contextIsolation is true'),
  windowPremise('SANDBOX_JS_CHECK', (wp) => wp.sandbox === true, 'sandbox is true'),
  windowPremise(
    'NODE_INTEGRATION_JS_CHECK',
    (wp) => wp.nodeIntegration === false && wp.nodeIntegrationInWorker === false && wp.nodeIntegrationInSubFrames === false,
    'nodeIntegration (also in workers and subframes) is false',
  ),
  windowPremise('AUXCLICK_JS_CHECK', (wp) => /(^|,)\s*Auxclick\s*(,|$)/.test(wp.disableBlinkFeatures ?? ''), "disableBlinkFeatures includes 'Auxclick'"),
  windowPremise('WEB_SECURITY_JS_CHECK', (wp) => wp.webSecurity !== false, 'webSecurity is on'),
  windowPremise('INSECURE_CONTENT_JS_CHECK', (wp) => wp.allowRunningInsecureContent !== true, 'allowRunningInsecureContent is off'),
  windowPremise('EXPERIMENTAL_FEATURES_JS_CHECK', (wp) => wp.experimentalFeatures !== true, 'experimentalFeatures is off'),
  windowPremise('BLINK_FEATURES_JS_CHECK', (wp) => !wp.enableBlinkFeatures, 'no Blink features are enabled'),
];

export interface Triage {
  blocking: Finding[];
  accepted: { finding: Finding; reason: string }[];
  belowThreshold: Finding[];
  /** Files the scanner could not read: a scan that skipped code proves nothing. */
  unreadable: ScanError[];
  ok: boolean;
}

export function triage(findings: Finding[], errors: ScanError[], ctx: TriageContext, exceptions = ACCEPTED_EXCEPTIONS): Triage {
  const result: Triage = { blocking: [], accepted: [], belowThreshold: [], unreadable: errors.filter((e) => !e.tolerable), ok: false };
  for (const f of findings) {
    if (f.severity.value < MEDIUM) {
      result.belowThreshold.push(f);
      continue;
    }
    const exception = exceptions.find((x) => x.id === f.id && safe(() => x.holds(f, ctx)));
    if (exception) result.accepted.push({ finding: f, reason: exception.reason });
    else result.blocking.push(f);
  }
  result.ok = result.blocking.length === 0 && result.unreadable.length === 0;
  return result;
}

function safe(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}

export function summaryLine(t: Triage, scannedFiles: number, checks: number, electron: string): string {
  const verdict = t.ok ? 'OK' : 'FAILED';
  const acceptedIds = [...new Set(t.accepted.map((a) => a.finding.id))];
  return (
    `electronegativity ${verdict}: ${scannedFiles} files, ${checks} checks (Electron ${electron}): ` +
    `${t.blocking.length} blocking (medium or higher), ${t.accepted.length} accepted after verification` +
    `${acceptedIds.length ? ` [${acceptedIds.join(', ')}]` : ''}, ${t.belowThreshold.length} below medium` +
    `${t.unreadable.length ? `, ${t.unreadable.length} files could not be scanned` : ''}`
  );
}
