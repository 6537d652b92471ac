import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SavedModel } from '../../shared/domain/model';
import type { Profile } from '../../shared/domain/profile';
import { fieldsFromAnySchema } from '../../shared/domain/schema-convert';
import { describeInputSchema, findModel, predictFor } from '../../sandbox/models';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { createEngine } from '../engine';
import { HistoryStore } from '../history/store';
import { JobService } from '../jobs/service';
import { DEFAULT_JOB_SETTINGS } from '../jobs/store';
import { PlexeClient } from '../plexe/client';
import { closeDatabase, openDatabase, type SqliteDatabase } from '../store/db';
import { EvaluationService } from './service';

const DEMO = join(dirname(fileURLToPath(import.meta.url)), '../../sandbox/demo');

let dir: string;
let db: SqliteDatabase;
let sandbox: RunningSandbox;
let jobs: JobService;
let evaluations: EvaluationService;
/** Every body sent to the sandbox's prediction routes. */
let sent: unknown[];
let profile: Profile;

function model(id: string, name: string, version: string, withFields = true): SavedModel {
  const m = findModel(name, version)!;
  return {
    id,
    profileId: 'p1',
    ref: { kind: 'model', name, version },
    displayName: `${name} v${version}`,
    schema: { fields: withFields ? fieldsFromAnySchema(describeInputSchema(m)) : [], source: 'describe' },
    outputSchema: m.outputSchema,
    createdAt: new Date().toISOString(),
  };
}

const models = new Map<string, SavedModel>();

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plexe-eval-'));
  ({ db } = openDatabase(join(dir, 'plexe.db')));
  sandbox = await startSandbox({ port: 0 });
  profile = { id: 'p1', name: 'Test', baseUrl: sandbox.url, rpm: 60_000, concurrency: 4, isDemo: false, createdAt: new Date().toISOString() };
  sent = [];
  const capture: typeof fetch = async (url, init) => {
    if (typeof init?.body === 'string' && /\/(infer|predictions)$/.test(String(url))) sent.push(JSON.parse(init.body));
    return fetch(url, init);
  };
  for (const m of [model('churn1', 'customer-churn', '1'), model('churn2', 'customer-churn', '2'), model('house', 'house-prices', '1')]) models.set(m.id, m);
  const engine = createEngine({ client: new PlexeClient({ fetch: capture }), settings: () => ({ attempts: 3, backoffBaseMs: 5, backoffCapMs: 20 }) });
  jobs = new JobService({
    db,
    engine,
    history: new HistoryStore(db),
    profileAndKey: async () => ({ profile, apiKey: sandbox.key }),
    getProfile: (id) => (id === 'p1' ? profile : undefined),
    getModel: (id) => models.get(id),
  });
  evaluations = new EvaluationService({
    store: jobs.store,
    getModel: (id) => models.get(id),
    describeFigures: async (job) => (job.modelRef.kind === 'model' ? findModel(job.modelRef.name, job.modelRef.version)!.performanceMetrics : null),
  });
});

