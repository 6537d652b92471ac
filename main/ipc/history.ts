import fs from 'node:fs';
import path from 'node:path';
import type { HistoryChannelName } from '../../shared/ipc/history';
import { AppError } from '../../shared/ipc/errors';
import type { SettingsRepository } from '../store/repositories';
import type { HistoryStore } from '../history/store';
import { getRetentionDays, setRetentionDays } from '../history/retention';
import type { FileGrants } from '../shell/file-grants';
import type { PartialHandlers } from './dispatch';

export interface HistoryIpcDeps {
  history: HistoryStore;
  settings: SettingsRepository;
  /** Places the person chose to save to this run: the only ones written. */
  grants: FileGrants;
}

/** Writes to a temporary file beside the target and renames it at the end, so a failed export never leaves half a file. */
async function exportTo(deps: HistoryIpcDeps, filters: Parameters<HistoryStore['exportCsv']>[0], target: string) {
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) {
    throw new AppError('export_folder_missing', `The folder ${dir} does not exist. Choose another place to save the export.`, { field: 'path' });
  }
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.partial`);
  const out = fs.createWriteStream(temp, { highWaterMark: 1 << 20 });
  try {
    const summary = await deps.history.exportCsv(filters, out, { bom: true });
    fs.renameSync(temp, target);
    return { rows: summary.rows, columns: summary.columns, path: target };
  } catch (error) {
    out.destroy();
    fs.rmSync(temp, { force: true });
    if (error instanceof AppError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new AppError('export_failed', `The history could not be saved to ${target}${typeof code === 'string' ? ` (${code})` : ''}. Check that the disk has space and that you may write there, then try again.`, { field: 'path' });
  }
}

/** History channels: pages, counts, facets, monitoring, export and tidy-up. */
export function registerHistoryIpc(deps: HistoryIpcDeps): PartialHandlers<HistoryChannelName> {
  const { history, settings } = deps;
  return {
    'history:list-page': ({ filters, cursor, limit }) => history.page({ filters, cursor: cursor ?? null, limit }),
    'history:get-entry': ({ id }) => history.get(id) ?? null,
    'history:count-entries': ({ filters }) => ({ count: history.count(filters) }),
    'history:get-stats': (request) => history.stats(request),
    'history:export-csv': ({ filters, path: target }) => exportTo(deps, filters, deps.grants.checkWrite(target)),
    'history:delete-entries': ({ ids }) => ({ deleted: history.delete(ids) }),
    'history:clear-all': () => ({ deleted: history.clear() }),
    'history:set-retention': ({ days }) => {
      setRetentionDays(settings, days);
      return { days: getRetentionDays(settings) };
    },
    'history:get-retention': () => ({ days: getRetentionDays(settings) }),
    'history:list-facets': () => history.facets(),
  };
}
