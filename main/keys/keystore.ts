import type { KeyStatus } from '../../shared/domain/profile';
import { AppError } from '../../shared/ipc/errors';
import { silentLogger, type Logger } from '../log';

/**
 * API keys, one per profile, in the OS keychain (keytar: Keychain on macOS, Credential Manager on
 * Windows, the Secret Service on Linux) under service "Plexe Desktop", account = profile id. The
 * password stored is `{"key": …, "savedAt": …}` so the key's age survives restarts.
 *
 * When the keychain cannot be used (Linux without a Secret Service: "Cannot autolaunch D-Bus",
 * libsecret missing, …) a person may keep a key for this session only: it lives in this object's
 * memory until the app quits and is never written anywhere. Only `get` returns a key; it is for
 * main-process code that sends requests, never for IPC answers or logs.
 */

export const KEYCHAIN_SERVICE = 'Plexe Desktop';

export const KEYCHAIN_UNAVAILABLE_MESSAGE =
  "Your computer's password store isn't available, so the key can't be saved permanently. You can keep it for this session only: it stays in memory until you quit the app and will have to be entered again next time.";

/** The part of keytar the store uses (tests pass a fake; the app passes the real module). */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** Loads the real keytar; null (with the reason) when the native module cannot load (e.g. libsecret missing). */
export async function loadKeytar(): Promise<{ keytar: KeytarLike | null; reason: string | null }> {
  try {
    const mod = (await import('keytar')) as unknown as KeytarLike & { default?: KeytarLike };
    // A CommonJS module: its real exports are `default`; the namespace may list only some of them.
    const complete = (m: Partial<KeytarLike> | undefined): m is KeytarLike =>
      !!m && typeof m.getPassword === 'function' && typeof m.setPassword === 'function' && typeof m.deletePassword === 'function';
    const k = complete(mod.default) ? mod.default : complete(mod) ? mod : null;
    if (!k) return { keytar: null, reason: 'keytar is missing getPassword/setPassword/deletePassword' };
    return { keytar: k, reason: null };
  } catch (e) {
    return { keytar: null, reason: e instanceof Error ? e.message : String(e) };
  }
}

const UNAVAILABLE_PATTERNS = [
  /autolaunch/i,
  /d-?bus/i,
  /no such interface/i,
  /secret ?service/i,
  /libsecret/i,
  /org\.freedesktop\.secrets/i,
  /not provided by any \.service files/i,
  /cannot open shared object/i,
  /keyring/i,
  /prompt.*dismissed/i,
  /user interaction is not allowed/i,
];

export function isKeychainUnavailableError(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return UNAVAILABLE_PATTERNS.some((p) => p.test(msg));
}

interface Entry {
  key: string;
  savedAt: string | null;
  storage: 'keychain' | 'session';
}

export interface KeyStoreDeps {
  /** null = keytar could not even load. */
  keytar: KeytarLike | null;
  /** Why keytar could not load, for the log. */
  loadError?: string | null;
  now?: () => Date;
  logger?: Logger;
  /** Told every key this store holds, so the logger can scrub it even from free text. */
  onSecret?: (key: string) => void;
}

function tail(key: string): string {
  return key.slice(-4);
}

export class KeyStore {
  private readonly keytar: KeytarLike | null;
  private readonly now: () => Date;
  private readonly logger: Logger;
  /** Keys read from the keychain (saves a keychain prompt per request) and session-only keys. */
  private readonly cache = new Map<string, Entry | null>();
  private unavailable: boolean;
  private readonly onSecret: (key: string) => void;

  constructor(deps: KeyStoreDeps) {
    this.keytar = deps.keytar;
    this.now = deps.now ?? (() => new Date());
    this.logger = deps.logger ?? silentLogger;
    this.onSecret = deps.onSecret ?? (() => {});
    this.unavailable = deps.keytar === null;
    if (deps.keytar === null) this.logger.warn('keychain unavailable: keytar did not load', { reason: deps.loadError ?? 'unknown' });
  }

  /** Whether keys can be saved permanently; probes the keychain once if it has not been used yet. */
  async availability(): Promise<{ available: boolean; message: string | null }> {
    if (!this.unavailable && this.keytar) {
      try {
        await this.keytar.getPassword(KEYCHAIN_SERVICE, '__plexe_probe__');
      } catch (e) {
        this.noteFailure(e, 'probe');
      }
    }
    return this.unavailable ? { available: false, message: KEYCHAIN_UNAVAILABLE_MESSAGE } : { available: true, message: null };
  }

