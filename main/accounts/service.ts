import { randomUUID } from 'node:crypto';
import type { Account, AccountInput, ConnectAccountInput, ConnectionTest, ConnectResult, KeyReminder } from '../../shared/ipc/accounts';
import { accountInputSchema, connectAccountSchema } from '../../shared/ipc/accounts';
import type { KeyStatus, Profile } from '../../shared/domain/profile';
import { DEFAULT_RPM } from '../../shared/domain/profile';
import { AppError } from '../../shared/ipc/errors';
import type { PlexeClient } from '../plexe/client';
import { asPlexeError, errorInfo } from '../plexe/errors';
import { silentLogger, type Logger } from '../log';
import { normalizeBaseUrl } from '../plexe/urls';
import type { KeyStore } from '../keys/keystore';
import type { ProfileRepository, SettingsRepository } from '../store/repositories';

export const ACTIVE_PROFILE_SETTING = 'accounts.activeId';
/** Ids of accounts saved without a passing connection test. */
export const UNVERIFIED_SETTING = 'accounts.unverified';
export const KEY_REMINDER_SETTING = 'accounts.keyReminderDays';
export const DEFAULT_KEY_REMINDER_DAYS = 90;
export const DEFAULT_CONCURRENCY = 4;
export const DEMO_PROFILE_NAME = 'Demo workspace';

export interface AccountChange {
  kind: 'saved' | 'deleted';
  profileId: string;
}

export interface AccountsDeps {
  profiles: ProfileRepository;
  settings: SettingsRepository;
  keys: KeyStore;
  client: PlexeClient;
  /** Told after an account is saved or deleted (the engine forgets a deleted one's limiter; the updater re-decides). */
  onChanged?: (change: AccountChange) => void;
  now?: () => Date;
  newId?: () => string;
  logger?: Logger;
  /** Time limit for "Test connection". */
  testTimeoutMs?: number;
}

/** Accounts (profiles) and their keys: what the Accounts screen does, and how other services get a profile with its key. */
export class AccountsService {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly logger: Logger;

  constructor(private readonly deps: AccountsDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? (() => randomUUID());
    this.logger = deps.logger ?? silentLogger;
  }

  async list(): Promise<{ accounts: Account[]; activeId: string | null }> {
    const profiles = this.deps.profiles.list().sort((a, b) => Number(b.isDemo) - Number(a.isDemo) || a.createdAt.localeCompare(b.createdAt));
    const accounts = await Promise.all(profiles.map((p) => this.account(p)));
    return { accounts, activeId: this.activeId() };
  }

  private async account(p: Profile): Promise<Account> {
    return { ...p, key: await this.deps.keys.status(p.id), verified: !this.unverified().includes(p.id) };
  }

  private unverified(): string[] {
    return this.deps.settings.get<string[]>(UNVERIFIED_SETTING) ?? [];
  }

  private markVerified(id: string, verified: boolean): void {
    const rest = this.unverified().filter((x) => x !== id);
    this.deps.settings.set(UNVERIFIED_SETTING, verified ? rest : [...rest, id]);
  }

  keyReminder(): KeyReminder {
    return { days: this.deps.settings.get<number>(KEY_REMINDER_SETTING) ?? DEFAULT_KEY_REMINDER_DAYS };
  }

  setKeyReminder(days: number): KeyReminder {
    this.deps.settings.set(KEY_REMINDER_SETTING, days);
    return this.keyReminder();
  }

  activeId(): string | null {
    const stored = this.deps.settings.get<string>(ACTIVE_PROFILE_SETTING);
    if (stored && this.deps.profiles.get(stored)) return stored;
    const all = this.deps.profiles.list();
    const fallback = all.find((p) => !p.isDemo) ?? all[0];
    return fallback?.id ?? null;
  }

  getProfile(id: string): Profile {
    const p = this.deps.profiles.get(id);
    if (!p) throw new AppError('account_not_found', 'This account no longer exists. Choose another one in Accounts.');
    return p;
  }

  async save(raw: AccountInput, opts: { mayBecomeActive?: boolean } = {}): Promise<Account> {
    const input = accountInputSchema.parse(raw);
    const baseUrl = normalizeBaseUrl(input.baseUrl);
    const existing = input.id ? this.getProfile(input.id) : undefined;
    const profile: Profile = {
      id: existing?.id ?? this.newId(),
      name: input.name,
      baseUrl,
      rpm: input.rpm,
      concurrency: input.concurrency ?? existing?.concurrency ?? DEFAULT_CONCURRENCY,
      isDemo: existing?.isDemo ?? false,
      createdAt: existing?.createdAt ?? this.now().toISOString(),
    };
    this.deps.profiles.save(profile);
    if (!existing && opts.mayBecomeActive !== false && !this.deps.settings.get<string>(ACTIVE_PROFILE_SETTING)) this.deps.settings.set(ACTIVE_PROFILE_SETTING, profile.id);
    this.deps.onChanged?.({ kind: 'saved', profileId: profile.id });
    return this.account(profile);
  }

