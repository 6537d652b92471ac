import fs from 'node:fs';
import path from 'node:path';
import type { HistoryChannelName, HistoryFilters } from '../../shared/ipc/history';
import { AppError } from '../../shared/ipc/errors';
import type { SettingsRepository } from '../store/repositories';
import type { HistoryStore } from '../history/store';
import { exportHistoryCsv, exportHistoryXlsx } from '../history/export';
import { offeredHistoryFormat, rememberHistoryFormat } from '../jobs/export-choice';
import type { HistoryExportFormat } from '../../shared/ipc/export';
import type { EventBus } from './events';
import { streamViaTemp } from '../files/write-via-temp';
import { getRetentionDays, setRetentionDays } from '../history/retention';
import type { FileGrants } from '../shell/file-grants';
import type { PartialHandlers } from './dispatch';

export interface HistoryIpcDeps {
  history: HistoryStore;
  settings: SettingsRepository;
  /** Places the person chose to save to this run: the only ones written. */
  grants: FileGrants;
  /** For `event:export-progress`. */
  events?: EventBus;
}

/** A failed export never leaves half a file under the chosen name (see streamViaTemp). */
async function exportTo(deps: HistoryIpcDeps, filters: HistoryFilters, target: string, format: HistoryExportFormat, exportId: string | undefined) {
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) {
    throw new AppError('export_folder_missing', `The folder ${dir} does not exist. Choose another place to save the export.`, { field: 'path' });
  }
  const total = exportId === undefined ? 0 : deps.history.count(filters);
  const onProgress = exportId === undefined || !deps.events ? undefined : (rows: number) => deps.events?.emit('event:export-progress', { exportId, rows, total });
  const options = onProgress ? { onProgress } : {};
  try {
    if (format === 'xlsx') {
      const summary = await exportHistoryXlsx(deps.history, filters, target, options);
      return { rows: summary.rows, columns: summary.columns, path: target, notices: summary.notices };
    }
    const summary = await streamViaTemp(target, (out) => exportHistoryCsv(deps.history, filters, out, { bom: true, ...options }));
    return { rows: summary.rows, columns: summary.columns, path: target, notices: [] };
  } catch (error) {
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
    'history:export-csv': async ({ filters, path: target, format, exportId }) => {
      const written = await exportTo(deps, filters, deps.grants.checkWrite(target), format ?? 'csv', exportId);
      if (format) rememberHistoryFormat(settings, format);
      return written;
    },
    'history:export-format': () => ({ format: offeredHistoryFormat(settings) }),
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
