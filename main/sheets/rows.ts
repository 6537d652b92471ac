import { describeRenames, makeHeader } from './header';
import { chooseHeaderIndex, filledCells, HEADER_SAMPLE_ROWS, MAX_HEADER_SAMPLE_ROWS } from './header-row';
import { ImportError, LIMITS, type ImportNotice, type RowSink, type SheetHeader, type SheetRow } from './types';

export interface PipelineOptions {
  fileName: string;
  batchSize: number;
  /** Stop after this many data rows (preview). */
  maxRows?: number;
  /** How the separator is named in messages, e.g. 'comma'. Absent for workbooks. */
  separatorName?: string;
  /**
   * Drop unnamed header cells at the end of the header row (CSV: "a,b," has two columns, the last
   * comma is a leftover). Off for workbooks, whose used range is explicit: an unnamed column with
   * data in it becomes column_N there.
   */
  trimHeader: boolean;
  /** Whether the text read so far held no U+001E/U+001F (see BatchFacts); absent: unknown. */
  noUnitSeparators?: () => boolean;
  /** The header's row number, chosen by the person; absent: found automatically. */
  headerRow?: number;
}

interface SampledRow {
  rowNumber: number;
  cells: string[];
  /** Blank rows just before this one. */
  blanksBefore: number;
}

/** Rows above the header kept for the preview, so the person can pick another header row. */
const ROWS_ABOVE_KEPT = MAX_HEADER_SAMPLE_ROWS;

function isBlank(cells: readonly string[]): boolean {
  for (const c of cells) {
    if (c.length === 0) continue;
    if (c.charCodeAt(0) > 32) return false;
    if (c.trim() !== '') return false;
  }
  return true;
}

const NUMBER_LIKE = /^[+-]?(\d+([.,]\d+)*|\.\d+)$/;

export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/**
 * Turns parsed records (from CSV or a sheet) into header + numbered data rows for the sink:
 * skips blank rows (still counting them, so row numbers match the file), evens out short rows,
 * refuses rows with extra values, enforces the size limits, and batches rows for the sink.
 * `add` is synchronous for speed; when it returns true the caller must `await flush()`.
 */
export class RowPipeline {
  /** Row number of the last record seen (header = 1 when it is the first line). */
  recordNumber = 0;
  header: SheetHeader | null = null;
  headerRowNumber = 0;
  width = 0;
  rows = 0;
  private batch: SheetRow[] = [];
  private batchCells = 0;
  private headerPending = false;
  private blankRun = 0;
  private blankMiddle = 0;
  private firstBlankMiddle = 0;
  private leadingBlank = 0;
  private shortRows = 0;
  private firstShortRow = 0;
  private trailingEmptyCells = 0;
  private formulaRow = 0;
  /** Non-blank rows held until the header is chosen. */
  private sample: SampledRow[] | null = [];
  private wideSampled = 0;
  /** Non-blank rows above the header (a title, notes), for the preview. */
  rowsAbove: { rowNumber: number; values: string[] }[] = [];
  /** Rows held for choosing the header were left undelivered because the preview had enough. */
  cutShort = false;

  constructor(
    private readonly sink: RowSink,
    private readonly notices: ImportNotice[],
    private readonly o: PipelineOptions,
  ) {}

  get done(): boolean {
    return this.o.maxRows !== undefined && this.rows >= this.o.maxRows;
  }

  /** The row number the next record will get: used to name the row in parse errors. */
  get nextRowNumber(): number {
    return this.recordNumber + 1;
  }

  columnName(index: number): string {
    return this.headerName(index) ?? `column ${index + 1}`;
  }

  /** The column's name, from the header or, while it is not chosen yet, from the likely one. */
  headerName(index: number): string | undefined {
    if (this.header) return this.header.columns[index];
    const s = this.sample;
    if (!s || s.length === 0) return undefined;
    const name = s[chooseHeaderIndex(s.map((r) => r.cells))]!.cells[index]?.trim();
    return name === '' ? undefined : name;
  }

