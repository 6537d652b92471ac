import type { ClassificationFigures, Evaluation, RegressionFigures } from '../../shared/ipc/evaluate';
import { csvLine } from '../sheets/csv-writer';

/**
 * An evaluation written out: CSV (the figures, per-class scores and the confusion matrix, or the
 * residual distribution) and a one-page HTML report whose charts are inline SVG, so the file opens
 * anywhere without scripts or the network.
 */

/** The figures table the CSV and .xlsx exports write, one array of cells per line (numbers kept as numbers). */
export function evaluationTable(e: Evaluation): unknown[][] {
  const lines: unknown[][] = [[e.title], [], ['figure', 'on your data', "model card (Plexe's tests)", 'what it means']];
  for (const l of e.lines) lines.push([l.name, l.value ?? '', l.cardText ?? '', l.explanation]);
  lines.push([]);
  lines.push(['rows compared', e.figures.rows]);
  lines.push(['left out: no known outcome', e.leftOut.noOutcome]);
  lines.push(['left out: failed', e.leftOut.failed]);
  lines.push(['left out: not scored', e.leftOut.notScored]);
  lines.push(['left out: outcome not readable', e.leftOut.unreadable]);
  lines.push([]);
  const f = e.figures;
  if (f.kind === 'classification') {
    lines.push(['class', 'precision', 'recall', 'f1', 'rows with this outcome', 'rows the model put here']);
    for (const c of f.perClass) lines.push([c.label, c.precision, c.recall, c.f1, c.support, c.predicted]);
    lines.push([]);
    lines.push(['confusion matrix: actual \\ predicted', ...f.labels]);
    f.labels.forEach((label, i) => lines.push([label, ...f.matrix[i]!]));
    if (f.calibration) {
      lines.push([]);
      lines.push(['confidence from', 'confidence to', 'rows', 'mean confidence', 'share right']);
      for (const b of f.calibration) lines.push([b.from, b.to, b.rows, b.meanConfidence, b.accuracy]);
    }
  } else {
    lines.push(['residual from (predicted − actual)', 'residual to', 'rows']);
    for (const b of f.residualBins) lines.push([b.from, b.to, b.count]);
  }
  return lines;
}

export function evaluationCsv(e: Evaluation): string {
  return evaluationTable(e).map((cells) => csvLine(cells)).join('\r\n') + '\r\n';
}

/** The same table as evaluationCsv, as an .xlsx workbook: the title is the bold header row, numbers stay numbers. */
export async function writeEvaluationXlsx(e: Evaluation, path: string): Promise<void> {
  const [title, ...rest] = evaluationTable(e);
  const width = Math.max(...rest.map((l) => l.length), 1);
  const columns = Array.from({ length: width }, (_, i) => ({ name: i === 0 ? String(title![0]) : '', kind: 'auto' as const }));
  const { writeXlsx } = await import('../sheets/xlsx-writer');
  await writeXlsx(path, columns, rest, { sheetName: 'Evaluation' });
}

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const W = 360;
export const H = 240;
export const PAD = 36;

function axisLabels(xLabel: string, yLabel: string): string {
  return `<text x="${W / 2}" y="${H - 4}" text-anchor="middle">${esc(xLabel)}</text><text x="10" y="${H / 2}" transform="rotate(-90 10 ${H / 2})" text-anchor="middle">${esc(yLabel)}</text>`;
}

export function svg(title: string, body: string): string {
  return `<figure><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" font-size="10" font-family="sans-serif"><rect x="${PAD}" y="8" width="${W - PAD - 8}" height="${H - PAD - 8}" fill="none" stroke="#bbb"/>${body}</svg><figcaption>${esc(title)}</figcaption></figure>`;
}

function scatterSvg(f: RegressionFigures): string {
  const xs = f.scatter.map((p) => p.actual);
  const ys = f.scatter.map((p) => p.predicted);
  const lo = Math.min(...xs, ...ys);
  const hi = Math.max(...xs, ...ys);
  const span = hi - lo || 1;
  const sx = (v: number) => PAD + ((v - lo) / span) * (W - PAD - 8);
  const sy = (v: number) => H - PAD - ((v - lo) / span) * (H - PAD - 8);
  const dots = f.scatter.map((p) => `<circle cx="${sx(p.actual).toFixed(1)}" cy="${sy(p.predicted).toFixed(1)}" r="1.6" fill="#3b6fd8" fill-opacity="0.5"/>`).join('');
  const diagonal = `<line x1="${sx(lo)}" y1="${sy(lo)}" x2="${sx(hi)}" y2="${sy(hi)}" stroke="#d9534f" stroke-dasharray="4 3"/>`;
  const short = (v: number) => Math.round(v).toLocaleString('en-US');
  const ticks = `<text x="${sx(lo)}" y="${H - PAD + 12}">${short(lo)}</text><text x="${sx(hi)}" y="${H - PAD + 12}" text-anchor="end">${short(hi)}</text><text x="${PAD + 2}" y="${sy(hi) + 10}">${short(hi)}</text>`;
  return svg('Predicted against actual (the dashed line is a perfect answer)', dots + diagonal + ticks + axisLabels('actual', 'predicted'));
}

export function barsSvg(title: string, bars: { label: string; value: number }[], xLabel: string, yLabel: string): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const w = (W - PAD - 8) / Math.max(1, bars.length);
  const body = bars
    .map((b, i) => {
      const h = (b.value / max) * (H - PAD - 8);
      return `<rect x="${(PAD + i * w + 1).toFixed(1)}" y="${(H - PAD - h).toFixed(1)}" width="${Math.max(1, w - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#3b6fd8"><title>${esc(b.label)}: ${b.value}</title></rect>`;
    })
    .join('');
  return svg(title, body + axisLabels(xLabel, yLabel));
}

