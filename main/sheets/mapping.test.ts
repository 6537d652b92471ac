import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../shared/domain/model';
import { CheckTally, autoMatch, coerceRow, describeProblem, inferSchema, parseBoolean, parseNumber, summarize, summaryText, unmappedRequired } from './mapping';

const fields: FieldSpec[] = [
  { name: 'square_feet', type: 'number', required: true, min: 0 },
  { name: 'bedrooms', type: 'integer', required: true, min: 0, max: 20 },
  { name: 'has_garage', type: 'boolean', required: false },
  { name: 'style', type: 'choice', required: false, choices: ['Ranch', 'Colonial', 'Semi-Detached'] },
  { name: 'city', type: 'text', required: false },
];

describe('autoMatch', () => {
  it('ignores case, spaces, underscores and hyphens', () => {
    expect(autoMatch(['Square Feet', 'BEDROOMS', 'has-garage', 'Style ', 'town'], fields)).toEqual({
      square_feet: 0,
      bedrooms: 1,
      has_garage: 2,
      style: 3,
      city: null,
    });
  });

  it('prefers an exact name over a normalised one and never uses a column twice', () => {
    const m = autoMatch(['square-feet', 'square_feet'], [{ name: 'square_feet', type: 'number', required: true }, { name: 'squarefeet', type: 'number', required: false }]);
    expect(m).toEqual({ square_feet: 1, squarefeet: 0 });
  });

  it('lists required fields that no column feeds', () => {
    expect(unmappedRequired(autoMatch(['bedrooms'], fields), fields)).toEqual(['square_feet']);
  });
});

describe('parseNumber', () => {
  it.each([
    ['1950', 1950],
    ['1,950', 1950],
    ['1,950.5', 1950.5],
    ['1.950,5', 1950.5],
    ['1.950.000', 1950000],
    ['1.95', 1.95],
    ['1.950', 1.95],
    ['3,5', 3.5],
    ['1 950', 1950],
    ['1\u00a0950,25', 1950.25],
    ["1'950", 1950],
    ['$1,200', 1200],
    ['-$1,200', -1200],
    ['$-1,200', -1200],
    ['1200 €', 1200],
    ['(1,200)', -1200],
    ['+7', 7],
    ['.5', 0.5],
    ['1e3', 1000],
    ['  42  ', 42],
  ])('%s → %s', (text, want) => expect(parseNumber(text)).toBe(want));

  it.each(['3 bed', '12%', '0x10', 'Infinity', 'NaN', '1,950,5', '1..2', '', 'abc', '1,2,3'])('%s is not a number', (text) => {
    expect(parseNumber(text)).toBeNull();
  });
});

