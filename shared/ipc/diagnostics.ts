import { z } from 'zod';
import { channel } from './define';

/**
 * idle: nothing to do (or not checked yet) · checking · available: found, download starting ·
 * downloading · ready: downloaded, "Update ready — restart" · error: the last check or download failed
 * (logged; the app keeps working and tries again later).
 */
export const updateStatusSchema = z.enum(['idle', 'checking', 'available', 'downloading', 'ready', 'error']);
export type UpdateStatus = z.infer<typeof updateStatusSchema>;

export const updateStateSchema = z.object({
  status: updateStatusSchema,
  /** Whether the app checks for updates at all right now. */
  enabled: z.boolean(),
  /** The person's own choice; null until they make one (then: on with an account, off in the demo). */
  allowed: z.boolean().nullable(),
  /** False where this build cannot update itself (development, the harness, an unpacked build). */
  supported: z.boolean(),
  currentVersion: z.string(),
  /** The version found or downloaded. */
  availableVersion: z.string().nullable(),
  /** Download progress, 0–100, while downloading. */
  percent: z.number().min(0).max(100).nullable(),
  /** A plain-language sentence for the status line (what happened, what to do). */
  message: z.string().nullable(),
  /** ISO time of the last finished check. */
  lastCheckedAt: z.string().nullable(),
});
export type UpdateState = z.infer<typeof updateStateSchema>;

export const recentErrorSchema = z.object({
  time: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
  code: z.string().optional(),
  where: z.string().optional(),
});

export const diagnosticsReportSchema = z.object({
  app: z.object({ name: z.string(), version: z.string(), packaged: z.boolean() }),
  os: z.object({ platform: z.string(), release: z.string(), arch: z.string(), locale: z.string() }),
  versions: z.object({ electron: z.string().nullable(), chrome: z.string().nullable(), node: z.string() }),
  update: z.object({ status: updateStatusSchema, enabled: z.boolean(), availableVersion: z.string().nullable() }),
  uptimeSeconds: z.number(),
  /** The log file, with the home folder shown as ~. */
  logFile: z.string().nullable(),
  recentErrors: z.array(recentErrorSchema),
  generatedAt: z.string(),
});
export type DiagnosticsReport = z.infer<typeof diagnosticsReportSchema>;

export const diagnosticsChannels = {
  'update:get-state': channel(z.undefined(), updateStateSchema),
  /** The person's choice in settings; turning it on starts a check straight away. */
  'update:set-allowed': channel(z.object({ allowed: z.boolean() }), updateStateSchema),
  /** Check now (from the "Check for updates" menu item / button); answers once the check is done. */
  'update:check-now': channel(z.undefined(), updateStateSchema),
  /** Only when status is "ready": quits, installs and starts the new version. */
  'update:restart-now': channel(z.undefined(), z.object({ restarting: z.boolean() })),
  /** "Copy diagnostics": the report as data and as text ready to paste into a support request. No secrets. */
  'diagnostics:get-report': channel(z.undefined(), z.object({ report: diagnosticsReportSchema, text: z.string() })),
  /** Opens the log folder with the current log file selected (to attach it to a support request). */
  'diagnostics:show-log-file': channel(z.undefined(), z.object({ shown: z.boolean() })),
} as const;

export const diagnosticsEvents = {
  'event:update-state': updateStateSchema,
} as const;
