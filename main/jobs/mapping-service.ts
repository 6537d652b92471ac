import { writeFileSync } from 'node:fs';
import type { FieldSpec } from '../../shared/domain/model';
import { AppError } from '../../shared/ipc/errors';
import type { ColumnMatchInfo, FieldMapping, RetryPlan } from '../../shared/ipc/jobs';
import { applyMapSpecs, checkSavedMapping, mappingFileText, type MapSpec, type SavedMapping } from '../sheets/mapping-memory';
import { choiceKey } from '../sheets/values';
import { automaticMatches, createJobRowMapper, jobSampleRows } from './row-input';
import type { JobRecord, JobStore } from './store';

/**
 * The job service's mapping work: the reason behind each column match, the model's fields with a
 * mapping file and `--map` specs on top (the CLI), value maps, which failed rows a retry sends
 * again, and the mapping file. Kept apart from service.ts so that file stays about running jobs.
 */

/** Rows the automatic matching looks at for category values (as the import does). */
const MATCH_SAMPLE_ROWS = 200;
const RETRY_PAGE = 5_000;

const n = (x: number): string => x.toLocaleString('en-US');
const rows = (x: number): string => `${n(x)} ${x === 1 ? 'row' : 'rows'}`;

/**
 * Each field's column with the reason: the automatic match's when the job still uses it, "you chose"
 * when the person picked another column, and why a field has none.
 */
export function columnMatches(store: JobStore, job: JobRecord, remembered?: Record<string, string | null>): ColumnMatchInfo[] {
  const fields = job.fields ?? [];
  const auto = automaticMatches(job.columns, fields, { sampleRows: jobSampleRows(store, job.id, MATCH_SAMPLE_ROWS), ...(remembered ? { remembered } : {}) });
  return fields.map((f) => {
    const column = job.mapping?.[f.name] ?? null;
    const a = auto.find((m) => m.field === f.name);
    if (a && a.columnName === column) return { field: f.name, column, how: a.how, reason: a.reason };
    if (column === null) {
      return { field: f.name, column: null, how: null, reason: a?.columnName ? `left without a column (it would match "${a.columnName}": ${a.reason})` : 'no column has a similar name' };
    }
    return { field: f.name, column, how: 'chosen', reason: `you chose "${column}" for ${f.name}` };
  });
}

export interface FieldsMapOptions {
  /** A mapping file's columns and values (see mapping-memory), applied over the automatic match. */
  saved?: SavedMapping;
  /** Where the mapping file came from, for messages. */
  savedName?: string;
  /** `--map COLUMN=FIELD`, applied last. */
  mapSpecs?: readonly MapSpec[];
}

/**
 * Gives the job the model's fields and maps its columns: the automatic match (names, short forms,
 * descriptions, category values), then a mapping file, then `--map`. Value maps from the file are
 * kept with the job. A file or spec that does not fit the sheet or the model is an error naming
 * what does not fit.
 */
export function useFields(store: JobStore, job: JobRecord, fields: FieldSpec[], opts: FieldsMapOptions = {}): ColumnMatchInfo[] {
  const saved = opts.saved;
  if (saved) {
    const problems = checkSavedMapping(saved, job.columns, fields);
    if (problems.length > 0) {
      throw new AppError('bad_mapping_file', `The mapping file${opts.savedName ? ` "${opts.savedName}"` : ''} does not fit this sheet and model: ${problems.join('; ')}.`);
    }
  }
  const auto = automaticMatches(job.columns, fields, { sampleRows: jobSampleRows(store, job.id, MATCH_SAMPLE_ROWS) });
  const matches = new Map<string, ColumnMatchInfo>(auto.map((m) => [m.field, { field: m.field, column: m.columnName, how: m.how, reason: m.reason }]));
  const mapping: FieldMapping = Object.fromEntries(auto.map((m) => [m.field, m.columnName]));
  const take = (field: string, column: string | null, how: string, reason: string): void => {
    // A column feeds one field: the field that had it loses it.
    for (const [f, c] of Object.entries(mapping)) {
      if (column !== null && c === column && f !== field) {
        mapping[f] = null;
        matches.set(f, { field: f, column: null, how: null, reason: `its column "${column}" was given to ${field}` });
      }
    }
    mapping[field] = column;
    matches.set(field, { field, column, how, reason });
  };
  for (const [field, column] of Object.entries(saved?.columns ?? {})) {
    take(field, column, 'file', column === null ? 'left without a column by the mapping file' : `the mapping file matches "${column}" to ${field}`);
  }
  if (opts.mapSpecs && opts.mapSpecs.length > 0) {
    // Checks every spec first, naming the sheet's columns or the model's fields when one does not fit.
    applyMapSpecs(mapping, opts.mapSpecs, job.columns, fields);
    for (const s of opts.mapSpecs) take(s.field, s.column, 'option', `given with --map "${s.column}=${s.field}"`);
  }
  store.setFields(job.id, fields);
  store.setMapping(job.id, mapping);
  if (saved && Object.keys(saved.values).length > 0) store.setValueMaps(job.id, saved.values);
  return fields.map((f) => matches.get(f.name) ?? { field: f.name, column: null, how: null, reason: 'no column has a similar name' });
}