afterEach(async () => {
  await jobs.close();
  await sandbox.close();
  closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

async function runJob(modelId: string, file: string) {
  const job = await jobs.createJob({ importId: `i-${modelId}-${file}`, path: join(DEMO, file), profileId: 'p1', modelId });
  return job;
}

async function finish(jobId: number) {
  await jobs.start(jobId, { skipProblemRows: true });
  await jobs.settle(jobId);
}

const demoRows = (file: string) => Papa.parse<Record<string, string>>(readFileSync(join(DEMO, file), 'utf8'), { header: true, skipEmptyLines: true }).data;

describe('evaluating customer-churn on churn-outcomes.csv', () => {
  it('offers "churned", never sends it, and computes the figures a slow count gives', async () => {
    const job = await runJob('churn1', 'churn-outcomes.csv');
    const suggestions = evaluations.suggest(job.id);
    expect(suggestions[0]).toMatchObject({ column: 'churned', resultField: 'predicted_class', task: 'classification' });
    const choice = await evaluations.setOutcome(job.id, 'churned');
    expect(choice).toMatchObject({ column: 'churned', resultField: 'predicted_class', confidenceField: 'confidence', task: 'classification' });
    expect(choice!.modelFigures).toMatchObject({ accuracy: 0.84 });
    await finish(job.id);

    // The outcome column is never sent: no body carries "churned" or its values as a field.
    expect(sent.length).toBeGreaterThan(0);
    const bodies = sent.flatMap((b) => (Array.isArray(b) ? b : [b])) as Record<string, unknown>[];
    expect(bodies).toHaveLength(600);
    for (const b of bodies) expect(Object.keys(b).sort()).toEqual(['contract', 'monthly_charges', 'paperless_billing', 'support_calls', 'tenure_months']);

    const e = evaluations.evaluate(job.id);
    // The slow, obvious count from the file and the sandbox's own formula.
    const rows = demoRows('churn-outcomes.csv');
    let right = 0;
    let known = 0;
    const matrix: Record<string, number> = {};
    for (const r of rows) {
      if (r.churned === '') continue;
      known++;
      const input = { tenure_months: Number(r.tenure_months), monthly_charges: Number(r.monthly_charges), contract: r.contract, support_calls: Number(r.support_calls), paperless_billing: r.paperless_billing === 'Yes' };
      const predicted = predictFor('customer-churn', '1', input).predicted_class as string;
      const actual = r.churned === 'Yes' ? 'churn' : 'stay';
      if (predicted === actual) right++;
      matrix[`${actual}>${predicted}`] = (matrix[`${actual}>${predicted}`] ?? 0) + 1;
    }
    expect(e.figures.rows).toBe(known);
    expect(e.leftOut.noOutcome).toBe(rows.length - known);
    expect(e.leftOut).toMatchObject({ failed: 0, notScored: 0, unreadable: 0 });
    expect(e.figures.kind).toBe('classification');
    if (e.figures.kind !== 'classification') return;
    expect(e.figures.accuracy).toBeCloseTo(right / known, 12);
    expect(e.figures.labels).toEqual(['churn', 'stay']);
    expect(e.figures.matrix).toEqual([
      [matrix['churn>churn'] ?? 0, matrix['churn>stay'] ?? 0],
      [matrix['stay>churn'] ?? 0, matrix['stay>stay'] ?? 0],
    ]);
    expect(e.figures.calibration!.reduce((s, b) => s + b.rows, 0)).toBe(known);
    expect(e.outcome.valueMap).toEqual({ yes: 'churn', no: 'stay' });
    const accuracy = e.lines.find((l) => l.key === 'accuracy')!;
    expect(accuracy.cardText).toBe('84%');
    expect(accuracy.explanation).toMatch(/matched what really happened/);
    expect(e.lines.map((l) => l.name)).toContain('Recall (churn)');
    expect(e.title).toBe(`Evaluation of customer-churn v1 on churn-outcomes.csv, ${known} rows, accuracy ${Math.round((100 * right) / known)}%`);

    // Listed for History, with its headline, and re-opened from the stored rows alone.
    await sandbox.close();
    const listed = evaluations.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ jobId: job.id, task: 'classification', rows: known, title: e.title });
    expect(evaluations.evaluate(job.id).figures).toEqual(e.figures);
    sandbox = await startSandbox({ port: 0 });
  });

  it('exports the CSV\'s figures table as an .xlsx workbook, numbers as numbers', async () => {
    const job = await runJob('churn1', 'churn-outcomes.csv');
    await evaluations.setOutcome(job.id, 'churned');
    await finish(job.id);
    const e = evaluations.evaluate(job.id);
    const out = await evaluations.export(job.id, join(dir, 'e.xlsx'), 'xlsx');
    expect(out.bytes).toBe(statSync(out.path).size);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out.path);
    const sheet = book.getWorksheet('Evaluation')!;
    const plain = (v: ExcelJS.CellValue): unknown => (v !== null && typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('') : v);
    const read: unknown[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, n) => {
      const cells: unknown[] = [];
      row.eachCell({ includeEmpty: true }, (cell, c) => (cells[c - 1] = plain(cell.value)));
      read[n - 1] = cells;
    });
    // The CSV's lines, read back from the CSV itself: same cells, with numbers typed as numbers in the workbook.
    const csvText = await evaluations.export(job.id, join(dir, 'e.csv'), 'csv').then((r) => readFileSync(r.path, 'utf8'));
    const csvLines = Papa.parse<string[]>(csvText.trim(), { skipEmptyLines: false }).data;
    expect(read.length).toBe(csvLines.length);
    expect(read[0]![0]).toBe(e.title);
    csvLines.forEach((line, i) => {
      const got = (read[i] ?? []).map((v) => (v === null || v === undefined ? '' : v));
      while (got.length < line.length) got.push('');
      expect(got.slice(0, line.length).map(String), `row ${i + 1}`).toEqual(line);
    });
    const accuracyRow = read.find((r) => r[0] === 'Accuracy')!;
    expect(accuracyRow[1]).toBeCloseTo((e.figures as { accuracy: number }).accuracy, 10);
    const matrixHead = read.findIndex((r) => r[0] === 'confusion matrix: actual \\ predicted');
    expect(matrixHead).toBeGreaterThan(0);
    const f = e.figures as { labels: string[]; matrix: number[][] };
    f.labels.forEach((label, i) => expect(read[matrixHead + 1 + i]).toEqual([label, ...f.matrix[i]!]));
  });

  it('v2 scores better than v1 on the same outcomes', async () => {
    const accuracy = async (modelId: string) => {
      const job = await runJob(modelId, 'churn-outcomes.csv');
      await evaluations.setOutcome(job.id, 'churned');
      await finish(job.id);
      const f = evaluations.evaluate(job.id).figures;
      return f.kind === 'classification' ? f.accuracy : NaN;
    };
    expect((await accuracy('churn2')) - (await accuracy('churn1'))).toBeGreaterThan(0.01);
  });

  it('refuses an outcome column that is sent to the model, and an unknown column', async () => {
    const job = await runJob('churn1', 'churn-outcomes.csv');
    await expect(evaluations.setOutcome(job.id, 'contract')).rejects.toMatchObject({ code: 'outcome_is_input' });
    await expect(evaluations.setOutcome(job.id, 'nope')).rejects.toMatchObject({ code: 'unknown_column' });
    await expect(evaluations.setOutcome(job.id, null)).resolves.toBeNull();
  });

  it('a model without described fields sends every column but the outcome', async () => {
    models.set('bare', { ...model('bare', 'customer-churn', '1', false) });
    const job = await jobs.importFile('bare', {
      source: 'cli',
      resumeKey: null,
      profileId: 'p1',
      profileName: 'Test',
      modelId: 'bare',
      modelRef: { kind: 'model', name: 'customer-churn', version: '1' },
      modelLabel: 'customer-churn v1',
      fields: null,
      filePath: join(DEMO, 'churn-outcomes.csv'),
      fileName: 'churn-outcomes.csv',
      sheet: null,
      settings: DEFAULT_JOB_SETTINGS,
    });
    await evaluations.setOutcome(job.id, 'churned');
    await jobs.start(job.id, { leaveProblemRows: true });
    await jobs.settle(job.id);
    const bodies = sent.flatMap((b) => (Array.isArray(b) ? b : [b])) as Record<string, unknown>[];
    expect(bodies.length).toBe(600);
    for (const b of bodies) {
      expect(b).not.toHaveProperty('churned');
      expect(b).toHaveProperty('customer_id');
    }
    // Once rows were sent with every column, another column cannot become the outcome.
    await expect(evaluations.setOutcome(job.id, 'customer_id')).rejects.toMatchObject({ code: 'outcome_after_run' });
  });
});

