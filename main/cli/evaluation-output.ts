import type { Evaluation } from '../../shared/ipc/evaluate';

/** results.csv → results.evaluation.json, beside the output. */
export function evaluationJsonPath(outPath: string): string {
  const m = /^(.*?)(\.[^./\\]+)?$/.exec(outPath)!;
  return `${m[1]}.evaluation.json`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** The figures as a plain-text table for the terminal: each figure, the model card's, and what it means. */
export function evaluationTable(e: Evaluation): string {
  let out = `${e.title}\n\n`;
  out += table([['figure', 'on your data', "in Plexe's tests", 'what it means'], ...e.lines.map((l) => [l.name, l.text, l.cardText ?? '—', l.explanation])]);
  const f = e.figures;
  if (f.kind === 'classification' && f.labels.length > 0) {
    out += `\nConfusion matrix (rows: what really happened; columns: what the model said)\n`;
    out += table([['', ...f.labels], ...f.labels.map((l, i) => [l, ...f.matrix[i]!.map((n) => n.toLocaleString('en-US'))])]);
  }
  const l = e.leftOut;
  const n = (x: number) => x.toLocaleString('en-US');
  out += `\nCompared ${n(f.rows)} rows. Left out: ${n(l.noOutcome)} without a known outcome, ${n(l.failed)} failed, ${n(l.notScored)} not scored, ${n(l.unreadable)} whose outcome could not be read`;
  out += e.unreadableValues.length > 0 ? ` (${e.unreadableValues.map((v) => `"${v.value}" ×${v.count}`).join(', ')}).\n` : '.\n';
  return out;
}
