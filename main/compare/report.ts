import type { ComparisonSummary } from '../../shared/ipc/compare';
import { barsSvg, esc, H, PAD, reportPage, svg, W } from '../evaluate/report';

/**
 * A comparison as a one-page HTML report: the two models, the rows compared, the change matrix (classes)
 * or the histogram of differences and the rows that moved most (numbers), and both sides' figures on
 * a known outcome when one is marked. Charts are inline SVG, as in the evaluation report, so the
 * file opens anywhere without scripts or the network; every text from the data is escaped.
 */

const COLOURS = ['#3b6fd8', '#d9534f', '#5cb85c', '#f0ad4e', '#8e6bc4', '#46b8da', '#999999'];

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const signed = (n: number) => (n > 0 ? `+${num(n)}` : num(n));

/** Rows by the first side's class, each bar split by the second side's class. */
function stackedSvg(s: ComparisonSummary, m: NonNullable<ComparisonSummary['matrix']>): string {
  const totals = m.cells.map((row) => row.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const w = (W - PAD - 8) / Math.max(1, m.classes.length);
  const colour = (j: number) => COLOURS[j % COLOURS.length]!;
  let body = '';
  m.classes.forEach((a, i) => {
    let y = H - PAD;
    m.cells[i]!.forEach((n, j) => {
      const h = (n / max) * (H - PAD - 8);
      y -= h;
      if (n > 0) body += `<rect x="${(PAD + i * w + 2).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, w - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour(j)}"><title>${esc(`${s.firstPrefix} ${a}, ${s.secondPrefix} ${m.classes[j]!}`)}: ${num(n)}</title></rect>`;
    });
    body += `<text x="${(PAD + i * w + w / 2).toFixed(1)}" y="${H - PAD + 12}" text-anchor="middle">${esc(a.length > 14 ? `${a.slice(0, 13)}…` : a)}</text>`;
  });
  body += `<text x="${PAD - 4}" y="${H - PAD}" text-anchor="end">0</text><text x="${PAD - 4}" y="16" text-anchor="end">${num(max)}</text>`;
  const legend = m.classes.map((b, j) => `<span class="key"><i style="background:${colour(j)}"></i>${esc(s.secondPrefix)} ${esc(b)}</span>`).join(' ');
  return svg(`Rows by ${s.firstPrefix} answer, each bar split by ${s.secondPrefix} answer`, body + `<text x="${W / 2}" y="${H - 4}" text-anchor="middle">${esc(`${s.firstPrefix} answer`)}</text>`) + `<p class="note">${legend}</p>`;
}

function matrixHtml(s: ComparisonSummary, m: NonNullable<ComparisonSummary['matrix']>): string {
  const max = Math.max(1, ...m.cells.flat());
  const head = `<tr><th>${esc(s.firstPrefix)} ↓ / ${esc(s.secondPrefix)} →</th>${m.classes.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const rows = m.classes
    .map((c, i) => {
      const cells = m.cells[i]!.map((n, j) => `<td style="background: rgba(${i === j ? '59,111,216' : '217,83,79'}, ${(0.1 + (0.6 * n) / max).toFixed(2)})">${num(n)}</td>`).join('');
      return `<tr><th>${esc(c)}</th>${cells}</tr>`;
    })
    .join('');
  return `<table class="matrix">${head}${rows}</table>`;
}

function differencesHtml(s: ComparisonSummary, d: NonNullable<ComparisonSummary['differences']>): string {
  const field = s.field ?? '';
  let out = `<h2>How ${esc(field)} changed</h2><p>${num(d.up)} rows went up and ${num(d.down)} went down, out of ${num(d.n)} both models answered; on average ${esc(field)} moved by ${esc(signed(d.mean))} (typical size of a change: ${esc(num(d.meanAbs))}).</p>`;
  out += `<div class="charts">${barsSvg(`Distribution of the differences (${s.secondPrefix} − ${s.firstPrefix})`, d.bins.map((b) => ({ label: b.label, value: b.count })), `${field}: ${s.secondPrefix} − ${s.firstPrefix}`, 'rows')}</div>`;
  out += `<table><tr><th>difference</th><th>rows</th></tr>${d.bins.map((b) => `<tr><td>${esc(b.label)}</td><td class="n">${num(b.count)}</td></tr>`).join('')}</table>`;
  if (d.top.length > 0) {
    out += `<h2>Rows that moved most</h2><table><tr><th>row</th><th>${esc(s.firstPrefix)}</th><th>${esc(s.secondPrefix)}</th><th>difference</th></tr>${d.top
      .map((t) => `<tr><td class="n">${t.rowNumber}</td><td class="n">${esc(num(t.first))}</td><td class="n">${esc(num(t.second))}</td><td class="n">${esc(signed(t.difference))}</td></tr>`)
      .join('')}</table>`;
  }
  return out;
}

function outcomeHtml(s: ComparisonSummary, o: NonNullable<ComparisonSummary['outcome']>): string {
  const rows = o.first.lines
    .map((l) => `<tr><th>${esc(l.name)}</th><td class="n">${esc(l.text)}</td><td class="n">${esc(o.second.lines.find((x) => x.key === l.key)?.text ?? '—')}</td><td>${esc(l.explanation)}</td></tr>`)
    .join('');
  return `<h2>On the known outcome</h2><p class="note">Known outcome in column “${esc(o.first.outcome.column)}”, ${num(o.first.figures.rows)} rows with a known outcome.</p><table><tr><th>figure</th><th>${esc(s.firstPrefix)}</th><th>${esc(s.secondPrefix)}</th><th>what it means</th></tr>${rows}</table>`;
}

export function comparisonHtml(s: ComparisonSummary, now: Date = new Date()): string {
  const r = s.rows;
  let body = `<p class="note">Saved ${esc(now.toISOString().slice(0, 16).replace('T', ' '))} UTC.</p>`;
  body += `<table><tr><th></th><th>model</th><th>answered</th><th>failed</th></tr>`;
  body += `<tr><th>${esc(s.firstPrefix)}</th><td>${esc(s.firstLabel)}</td><td class="n">${num(r.firstOk)}</td><td class="n">${num(r.firstFailed)}</td></tr>`;
  body += `<tr><th>${esc(s.secondPrefix)}</th><td>${esc(s.secondLabel)}</td><td class="n">${num(r.secondOk)}</td><td class="n">${num(r.secondFailed)}</td></tr></table>`;
  body += `<p>Both models answered ${num(r.both)} of the ${num(r.total)} rows of ${esc(s.fileName)}${s.field ? `; compared on ${esc(s.field)}` : ''}${s.kind === 'none' ? '' : `: ${num(s.changed)} changed`}.${r.secondPending > 0 ? ` ${num(r.secondPending)} rows have no ${esc(s.secondPrefix)} answer yet.` : ''}</p>`;
  if (s.outcome) body += outcomeHtml(s, s.outcome);
  if (s.matrix) {
    body += `<h2>Change matrix</h2><p class="note">Rows by ${esc(s.firstPrefix)} answer (down) and ${esc(s.secondPrefix)} answer (across); the diagonal kept its class.</p>${matrixHtml(s, s.matrix)}`;
    body += `<div class="charts">${stackedSvg(s, s.matrix)}</div>`;
  } else if (s.differences) {
    body += differencesHtml(s, s.differences);
  }
  return reportPage(s.title, body);
}
