import type { RowProblem } from '../../shared/ipc/jobs';
import { csvField, flattenObject, isPlainObject } from '../sheets/csv-writer';
import { CELL_SEP, decodeCells, ROW_SEP } from './cells';
import type { ExportTuple, StoredResultRow } from './store';

/**
 * The CSV text of exported rows, in two parts: the input cells, and the rest of the line (result
 * cells, status, error, request_id). The runner stores both parts with each answer (see
 * storedExportText and migration 3), so the export of a finished job mostly joins stored text; the
 * export computes them itself for rows that have none. Both ways give the same bytes:
 * `rowFormatter(t)` is `cellsText(t).text + restText(t)` by construction.
 */

/** The status and error cells of one row: `ok`, the error code, `skipped`, or `not_sent`. */
export function statusCells(r: Pick<StoredResultRow, 'status' | 'error_code' | 'error_message' | 'problems'>): [string, string] {
  switch (r.status) {
    case 'ok':
      return ['ok', ''];
    case 'failed':
      return [r.error_code ?? 'failed', r.error_message ?? ''];
    case 'invalid':
    case 'skipped': {
      const problems = r.problems ? (JSON.parse(r.problems) as RowProblem[]) : [];
      const text = r.error_message ?? problems.map((p) => p.message).join(' ');
      return [r.status === 'skipped' ? 'skipped' : 'invalid_input', text];
    }
    case 'pending':
      return ['not_sent', 'This row was not sent: the job stopped before it was reached.'];
  }
}

/** Stored cells that can go out as they are once the separators become commas. */
// eslint-disable-next-line no-control-regex -- U+001F is the stored cell separator (encodeCells)
const NEEDS_CELL_WORK = /[",\r\n]|\u001f[=+\-@\s\uFEFF\uFF1D\uFF0B\uFF0D\uFF20]/;
const NEWLINE = '\r\n';

/** How many U+001F a stored row holds (= its number of cells in the joined form). */
function separators(stored: string): number {
  let n = 0;
  for (let i = stored.indexOf(CELL_SEP); i !== -1; i = stored.indexOf(CELL_SEP, i + 1)) n++;
  return n;
}

/**
 * The input cells of a row as CSV (no leading or trailing comma). `direct` says the stored text
 * needed nothing but its separators turned into commas — which SQLite can do itself at export
 * (`replace(substr(cells, 2), char(31), ',')`), so such rows need no stored copy.
 */
export function cellsText(stored: string, columnCount: number): { text: string; direct: boolean } {
  if (isDirect(stored, columnCount)) return { text: stored.slice(1).replaceAll(CELL_SEP, ','), direct: true };
  return { text: quotedCellsText(stored, columnCount), direct: false };
}

function isDirect(stored: string, columnCount: number): boolean {
  return stored.charCodeAt(0) === 31 && !NEEDS_CELL_WORK.test(stored) && separators(stored) === columnCount;
}

function quotedCellsText(stored: string, columnCount: number): string {
  const cells = decodeCells(stored);
  let text = '';
  for (let i = 0; i < columnCount; i++) text += (i > 0 ? ',' : '') + csvField(cells[i] ?? '');
  return text;
}

/**
 * The rest of a row's line after its input cells: `,` + each result field's cell, then status, error,
 * request_id, and CRLF. Result fields with no dot in their name are read straight off the parsed
 * result, without flattening it (a field whose value is a non-empty object was flattened away, so it
 * is empty).
 */
export function restFormatter(resultFields: readonly string[]): (t: ExportTuple) => string {
  const nResult = resultFields.length;
  const direct = resultFields.every((f) => !f.includes('.'));
  const noResult = ','.repeat(nResult);
  return (t) => {
    let line = '';
    const result = t[3];
    if (result === null) {
      line += noResult;
    } else {
      const obj = JSON.parse(result) as Record<string, unknown>;
      if (direct) {
        for (let j = 0; j < nResult; j++) {
          const f = resultFields[j]!;
          const v = Object.hasOwn(obj, f) ? obj[f] : undefined;
          line += ',' + (isPlainObject(v) && Object.keys(v).length > 0 ? '' : csvField(v));
        }
      } else {
        const flat = flattenObject(obj);
        for (let j = 0; j < nResult; j++) line += ',' + csvField(flat[resultFields[j]!]);
      }
    }
    if (t[2] === 'ok') line += ',ok,,' + csvField(t[6] ?? '');
    else {
      const [status, error] = statusCells({ status: t[2], error_code: t[4], error_message: t[5], problems: t[7] });
      line += ',' + csvField(status) + ',' + csvField(error) + ',' + csvField(t[6] ?? '');
    }
    return line + NEWLINE;
  };
}

/**
 * Builds the CSV text of one exported row, the same text `csvLine(exportCells(...))` gives, several
 * times faster. Input cells stored joined by U+001F go out with one split and one join when no cell
 * needs quoting or formula-neutralising (one regex over the row decides); otherwise cell by cell.
 */
export function rowFormatter(columnCount: number, resultFields: readonly string[]): (t: ExportTuple) => string {
  const rest = restFormatter(resultFields);
  // With no input columns the line starts with the separator before the first result cell.
  return columnCount === 0 ? (t) => rest(t).slice(1) : (t) => cellsText(t[1], columnCount).text + rest(t);
}

/** What the runner stores with an answer (migration 3): see cellsText and restFormatter. */
export interface StoredExportText {
  /** The input cells as CSV, or null when SQLite can make them from the stored cells (`direct`). */
  cells: string | null;
  rest: string;
  /** How many result fields `rest` covers. */
  fields: number;
}

/**
 * The export text to store with a row's answer, or null when the row should be exported the long way:
 * a job without input columns, a row not answered by the service (invalid rows change status later),
 * or text holding U+001E, which the export uses to mark rows it must format itself.
 */
export function storedExportText(t: ExportTuple, columnCount: number, rest: (t: ExportTuple) => string, fields: number): StoredExportText | null {
  if (columnCount === 0 || (t[2] !== 'ok' && t[2] !== 'failed')) return null;
  const cells = isDirect(t[1], columnCount) ? null : quotedCellsText(t[1], columnCount);
  const r = rest(t);
  if (r.includes(ROW_SEP) || (cells !== null && cells.includes(ROW_SEP))) return null;
  return { cells, rest: r, fields };
}