  async status(profileId: string): Promise<KeyStatus> {
    const entry = await this.read(profileId);
    if (!entry) return { saved: false, lastFour: null, savedAt: null, storage: null };
    return { saved: true, lastFour: tail(entry.key), savedAt: entry.savedAt, storage: entry.storage };
  }

  /**
   * Saves (or replaces) a profile's key. Without `sessionOnly` it must reach the keychain; when the
   * keychain is unavailable this throws `keychain_unavailable` so the person can choose session-only.
   */
  async save(profileId: string, key: string, opts: { sessionOnly?: boolean } = {}): Promise<KeyStatus> {
    const clean = key.trim();
    if (clean === '') throw new AppError('empty_key', 'The API key is empty. Paste the key from the Plexe console.');
    this.onSecret(clean);
    const savedAt = this.now().toISOString();
    if (opts.sessionOnly) {
      await this.deleteFromKeychain(profileId);
      this.cache.set(profileId, { key: clean, savedAt, storage: 'session' });
      return this.status(profileId);
    }
    if (this.unavailable || !this.keytar) throw new AppError('keychain_unavailable', KEYCHAIN_UNAVAILABLE_MESSAGE);
    try {
      await this.keytar.setPassword(KEYCHAIN_SERVICE, profileId, JSON.stringify({ key: clean, savedAt }));
    } catch (e) {
      this.noteFailure(e, 'save');
      if (this.unavailable) throw new AppError('keychain_unavailable', KEYCHAIN_UNAVAILABLE_MESSAGE);
      throw new AppError('keychain_error', "The key could not be saved in your computer's password store. Try again, or keep it for this session only.");
    }
    this.cache.set(profileId, { key: clean, savedAt, storage: 'keychain' });
    return this.status(profileId);
  }

  /** A key kept in memory only (the demo workspace's public key, or the person's choice). */
  setSessionKey(profileId: string, key: string): void {
    this.onSecret(key);
    this.cache.set(profileId, { key, savedAt: this.now().toISOString(), storage: 'session' });
  }

  async delete(profileId: string): Promise<KeyStatus> {
    this.cache.set(profileId, null);
    await this.deleteFromKeychain(profileId);
    return { saved: false, lastFour: null, savedAt: null, storage: null };
  }

  /** The key itself. Main-process use only: never return it over IPC or write it to a log. */
  async get(profileId: string): Promise<string | null> {
    return (await this.read(profileId))?.key ?? null;
  }

  private async read(profileId: string): Promise<Entry | null> {
    if (this.cache.has(profileId)) return this.cache.get(profileId) ?? null;
    if (this.unavailable || !this.keytar) return null;
    let stored: string | null;
    try {
      stored = await this.keytar.getPassword(KEYCHAIN_SERVICE, profileId);
    } catch (e) {
      this.noteFailure(e, 'read');
      return null;
    }
    const entry = stored === null ? null : parseStored(stored);
    if (entry) this.onSecret(entry.key);
    this.cache.set(profileId, entry);
    return entry;
  }

  private async deleteFromKeychain(profileId: string): Promise<void> {
    if (this.unavailable || !this.keytar) return;
    try {
      await this.keytar.deletePassword(KEYCHAIN_SERVICE, profileId);
    } catch (e) {
      this.noteFailure(e, 'delete');
    }
  }

  private noteFailure(e: unknown, op: string): void {
    const unavailable = isKeychainUnavailableError(e);
    if (unavailable) this.unavailable = true;
    // The message is keytar's, about the keychain; it never contains the key.
    this.logger.warn('keychain operation failed', { op, unavailable, reason: e instanceof Error ? e.message : String(e) });
  }
}

function parseStored(stored: string): Entry {
  try {
    const v = JSON.parse(stored) as unknown;
    if (typeof v === 'object' && v !== null && typeof (v as { key?: unknown }).key === 'string') {
      const savedAt = (v as { savedAt?: unknown }).savedAt;
      return { key: (v as { key: string }).key, savedAt: typeof savedAt === 'string' ? savedAt : null, storage: 'keychain' };
    }
  } catch {
    // A key saved by hand (plain text): still usable, age unknown.
  }
  return { key: stored, savedAt: null, storage: 'keychain' };
}