  describeColumn(index: number): string {
    const name = this.headerName(index);
    return name === undefined ? `column ${index + 1} (${columnLetter(index)})` : `column ${index + 1} ("${name}")`;
  }

  add(cells: string[], checkLengths: boolean): boolean {
    const rowNumber = ++this.recordNumber;
    if (checkLengths) this.checkLengths(cells, rowNumber);
    if (isBlank(cells)) {
      this.blankRun++;
      return false;
    }
    if (this.sample) {
      const wanted = this.o.headerRow;
      if (wanted !== undefined) {
        if (rowNumber < wanted) {
          this.keepAbove(rowNumber, cells);
          this.blankRun = 0;
          return false;
        }
        this.sample = null;
        this.leadingBlank = rowNumber === wanted ? 0 : this.blankRun;
        this.blankRun = 0;
        if (rowNumber !== wanted) throw blankHeaderRow(wanted);
        this.setHeader(cells, rowNumber);
        return true;
      }
      this.sample.push({ rowNumber, cells, blanksBefore: this.blankRun });
      this.blankRun = 0;
      if (filledCells(cells) >= 2) this.wideSampled++;
      return this.wideSampled >= HEADER_SAMPLE_ROWS || this.sample.length >= MAX_HEADER_SAMPLE_ROWS ? this.settleHeader() : false;
    }
    return this.dataRow(cells, rowNumber);
  }

  /**
   * Chooses the header among the rows held so far and passes the rows below it on. Returns true
   * when the caller must flush. Called by `add` once enough rows are held, and by `finish`.
   */
  settleHeader(): boolean {
    const sample = this.sample;
    if (!sample || this.o.headerRow !== undefined) return false;
    this.sample = null;
    if (sample.length === 0) return false;
    const h = chooseHeaderIndex(sample.map((r) => r.cells));
    for (let i = 0; i < h; i++) this.keepAbove(sample[i]!.rowNumber, sample[i]!.cells);
    this.leadingBlank = sample.slice(0, h + 1).reduce((n, r) => n + r.blanksBefore, 0);
    const pendingBlanks = this.blankRun;
    this.setHeader(sample[h]!.cells, sample[h]!.rowNumber);
    if (h > 0) {
      const shown = sample
        .slice(0, h)
        .map((r) => r.cells.filter((c) => c.trim() !== '').join(' ').trim())
        .slice(0, 2)
        .map((t) => `"${t.length > 40 ? `${t.slice(0, 39)}…` : t}"`)
        .join(', ');
      this.notices.push({
        kind: 'header',
        message: `The column names were taken from row ${sample[h]!.rowNumber}; the ${h === 1 ? 'row' : `${h} rows`} above it (${shown}${h > 2 ? ', …' : ''}) ${h === 1 ? 'looks' : 'look'} like a title or notes and ${h === 1 ? 'was' : 'were'} left out. If the names are in another row, choose that row as the header.`,
      });
    }
    for (let i = h + 1; i < sample.length; i++) {
      if (this.done) {
        this.cutShort = true;
        break;
      }
      this.blankRun = sample[i]!.blanksBefore;
      this.dataRow(sample[i]!.cells, sample[i]!.rowNumber);
    }
    this.blankRun = pendingBlanks;
    // The header is delivered with the first full batch, as when it is the first row.
    return this.batch.length >= this.o.batchSize || this.batchCells >= LIMITS.maxBatchCells || this.done;
  }

  private keepAbove(rowNumber: number, cells: string[]): void {
    if (this.rowsAbove.length < ROWS_ABOVE_KEPT) this.rowsAbove.push({ rowNumber, values: cells });
  }

