import { importSheet, type ImportProgress } from '../sheets/import';
import type { SheetHeader } from '../sheets/types';
import { createImportWriter, type ImportWriterOptions } from './import-writer';
import { automaticMapping, jobSampleRows } from './row-input';
import type { JobRecord, JobStore, NewJob } from './store';

/**
 * Rows per batch (one transaction each) while importing: few commits, and small enough that a batch
 * is gone before the young generation is collected (at 5,000 rows, batches were copied into the old
 * generation and the main thread spent twice its time in garbage collection on some runs).
 */
const IMPORT_BATCH_ROWS = 2_000;

export interface ImportJobOptions {
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** How rows are written (a writer thread unless told otherwise); tests use it to compare both paths. */
  writer?: ImportWriterOptions;
  /** Spreadsheet row number of the header, when the person chose it (else it is found). */
  headerRow?: number;
  /** Field → column name confirmed earlier for this model: preferred by the automatic matching. */
  remembered?: Record<string, string | null>;
}

/**
 * Creates a job and streams the file's rows straight into it (one transaction per batch the
 * importer hands over, written on a second thread while this one parses), then maps the columns to the model's fields automatically. If the file
 * cannot be read, or the import is cancelled, the job and its rows are removed and the importer's
 * error (naming the line and the problem) is thrown as it is.
 */
export async function importIntoJob(store: JobStore, job: NewJob, opts: ImportJobOptions = {}): Promise<JobRecord> {
  const jobId = store.create(job);
  let header: SheetHeader = { columns: [], renamed: [] };
  // The writer's thread starts (opening its own connection) while the file is opened and read.
  const writer = createImportWriter(store, jobId, opts.writer);
  try {
    const result = await importSheet(
      job.filePath,
      {
        header(h) {
          header = h;
          return writer.header(h);
        },
        rows: (batch, facts) => writer.rows(batch, facts),
      },
      {
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(job.sheet !== null ? { sheet: job.sheet } : {}),
        ...(opts.headerRow !== undefined ? { headerRow: opts.headerRow } : {}),
        batchSize: IMPORT_BATCH_ROWS,
      },
    );
    await writer.finish();
    const columns = result.columns.length > 0 ? result.columns : header.columns;
    // Category fields are also matched by their values, on the first rows.
    const mapping = job.fields === null ? null : automaticMapping(columns, job.fields, { sampleRows: jobSampleRows(store, jobId, 200), ...(opts.remembered ? { remembered: opts.remembered } : {}) });
    store.finishImport(
      jobId,
      {
        columns,
        sheet: result.sheet ?? job.sheet,
        renamed: header.renamed,
        notices: result.notices.map((n) => ({ kind: n.kind, message: n.message })),
        encoding: result.encoding,
        delimiter: result.delimiter ?? null,
        headerRow: result.headerRow,
      },
      mapping,
    );
    return store.require(jobId);
  } catch (e) {
    await writer.abort();
    store.delete(jobId);
    throw e;
  }
}
