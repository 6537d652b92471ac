import type { Logger } from '../log';
import type { UpdateState } from '../../shared/ipc/diagnostics';
import { redactString } from '../logging/redact';

/**
 * The part of electron-updater's `autoUpdater` this service uses. Passed in, so the whole
 * behaviour runs in plain Node against a fake (the app passes the real one).
 */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  allowDowngrade: boolean;
  logger: UpdaterLogger | null;
  on(event: 'checking-for-update' | 'update-not-available' | 'update-cancelled', listener: () => void): unknown;
  on(event: 'update-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
  on(event: 'error', listener: (error: Error, message?: string) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

/** electron-updater's own logger interface (it writes progress lines there). */
export interface UpdaterLogger {
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
  debug?(message: string): void;
}

/** The person's choice ("Check for updates automatically"); null until they choose. */
export interface UpdatePreference {
  get(): boolean | null;
  set(allowed: boolean): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface UpdaterServiceOptions {
  autoUpdater: AutoUpdaterLike;
  currentVersion: string;
  /** False in development, the harness and unpacked builds (Electron: `app.isPackaged`). */
  supported: boolean;
  /** Whether a Plexe account is configured; without one this is the demo build and updates stay off unless allowed. */
  hasAccount: () => boolean | Promise<boolean>;
  preference: UpdatePreference;
  log: Logger;
  /** Every state change (the app forwards it as `event:update-state`). */
  onState?: (state: UpdateState) => void;
  timers?: Timers;
  now?: () => Date;
  /** First check this long after start (not during start-up). */
  firstCheckDelayMs?: number;
  /** Then every this often. */
  intervalMs?: number;
}

export const FIRST_CHECK_DELAY_MS = 30_000;
export const CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

const systemTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Auto-update over electron-updater (GitHub Releases). Never restarts on its own: it downloads in
 * the background and reports "ready" so the UI can offer "Update ready — restart"; the download is
 * also installed when the person quits. Every failure is logged and shown as a state, never thrown.
 */
export class UpdaterService {
  private state: UpdateState;
  private readonly timers: Timers;
  private readonly now: () => Date;
  private timer: unknown = null;
  private inFlight: Promise<void> | null = null;
  private readonly reported = new WeakSet<object>();
  private started = false;

  constructor(private readonly options: UpdaterServiceOptions) {
    this.timers = options.timers ?? systemTimers;
    this.now = options.now ?? (() => new Date());
    this.state = {
      status: 'idle',
      enabled: false,
      allowed: safePreference(options),
      supported: options.supported,
      currentVersion: options.currentVersion,
      availableVersion: null,
      percent: null,
      message: null,
      lastCheckedAt: null,
    };
    const u = options.autoUpdater;
    // We decide when to download (only when enabled) and never install behind the person's back
    // while the app runs; installing when they quit is what they expect from "ready".
    u.autoDownload = false;
    u.autoInstallOnAppQuit = true;
    u.allowPrerelease = false;
    u.allowDowngrade = false;
    u.logger = toUpdaterLogger(options.log);
    u.on('checking-for-update', () => this.set({ status: 'checking', message: 'Checking for updates…' }));
    u.on('update-not-available', () =>
      this.set({ status: 'idle', availableVersion: null, percent: null, lastCheckedAt: this.now().toISOString(), message: 'Plexe Desktop is up to date.' }),
    );
    u.on('update-available', (info) => {
      this.set({ status: 'available', availableVersion: info.version, percent: 0, lastCheckedAt: this.now().toISOString(), message: `Version ${info.version} is available; downloading it in the background.` });
      this.options.log.info('update available', { version: info.version });
    });
    u.on('download-progress', (p) => {
      if (this.state.status === 'ready') return;
      const percent = Math.max(0, Math.min(100, Math.round(Number(p.percent) || 0)));
      const version = this.state.availableVersion ? `version ${this.state.availableVersion}` : 'the update';
      this.set({ status: 'downloading', percent, message: `Downloading ${version} (${percent}%)…` });
    });
    u.on('update-downloaded', (info) => {
      this.set({ status: 'ready', availableVersion: info.version, percent: 100, message: `Update ready — restart Plexe Desktop to use version ${info.version}.` });
      this.options.log.info('update downloaded', { version: info.version });
    });
    u.on('update-cancelled', () => this.set({ status: 'idle', percent: null, message: null }));
    u.on('error', (error) => this.fail(error, 'update'));
  }

  getState(): UpdateState {
    return { ...this.state };
  }

  /** Decides whether updates are on and schedules the first check. Safe to call again. */
  async start(): Promise<UpdateState> {
    this.started = true;
    await this.reevaluate(false);
    return this.getState();
  }

  /** Call when accounts change: the first account turns updates on (unless the person said no). */
  async refresh(): Promise<UpdateState> {
    await this.reevaluate(false);
    return this.getState();
  }

  async setAllowed(allowed: boolean): Promise<UpdateState> {
    try {
      this.options.preference.set(allowed);
    } catch (error) {
      this.options.log.warn('could not save the update preference', { error });
    }
    this.set({ allowed });
    this.options.log.info('update preference changed', { allowed });
    await this.reevaluate(allowed);
    return this.getState();
  }

  /** Checks now (and starts the download if there is an update); resolves when the check is done. */
  async checkNow(): Promise<UpdateState> {
    if (!this.options.supported) {
      this.set({ message: 'This copy of Plexe Desktop cannot update itself (it is a development or unpacked build).' });
      return this.getState();
    }
    if (!this.state.enabled) {
      this.set({ message: 'Automatic updates are turned off. Turn on "Check for updates" in Settings to look for a new version.' });
      return this.getState();
    }
    await this.check();
    return this.getState();
  }

  /** Quits, installs the downloaded update and starts the new version — only when one is ready. */
  restartNow(): { restarting: boolean } {
    if (this.state.status !== 'ready') return { restarting: false };
    try {
      this.options.log.info('restarting to install update', { version: this.state.availableVersion });
      this.options.autoUpdater.quitAndInstall(true, true);
      return { restarting: true };
    } catch (error) {
      this.fail(error, 'install');
      return { restarting: false };
    }
  }

  stop(): void {
    this.started = false;
    this.clearTimer();
  }

  private async reevaluate(checkSoon: boolean): Promise<void> {
    let hasAccount = false;
    try {
      hasAccount = await this.options.hasAccount();
    } catch (error) {
      this.options.log.warn('could not tell whether an account is configured; treating this as the demo', { error });
      hasAccount = false;
    }
    const allowed = safePreference(this.options);
    const enabled = this.options.supported && (allowed ?? hasAccount);
    const wasEnabled = this.state.enabled;
    this.set({ enabled, allowed, message: enabled || this.state.status === 'ready' ? this.state.message : disabledMessage(this.options.supported, allowed) });
    if (!enabled) {
      this.clearTimer();
      return;
    }
    if (!this.started) return;
    if (checkSoon) {
      this.clearTimer();
      void this.check();
      this.schedule(this.options.intervalMs ?? CHECK_INTERVAL_MS);
    } else if (!wasEnabled || this.timer === null) {
      this.schedule(this.options.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS);
    }
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      if (!this.state.enabled || !this.started) return;
      void this.check().finally(() => {
        if (this.state.enabled && this.started && this.timer === null) this.schedule(this.options.intervalMs ?? CHECK_INTERVAL_MS);
      });
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private check(): Promise<void> {
    // One update at a time; once one is downloaded there is nothing more to fetch until restart.
    if (this.inFlight) return this.inFlight;
    if (this.state.status === 'ready') return Promise.resolve();
    const run = (async () => {
      try {
        this.set({ status: 'checking', message: 'Checking for updates…' });
        await this.options.autoUpdater.checkForUpdates();
        if (this.state.status === 'checking') {
          // Resolved without an event (electron-updater skips checks in some builds).
          this.set({ status: 'idle', lastCheckedAt: this.now().toISOString(), message: null });
        }
        if (this.state.status === 'available') await this.options.autoUpdater.downloadUpdate();
      } catch (error) {
        this.fail(error, this.state.status === 'available' || this.state.status === 'downloading' ? 'download' : 'check');
      }
    })();
    this.inFlight = run.finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private fail(error: unknown, phase: 'check' | 'download' | 'install' | 'update'): void {
    // electron-updater both rejects and emits "error" for one failure: report it once.
    if (error !== null && typeof error === 'object') {
      if (this.reported.has(error)) return;
      this.reported.add(error);
    }
    this.options.log.error('update failed', { phase, error });
    if (this.state.status === 'ready' && phase !== 'install') return; // the downloaded update still stands
    this.set({ status: 'error', percent: null, lastCheckedAt: this.now().toISOString(), message: explainUpdateError(error, phase) });
  }

  private set(patch: Partial<UpdateState>): void {
    const next = { ...this.state, ...patch };
    const changed = (Object.keys(next) as (keyof UpdateState)[]).some((k) => next[k] !== this.state[k]);
    this.state = next;
    if (!changed) return;
    try {
      this.options.onState?.({ ...next });
    } catch (error) {
      this.options.log.warn('update state listener failed', { error });
    }
  }
}

function safePreference(options: UpdaterServiceOptions): boolean | null {
  try {
    const v = options.preference.get();
    return typeof v === 'boolean' ? v : null;
  } catch {
    return null;
  }
}

function disabledMessage(supported: boolean, allowed: boolean | null): string | null {
  if (!supported) return null;
  if (allowed === false) return 'Automatic updates are turned off in Settings.';
  return 'Automatic updates are off in the demo. Add your Plexe account, or turn on "Check for updates" in Settings.';
}

/** A sentence a person can act on, for the status line; the details go to the log. */
export function explainUpdateError(error: unknown, phase: 'check' | 'download' | 'install' | 'update'): string {
  const raw = error instanceof Error ? `${error.message} ${(error as { code?: unknown }).code ?? ''}` : String(error);
  const later = 'Plexe Desktop keeps working and will try again later.';
  if (/ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|net::ERR_|socket hang up|timed? ?out/i.test(raw)) {
    return `Could not reach the update server — check your internet connection. ${later}`;
  }
  if (/sha512|checksum|signature|not signed|code sign|integrity/i.test(raw)) {
    return `The downloaded update did not pass its integrity check and was discarded. ${later}`;
  }
  if (/\b404\b|Cannot find (latest|channel)|No published versions|latest.*\.yml/i.test(raw)) {
    return `No update information was found on the release page. ${later}`;
  }
  if (/ENOSPC|no space/i.test(raw)) {
    return `There is not enough disk space to download the update. Free some space; ${later.charAt(0).toLowerCase()}${later.slice(1)}`;
  }
  if (phase === 'install') return 'The update could not be installed. Quit and start Plexe Desktop again, or download the latest version from the website.';
  const detail = redactString(error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 160) ?? '';
  const what = phase === 'download' ? 'download the update' : 'check for updates';
  return `Could not ${what}${detail ? ` (${detail})` : ''}. ${later}`;
}

function toUpdaterLogger(log: Logger): UpdaterLogger {
  const text = (m: unknown) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m));
  return {
    info: (m) => log.info(`updater: ${text(m)}`),
    warn: (m) => log.warn(`updater: ${text(m)}`),
    // Errors also arrive through the "error" event, where they are logged with their phase.
    error: (m) => log.warn(`updater: ${text(m)}`),
  };
}