  private dataRow(cells: string[], rowNumber: number): boolean {
    if (this.blankRun > 0) {
      if (this.blankMiddle === 0) this.firstBlankMiddle = rowNumber - this.blankRun;
      this.blankMiddle += this.blankRun;
      this.blankRun = 0;
    }
    const width = this.width;
    if (cells.length !== width) {
      if (cells.length > width) {
        for (let i = width; i < cells.length; i++) {
          if (cells[i]!.trim() !== '') {
            const sep = this.o.separatorName;
            throw new ImportError(
              'ragged_rows',
              `Row ${rowNumber} has ${cells.length} values but the header (row ${this.headerRowNumber}) has ${width} columns.` +
                // A header chosen by the person that is much narrower than the rows is more likely the wrong row than a stray separator.
                (this.o.headerRow !== undefined && width * 2 <= cells.length
                  ? ` Row ${this.headerRowNumber} is probably not the row with the column names: choose another header row.`
                  : sep
                  ? ` Usually a value contains a ${sep} without quotes around it. Put quotes around that value (or remove the extra ${sep}) in row ${rowNumber}, then import the file again.`
                  : ` Give the extra column a name in the header row, or remove the value, then import again.`),
              { row: rowNumber, column: width + 1, values: cells.length, columns: width },
            );
          }
        }
        cells.length = width;
        this.trailingEmptyCells++;
      } else {
        if (this.shortRows === 0) this.firstShortRow = rowNumber;
        this.shortRows++;
        for (let i = cells.length; i < width; i++) cells.push('');
      }
    }
    if (this.formulaRow === 0) {
      for (const c of cells) {
        if (c.charCodeAt(0) === 61 && c.length > 1) {
          this.formulaRow = rowNumber;
          break;
        }
      }
    }
    this.batch.push({ rowNumber, values: cells });
    this.rows++;
    this.batchCells += width;
    return this.batch.length >= this.o.batchSize || this.batchCells >= LIMITS.maxBatchCells || this.done;
  }

  private checkLengths(cells: readonly string[], rowNumber: number): void {
    if (cells.length > LIMITS.maxColumns) throw tooManyColumns(cells.length, rowNumber);
    for (let i = 0; i < cells.length; i++) {
      const len = cells[i]!.length;
      if (len > LIMITS.maxCellChars) throw this.cellTooLong(rowNumber, i, len);
    }
  }

  /** `atLeast`: the value was still being read when the limit was passed, so its full length is unknown. */
  cellTooLong(rowNumber: number, index: number, length: number, atLeast = false): ImportError {
    return new ImportError(
      'cell_too_long',
      `Row ${rowNumber}, ${this.describeColumn(index)} holds a value of ${atLeast ? 'more than ' : ''}${length.toLocaleString('en-US')} characters; a cell can hold at most ${LIMITS.maxCellChars.toLocaleString('en-US')}. Shorten or remove that value (a spreadsheet cell holds at most 32,767), then import again.`,
      { row: rowNumber, column: index + 1, columnName: this.header?.columns[index] },
    );
  }

  private setHeader(cells: string[], rowNumber: number): void {
    if (cells.length > LIMITS.maxColumns) throw tooManyColumns(cells.length, rowNumber);
    // Trailing unnamed, empty header cells are leftovers of a trailing separator, not columns.
    let width = cells.length;
    if (this.o.trimHeader) while (width > 1 && cells[width - 1]!.trim() === '') width--;
    const header = makeHeader(cells.slice(0, width));
    this.header = header;
    this.width = width;
    this.headerRowNumber = rowNumber;
    this.headerPending = true;
    const renames = describeRenames(header);
    if (renames) this.notices.push({ kind: 'header', message: renames });
    if (width > 1 && cells.slice(0, width).every((c) => NUMBER_LIKE.test(c.trim()))) {
      this.notices.push({
        kind: 'header',
        message: `The first row (${cells.slice(0, 3).join(', ')}…) looks like data, not column names, but it was used as the header. If the file has no header row, add one and import again.`,
      });
    }
    if (this.leadingBlank > 0 && this.rowsAbove.length === 0) {
      this.notices.push({ kind: 'blank-rows', message: `The file starts with ${plural(this.leadingBlank, 'blank row')}; the header was taken from row ${rowNumber}.` });
    }
  }

