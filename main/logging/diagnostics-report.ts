import { arch, homedir, release } from 'node:os';
import { diagnosticsReportSchema, type DiagnosticsReport, type UpdateState } from '../../shared/ipc/diagnostics';
import type { RecentError } from './error-ring';
import { redact } from './redact';

export interface DiagnosticsSources {
  appName?: string;
  version: string;
  /** Electron: `app.isPackaged`. */
  packaged: boolean;
  /** Electron: `app.getLocale()`. */
  locale?: string;
  update: UpdateState;
  recentErrors: RecentError[];
  logFile: string | null;
  /** Defaults to this process's own facts; tests pass fixed ones. */
  platform?: string;
  osRelease?: string;
  arch?: string;
  versions?: Partial<Record<'electron' | 'chrome' | 'node', string>>;
  uptimeSeconds?: number;
  homeDir?: string;
  now?: Date;
  /** How many of the most recent errors to include. */
  errorLimit?: number;
}

/**
 * What a support request needs — versions, OS, update state, the last errors with their request
 * ids — and nothing else: no keys, no data, no profile names, the home folder shown as ~. Every
 * string goes through `redact` once more, so a secret that slipped into an error message is still
 * removed here.
 */
export function buildDiagnosticsReport(src: DiagnosticsSources): DiagnosticsReport {
  const versions = src.versions ?? process.versions;
  const home = src.homeDir ?? homedir();
  const limit = src.errorLimit ?? 20;
  const report: DiagnosticsReport = {
    app: { name: src.appName ?? 'Plexe Desktop', version: src.version, packaged: src.packaged },
    os: {
      platform: src.platform ?? process.platform,
      release: src.osRelease ?? release(),
      arch: src.arch ?? arch(),
      locale: src.locale ?? (Intl.DateTimeFormat().resolvedOptions().locale || 'unknown'),
    },
    versions: { electron: versions.electron ?? null, chrome: versions.chrome ?? null, node: versions.node ?? process.versions.node },
    update: { status: src.update.status, enabled: src.update.enabled, availableVersion: src.update.availableVersion },
    uptimeSeconds: Math.round(src.uptimeSeconds ?? process.uptime()),
    logFile: src.logFile ? hideHome(src.logFile, home) : null,
    recentErrors: src.recentErrors.slice(-limit).map((e) => hideHomeIn(e, home)),
    generatedAt: (src.now ?? new Date()).toISOString(),
  };
  return diagnosticsReportSchema.parse(redact(report));
}

/** The report as plain text for the clipboard. */
export function formatDiagnosticsText(r: DiagnosticsReport): string {
  const lines = [
    `${r.app.name} ${r.app.version}${r.app.packaged ? '' : ' (development build)'}`,
    `OS: ${r.os.platform} ${r.os.release} (${r.os.arch}), locale ${r.os.locale}`,
    `Electron ${r.versions.electron ?? '—'}, Chrome ${r.versions.chrome ?? '—'}, Node ${r.versions.node}`,
    `Updates: ${r.update.enabled ? 'on' : 'off'}, status ${r.update.status}${r.update.availableVersion ? `, version ${r.update.availableVersion} available` : ''}`,
    `Running for ${r.uptimeSeconds} s; report made ${r.generatedAt}`,
    `Log file: ${r.logFile ?? '—'}`,
    '',
    r.recentErrors.length === 0 ? 'Recent errors: none' : `Recent errors (${r.recentErrors.length}, newest last):`,
    ...r.recentErrors.map((e) => {
      const tags = [e.code && `code ${e.code}`, e.requestId && `request ${e.requestId}`, e.where && `in ${e.where}`].filter(Boolean).join(', ');
      return `- ${e.time} ${e.message}${tags ? ` [${tags}]` : ''}`;
    }),
  ];
  return lines.join('\n');
}

function hideHome(path: string, home: string): string {
  if (!home || home.length < 2) return path;
  return path.split(home).join('~');
}

function hideHomeIn(e: RecentError, home: string): RecentError {
  const out: RecentError = { ...e, message: hideHome(e.message, home) };
  if (e.where) out.where = hideHome(e.where, home);
  return out;
}
