import type { Writable } from 'node:stream';

/**
 * Streamed CSV output shared by the history export and the bulk-job export.
 *
 * - RFC 4180: fields holding the delimiter, a quote, CR or LF are quoted, quotes doubled; rows end in CRLF.
 * - Formula-safe: a text cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
 *   tab, CR or LF) gets a leading `'`. Numbers stay numbers: a JS number is written as it is, and so is
 *   text that is exactly a plain decimal number ("-5", "+1.5e3") — a spreadsheet reads those as numbers,
 *   never as formulas, and the bulk export carries such cells from the user's own file.
 * - Back-pressure: output is gathered in chunks and, when the stream's buffer is full, `writeRow` waits
 *   for 'drain', so memory stays flat however many rows go through.
 */

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES_COMMA = /[",\r\n]/;

export interface CsvWriterOptions {
  /** Field separator; `,` by default. */
  delimiter?: string;
  /** Row terminator; CRLF by default (RFC 4180). */
  newline?: '\r\n' | '\n';
  /** Start the file with a UTF-8 byte-order mark so Excel reads accents correctly. Off by default. */
  bom?: boolean;
  /** Bytes gathered before handing a chunk to the stream. */
  chunkSize?: number;
}

/** A formula sign (`= + - @` or their fullwidth forms) after any leading whitespace, Unicode spaces included. */
const FORMULA_AFTER_SPACES = /^[\s\uFEFF]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * Neutralises text a spreadsheet would treat as a formula: one that starts with `=`, `+`, `-`, `@`
 * (or `＝ ＋ － ＠`) once leading whitespace of any kind is skipped, or that starts with a tab, CR or
 * LF. Plain numbers ("-5", " +1.5e3") are left as they are. The one guard every CSV export uses.
 */
export function neutraliseFormula(text: string): string {
  // First-character test by code: this runs for every cell of a million-row export, and nearly
  // every cell starts with a printable ASCII character that is not a formula sign.
  const c = text.charCodeAt(0);
  if (c > 32 && c < 127 && c !== 61 && c !== 43 && c !== 45 && c !== 64) return text;
  if (c === 9 || c === 13 || c === 10) return PLAIN_NUMBER.test(text) ? text : `'${text}`;
  if (text === '' || !FORMULA_AFTER_SPACES.test(text)) return text;
  return PLAIN_NUMBER.test(text.trim()) ? text : `'${text}`;
}

/** Whether a cell starting with this character code may need neutraliseFormula (a prefilter for fast paths). */
export function mayNeedFormulaGuard(c: number): boolean {
  return !(c > 32 && c < 127 && c !== 61 && c !== 43 && c !== 45 && c !== 64);
}

/** "000"…"999" with trailing zeros dropped: the decimals numberText writes. */
const DECIMALS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0').replace(/0+$/, ''));

/**
 * `String(value)` for a finite number, made from integers when it has at most three decimals (money,
 * rates, milliseconds: most numbers in an export), which takes a third of the time for a million rows.
 * Such a number is the double nearest to that short decimal and far from any other, so this is the
 * shortest text that reads back as it, exactly what String gives; any other number goes to String.
 */
export function numberText(value: number): string {
  if (Number.isInteger(value) || !(Math.abs(value) < 1e9)) return String(value);
  const thousandths = Math.round(value * 1000);
  if (thousandths / 1000 !== value) return String(value);
  const size = Math.abs(thousandths);
  const whole = Math.floor(size / 1000);
  return `${thousandths < 0 ? '-' : ''}${whole}.${DECIMALS[size - whole * 1000]!}`;
}

/** The text of one cell before quoting: numbers as numbers, booleans as true/false, objects as JSON. */
export function cellText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return neutraliseFormula(value);
    case 'number':
      return Number.isFinite(value) ? numberText(value) : neutraliseFormula(String(value));
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return '';
    case 'object':
      if (value === null) return '';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
      return neutraliseFormula(JSON.stringify(value));
    default:
      return neutraliseFormula(String(value));
  }
}

