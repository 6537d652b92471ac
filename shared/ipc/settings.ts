import { z } from 'zod';
import { channel } from './define';

/** The engine's retry and request settings a person may change (Settings in the Help dialog). */
export const engineSettingsSchema = z.object({
  attempts: z.number().int().min(1, 'Try at least once.').max(20),
  timeoutMs: z.number().int().min(1_000, 'Wait at least 1 second for an answer.').max(600_000),
  backoffBaseMs: z.number().int().min(50).max(60_000),
  backoffCapMs: z.number().int().min(100).max(600_000),
  batchSize: z.number().int().min(1).max(1_000),
  /** A Retry-After longer than this is not waited out (1 minute to 24 hours). */
  retryAfterCapMs: z.number().int().min(60_000).max(86_400_000),
  /** Answers larger than this are not read (1 MB to 1 GB). */
  maxAnswerBytes: z.number().int().min(1024 * 1024).max(1024 * 1024 * 1024),
});
export type EngineSettingsView = z.infer<typeof engineSettingsSchema>;

export const settingsChannels = {
  'settings:get-engine': channel(z.undefined(), engineSettingsSchema),
  'settings:set-engine': channel(engineSettingsSchema.partial(), engineSettingsSchema),
  'settings:reset-engine': channel(z.undefined(), engineSettingsSchema),
} as const;

export const ENGINE_SETTINGS_KEY = 'engine.settings';
