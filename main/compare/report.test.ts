import { describe, expect, it } from 'vitest';
import type { ComparisonSummary } from '../../shared/ipc/compare';
import type { Evaluation } from '../../shared/ipc/evaluate';
import { comparisonHtml } from './report';

const HOSTILE = '<script>alert(1)</script>';

function classes(): ComparisonSummary {
  return {
    jobId: 7,
    fileName: `${HOSTILE}.csv`,
    state: 'done',
    firstLabel: `churn ${HOSTILE} v1`,
    secondLabel: 'churn v2',
    firstPrefix: 'v1',
    secondPrefix: 'v2',
    title: `Comparison of churn v1 and v2 on ${HOSTILE}.csv, 1,234 rows, 312 changed class`,
    rows: { total: 1240, firstOk: 1236, firstFailed: 4, secondOk: 1235, secondFailed: 5, secondPending: 0, both: 1234 },
    field: 'predicted_class',
    fields: ['predicted_class', 'confidence'],
    kind: 'classes',
    changed: 312,
    matrix: { classes: ['churn', `stay & "${HOSTILE}"`], cells: [[401, 187], [125, 521]] },
    differences: null,
    outcome: null,
  };
}

function evaluation(label: string, accuracyText: string): Evaluation {
  return {
    jobId: 7,
    modelLabel: label,
    fileName: 'churn.csv',
    outcome: { column: `churned ${HOSTILE}`, resultField: 'predicted_class', confidenceField: null, task: 'classification', valueMap: {}, modelFigures: null },
    figures: { kind: 'classification', rows: 1100, labels: ['churn', 'stay'], matrix: [[1, 2], [3, 4]], accuracy: 0.5, perClass: [], macro: { precision: 0, recall: 0, f1: 0 }, weighted: { precision: 0, recall: 0, f1: 0 }, calibration: null },
    lines: [{ key: 'accuracy', name: 'Accuracy', value: 0.5, text: accuracyText, cardText: null, explanation: 'Share of rows where the model was right.' }],
    leftOut: { noOutcome: 0, failed: 0, notScored: 0, unreadable: 0 },
    unreadableValues: [],
    title: `Evaluation of ${label}`,
    computedAt: '2026-12-07T14:00:00.000Z',
    jobState: 'done',
  };
}

/** Everything that would run code or reach the network when the file is opened. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\son\w+\s*=/i);
  expect(html).not.toMatch(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
  expect(html).not.toMatch(/<(?:link|img|iframe|object|embed)\b/i);
}

describe('the comparison report', () => {
  it('holds the two models, the rows, the change matrix as numbers and a chart, with every name escaped', () => {
    const html = comparisonHtml(classes(), new Date('2026-12-07T14:05:00Z'));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('Saved 2026-12-07 14:05 UTC');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('churn &lt;script&gt;alert(1)&lt;/script&gt; v1');
    expect(html).toContain('stay &amp; &quot;&lt;script&gt;');
    expectSelfContained(html);
    // Rows compared and each side's counts.
    expect(html).toContain('Both models answered 1,234 of the 1,240 rows');
    expect(html).toContain('312 changed');
    expect(html).toMatch(/<th>v1<\/th><td>churn &lt;script&gt;alert\(1\)&lt;\/script&gt; v1<\/td><td class="n">1,236<\/td><td class="n">4<\/td>/);
    expect(html).toMatch(/<th>v2<\/th><td>churn v2<\/td><td class="n">1,235<\/td><td class="n">5<\/td>/);
    // The matrix, cell by cell in its row order, and one stacked bar per first class.
    const matrix = html.slice(html.indexOf('<table class="matrix">'));
    const cells = [...matrix.slice(0, matrix.indexOf('</table>')).matchAll(/<td[^>]*>([\d,]+)<\/td>/g)].map((m) => m[1]);
    expect(cells).toEqual(['401', '187', '125', '521']);
    expect(html).toContain('<svg');
    expect(html.match(/<rect [^>]*fill="#/g)).toHaveLength(4);
    expect(html).not.toContain('On the known outcome');
  });

  it('numbers: the histogram, the rows that moved most, and both versions\' figures on a known outcome side by side', () => {
    const s: ComparisonSummary = {
      ...classes(),
      kind: 'numbers',
      field: 'predicted_price',
      changed: 90,
      matrix: null,
      differences: {
        n: 100,
        up: 60,
        down: 30,
        mean: 1250.5,
        meanAbs: 3000,
        bins: [
          { label: '-5,000 to 0', count: 40, from: -5000, to: 0 },
          { label: '0 to 5,000', count: 60, from: 0, to: 5000 },
        ],
        top: [{ rowNumber: 42, first: 142000, second: 147000, difference: 5000 }],
      },
      outcome: { first: evaluation('house v1', '71%'), second: evaluation('house v2', '83%') },
    };
    const html = comparisonHtml(s);
    expectSelfContained(html);
    expect(html).toContain('60 rows went up and 30 went down, out of 100');
    expect(html).toContain('+1,250.5');
    expect(html).toMatch(/<td>-5,000 to 0<\/td><td class="n">40<\/td>/);
    expect(html).toMatch(/<td class="n">42<\/td><td class="n">142,000<\/td><td class="n">147,000<\/td><td class="n">\+5,000<\/td>/);
    expect(html.match(/<rect [^>]*fill="#3b6fd8"/g)).toHaveLength(2);
    expect(html).toMatch(/<th>Accuracy<\/th><td class="n">71%<\/td><td class="n">83%<\/td>/);
    expect(html).toContain('churned &lt;script&gt;');
    expect(html).toContain('1,100 rows with a known outcome');
  });
});