describe('parseBoolean', () => {
  it.each([
    ['Yes', true],
    ['no', false],
    ['TRUE', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['Y', true],
    ['n', false],
    [' yes ', true],
  ])('%s → %s', (text, want) => expect(parseBoolean(text)).toBe(want));
  it('refuses anything else', () => expect(parseBoolean('maybe')).toBeNull());
});

describe('coerceRow', () => {
  const mapping = autoMatch(['square_feet', 'bedrooms', 'has_garage', 'style', 'city', 'notes'], fields);

  it('types, trims and canonicalises, listing each coercion', () => {
    const r = coerceRow(['1,950', '3', 'Yes', 'semi detached', '  Springfield ', 'extra'], mapping, fields);
    expect(r).toEqual({
      ok: true,
      input: { square_feet: 1950, bedrooms: 3, has_garage: true, style: 'Semi-Detached', city: 'Springfield' },
      coercions: [
        { field: 'square_feet', from: '1,950', to: 1950 },
        { field: 'has_garage', from: 'Yes', to: true },
        { field: 'style', from: 'semi detached', to: 'Semi-Detached' },
        { field: 'city', from: '  Springfield ', to: 'Springfield' },
      ],
    });
  });

  it('maps choices case-insensitively and reports no coercion for plain readings', () => {
    const r = coerceRow(['850', '1', 'false', 'RANCH', 'Lyon', ''], mapping, fields);
    expect(r.ok && r.input).toEqual({ square_feet: 850, bedrooms: 1, has_garage: false, style: 'Ranch', city: 'Lyon' });
    expect(r.ok && r.coercions).toEqual([{ field: 'style', from: 'RANCH', to: 'Ranch' }]);
  });

  it('leaves blanks out, and complains only when the field is required', () => {
    const ok = coerceRow(['100', '2', '', '', '', ''], mapping, fields);
    expect(ok).toEqual({ ok: true, input: { square_feet: 100, bedrooms: 2 }, coercions: [] });
    const bad = coerceRow(['', ' ', '', '', '', ''], mapping, fields);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems).toEqual([
      { field: 'square_feet', column: 0, value: '', reason: 'is required, but the cell is empty', cause: 'missing' },
      { field: 'bedrooms', column: 1, value: ' ', reason: 'is required, but the cell is empty', cause: 'missing' },
    ]);
  });

  it('explains each unusable value in plain words', () => {
    const r = coerceRow(['-5', '3 bed', 'maybe', 'Cottage', 'x', ''], mapping, fields);
    expect(r.ok).toBe(false);
    const reasons = !r.ok ? Object.fromEntries(r.problems.map((p) => [p.field, p.reason])) : {};
    expect(reasons).toEqual({
      square_feet: "must be at least 0, found '-5'",
      bedrooms: "expected a whole number, found '3 bed'",
      has_garage: "expected yes or no (Yes, No, True, False, Y, N, 1, 0), found 'maybe'",
      style: "expected one of Ranch, Colonial, Semi-Detached; found 'Cottage'",
    });
  });

  it('checks whole numbers and maxima', () => {
    const a = coerceRow(['10', '2.5', '', '', '', ''], mapping, fields);
    expect(!a.ok && a.problems[0]!.reason).toBe("expected a whole number, found '2.5'");
    const b = coerceRow(['10', '21', '', '', '', ''], mapping, fields);
    expect(!b.ok && b.problems[0]!.reason).toBe("must be at most 20, found '21'");
    const c = coerceRow(['10', '3.0', '', '', '', ''], mapping, fields);
    expect(c.ok && c.input.bedrooms).toBe(3);
  });

  it('treats N/A-style cells in number fields as missing', () => {
    const r = coerceRow(['N/A', '2', '', '', '', ''], mapping, fields);
    expect(!r.ok && r.problems[0]!.reason).toBe("is required, but the cell says 'N/A' (no value)");
    const opt: FieldSpec[] = [{ name: 'x', type: 'number', required: false }];
    expect(coerceRow(['NA'], { x: 0 }, opt)).toEqual({ ok: true, input: {}, coercions: [{ field: 'x', from: 'NA', to: null }] });
  });

  it('refuses percentages with a hint', () => {
    const r = coerceRow(['12%', '1', '', '', '', ''], mapping, fields);
    expect(!r.ok && r.problems[0]!.reason).toMatch(/found '12%' \(write a percentage as a plain number/);
  });

  it('reports a required field with no column on every row', () => {
    const r = coerceRow(['3'], { square_feet: null, bedrooms: 0 }, fields.slice(0, 2));
    expect(!r.ok && r.problems).toEqual([{ field: 'square_feet', column: null, value: '', reason: 'is required, but no column is matched to it', cause: 'unmapped' }]);
  });
});

describe('summaries', () => {
  it('words the count the way the screen shows it', () => {
    expect(summaryText(9812, 188)).toBe('9,812 rows ready, 188 need attention');
    expect(summaryText(1, 1)).toBe('1 row ready, 1 needs attention');
    expect(summaryText(5, 0)).toBe('5 rows ready, none need attention');
  });

  it('tallies streamed results, keeping a bounded list of problem rows', () => {
    const tally = new CheckTally(2);
    const mapping = { bedrooms: 0 };
    const f: FieldSpec[] = [{ name: 'bedrooms', type: 'integer', required: true }];
    ['1', '3 bed', '2', 'x', '', '4'].forEach((v, i) => tally.add(i + 2, coerceRow([v], mapping, f)));
    const s = tally.summary();
    expect(s).toMatchObject({ total: 6, ready: 3, needAttention: 3, text: '3 rows ready, 3 need attention', moreProblemRows: true });
    expect(s.problemRows.map((r) => r.rowNumber)).toEqual([3, 5]);
    expect(s.byField).toEqual([{ field: 'bedrooms', column: 0, rows: 3, example: { rowNumber: 3, value: '3 bed', reason: "expected a whole number, found '3 bed'" } }]);
  });

  it('summarize() counts ready rows from the total', () => {
    const s = summarize(10_000, [
      { rowNumber: 9, problems: [{ field: 'a', column: 1, value: 'x', reason: 'expected a number, found \'x\'' }] },
      { rowNumber: 4, problems: [{ field: 'a', column: 1, value: 'y', reason: 'expected a number, found \'y\'' }] },
    ]);
    expect(s.text).toBe('9,998 rows ready, 2 need attention');
    expect(s.problemRows.map((r) => r.rowNumber)).toEqual([4, 9]);
    expect(describeProblem(4, s.problemRows[0]!.problems[0]!, ['id', 'sqft'])).toBe('Row 4, column "sqft" (field "a"): expected a number, found \'y\'');
  });
});

describe('inferSchema', () => {
  it('guesses types from the first rows', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [
      String(i + 1),
      i % 2 ? '1,950.5' : '12',
      i % 2 ? 'Yes' : 'no',
      ['Ranch', 'colonial', 'ranch', 'Colonial'][i % 4]!,
      `Name ${i}`,
      i === 3 ? '' : String(i % 2),
      i === 5 ? 'N/A' : '3',
    ]);
    const schema = inferSchema(['id', 'sqft', 'garage', 'style', 'name', 'flag', 'beds'], rows);
    expect(schema.map((f) => [f.name, f.type, f.required])).toEqual([
      ['id', 'integer', true],
      ['sqft', 'number', true],
      ['garage', 'boolean', true],
      ['style', 'choice', true],
      ['name', 'text', true],
      ['flag', 'integer', false],
      ['beds', 'integer', false],
    ]);
    expect(schema[3]!.choices).toEqual(['Ranch', 'colonial']);
  });

  it('does not invent choices from a handful of rows, and handles empty columns', () => {
    const schema = inferSchema({ columns: ['kind', 'empty'], renamed: [] }, [['a', ''], ['b', ''], ['a', '']]);
    expect(schema.map((f) => f.type)).toEqual(['text', 'text']);
    expect(schema[1]!.required).toBe(false);
  });
});