function calibrationSvg(f: ClassificationFigures): string {
  const cal = f.calibration ?? [];
  const sx = (v: number) => PAD + v * (W - PAD - 8);
  const sy = (v: number) => H - PAD - v * (H - PAD - 8);
  const path = cal.map((b, i) => `${i === 0 ? 'M' : 'L'}${sx(b.meanConfidence).toFixed(1)},${sy(b.accuracy).toFixed(1)}`).join(' ');
  const dots = cal.map((b) => `<circle cx="${sx(b.meanConfidence).toFixed(1)}" cy="${sy(b.accuracy).toFixed(1)}" r="3" fill="#3b6fd8"><title>${b.rows} rows</title></circle>`).join('');
  const diagonal = `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#d9534f" stroke-dasharray="4 3"/>`;
  const ticks = [0, 0.5, 1].map((t) => `<text x="${sx(t)}" y="${H - PAD + 12}" text-anchor="middle">${t}</text><text x="${PAD - 4}" y="${sy(t) + 3}" text-anchor="end">${t}</text>`).join('');
  return svg('Calibration: how sure the model said it was, against how often it was right', diagonal + `<path d="${path}" fill="none" stroke="#3b6fd8"/>` + dots + ticks + axisLabels('confidence the model gave', 'share right'));
}

function matrixHtml(f: ClassificationFigures): string {
  const max = Math.max(1, ...f.matrix.flat());
  const head = `<tr><th>actual ↓ / predicted →</th>${f.labels.map((l) => `<th>${esc(l)}</th>`).join('')}</tr>`;
  const rows = f.labels
    .map((l, i) => {
      const cells = f.matrix[i]!.map((n, j) => `<td style="background: rgba(${i === j ? '59,111,216' : '217,83,79'}, ${(0.1 + (0.6 * n) / max).toFixed(2)})">${n.toLocaleString('en-US')}</td>`).join('');
      return `<tr><th>${esc(l)}</th>${cells}</tr>`;
    })
    .join('');
  return `<table class="matrix">${head}${rows}</table>`;
}

export function evaluationHtml(e: Evaluation): string {
  const f = e.figures;
  const figureRows = e.lines
    .map((l) => `<tr><th>${esc(l.name)}</th><td class="n">${esc(l.text)}</td><td class="n">${esc(l.cardText ?? '—')}</td><td>${esc(l.explanation)}</td></tr>`)
    .join('');
  const left = e.leftOut;
  const leftText = `Left out: ${left.noOutcome.toLocaleString('en-US')} rows without a known outcome, ${left.failed.toLocaleString('en-US')} that failed, ${left.notScored.toLocaleString('en-US')} not scored, ${left.unreadable.toLocaleString('en-US')} whose outcome could not be read.`;
  let charts = '';
  if (f.kind === 'classification') {
    charts = `<h2>Confusion matrix</h2><p class="note">Each row is what really happened, each column what the model said; the diagonal is where it was right.</p>${matrixHtml(f)}`;
    charts += `<h2>Per class</h2><table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>rows</th></tr>${f.perClass
      .map((c) => `<tr><th>${esc(c.label)}</th><td class="n">${(c.precision * 100).toFixed(0)}%</td><td class="n">${(c.recall * 100).toFixed(0)}%</td><td class="n">${c.f1.toFixed(2)}</td><td class="n">${c.support}</td></tr>`)
      .join('')}</table>`;
    if (f.calibration) charts += `<div class="charts">${calibrationSvg(f)}</div>`;
  } else {
    charts = `<div class="charts">${scatterSvg(f)}${barsSvg(
      'How far off the estimates were (predicted − actual)',
      f.residualBins.map((b) => ({ label: `${Math.round(b.from)} to ${Math.round(b.to)}`, value: b.count })),
      `from ${Math.round(f.residualBins[0]?.from ?? 0).toLocaleString('en-US')} to ${Math.round(f.residualBins.at(-1)?.to ?? 0).toLocaleString('en-US')}`,
      'rows',
    )}</div>`;
  }
  return reportPage(
    e.title,
    `<p class="note">Model ${esc(e.modelLabel)}, file ${esc(e.fileName)}, known outcome in column “${esc(e.outcome.column)}” compared with the answer ${esc(e.outcome.resultField)}. Computed ${esc(e.computedAt.slice(0, 16).replace('T', ' '))} UTC from ${f.rows.toLocaleString('en-US')} rows.</p>
<table><tr><th>figure</th><th>on your data</th><th>in Plexe's tests</th><th>what it means</th></tr>${figureRows}</table>
<p class="note">${esc(leftText)}</p>
${charts}`,
  );
}

/** A one-page, self-contained report (evaluations, comparisons): the title as heading, `body` as given (its text already escaped), print-friendly. */
export function reportPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:900px}
h1{font-size:20px}h2{font-size:15px;margin-top:20px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;font-size:13px}
td.n{text-align:right;font-variant-numeric:tabular-nums}.matrix td{text-align:right;min-width:60px}
.charts{display:flex;gap:16px;flex-wrap:wrap}figure{margin:0}figcaption{font-size:12px;color:#555;max-width:360px}
.note{color:#555;font-size:13px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
@media print{body{margin:0}}
</style></head><body>
<h1>${esc(title)}</h1>
${body}
</body></html>
`;
}
