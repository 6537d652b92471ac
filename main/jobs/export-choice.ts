import type { ExportChoice, ExportOption, HistoryExportFormat } from '../../shared/ipc/jobs';
import { describeExportFormat, exportExtension } from '../sheets/csv-options';
import type { SettingsRepository } from '../store/repositories';
import { exportFormatFor } from './export';
import type { JobRecord } from './store';

/**
 * Which export format is offered first, and remembering what the person chose. The choice is kept per
 * kind of input (a workbook, a text file) and for the history, so someone who always sends CSV
 * files and once a workbook keeps .xlsx for the workbook: with nothing remembered, an .xlsx input
 * offers .xlsx and anything else CSV (UTF-8 with a byte-order mark).
 */

export const EXPORT_CHOICE_SETTING = 'export.choice';

interface Remembered {
  xlsx?: ExportChoice;
  text?: ExportChoice;
  history?: HistoryExportFormat;
}

const CHOICES: readonly ExportChoice[] = ['xlsx', 'csv', 'like-input'];

function remembered(settings: SettingsRepository): Remembered {
  const value = settings.get<unknown>(EXPORT_CHOICE_SETTING);
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const pick = (x: unknown): ExportChoice | undefined => CHOICES.find((c) => c === x);
  const out: Remembered = {};
  const xlsx = pick(v.xlsx);
  const text = pick(v.text);
  const history = v.history === 'xlsx' || v.history === 'csv' ? v.history : undefined;
  if (xlsx) out.xlsx = xlsx;
  if (text) out.text = text;
  if (history) out.history = history;
  return out;
}

/** 'xlsx' when the job's rows came from a workbook, 'text' for CSV and other text files. */
export function inputKind(job: Pick<JobRecord, 'importInfo' | 'fileName'>): 'xlsx' | 'text' {
  return job.importInfo.encoding === 'xlsx' || /\.xlsx$/i.test(job.fileName) ? 'xlsx' : 'text';
}

/** The formats offered for this job, in order, each with its words and file ending. */
export function exportOptions(job: Pick<JobRecord, 'importInfo' | 'fileName'>): ExportOption[] {
  const options: ExportOption[] = [
    { choice: 'xlsx', label: 'Excel workbook (.xlsx)', extension: '.xlsx' },
    { choice: 'csv', label: 'CSV for Excel (UTF-8 with byte-order mark, commas)', extension: '.csv' },
  ];
  // A workbook input has no separator or encoding to copy: "like the file I loaded" is the workbook itself.
  if (inputKind(job) === 'text') {
    const like = exportFormatFor('like-input', job);
    options.push({ choice: 'like-input', label: `Like the file you loaded (${describeExportFormat(like)})`, extension: exportExtension(like) });
  }
  return options;
}

/** What the export dialog offers first for this job. */
export function offeredChoice(settings: SettingsRepository, job: Pick<JobRecord, 'importInfo' | 'fileName'>): ExportChoice {
  const kind = inputKind(job);
  const last = remembered(settings)[kind];
  const options = exportOptions(job);
  if (last && options.some((o) => o.choice === last)) return last;
  return kind === 'xlsx' ? 'xlsx' : 'csv';
}

export function rememberChoice(settings: SettingsRepository, job: Pick<JobRecord, 'importInfo' | 'fileName'>, choice: ExportChoice): void {
  settings.set(EXPORT_CHOICE_SETTING, { ...remembered(settings), [inputKind(job)]: choice });
}

/** The history export's remembered format; CSV until the person chooses. */
export function offeredHistoryFormat(settings: SettingsRepository): HistoryExportFormat {
  return remembered(settings).history ?? 'csv';
}

export function rememberHistoryFormat(settings: SettingsRepository, format: HistoryExportFormat): void {
  settings.set(EXPORT_CHOICE_SETTING, { ...remembered(settings), history: format });
}