/**
 * Sets written values of one category field to allowed values (null: no longer mapped, left to
 * fail) and keeps them with the job. Returns the field's value map after the change.
 */
export function setValueMap(store: JobStore, job: JobRecord, field: string, values: Record<string, string | null>): Record<string, string> {
  const f = (job.fields ?? []).find((x) => x.name === field);
  if (!f) throw new AppError('unknown_field', `The model has no field called "${field}".`, { field });
  const choices = f.choices ?? [];
  if (f.type !== 'choice' || choices.length === 0) throw new AppError('not_a_category', `The field "${field}" takes any value, so there are no values to map.`, { field });
  const merged: Record<string, string> = { ...(job.valueMaps[field] ?? {}) };
  for (const [from, to] of Object.entries(values)) {
    for (const k of Object.keys(merged)) if (choiceKey(k) === choiceKey(from)) delete merged[k];
    if (to === null) continue;
    if (!choices.includes(to)) {
      throw new AppError('not_an_allowed_value', `"${to}" is not an allowed value of ${field}. Choose one of: ${choices.join(', ')}.`, { field, value: to });
    }
    merged[from] = to;
  }
  const all = { ...job.valueMaps, [field]: merged };
  if (Object.keys(merged).length === 0) delete all[field];
  store.setValueMaps(job.id, all);
  return merged;
}

/**
 * Which failed rows a retry sends again: every row that failed for a passing reason, and a row the
 * server refused only when the input it would send now differs from the one it refused (its
 * mapping or values changed). Reads the failed rows in pages.
 */
export function planRetry(store: JobStore, job: JobRecord): { plan: RetryPlan; rows: number[] } {
  const mapper = job.fields === null ? null : createJobRowMapper(store, job);
  const send: number[] = [];
  let transient = 0;
  let changed = 0;
  let unchanged = 0;
  let after = 0;
  for (;;) {
    const page = store.failedRows(job.id, after, RETRY_PAGE);
    if (page.length === 0) break;
    for (const r of page) {
      after = r.rowNumber;
      if (r.retryable) {
        transient++;
        send.push(r.rowNumber);
        continue;
      }
      const now = mapper?.toInput(r.cells);
      if (now?.ok && JSON.stringify(now.input) !== r.input) {
        changed++;
        send.push(r.rowNumber);
      } else unchanged++;
    }
  }
  return { plan: { transient, changed, unchanged, text: retryText(transient, changed, unchanged) }, rows: send };
}

function retryText(transient: number, changed: number, unchanged: number): string {
  const total = transient + changed;
  const parts: string[] = [];
  if (transient > 0) parts.push(`${n(transient)} failed for a passing reason (rate limit, server error, time-out or network)`);
  if (changed > 0) parts.push(`${n(changed)} ${changed === 1 ? 'was' : 'were'} refused by the server but ${changed === 1 ? 'its' : 'their'} mapping or values changed since`);
  const first = total === 0 ? 'No failed row would be sent again.' : `${rows(total)} will be sent again: ${parts.join('; ')}.`;
  if (unchanged === 0) return first;
  return `${first} ${rows(unchanged)} the server refused as invalid ${unchanged === 1 ? 'is' : 'are'} not sent again: the same values would fail the same way. Change ${unchanged === 1 ? 'its' : 'their'} values or mapping to send ${unchanged === 1 ? 'it' : 'them'} again.`;
}

/** Writes the job's columns and value maps as a mapping file. */
export function saveMappingFile(job: JobRecord, path: string): { path: string } {
  if (job.mapping === null) throw new AppError('no_mapping', 'This job sends every column as it is (the model did not describe its fields), so there is no mapping to save.');
  try {
    writeFileSync(path, mappingFileText({ columns: job.mapping, values: job.valueMaps }));
  } catch (e) {
    throw new AppError('save_failed', `The mapping could not be saved to ${path}: ${e instanceof Error ? e.message : String(e)}. Choose another folder.`);
  }
  return { path };
}
