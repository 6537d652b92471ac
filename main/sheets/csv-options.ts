import { Writable } from 'node:stream';
import iconv from 'iconv-lite';
import { encodingLabel } from './sniff';
import type { CsvWriterOptions } from './csv-writer';

/**
 * How an export is written: an Excel workbook, or CSV with a chosen separator, encoding and
 * byte-order mark. The default CSV is UTF-8 with the mark (Excel then reads accents right); "like the
 * file I loaded" takes the separator and encoding the import found in the person's own file.
 */

export type CsvSeparator = ',' | ';' | '\t' | '|';

export type ExportFormat =
  | { kind: 'xlsx' }
  | {
      kind: 'csv';
      /** Start the file with a byte-order mark; only UTF-8, UTF-16 and UTF-32 have one. */
      bom: boolean;
      separator: CsvSeparator;
      /** An iconv-lite / WHATWG label: 'utf-8', 'windows-1252', 'utf-16le', 'shift_jis' … */
      encoding: string;
    };

export type CsvExportFormat = Extract<ExportFormat, { kind: 'csv' }>;

export const SEPARATORS: readonly CsvSeparator[] = [',', ';', '\t', '|'];

export const DEFAULT_CSV_FORMAT: CsvExportFormat = { kind: 'csv', bom: true, separator: ',', encoding: 'utf-8' };

/** What the import found about the file the rows came from (ImportResult's encoding and delimiter). */
export interface InputFileFacts {
  /** The encoding the text was read with, or 'xlsx' for a workbook. */
  encoding: string;
  delimiter?: string;
  /** Whether the text began with a byte-order mark; unknown when not recorded. */
  bom?: boolean;
}

/** The format an export starts with before the person chooses: .xlsx for an .xlsx input, else CSV UTF-8 with a BOM. */
export function defaultExportFormat(inputKind: 'xlsx' | 'csv' | null): ExportFormat {
  return inputKind === 'xlsx' ? { kind: 'xlsx' } : { ...DEFAULT_CSV_FORMAT };
}

/** Whether the encoding has a byte-order mark at all. */
export function encodingHasBom(encoding: string): boolean {
  return /^utf-?(8|16|32)/i.test(encoding);
}

/**
 * "Like the file I loaded": the input's separator and encoding. A workbook gives a workbook. A mark is
 * written where the input had one; when the import did not record that, UTF-8/16/32 get one, because
 * without it Excel guesses the encoding wrong.
 */
export function likeInputFormat(input: InputFileFacts): ExportFormat {
  if (input.encoding === 'xlsx') return { kind: 'xlsx' };
  const encoding = normaliseEncoding(input.encoding) ?? 'utf-8';
  const separator = SEPARATORS.find((s) => s === input.delimiter) ?? ',';
  const bom = encodingHasBom(encoding) && (input.bom ?? true);
  return { kind: 'csv', bom, separator, encoding };
}

/** The lower-case label iconv-lite knows this encoding by, or null when it does not know it. */
export function normaliseEncoding(encoding: string): string | null {
  const label = encoding.trim().toLowerCase();
  return label !== '' && iconv.encodingExists(label) ? label : null;
}

/**
 * A remembered choice read back from settings: a well-formed ExportFormat, or null (then the caller
 * falls back to defaultExportFormat) when it is missing, damaged or names an unknown encoding.
 */
export function parseExportFormat(value: unknown): ExportFormat | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.kind === 'xlsx') return { kind: 'xlsx' };
  if (v.kind !== 'csv' || typeof v.bom !== 'boolean' || typeof v.encoding !== 'string') return null;
  const separator = SEPARATORS.find((s) => s === v.separator);
  const encoding = normaliseEncoding(v.encoding);
  if (!separator || !encoding) return null;
  return { kind: 'csv', bom: v.bom && encodingHasBom(encoding), separator, encoding };
}

/** The file name ending for this format. */
export function exportExtension(format: ExportFormat): '.xlsx' | '.csv' | '.tsv' {
  if (format.kind === 'xlsx') return '.xlsx';
  return format.separator === '\t' ? '.tsv' : '.csv';
}

/** A short description for the export dialog, e.g. "CSV, semicolons, Windows-1252 (Western European)". */
export function describeExportFormat(format: ExportFormat): string {
  if (format.kind === 'xlsx') return 'Excel workbook (.xlsx)';
  const sep = format.separator === ',' ? 'commas' : format.separator === ';' ? 'semicolons' : format.separator === '\t' ? 'tabs' : 'vertical bars';
  const bom = encodingHasBom(format.encoding) ? (format.bom ? ' with byte-order mark' : ' without byte-order mark') : '';
  return `CSV, ${sep}, ${encodingLabel(format.encoding)}${bom}`;
}

/** Where a CsvWriter should write for this format, and with which options. */
export interface CsvOutput {
  /** Pass to `new CsvWriter(sink, writerOptions)`. */
  writerOptions: CsvWriterOptions;
  /** The file itself for UTF-8; otherwise an encoding stream in front of it that finishes when the file has. */
  sink: Writable;
  /** Characters the encoding cannot hold, written as "?" (always 0 for UTF-8/16/32). */
  replacedChars(): number;
}

/**
 * Sets a CSV export up for `format` on the opened file `file`. UTF-8 goes straight to the file (the
 * CsvWriter writes the mark); any other encoding goes through an iconv-lite encoder, which writes the
 * mark itself when asked.
 */
export function csvOutput(format: CsvExportFormat, file: Writable): CsvOutput {
  const encoding = normaliseEncoding(format.encoding);
  if (!encoding) throw new Error(`The encoding "${format.encoding}" is not one the export can write. Choose UTF-8 or the encoding of another file.`);
  if (encoding === 'utf-8' || encoding === 'utf8') {
    return { writerOptions: { delimiter: format.separator, bom: format.bom }, sink: file, replacedChars: () => 0 };
  }
  const sink = new EncodingWritable(encoding, format.bom && encodingHasBom(encoding), file);
  return { writerOptions: { delimiter: format.separator, bom: false }, sink, replacedChars: () => sink.replaced };
}

/**
 * Text in, bytes of `encoding` out to `out`.
 * Honours `out`'s back-pressure, and emits 'finish' only once `out` has finished, so CsvWriter.end()
 * resolves when the file is complete.
 */
class EncodingWritable extends Writable {
  private readonly encoder: { write(text: string): Buffer; end(): Buffer | undefined };
  private readonly countReplaced: boolean;
  replaced = 0;

  constructor(
    encoding: string,
    addBom: boolean,
    private readonly out: Writable,
  ) {
    super({ decodeStrings: false, highWaterMark: 1 << 20 });
    this.encoder = iconv.getEncoder(encoding, { addBOM: addBom });
    this.countReplaced = !encodingHasBom(encoding);
    out.on('error', (error) => this.destroy(error));
  }

  override _write(chunk: string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.push(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const tail = this.encoder.end();
    if (tail && tail.length > 0) this.out.write(tail);
    this.out.end(() => callback());
  }

  private push(text: string, callback: () => void): void {
    if (text === '') return callback();
    const bytes = this.encoder.write(text);
    // A single-byte or double-byte encoding writes "?" for what it cannot hold; count the extra ones.
    if (this.countReplaced) this.replaced += countByte(bytes, 0x3f) - countChar(text, '?');
    if (this.out.write(bytes)) callback();
    else this.out.once('drain', callback);
  }
}

function countByte(bytes: Buffer, byte: number): number {
  let n = 0;
  for (let i = bytes.indexOf(byte); i !== -1; i = bytes.indexOf(byte, i + 1)) n++;
  return n;
}

function countChar(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}