function quoteIfNeeded(text: string, delimiter: string): string {
  const needs = delimiter === ',' ? NEEDS_QUOTES_COMMA.test(text) : text.includes(delimiter) || /["\r\n]/.test(text);
  return needs ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One cell as it appears in the file: formula-safe, quoted when needed. */
export function csvField(value: unknown, delimiter = ','): string {
  // Empty cells (sparse exports have many) and finite numbers never need either treatment.
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return numberText(value);
  return quoteIfNeeded(cellText(value), delimiter);
}

/**
 * One CSV line (without its terminator). Joined in one step: adding the fields one by one would leave
 * a chain of partial strings per line for the garbage collector, twice the line work of an export.
 */
export function csvLine(cells: readonly unknown[], delimiter = ','): string {
  const fields = new Array<string>(cells.length);
  for (let i = 0; i < cells.length; i++) fields[i] = csvField(cells[i], delimiter);
  return fields.join(delimiter);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The one walk every flattening uses: each leaf of `obj` with the keys leading to it, depth-first in
 * key order. Nested non-empty plain objects are opened; everything else (arrays, empty objects,
 * values) is a leaf. An explicit stack, not recursion, so no depth can overflow the call stack.
 */
function forEachLeaf(obj: Record<string, unknown>, path: string[], leaf: (path: readonly string[], value: unknown) => void): void {
  const base = path.length;
  const stack: { obj: Record<string, unknown>; keys: string[]; i: number }[] = [{ obj, keys: Object.keys(obj), i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.keys.length) {
      stack.pop();
      continue;
    }
    const key = top.keys[top.i++]!;
    const value = top.obj[key];
    path.length = base + stack.length - 1;
    path.push(key);
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      if (keys.length > 0) {
        stack.push({ obj: value, keys, i: 0 });
        continue;
      }
    }
    leaf(path, value);
  }
  path.length = base;
}

/** Nested objects become dotted keys: `{a: {b: 1}, c: 2}` → `{"a.b": 1, c: 2}` (a later equal name wins). */
export function flattenObject(obj: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  forEachLeaf(obj, prefix === '' ? [] : [prefix], (path, value) => {
    out[path.join('.')] = value;
  });
  return out;
}

/** The dotted keys `flattenObject` would produce, in the same order. */
export function flattenKeys(obj: Record<string, unknown>): string[] {
  return flattenPaths(obj).map((path) => path.join('.'));
}

/** The leaf values `flattenObject` would produce, in the same order as `flattenKeys`. */
export function flattenValues(obj: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  forEachLeaf(obj, [], (_path, value) => out.push(value));
  return out;
}

/**
 * The leaf paths as lists of keys: `{a: {b: 1}, "c.d": 2}` → `[["a","b"],["c.d"]]`. Unlike the dotted
 * names, the lists say exactly where each value is (the history records its rows' shapes this way).
 */
export function flattenPaths(obj: Record<string, unknown>): string[][] {
  const out: string[][] = [];
  forEachLeaf(obj, [], (path) => out.push([...path]));
  return out;
}

export class CsvWriter {
  private readonly delimiter: string;
  private readonly newline: string;
  private readonly chunkSize: number;
  private buffer = '';
  private failure: Error | null = null;
  private rowsWritten = 0;
  private readonly onError = (error: Error) => {
    this.failure = error;
  };

  constructor(
    private readonly out: Writable,
    options: CsvWriterOptions = {},
  ) {
    this.delimiter = options.delimiter ?? ',';
    this.newline = options.newline ?? '\r\n';
    this.chunkSize = options.chunkSize ?? 256 * 1024;
    if (this.delimiter.length !== 1 || /["\r\n]/.test(this.delimiter)) {
      throw new Error(`The CSV delimiter must be one character other than a quote or line break (got ${JSON.stringify(this.delimiter)}).`);
    }
    if (options.bom) this.buffer = '\uFEFF';
    out.on('error', this.onError);
  }

  get rows(): number {
    return this.rowsWritten;
  }

  /**
   * Adds one row. Returns a promise only when a chunk went to the stream (wait for it: the stream may
   * be full), else null, so a loop over a million rows awaits once per chunk, not once per row.
   */
  writeRow(cells: readonly unknown[]): Promise<void> | null {
    this.buffer += csvLine(cells, this.delimiter) + this.newline;
    this.rowsWritten++;
    return this.buffer.length >= this.chunkSize ? this.flush() : null;
  }

  /** Hands what is gathered to the stream, waiting for 'drain' when its buffer is full. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk)) await this.waitForDrain();
    if (this.failure) throw this.failure;
  }

  /** Flushes the rest and ends the stream; resolves when everything is written ('finish'). */
  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const onFinish = () => {
        this.out.off('error', onFail);
        resolve();
      };
      const onFail = (error: Error) => {
        this.out.off('finish', onFinish);
        reject(error);
      };
      this.out.once('finish', onFinish);
      this.out.once('error', onFail);
      this.out.end();
    });
    this.out.off('error', this.onError);
  }

  private waitForDrain(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        cleanup();
        resolve();
      };
      const onFail = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onClose = () => {
        cleanup();
        reject(this.failure ?? new Error('The file being written was closed before the export finished.'));
      };
      const cleanup = () => {
        this.out.off('drain', onDrain);
        this.out.off('error', onFail);
        this.out.off('close', onClose);
      };
      this.out.on('drain', onDrain);
      this.out.on('error', onFail);
      this.out.on('close', onClose);
    });
  }
}

/**
 * The header names of the result columns, following the export rule shared with the bulk export: a
 * result field whose name is already an input column is written as `prediction_<name>` (and, should
 * that be taken too, `prediction_<name>_2`, …).
 */
export function resultColumnNames(inputColumns: readonly string[], resultFields: readonly string[]): string[] {
  const taken = new Set(inputColumns);
  const names: string[] = [];
  for (const field of resultFields) {
    let name = field;
    if (taken.has(name)) {
      name = `prediction_${field}`;
      for (let n = 2; taken.has(name); n++) name = `prediction_${field}_${n}`;
    }
    taken.add(name);
    names.push(name);
  }
  return names;
}

/** Each list of names' positions, made once: the exports pass the same list for every row. */
const namePositions = new WeakMap<readonly string[], Map<string, number>>();

function positionsOf(names: readonly string[]): Map<string, number> {
  const positions = new Map(names.map((name, i) => [name, i]));
  namePositions.set(names, positions);
  return positions;
}

/**
 * Puts into `out`, from `offset`, the value `flattenObject(obj)` has under each of `names` (distinct;
 * undefined where it has none): the exports' per-row step. It walks the row's own keys, usually far
 * fewer than the export's columns, and flattens only the nested objects it meets; keys are visited in
 * flattenObject's order, so when two paths give the same dotted name the later one wins there too.
 */
export function pickFlattened(obj: Record<string, unknown>, names: readonly string[], out: unknown[], offset: number): void {
  const positions = namePositions.get(names) ?? positionsOf(names);
  out.fill(undefined, offset, offset + names.length);
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      forEachLeaf(value, [key], (path, leaf) => {
        const i = positions.get(path.join('.'));
        if (i !== undefined) out[offset + i] = leaf;
      });
    } else {
      const i = positions.get(key);
      if (i !== undefined) out[offset + i] = value;
    }
  }
}
