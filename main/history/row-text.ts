import type { NewPrediction } from '../../shared/domain/prediction';
import { isPlainObject, mayNeedFormulaGuard, neutraliseFormula } from '../sheets/csv-writer';
import { isoTime } from './export';

/**
 * A history row's stored text: its JSON, written with the row (rowJson checks the row's structure,
 * JSON.stringify writes it), and its export text (`predictions.csv_line`, migrations 4 and 5), written
 * behind the inserts from the stored JSON in one walk (rowText): its input cells, U+001F, its result
 * cells — each cell exactly as the export writes it from the stored JSON, in the order of the row's
 * shape paths (`flattenPaths`).
 */

/**
 * Whether `obj` has the structure `node` as flattenPaths sees it: the same keys in the same order, a
 * non-empty plain object exactly where the node opens one. Only keys are read, never values' text.
 */
export function hasShape(obj: Record<string, unknown>, node: ShapeNode): boolean {
  const keys = node.keys;
  const nested = node.nested;
  let i = 0;
  for (const key in obj) {
    if (key !== keys[i]) return false;
    const v = obj[key];
    const sub = nested[i] as ShapeNode | null;
    if (sub !== null) {
      if (typeof v !== 'object' || v === null || !isPlainObject(v) || !hasShape(v, sub)) return false;
    } else if (typeof v === 'object' && v !== null && isPlainObject(v) && !isEmpty(v)) return false;
    i++;
  }
  return i === keys.length;
}

function isEmpty(obj: Record<string, unknown>): boolean {
  for (const _ in obj) return false;
  return true;
}

/** The marks in the stored text, which the export replaces (see migration 4). */
export const CELLS_SEPARATOR = '\u001f';
export const TAIL_MARK = '\u001d';
export const ACCOUNT_MARK = '\u001e';

/**
 * The structure of an input or result object as `flattenPaths` sees it: its keys in order and, for
 * each, the structure of the nested non-empty plain object under it (null for a leaf). Checking a row
 * against the previous row's structure is much cheaper than building a key for it.
 */
export interface ShapeNode {
  keys: string[];
  nested: (ShapeNode | null)[];
  /** Each key as JSON, with its colon: `"age":`. */
  names: string[];
}

export function shapeNode(obj: Record<string, unknown>): ShapeNode {
  const keys = Object.keys(obj);
  const nested = keys.map((key) => {
    const value = obj[key];
    return isPlainObject(value) && Object.keys(value).length > 0 ? shapeNode(value) : null;
  });
  return { keys, nested, names: keys.map((k) => `${JSON.stringify(k)}:`) };
}

/**
 * The structure a shape's recorded paths describe (`prediction_shapes`, see flattenPaths): the export
 * puts a row's cells in the columns of these paths, so a stored row's line is made by walking its
 * JSON against this structure — a row whose JSON differs from it (say a value that was an object
 * with a toJSON when the row was written) gets no line and goes the export's long way. Null for a
 * list no object could give (a key twice apart): its rows go the long way too.
 */
export function nodeFromPaths(paths: readonly (readonly string[])[]): ShapeNode | null {
  const keys: string[] = [];
  const inner: (string[][] | null)[] = [];
  for (const path of paths) {
    if (path.length === 0) return null;
    const key = path[0] as string;
    const rest = path.slice(1);
    if (keys.length > 0 && keys[keys.length - 1] === key) {
      // The same key again: only an opened object lists its leaves one after another.
      const list = inner[inner.length - 1];
      if (!list || rest.length === 0) return null;
      list.push(rest);
    } else if (keys.includes(key)) return null;
    else {
      keys.push(key);
      inner.push(rest.length === 0 ? null : [rest]);
    }
  }
  const nested: (ShapeNode | null)[] = [];
  for (const list of inner) {
    const node = list === null ? null : nodeFromPaths(list);
    if (list !== null && node === null) return null;
    nested.push(node);
  }
  return { keys, nested, names: keys.map((k) => `${JSON.stringify(k)}:`) };
}

