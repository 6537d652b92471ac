import { describe, expect, it } from 'vitest';
import { csvField, csvLine, mayNeedFormulaGuard, neutraliseFormula } from './csv-writer';

// The one formula guard, as every export path applies it: the CSV writer, through which the bulk
// export, the history export and the CLI write every cell.

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
  });

  it.each(harmless)('leaves %j as it is', (text) => {
    expect(neutraliseFormula(text)).toBe(text);
    expect(csvLine([text])).toBe(csvField(text));
  });

  it('leaves real numbers as numbers', () => {
    expect(csvLine([-5, 1.5, -0.25])).toBe('-5,1.5,-0.25');
  });
});

describe('flattening answers', () => {
  it('walks 100,000 levels without overflowing the stack, in the same order as before', async () => {
    const { flattenKeys, flattenObject, flattenValues } = await import('./csv-writer');
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 100_000; i++) deep = { n: deep };
    expect(flattenValues(deep)).toEqual([1]);
    expect(flattenKeys(deep)[0]!.split('.')).toHaveLength(100_001);
    expect(Object.values(flattenObject(deep))).toEqual([1]);
    expect(flattenObject({ a: { b: 1, c: { d: 2 } }, e: {}, f: [1], g: 3 })).toEqual({ 'a.b': 1, 'a.c.d': 2, e: {}, f: [1], g: 3 });
    expect(flattenKeys({ a: { b: 1, c: { d: 2 } }, e: {}, g: 3 })).toEqual(['a.b', 'a.c.d', 'e', 'g']);
    expect(Object.keys(flattenObject({ a: { b: 1, c: { d: 2 } }, e: {}, g: 3 }, 'p'))).toEqual(['p.a.b', 'p.a.c.d', 'p.e', 'p.g']);
  });
});
