import { AppError } from '../../shared/ipc/errors';

/**
 * The header row as the importer delivers it: every name is unique and non-empty, so later steps
 * (mapping, export) can key on it. `renamed` lists what was changed so the UI can show it.
 */
export interface SheetHeader {
  columns: string[];
  renamed: { index: number; original: string; name: string }[];
}

export type ImportNoticeKind =
  | 'encoding'
  | 'delimiter'
  | 'header'
  | 'trailing-blank'
  | 'blank-rows'
  | 'short-rows'
  | 'trailing-empty-cells'
  | 'formulas'
  | 'file-type'
  | 'sheet'
  | 'single-column'
  | 'formula-errors'
  | 'numbers'
  | 'values';

/** Something the person should know about how their file was read; never a failure. */
export interface ImportNotice {
  kind: ImportNoticeKind;
  message: string;
}

/**
 * One data row. `rowNumber` counts as a spreadsheet user does: the header is row 1 and the first
 * data row is row 2. Blank rows that were skipped still count, so "row 57" is row 57 when the file
 * is opened in Excel (a quoted value with line breaks is one row, as in Excel, not several lines).
 */
export interface SheetRow {
  rowNumber: number;
  values: string[];
}

/**
 * Where imported rows go. The importer awaits each call before it reads on, so a slow sink slows
 * the import down instead of making it buffer (back-pressure). `values` always has exactly
 * `header.columns.length` entries. If the import fails part-way the sink has already received
 * some rows: the caller discards them (for example by rolling back its transaction).
 */
export interface RowSink {
  header(h: SheetHeader): void | Promise<void>;
  rows(batch: SheetRow[], facts?: BatchFacts): void | Promise<void>;
}

/** What the importer knows about a batch without looking at every value. */
export interface BatchFacts {
  /**
   * No value holds U+001E or U+001F (the CSV's text had none): a sink that joins values with those
   * separators need not check each value.
   */
  noUnitSeparators: boolean;
}

export interface ImportResult {
  /** Data rows delivered to the sink (blank rows not counted). */
  rows: number;
  columns: string[];
  notices: ImportNotice[];
  /** The encoding the text was read with, as a WHATWG/iconv label ('utf-8', 'windows-1252', 'utf-16le'…), or 'xlsx'. */
  encoding: string;
  delimiter?: string;
  sheet?: string;
  /** Row number of the header row (1 unless title, note or blank rows came first, or one was chosen). */
  headerRow: number;
  /** The non-blank rows above the header (at most 250), so a preview can offer them as the header instead. */
  rowsAboveHeader: SheetRow[];
  /** Set by previewSheet when it stopped before the end of the file. */
  truncated?: boolean;
}

export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** xlsx only: sheet name (or 1-based number). Defaults to the first sheet. */
  sheet?: string | number;
  /**
   * Spreadsheet row number (1-based, blank rows counted) of the header, when the person chose it;
   * absent: the header is found below any title, note and blank rows (see ImportResult.headerRow).
   */
  headerRow?: number;
  /** Rows per sink call; a batch is also cut early when it holds more than MAX_BATCH_CELLS cells. */
  batchSize?: number;
}

export type ImportErrorCode =
  | 'file_unreadable'
  | 'empty_file'
  | 'header_only'
  | 'not_a_spreadsheet'
  | 'nul_bytes'
  | 'unclosed_quote'
  | 'bad_quotes'
  | 'ragged_rows'
  | 'too_many_columns'
  | 'cell_too_long'
  | 'row_too_long'
  | 'password_protected'
  | 'legacy_xls'
  | 'bad_xlsx'
  | 'xlsx_too_large'
  | 'sheet_not_found'
  | 'header_row_missing'
  | 'cancelled';

export interface ImportErrorDetails {
  /** Spreadsheet row number (header = 1), when the problem is in one row. */
  row?: number;
  /** 1-based column number. */
  column?: number;
  columnName?: string;
  [key: string]: unknown;
}

/** The only error the importer throws for anything about the file itself. */
export class ImportError extends AppError {
  declare readonly code: ImportErrorCode;
  declare readonly details: ImportErrorDetails | undefined;
  constructor(code: ImportErrorCode, message: string, details?: ImportErrorDetails) {
    super(code, message, details);
    this.name = 'ImportError';
  }
}

/** Limits that keep memory bounded whatever the file holds. */
export const LIMITS = {
  /** Excel's own cap is 16,384; models with more than a few thousand inputs are not something a spreadsheet feeds. */
  maxColumns: 5_000,
  /** Excel stops at 32,767 characters per cell; a million is far past any real value and still cheap to hold. */
  maxCellChars: 1_000_000,
  /** A whole row, all cells together. */
  maxRowChars: 16_000_000,
  /** read-excel-file holds the whole workbook in memory, so very large workbooks are refused (CSV streams). */
  maxXlsxBytes: 60_000_000,
  maxXlsxUncompressedBytes: 600_000_000,
  maxBatchCells: 200_000,
  defaultBatchSize: 1_000,
} as const;
