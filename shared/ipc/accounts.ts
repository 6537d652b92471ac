import { z } from 'zod';
import { channel } from './define';
import { keyStatusSchema, profileSchema } from '../domain/profile';
import { plexeErrorInfoSchema } from '../domain/plexe-error';

export const accountSchema = profileSchema.extend({
  key: keyStatusSchema,
  /** False when the account was saved without a passing connection test ("Save anyway"). */
  verified: z.boolean(),
});
export type Account = z.infer<typeof accountSchema>;

export const accountInputSchema = z.object({
  /** Absent to create a new account. */
  id: z.string().optional(),
  name: z.string().trim().min(1, 'Give the account a name.').max(80),
  baseUrl: z.string().trim().min(1),
  rpm: z.number().int().min(1).max(100_000),
  concurrency: z.number().int().min(1).max(64).optional(),
});
export type AccountInput = z.input<typeof accountInputSchema>;

export const connectionTestSchema = z.object({
  ok: z.boolean(),
  modelCount: z.number().int().nullable(),
  latencyMs: z.number().nullable(),
  error: plexeErrorInfoSchema.nullable(),
});
export type ConnectionTest = z.infer<typeof connectionTestSchema>;

/** "Save and test connection": the account is tested with the new address and key before anything is saved. */
export const connectAccountSchema = z.object({
  account: accountInputSchema,
  /** A new key; absent to keep (and test) the key already saved for this account. */
  key: z.string().trim().min(8, 'That key looks too short.').max(4096).optional(),
  sessionOnly: z.boolean().optional(),
  /** Save even when the test fails (offline, server down): the account is marked not verified. */
  saveUnverified: z.boolean().optional(),
});
export type ConnectAccountInput = z.input<typeof connectAccountSchema>;

export const connectResultSchema = z.object({
  /** Whether anything was saved; false when the test failed and saving anyway was not asked for. */
  saved: z.boolean(),
  account: accountSchema.nullable(),
  test: connectionTestSchema,
});
export type ConnectResult = z.infer<typeof connectResultSchema>;

export const keyReminderSchema = z.object({
  /** Days after which the Accounts screen suggests replacing a key. */
  days: z.number().int().min(1, 'Use at least 1 day.').max(3650, 'Use at most 3,650 days (ten years).'),
});
export type KeyReminder = z.infer<typeof keyReminderSchema>;

export const accountChannels = {
  'accounts:list-accounts': channel(z.undefined(), z.object({ accounts: z.array(accountSchema), activeId: z.string().nullable() })),
  'accounts:save-account': channel(accountInputSchema, accountSchema),
  'accounts:delete-account': channel(z.object({ id: z.string() }), z.object({ deleted: z.boolean() })),
  'accounts:set-active': channel(z.object({ id: z.string() }), z.object({ activeId: z.string() })),
  /** The key travels renderer → main once; main never sends it back. */
  'accounts:save-key': channel(
    z.object({ profileId: z.string(), key: z.string().trim().min(8, 'That key looks too short.').max(4096), sessionOnly: z.boolean().optional() }),
    keyStatusSchema,
  ),
  'accounts:delete-key': channel(z.object({ profileId: z.string() }), keyStatusSchema),
  'accounts:test-connection': channel(z.object({ profileId: z.string() }), connectionTestSchema),
  'accounts:keychain-status': channel(z.undefined(), z.object({ available: z.boolean(), message: z.string().nullable() })),
  /** Test first, then save (and keep the key) only if the test passed or the person chose to save anyway. Never switches the active account. */
  'accounts:connect-account': channel(connectAccountSchema, connectResultSchema),
  'accounts:get-key-reminder': channel(z.undefined(), keyReminderSchema),
  'accounts:set-key-reminder': channel(keyReminderSchema, keyReminderSchema),
} as const;
