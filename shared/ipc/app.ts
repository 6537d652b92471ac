import { z } from 'zod';
import { channel } from './define';

/** The kinds of file a save dialog offers. */
export const saveKindSchema = z.enum(['csv', 'tsv', 'xlsx', 'json', 'html']);
export type SaveKind = z.infer<typeof saveKindSchema>;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  /** 'electron' inside the app, 'harness' in the browser test harness. */
  host: z.enum(['electron', 'harness', 'test']),
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const appChannels = {
  'app:get-info': channel(z.undefined(), appInfoSchema),
  'app:open-external': channel(z.object({ url: z.url() }), z.object({ opened: z.boolean() })),
  /** A save dialog whose file type follows `kind` (in the harness: a path in its downloads folder). */
  'app:choose-save-path': channel(
    z.object({ suggestedName: z.string().min(1).max(200), kind: saveKindSchema }),
    z.object({ path: z.string().nullable() }),
  ),
  'app:show-in-folder': channel(z.object({ path: z.string() }), z.object({ shown: z.boolean() })),
  /** Opens a file this session saved (an export) in the OS's default app for it; anything else is refused. */
  'app:open-path': channel(z.object({ path: z.string() }), z.object({ opened: z.boolean(), message: z.string().nullable() })),
  /** Plain-language notices from start-up (a database moved aside, the keychain unavailable, …). */
  /** Spreadsheets the OS asked us to open ("Open with Plexe Desktop"), taken once. */
  'app:take-opened-files': channel(z.undefined(), z.array(z.string())),
  /**
   * A file the person picked or dropped, as the preload resolved it (webUtils.getPathForFile):
   * main grants reading it for this run. Only the preload calls it; the page never sees it.
   */
  'app:register-file': channel(z.object({ path: z.string().min(1).max(4096) }), z.object({ path: z.string(), name: z.string(), size: z.number().int().min(0) })),
  'app:list-notices': channel(z.undefined(), z.array(z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }))),
} as const;

/** Channels the preload calls itself and never puts on window.plexe. */
export const PRELOAD_ONLY_CHANNELS = ['app:register-file'] as const;
export type PreloadOnlyChannel = (typeof PRELOAD_ONLY_CHANNELS)[number];

export const appEvents = {
  'event:app-notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  /** Rows written so far by an export started with this `exportId` (bulk results or history). */
  'event:export-progress': z.object({ exportId: z.string(), rows: z.number().int(), total: z.number().int().nullable() }),
  /** A spreadsheet was opened with the app while it was running. */
  'event:file-opened': z.object({ path: z.string() }),
} as const;
