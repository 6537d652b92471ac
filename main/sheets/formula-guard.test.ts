import { describe, expect, it } from 'vitest';
import { textCell } from '../history/row-text';
import { cellsText } from '../jobs/export-text';
import { csvField, csvLine, mayNeedFormulaGuard, neutraliseFormula } from './csv-writer';

// The one formula guard, as every export path applies it: the CSV writer (bulk export, CLI), the
// history export's cells, and the bulk export's stored-cells fast path.

const SPACES = [' ', '  ', '\u00a0', '\u3000', '\u2003', '\u202f', '\u205f', '\ufeff', '\u2028', '\u000b'];
const SIGNS = ['=', '+', '-', '@', '\uff1d', '\uff0b', '\uff0d', '\uff20'];

const dangerous = [
  ...SPACES.flatMap((sp) => SIGNS.map((sign) => `${sp}${sign}1+1`)),
  ' =1+1',
  '   +SUM(A1:A9)',
  '\u00a0@cmd',
  '\u3000=HYPERLINK("http://x","y")',
  '\uff1dcmd|" /C calc"!A0',
  '\uff0bSUM(1)',
  '=1+1',
  '\t=1',
];
const harmless = ['-5', '+1.5e3', ' -5', '\u00a0-2.5', '-0', 'plain', ' leading space', '\u3000text', 'a=b', '', '１２３', 'é=1'];

describe('formula guard', () => {
  it.each(dangerous)('neutralises %j wherever it is written', (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
    expect(mayNeedFormulaGuard(text.charCodeAt(0))).toBe(true);
    expect(csvField(text).replace(/^"|"$/g, '').startsWith("'")).toBe(true);
    expect(textCell(text)?.replace(/^"|"$/g, '').startsWith("'")).toBe(true);
    const stored = `\u001fok\u001f${text}`;
    expect(cellsText(stored, 2).text.split(',')[1]!.replace(/^"/, '').startsWith("'")).toBe(true);
  });

  it.each(harmless)('leaves %j as it is', (text) => {
    expect(neutraliseFormula(text)).toBe(text);
    expect(csvLine([text])).toBe(csvField(text));
    expect(textCell(text)).toBe(csvField(text));
  });

  it('leaves real numbers as numbers', () => {
    expect(csvLine([-5, 1.5, -0.25])).toBe('-5,1.5,-0.25');
  });
});