// Text that needs quotes in a cell (or, holding one of the marks, cannot be kept in the stored text).
// eslint-disable-next-line no-control-regex -- the marks of the stored text are control characters
const SPECIAL = /[",\r\n\u001d-\u001f]/;
// eslint-disable-next-line no-control-regex -- as above
const MARKS = /[\u001d-\u001f]/;
/** A lone surrogate (the u flag keeps pairs whole): SQLite would keep it as bytes the long way turns into U+FFFD. */
export const LONE_SURROGATE = /[\ud800-\udfff]/u;
// Text that JSON writes other than as itself between quotes (surrogates: pairs go the long way too), or
// that needs quotes in a cell: one test sends nearly every string down the short way.
// eslint-disable-next-line no-control-regex -- JSON escapes control characters
const NOT_PLAIN = /["\\,\u0000-\u001f\ud800-\udfff]/;

/** A text cell as csvField writes it (formula-safe, quoted when needed); null when it holds a mark. */
export function textCell(s: string): string | null {
  const c = s.charCodeAt(0);
  const t = mayNeedFormulaGuard(c) ? neutraliseFormula(s) : s;
  if (LONE_SURROGATE.test(t)) return null;
  if (!SPECIAL.test(t)) return t;
  if (MARKS.test(t)) return null;
  return `"${t.replace(/"/g, '""')}"`;
}

/** The cell the export writes for a value whose JSON text is `json` (undefined: JSON leaves it out). */
function jsonTextCell(json: string | undefined): string | null {
  if (json === undefined) return '';
  const c = json.charCodeAt(0);
  if (c === 34) return textCell(JSON.parse(json) as string); // a Date, or anything whose toJSON gives text
  if (c === 110) return ''; // null
  if (c === 123 || c === 91) return textCell(json);
  return json; // a number or boolean from a toJSON
}

// The walk's other outputs, kept outside it so a row costs no allocation beyond its text.
let cells = '';
let anyCell = false;
/** False once a cell cannot be kept in the stored text. */
let keepable = true;
/** False once an object has its own toJSON: JSON.stringify then writes something else than the walk. */
let exact = true;

/** The JSON of `obj` if its structure is `node` (undefined if not); appends its cells to `cells`. */
function walk(obj: Record<string, unknown>, node: ShapeNode): string | undefined {
  if (typeof obj.toJSON === 'function') {
    keepable = false;
    exact = false;
  }
  const keys = node.keys;
  const nested = node.nested;
  const names = node.names;
  let json = '{';
  let i = 0;
  for (const key in obj) {
    if (key !== keys[i]) return undefined;
    const v = obj[key];
    const sub = nested[i] as ShapeNode | null;
    let piece: string | undefined;
    if (sub !== null) {
      if (typeof v !== 'object' || v === null || !isPlainObject(v)) return undefined;
      piece = walk(v, sub);
      if (piece === undefined) return undefined;
    } else {
      let cell: string | null;
      switch (typeof v) {
        case 'string':
          if (NOT_PLAIN.test(v)) {
            piece = JSON.stringify(v);
            cell = textCell(v);
          } else {
            piece = `"${v}"`;
            const c = v.charCodeAt(0);
            cell = mayNeedFormulaGuard(c) ? neutraliseFormula(v) : v;
          }
          break;
        case 'number':
          if (Number.isFinite(v)) cell = piece = String(v);
          else {
            piece = 'null';
            cell = '';
          }
          break;
        case 'boolean':
          cell = piece = v ? 'true' : 'false';
          break;
        case 'object':
          if (v === null) {
            piece = 'null';
            cell = '';
          } else {
            if (isPlainObject(v) && Object.keys(v).length > 0) return undefined;
            piece = JSON.stringify(v) as string | undefined;
            cell = jsonTextCell(piece);
          }
          break;
        case 'bigint':
          // JSON cannot write it: let JSON.stringify say so, as it would have.
          return JSON.stringify(v);
        default:
          // undefined, a function, a symbol: JSON leaves the key out.
          piece = undefined;
          cell = '';
      }
      if (cell === null) keepable = false;
      else if (anyCell) cells += `,${cell}`;
      else {
        cells = cell;
        anyCell = true;
      }
    }
    if (piece !== undefined) json += json.length === 1 ? names[i] + piece : `,${names[i]}${piece}`;
    i++;
  }
  return i === keys.length ? `${json}}` : undefined;
}

/** A row's stored text (see RowText.of). */
export interface RowText {
  input: string;
  result: string | null;
  /** The export text, or null when it cannot be stored (the export then formats the row from its JSON) or was not made (rowJson). */
  cells: string | null;
}

const text: RowText = { input: '', result: null, cells: null };

/**
 * The JSON of a row (as JSON.stringify writes it) whose input and result have the structures `inputNode`
 * and `resultNode` (null for a null result), or undefined when they do not have them: what an insert
 * stores. The object returned is reused by the next call (of this or rowText).
 */
export function rowJson(input: Record<string, unknown>, inputNode: ShapeNode, result: Record<string, unknown> | null, resultNode: ShapeNode | null): RowText | undefined {
  if (result === null ? resultNode !== null : resultNode === null || !hasShape(result, resultNode)) return undefined;
  if (!hasShape(input, inputNode)) return undefined;
  text.input = JSON.stringify(input);
  text.result = result === null ? null : JSON.stringify(result);
  text.cells = null;
  return text;
}

/**
 * The JSON and export text of a row whose input and result have the structures `inputNode` and
 * `resultNode` (null for a null result), or undefined when they do not have them: what the background
 * catch-up writes as the row's line, from its stored JSON. The object returned is reused by the next
 * call (of this or rowJson).
 */
export function rowText(input: Record<string, unknown>, inputNode: ShapeNode, result: Record<string, unknown> | null, resultNode: ShapeNode | null): RowText | undefined {
  if ((result === null) !== (resultNode === null)) return undefined;
  keepable = true;
  exact = true;
  cells = '';
  anyCell = false;
  const inputJson = walk(input, inputNode);
  if (inputJson === undefined) return undefined;
  const inputCells = cells;
  let resultJson: string | null = null;
  let resultCells = '';
  if (result !== null) {
    cells = '';
    anyCell = false;
    const json = walk(result, resultNode as ShapeNode);
    if (json === undefined) return undefined;
    resultJson = json;
    resultCells = cells;
  }
  if (exact) {
    text.input = inputJson;
    text.result = resultJson;
  } else {
    text.input = JSON.stringify(input);
    text.result = result === null ? null : JSON.stringify(result);
  }
  text.cells = keepable ? inputCells + CELLS_SEPARATOR + resultCells : null;
  return text;
}

/** A number the way the export writes it back: NaN is stored as NULL, so it comes back empty. */
const storedNumber = (n: number | null): string => (n === null || Number.isNaN(n) ? '' : String(n));

let lastStatus = '';
let lastStatusCell: string | null = '';
let lastSource = '';
let lastSourceCell: string | null = '';
let lastJob: string | null = null;
let lastJobCell: string | null = '';

/**
 * The fixed columns of a row's line as the export writes them, around the account and model (which the
 * export adds from the row's series): `status,error,request_id,created_at` U+001E
 * `source,http_status,round_trip_ms,processing_time_ms,attempts,job_id,row_number` CRLF. `iso` is the
 * time as toISOString writes it, if the caller has it. null when a text holds one of the marks.
 */
export type TailFields = Pick<NewPrediction, 'status' | 'source' | 'jobId' | 'errorMessage' | 'requestId' | 'httpStatus' | 'roundTripMs' | 'processingTimeMs' | 'attempts' | 'rowNumber'>;

export function tailText(e: TailFields, createdAt: number, iso: string | null): string | null {
  if (e.status !== lastStatus) {
    lastStatus = e.status;
    lastStatusCell = textCell(e.status);
  }
  if (e.source !== lastSource) {
    lastSource = e.source;
    lastSourceCell = textCell(e.source);
  }
  if (e.jobId !== lastJob) {
    lastJob = e.jobId;
    lastJobCell = e.jobId === null ? '' : textCell(e.jobId);
  }
  const error = e.errorMessage === null ? '' : textCell(e.errorMessage);
  const request = e.requestId === null ? '' : textCell(e.requestId);
  if (lastStatusCell === null || lastSourceCell === null || lastJobCell === null || error === null || request === null) return null;
  return `${lastStatusCell},${error},${request},${iso ?? isoTime(createdAt)}${ACCOUNT_MARK}${lastSourceCell},${storedNumber(e.httpStatus)},${storedNumber(e.roundTripMs)},${storedNumber(e.processingTimeMs)},${storedNumber(e.attempts)},${lastJobCell},${storedNumber(e.rowNumber)}\r\n`;
}
