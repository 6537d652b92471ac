import type { AccountsService } from '../accounts/service';
import type { PartialHandlers } from './dispatch';
import type { accountChannels } from '../../shared/ipc/accounts';

export interface AccountsIpcDeps {
  accounts: AccountsService;
}

/** Accounts and keys. The key only ever travels renderer → main (connect-account, save-key); no answer carries it. */
export function registerAccountsIpc(deps: AccountsIpcDeps): PartialHandlers<keyof typeof accountChannels> {
  const { accounts } = deps;
  return {
    'accounts:list-accounts': () => accounts.list(),
    'accounts:save-account': (input) => accounts.save(input),
    'accounts:delete-account': ({ id }) => accounts.delete(id),
    'accounts:set-active': ({ id }) => accounts.setActive(id),
    'accounts:save-key': ({ profileId, key, sessionOnly }) => accounts.saveKey(profileId, key, sessionOnly ?? false),
    'accounts:delete-key': ({ profileId }) => accounts.deleteKey(profileId),
    'accounts:test-connection': ({ profileId }) => accounts.testConnection(profileId),
    'accounts:keychain-status': () => accounts.keychainStatus(),
    'accounts:connect-account': (input) => accounts.connect(input),
    'accounts:get-key-reminder': () => accounts.keyReminder(),
    'accounts:set-key-reminder': ({ days }) => accounts.setKeyReminder(days),
  };
}