  /**
   * "Save and test connection": tests the address and key first (the new key, or the one already
   * saved when none is given) and saves nothing unless the test passes — or the person chose to
   * save anyway, in which case the account is kept as not verified. A replaced key keeps the
   * account's id, so its models and history stay with it. Never changes the active account.
   */
  async connect(raw: ConnectAccountInput): Promise<ConnectResult> {
    const input = connectAccountSchema.parse(raw);
    const baseUrl = normalizeBaseUrl(input.account.baseUrl);
    const existing = input.account.id ? this.getProfile(input.account.id) : undefined;
    const apiKey = input.key ?? (existing ? await this.deps.keys.get(existing.id) : null);
    const test = apiKey
      ? await this.runTest(baseUrl, apiKey, existing?.id ?? 'new account')
      : { ok: false, modelCount: null, latencyMs: null, error: errorInfo({ code: 'no_key', message: 'No API key was given.', action: 'Paste the key from the Plexe console.' }) };
    if (!test.ok && !input.saveUnverified) return { saved: false, account: null, test };
    const profile = await this.save(input.account, { mayBecomeActive: test.ok });
    if (input.key) await this.deps.keys.save(profile.id, input.key, { sessionOnly: input.sessionOnly ?? false });
    this.markVerified(profile.id, test.ok);
    return { saved: true, account: await this.account(this.getProfile(profile.id)), test };
  }

  async delete(id: string): Promise<{ deleted: boolean }> {
    if (!this.deps.profiles.get(id)) return { deleted: false };
    await this.deps.keys.delete(id);
    this.deps.profiles.delete(id);
    this.markVerified(id, true);
    if (this.deps.settings.get<string>(ACTIVE_PROFILE_SETTING) === id) this.deps.settings.set(ACTIVE_PROFILE_SETTING, this.activeId());
    this.deps.onChanged?.({ kind: 'deleted', profileId: id });
    return { deleted: true };
  }

  setActive(id: string): { activeId: string } {
    this.getProfile(id);
    this.deps.settings.set(ACTIVE_PROFILE_SETTING, id);
    return { activeId: id };
  }

  async saveKey(profileId: string, key: string, sessionOnly = false): Promise<KeyStatus> {
    this.getProfile(profileId);
    return this.deps.keys.save(profileId, key, { sessionOnly });
  }

  async deleteKey(profileId: string): Promise<KeyStatus> {
    this.getProfile(profileId);
    return this.deps.keys.delete(profileId);
  }

  keychainStatus(): Promise<{ available: boolean; message: string | null }> {
    return this.deps.keys.availability();
  }

  /** The profile and its key, for services that send requests. The key stays in main. */
  async profileAndKey(profileId: string): Promise<{ profile: Profile; apiKey: string }> {
    const profile = this.getProfile(profileId);
    const apiKey = await this.deps.keys.get(profileId);
    if (!apiKey) throw new AppError('no_key', `The account "${profile.name}" has no API key yet. Add one in Accounts.`);
    return { profile, apiKey };
  }

  /** "Test connection": GET /models with the saved key. Never throws for a Plexe failure. */
  async testConnection(profileId: string): Promise<ConnectionTest> {
    const profile = this.getProfile(profileId);
    const apiKey = await this.deps.keys.get(profileId);
    if (!apiKey) {
      return {
        ok: false,
        modelCount: null,
        latencyMs: null,
        error: errorInfo({ code: 'no_key', message: `The account "${profile.name}" has no API key yet.`, action: 'Paste the key from the Plexe console and save it.' }),
      };
    }
    const test = await this.runTest(profile.baseUrl, apiKey, profileId);
    // A passing test verifies an account saved anyway earlier; a failing one changes nothing.
    if (test.ok) this.markVerified(profileId, true);
    return test;
  }

  private async runTest(baseUrl: string, apiKey: string, profileId: string): Promise<ConnectionTest> {
    const started = performance.now();
    try {
      const list = await this.deps.client.listModels({ baseUrl, apiKey }, { limit: 100 }, { timeoutMs: this.deps.testTimeoutMs ?? 15_000 });
      const latencyMs = Math.round(performance.now() - started);
      this.logger.info('connection test passed', { profileId, latencyMs, requestId: list.requestId });
      return { ok: true, modelCount: list.total ?? list.models.length, latencyMs, error: null };
    } catch (e) {
      const err = asPlexeError(e);
      this.logger.info('connection test failed', { profileId, code: err.info.code });
      return { ok: false, modelCount: null, latencyMs: Math.round(performance.now() - started), error: err.info };
    }
  }

  /**
   * The demo workspace, served by the embedded sandbox: created on first start, its address
   * updated on every start (the sandbox's port changes). Its key is public and kept in memory only.
   */
  async ensureDemoProfile(sandboxUrl: string, sandboxKey: string): Promise<Profile> {
    const baseUrl = normalizeBaseUrl(sandboxUrl);
    const existing = this.deps.profiles.list().find((p) => p.isDemo);
    const profile: Profile = existing
      ? { ...existing, baseUrl }
      : { id: this.newId(), name: DEMO_PROFILE_NAME, baseUrl, rpm: DEFAULT_RPM * 6, concurrency: DEFAULT_CONCURRENCY, isDemo: true, createdAt: this.now().toISOString() };
    this.deps.profiles.save(profile);
    this.deps.keys.setSessionKey(profile.id, sandboxKey);
    if (!this.deps.settings.get<string>(ACTIVE_PROFILE_SETTING) || !this.deps.profiles.get(this.deps.settings.get<string>(ACTIVE_PROFILE_SETTING)!)) {
      this.deps.settings.set(ACTIVE_PROFILE_SETTING, this.activeId());
    }
    return profile;
  }
}