  async flush(): Promise<void> {
    if (this.headerPending && this.header) {
      this.headerPending = false;
      await this.sink.header(this.header);
    }
    if (this.batch.length > 0) {
      const batch = this.batch;
      this.batch = [];
      this.batchCells = 0;
      await this.sink.rows(batch, { noUnitSeparators: this.o.noUnitSeparators?.() ?? false });
    }
  }

  /** Call once at the end of the file: delivers the last batch and adds the summary notices. */
  async finish(stopped: boolean): Promise<void> {
    this.settleHeader();
    const truncated = stopped || this.cutShort;
    if (this.sample && this.o.headerRow !== undefined) throw blankHeaderRow(this.o.headerRow, this.recordNumber);
    if (!this.header) {
      throw new ImportError('empty_file', `"${this.o.fileName}" has no data: ${this.recordNumber > 0 ? 'every row in it is blank' : 'it holds no rows'}. Choose the file that holds your data.`);
    }
    if (this.rows === 0 && !truncated) {
      const names = this.header.columns.slice(0, 4).join(', ') + (this.header.columns.length > 4 ? ', …' : '');
      throw new ImportError(
        'header_only',
        `"${this.o.fileName}" has a header row (${names}) but no data rows below it. Add at least one row of data under the header, then import again.`,
        { row: this.headerRowNumber + 1 },
      );
    }
    await this.flush();
    if (!truncated && this.blankRun > 0) {
      this.notices.push({ kind: 'trailing-blank', message: `${plural(this.blankRun, 'blank row')} at the end of the file ${this.blankRun === 1 ? 'was' : 'were'} ignored.` });
    }
    if (this.blankMiddle > 0) {
      this.notices.push({ kind: 'blank-rows', message: `${plural(this.blankMiddle, 'blank row')} between the data ${this.blankMiddle === 1 ? 'was' : 'were'} skipped (the first is row ${this.firstBlankMiddle}).` });
    }
    if (this.shortRows > 0) {
      this.notices.push({
        kind: 'short-rows',
        message: `${plural(this.shortRows, 'row')} had fewer values than there are columns (the first is row ${this.firstShortRow}); the missing cells were left blank.`,
      });
    }
    if (this.trailingEmptyCells > 0) {
      this.notices.push({ kind: 'trailing-empty-cells', message: `${plural(this.trailingEmptyCells, 'row')} had empty cells after the last column; they were ignored.` });
    }
    if (this.formulaRow > 0) {
      this.notices.push({
        kind: 'formulas',
        message: `Some cells start with "=" like spreadsheet formulas (the first is in row ${this.formulaRow}). They were imported as plain text and are never calculated; exports write them so spreadsheets will not run them.`,
      });
    }
  }
}

function blankHeaderRow(row: number, lastRow?: number): ImportError {
  return new ImportError(
    'header_row_missing',
    lastRow !== undefined && row > lastRow
      ? `The header row was set to row ${row}, but the sheet has only ${lastRow} rows. Choose the row that holds the column names.`
      : `The header row was set to row ${row}, but that row is blank. Choose the row that holds the column names.`,
    { row },
  );
}

export function tooManyColumns(count: number, rowNumber: number, atLeast = false): ImportError {
  return new ImportError(
    'too_many_columns',
    `Row ${rowNumber} has ${atLeast ? 'more than ' : ''}${count.toLocaleString('en-US')} columns; the most that can be imported is ${LIMITS.maxColumns.toLocaleString('en-US')}. Remove the columns your model does not use (or split the file), then import again.`,
    { row: rowNumber, columns: count },
  );
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