describe('evaluating house-prices on house-sales.csv', () => {
  it('offers sale_price; MAE, RMSE and R² match a slow computation; money beside the card', async () => {
    const job = await runJob('house', 'house-sales.csv');
    expect(evaluations.suggest(job.id)[0]).toMatchObject({ column: 'sale_price', resultField: 'predicted_price', task: 'regression' });
    await evaluations.setOutcome(job.id, 'sale_price');
    await finish(job.id);
    const e = evaluations.evaluate(job.id);
    const pairs: [number, number][] = [];
    for (const r of demoRows('house-sales.csv')) {
      if (r.sale_price === '') continue;
      const p = predictFor('house-prices', '1', { square_footage: Number(r.square_footage), bedrooms: Number(r.bedrooms), bathrooms: Number(r.bathrooms), location: r.location }).predicted_price as number;
      pairs.push([Number(r.sale_price), p]);
    }
    const n = pairs.length;
    const mae = pairs.reduce((s, [a, p]) => s + Math.abs(p - a), 0) / n;
    const rmse = Math.sqrt(pairs.reduce((s, [a, p]) => s + (p - a) ** 2, 0) / n);
    const mean = pairs.reduce((s, [a]) => s + a, 0) / n;
    const r2 = 1 - pairs.reduce((s, [a, p]) => s + (p - a) ** 2, 0) / pairs.reduce((s, [a]) => s + (a - mean) ** 2, 0);
    expect(e.figures.kind).toBe('regression');
    if (e.figures.kind !== 'regression') return;
    expect(e.figures.rows).toBe(n);
    expect(e.figures.mae).toBeCloseTo(mae, 6);
    expect(e.figures.rmse).toBeCloseTo(rmse, 6);
    expect(e.figures.r2).toBeCloseTo(r2, 9);
    const line = e.lines.find((l) => l.key === 'mae')!;
    expect(line.text).toBe(`$${Math.round(mae).toLocaleString('en-US')}`);
    expect(line.cardText).toBe('$28,940');
    expect(e.lines.find((l) => l.key === 'rmse')!.cardText).toBe('$41,250');
    expect(e.title).toMatch(/^Evaluation of house-prices v1 on house-sales.csv, \d+ rows, typical error \$[\d,]+$/);
  });

  it('exports CSV and a one-page HTML report with inline SVG charts', async () => {
    const job = await runJob('house', 'house-sales.csv');
    await evaluations.setOutcome(job.id, 'sale_price');
    await finish(job.id);
    const csv = await evaluations.export(job.id, join(dir, 'e.csv'), 'csv');
    const csvText = readFileSync(csv.path, 'utf8');
    expect(csvText).toMatch(/^"Evaluation of house-prices v1 on house-sales.csv, \d+ rows, typical error \$[\d,]+"\r\n/);
    expect(csvText).toContain('Typical error (MAE)');
    expect(csvText).toContain('left out: no known outcome');
    const html = await evaluations.export(job.id, join(dir, 'e.html'), 'html');
    const htmlText = readFileSync(html.path, 'utf8');
    expect(html.bytes).toBe(Buffer.byteLength(htmlText));
    expect(htmlText).toContain('<svg');
    expect(htmlText).toContain('Predicted against actual');
    expect(htmlText).not.toContain('<script');
  });
});

describe('the outcome column and the mapping', () => {
  it('refuses to map the outcome column to a model field', async () => {
    const job = await runJob('churn1', 'churn-outcomes.csv');
    await evaluations.setOutcome(job.id, 'churned');
    await expect(jobs.setMapping(job.id, { ...job.mapping, contract: 'churned' })).rejects.toMatchObject({ code: 'column_is_outcome' });
  });
});

describe('History list', () => {
  it('lists a finished evaluation never opened, with its figures computed once', async () => {
    const job = await runJob('churn2', 'churn-outcomes.csv');
    await evaluations.setOutcome(job.id, 'churned');
    expect(evaluations.list()[0]).toMatchObject({ jobId: job.id, rows: 0, headline: null, title: 'Evaluation of customer-churn v2 on churn-outcomes.csv' });
    await finish(job.id);
    const listed = evaluations.list()[0]!;
    expect(listed.title).toMatch(/^Evaluation of customer-churn v2 on churn-outcomes.csv, \d+ rows, accuracy \d+%$/);
    expect(listed.headline).toMatchObject({ name: 'accuracy' });
  });
});
