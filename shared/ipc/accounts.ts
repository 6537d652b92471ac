import { z } from 'zod';
import { channel } from './define';
import { keyStatusSchema, profileSchema } from '../domain/profile';
import { plexeErrorInfoSchema } from '../domain/plexe-error';

export const accountSchema = profileSchema.extend({ key: keyStatusSchema });
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
} as const;
