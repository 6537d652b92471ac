import type { Account } from '../../../shared/ipc/accounts';
import { errorMessage, plexe, unwrap } from './api';

export type Screen = 'predict' | 'bulk' | 'history' | 'accounts' | 'help' | 'settings';

/** What every screen shares: the accounts, which one is active, and which screen is shown. */
class Session {
  accounts = $state<Account[]>([]);
  activeId = $state<string | null>(null);
  loaded = $state(false);
  error = $state<string | null>(null);
  screen = $state<Screen>('predict');
  /** Set when another screen asks Accounts to open the "connect" form straight away. */
  connectRequested = $state(false);
  /** Takes a spreadsheet the OS opened with the app ("Open with Plexe Desktop"); set by the Spreadsheet screen's state. */
  fileHandler: ((path: string) => void) | null = null;

  get active(): Account | null {
    return this.accounts.find((a) => a.id === this.activeId) ?? null;
  }

  async refresh(): Promise<void> {
    try {
      const { accounts, activeId } = await unwrap(plexe.accounts.listAccounts());
      this.accounts = accounts;
      this.activeId = activeId ?? accounts[0]?.id ?? null;
      this.error = null;
    } catch (e) {
      this.error = `The accounts could not be loaded: ${errorMessage(e)}`;
    } finally {
      this.loaded = true;
    }
  }

  async setActive(id: string): Promise<void> {
    const { activeId } = await unwrap(plexe.accounts.setActive({ id }));
    this.activeId = activeId;
  }

  go(screen: Screen): void {
    this.screen = screen;
  }

  openFile(path: string): void {
    this.fileHandler?.(path);
    this.screen = 'bulk';
  }

  connectAccount(): void {
    this.connectRequested = true;
    this.screen = 'accounts';
  }
}

export const session = new Session();
