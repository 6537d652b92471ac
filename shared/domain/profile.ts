import { z } from 'zod';

/** An account on a Plexe deployment. The API key is never part of it: it lives in the OS keychain. */
export const profileSchema = z.object({
  id: z.string(),
  name: z.string().min(1).max(80),
  baseUrl: z.string(),
  /** Requests per minute the account allows (Plexe basic tier: 100, pro: 500). */
  rpm: z.number().int().min(1).max(100_000),
  concurrency: z.number().int().min(1).max(64),
  /** The embedded sandbox's demo workspace. */
  isDemo: z.boolean(),
  createdAt: z.string(),
});
export type Profile = z.infer<typeof profileSchema>;

/** What the renderer may know about a saved key: never the key itself. */
export const keyStatusSchema = z.object({
  saved: z.boolean(),
  lastFour: z.string().max(4).nullable(),
  savedAt: z.string().nullable(),
  /** 'keychain' = OS keychain; 'session' = kept in memory until the app quits (keychain unavailable). */
  storage: z.enum(['keychain', 'session']).nullable(),
});
export type KeyStatus = z.infer<typeof keyStatusSchema>;

export const DEFAULT_BASE_URL = 'https://api.plexe.ai';
export const DEFAULT_RPM = 100;
