import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import { detectNewline, hasOnlyNewline, normalizeLineEndings, type Newline } from './line-endings';
import { RowPipeline, tooManyColumns } from './rows';
import { ImportError, LIMITS, type ImportNotice, type ImportOptions, type ImportResult, type RowSink } from './types';

/** How much decoded text is looked at to choose the separator and the line ending. */
const HEAD_CHARS = 64 * 1024;
const READ_CHUNK_BYTES = 64 * 1024;

const SEPARATORS = [',', ';', '\t', '|'] as const;

export function separatorName(d: string): string {
  return d === ',' ? 'comma' : d === ';' ? 'semicolon' : d === '\t' ? 'tab' : d === '|' ? 'vertical bar (|)' : d === ' ' ? 'space' : `"${d}"`;
}

interface ParseError {
  code: string;
  row?: number;
  index?: number;
}
interface ParseOutput {
  data: string[][];
  errors: ParseError[];
  meta: { cursor: number };
}

/**
 * Picks the separator that splits the first rows into the same number of columns, agreeing with
 * the header. Candidates are tried in the order the extension makes likely, which breaks ties.
 */
export function detectSeparator(head: string, newline: Newline, complete: boolean, ext: string): string {
  const order: string[] = ext === '.tsv' || ext === '.tab' ? ['\t', ',', ';', '|'] : [...SEPARATORS];
  let best = order[0]!;
  let bestScore = -1;
  for (const delimiter of order) {
    const parser = new Papa.Parser({ delimiter, newline, preview: 0 });
    let out = parser.parse(head, 0, !complete) as ParseOutput;
    // A header row longer than the sample: judge by the part we have.
    if (out.data.length === 0) out = parser.parse(head, 0, false) as ParseOutput;
    const records = out.data.filter((r) => r.some((c) => c.trim() !== '')).slice(0, 100);
    if (records.length === 0) continue;
    const counts = new Map<number, number>();
    for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let mode = 0;
    let modeCount = 0;
    for (const [len, n] of counts) if (n > modeCount || (n === modeCount && len > mode)) [mode, modeCount] = [len, n];
    if (mode < 2) continue;
    const score = modeCount / records.length + (records[0]!.length === mode ? 1 : 0);
    if (score > bestScore + 1e-9) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

interface TextDecoderLike {
  write(b: Buffer): string;
  end(): string | undefined;
}

function makeDecoder(encoding: string): TextDecoderLike {
  if (encoding === 'utf-8') return new StringDecoder('utf8');
  return iconv.getDecoder(encoding, { stripBOM: false });
}

function abortIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImportError('cancelled', 'The import was cancelled. No rows were kept.');
}

/**
 * Streams a delimited text file into the sink. papaparse's Parser does the CSV parsing; this loop
 * does what its own stream mode does, with three differences that matter here: it awaits the sink
 * before reading on (back-pressure, so memory stays flat however slow the sink is); a row that has
 * not ended yet is re-parsed only after the unread text has doubled, not on every chunk (papaparse
 * re-parses it each time, which is quadratic on a 50 MB line); and it stops as soon as a cell or a
 * row passes the size limits.
 */
export async function importCsv(
  path: string,
  sniff: { encoding: string; bomBytes: number; size: number; notices: ImportNotice[] },
  sink: RowSink,
  opts: ImportOptions & { maxRows?: number },
): Promise<ImportResult> {
  const fileName = basename(path);
  const ext = extname(path).toLowerCase();
  const notices: ImportNotice[] = [...sniff.notices];
  const signal = opts.signal;
  abortIfCancelled(signal);

  const decoder = makeDecoder(sniff.encoding);
  let parser: InstanceType<typeof Papa.Parser> | null = null;
  let delimiter = ',';
  let newline: Newline = '\n';
  let singleColumnHint: string | null = null;
  // CRs at the end of a chunk may be the first half of a CRLF: they wait for the next chunk.
  let carry = '';
  let pipeline: RowPipeline | null = null;
  let head = '';
  let pending = '';
  let parseAt = 0;
  let nulSeen = false;
  // Checked per chunk of text, so a sink can skip checking every value (BatchFacts).
  let unitSeparatorSeen = false;
  let bytes = sniff.bomBytes;
  let stopped = false;

  const setUp = (text: string, complete: boolean): RowPipeline => {
    newline = detectNewline(text);
    const sample = hasOnlyNewline(text, newline) ? text : normalizeLineEndings(text, newline);
    delimiter = detectSeparator(sample, newline, complete, ext);
    singleColumnHint = singleColumnSuggestion(sample, newline, delimiter);
    const expected = ext === '.tsv' || ext === '.tab' ? '\t' : ',';
    if (delimiter !== expected) {
      const shown = delimiter === '\t' ? 'tabs' : delimiter === ';' ? 'semicolons (;)' : delimiter === '|' ? 'vertical bars (|)' : 'commas (,)';
      notices.push({ kind: 'delimiter', message: `Columns in this file are separated by ${shown}.` });
    }
    parser = new Papa.Parser({ delimiter, newline });
    return new RowPipeline(sink, notices, {
      fileName,
      batchSize: Math.max(1, opts.batchSize ?? LIMITS.defaultBatchSize),
      maxRows: opts.maxRows,
      separatorName: separatorName(delimiter),
      trimHeader: true,
      noUnitSeparators: () => !unitSeparatorSeen,
      ...(opts.headerRow !== undefined ? { headerRow: opts.headerRow } : {}),
    });
  };

  const report = (): void => {
    opts.onProgress?.({ bytes, totalBytes: sniff.size, rows: pipeline?.rows ?? 0 });
  };

  /** Parses what has arrived; returns true when the preview has enough rows. */
  const feed = async (text: string, final: boolean): Promise<boolean> => {
    const p = pipeline!;
    if (text.length > 0) {
      if (!nulSeen && text.indexOf('\u0000') !== -1) nulSeen = true;
      if (!unitSeparatorSeen && (text.indexOf('\u001e') !== -1 || text.indexOf('\u001f') !== -1)) unitSeparatorSeen = true;
      pending = pending.length > 0 ? pending + text : text;
    }
    if (pending.length === 0 || (!final && pending.length < parseAt)) return false;
    // `pending` always starts at the start of a row, so quote tracking can start there.
    if (!hasOnlyNewline(pending, newline)) pending = normalizeLineEndings(pending, newline, delimiter);
    const input = pending;
    const out = parser!.parse(input, 0, !final) as ParseOutput;
    const data = out.data;
    // Rows before the first broken one go through first, so errors come in file order and name
    // columns by the header.
    let errorAt = Infinity;
    let firstError: ParseError | undefined;
    for (const err of out.errors) {
      const r = err.row ?? 0;
      if (r < data.length && r < errorAt) [errorAt, firstError] = [r, err];
    }
    if (final) {
      pending = '';
      const last = data[data.length - 1];
      if (last && last.length === 1 && last[0] === '' && /[\r\n]$/.test(input)) data.pop();
    } else {
      pending = input.slice(out.meta.cursor);
      if (data.length === 0) {
        // Nothing finished yet: wait for twice as much text before trying again (linear, not quadratic).
        parseAt = pending.length * 2;
        if (pending.length > LIMITS.maxCellChars) diagnoseUnfinishedRow(pending, p);
        return false;
      }
      parseAt = 0;
    }
    // No cell can pass the limit unless the text parsed does.
    const checkLengths = input.length > LIMITS.maxCellChars;
    for (let i = 0; i < data.length; i++) {
      if (i === errorAt) throw quoteError(firstError!, data[i]!, input, p);
      if (nulSeen) checkNul(data[i]!, p);
      if (p.add(data[i]!, checkLengths)) {
        await p.flush();
        if (p.done) return true;
        abortIfCancelled(signal);
      }
    }
    return false;
  };

  const diagnoseUnfinishedRow = (text: string, p: RowPipeline): void => {
    const out = parser!.parse(text, 0, false) as ParseOutput;
    const record = out.data[0] ?? [];
    const rowNumber = p.nextRowNumber;
    const invalid = out.errors.find((e) => e.code === 'InvalidQuotes');
    if (invalid) throw quoteError(invalid, record, text, p);
    if (record.length > LIMITS.maxColumns) throw tooManyColumns(record.length, rowNumber, true);
    const unterminated = out.errors.some((e) => e.code === 'MissingQuotes');
    for (let i = 0; i < record.length; i++) {
      const cell = record[i]!;
      if (cell.length <= LIMITS.maxCellChars) continue;
      const lineBreaks = countLineBreaks(cell, 3);
      if (unterminated && i === record.length - 1 && lineBreaks >= 3) {
        throw new ImportError(
          'unclosed_quote',
          `Row ${rowNumber}, ${p.describeColumn(i)} starts with a quote (") that is not closed for more than ${LIMITS.maxCellChars.toLocaleString('en-US')} characters, so the rest of the file would end up in that one cell. Add the missing closing quote in row ${rowNumber} (or remove the opening one), then import again.`,
          { row: rowNumber, column: i + 1, columnName: p.headerName(i) },
        );
      }
      throw p.cellTooLong(rowNumber, i, cell.length, true);
    }
    if (text.length > LIMITS.maxRowChars) {
      throw new ImportError(
        'row_too_long',
        `Row ${rowNumber} is longer than ${LIMITS.maxRowChars.toLocaleString('en-US')} characters and has not ended yet. A row this long is not spreadsheet data; check that the file is the one you meant and that its rows end with line breaks.`,
        { row: rowNumber },
      );
    }
  };

  const stream = createReadStream(path, { start: sniff.bomBytes, highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      bytes += buf.length;
      abortIfCancelled(signal);
      let text = carry + decoder.write(buf);
      carry = '';
      if (text.endsWith('\r')) {
        // All trailing CRs: a `\r\r\n` ending may be cut after any of them.
        const keep = text.replace(/\r+$/, '');
        carry = text.slice(keep.length);
        text = keep;
      }
      if (!pipeline) {
        head += text;
        if (head.length < HEAD_CHARS) continue;
        pipeline = setUp(head, false);
        text = head;
        head = '';
      }
      if (await feed(text, false)) {
        stopped = true;
        break;
      }
      report();
    }
    if (!stopped) {
      const tail = carry + (decoder.end() ?? '');
      if (!pipeline) {
        const all = head + tail;
        if (all.trim() === '' && !all.includes('\u0000')) {
          throw new ImportError('empty_file', `"${fileName}" has no data: it holds only blank lines or spaces. Choose the file that holds your data.`);
        }
        pipeline = setUp(all, true);
        stopped = await feed(all, true);
      } else {
        stopped = await feed(tail, true);
      }
    }
  } catch (e) {
    if (e instanceof ImportError) throw e;
    const code = (e as { code?: string }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      throw new ImportError('file_unreadable', `Reading "${fileName}" failed part-way (${code}). Check that the file is still there and the disk is connected, then try again.`);
    }
    throw e;
  } finally {
    stream.destroy();
  }
  if (!pipeline) throw new Error('unreachable: the pipeline is set up before the end of the file');
  await pipeline.finish(stopped);
  if (pipeline.width === 1 && singleColumnHint) notices.push({ kind: 'single-column', message: singleColumnHint });
  report();
  return {
    rows: pipeline.rows,
    columns: pipeline.header!.columns,
    headerRow: pipeline.headerRowNumber,
    rowsAboveHeader: pipeline.rowsAbove,
    notices,
    encoding: sniff.encoding,
    delimiter,
    ...(stopped || pipeline.cutShort ? { truncated: true } : {}),
  };
}

/** Characters that separate columns in files people export, tried when none of the usual ones does. */
const LIKELY_SEPARATORS = [',', ';', '\t', '|', ':', '^', '~', '#', '/', ' '];

/**
 * When `delimiter` leaves the header as one column, a notice saying so and naming the character
 * that appears equally often (at least once) on most of the first lines, if there is one.
 */
export function singleColumnSuggestion(sample: string, newline: Newline, delimiter: string): string | null {
  const lines = sample.split(newline).filter((l) => l.trim() !== '').slice(0, 50);
  if (lines.length === 0) return null;
  const header = new Papa.Parser({ delimiter, newline }).parse(lines[0]!, 0, false) as ParseOutput;
  if ((header.data[0]?.length ?? 0) > 1) return null;
  let best: { sep: string; share: number } | null = null;
  for (const sep of LIKELY_SEPARATORS) {
    const counts = lines.map((l) => l.split(sep).length - 1);
    const first = counts[0]!;
    if (first === 0) continue;
    const share = counts.filter((n) => n === first).length / lines.length;
    if (share >= 0.8 && (!best || share > best.share)) best = { sep, share };
  }
  const base = `Every row of this file was read as a single column: no comma, semicolon, tab or vertical bar separates its values.`;
  if (!best) return `${base} If the file should have several columns, save it from its program as CSV and import it again.`;
  return `${base} Its lines contain ${separatorName(best.sep)} characters at the same places, so the values are probably separated by ${separatorName(best.sep)}. Save the file with commas (CSV) and import it again.`;
}

function countLineBreaks(s: string, atMost: number): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1 && n < atMost; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function quoteError(err: ParseError, record: string[], input: string, p: RowPipeline): ImportError {
  const rowNumber = p.nextRowNumber;
  if (err.code === 'MissingQuotes') {
    const col = Math.max(0, record.length - 1);
    return new ImportError(
      'unclosed_quote',
      `Row ${rowNumber}, ${p.describeColumn(col)} starts with a quote (") that is never closed, so everything after it to the end of the file would become one cell. Add the missing closing quote in row ${rowNumber} (or remove the opening one), then import again.`,
      { row: rowNumber, column: col + 1, columnName: p.headerName(col) },
    );
  }
  // papaparse points just past the opening quote of the broken value.
  const at = err.index ?? 0;
  const rest = input.slice(at, at + 60);
  const snippet = input.slice(Math.max(0, at - 1), at + 40).split(/\r?\n|\r/)[0];
  const col = record.findIndex((f) => f.length > 0 && rest.startsWith(f.slice(0, 20)));
  const where = col >= 0 ? `, ${p.describeColumn(col)},` : '';
  return new ImportError(
    'bad_quotes',
    `Row ${rowNumber}${where} has a quoted value with more text after its closing quote: ${snippet}. Inside a quoted value write a quote as two quotes (""), and put the whole value in quotes; then import again.`,
    col >= 0 ? { row: rowNumber, column: col + 1, columnName: p.headerName(col) } : { row: rowNumber },
  );
}

function checkNul(record: string[], p: RowPipeline): void {
  for (let c = 0; c < record.length; c++) {
    if (record[c]!.indexOf('\u0000') !== -1) {
      const rowNumber = p.nextRowNumber;
      throw new ImportError(
        'nul_bytes',
        `Row ${rowNumber}, ${p.describeColumn(c)} contains a NUL character (a zero byte), which never appears in a real CSV file. The file is damaged or is not a text spreadsheet. Export it again from the program that made it, then import the new copy.`,
        { row: rowNumber, column: c + 1 },
      );
    }
  }
}
