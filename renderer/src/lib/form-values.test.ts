import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../../shared/domain/model';
import { emptyRaw, exampleValues, parsePastedJson, readForm, toRaw } from './form-values';

const fields: FieldSpec[] = [
  { name: 'square_footage', type: 'number', required: true, min: 100, max: 20000 },
  { name: 'bedrooms', type: 'integer', required: true, min: 0, max: 20 },
  { name: 'location', type: 'choice', required: true, choices: ['urban', 'rural'] },
  { name: 'garden', type: 'boolean', required: true },
  { name: 'note', type: 'text', required: false },
];

describe('readForm', () => {
  it('converts typed text to the field types and reports nothing when valid', () => {
    const { values, problems } = readForm(fields, { square_footage: '1500.5', bedrooms: '3', location: 'urban', garden: true, note: '' });
    expect(values).toEqual({ square_footage: 1500.5, bedrooms: 3, location: 'urban', garden: true });
    expect(problems.size).toBe(0);
  });
  it('names each problem next to its field', () => {
    const { problems } = readForm(fields, { square_footage: '50', bedrooms: '2.5', location: 'city', garden: false, note: '' });
    expect(problems.get('square_footage')).toMatch(/at least 100/);
    expect(problems.get('bedrooms')).toMatch(/whole number/);
    expect(problems.get('location')).toMatch(/one of: urban, rural/);
    expect(problems.has('garden')).toBe(false);
    expect(problems.has('note')).toBe(false);
  });
  it('flags a blank required field and text that is not a number', () => {
    const { problems } = readForm(fields, { square_footage: 'abc', bedrooms: '', location: 'urban', garden: false, note: '' });
    expect(problems.get('square_footage')).toMatch(/must be a number/);
    expect(problems.get('bedrooms')).toMatch(/required/);
  });
});

describe('toRaw / parsePastedJson', () => {
  it('round-trips typed values through the controls', () => {
    const raw = toRaw(fields, { square_footage: 1200, bedrooms: 2, location: 'rural', garden: 'yes' });
    expect(raw).toEqual({ square_footage: '1200', bedrooms: '2', location: 'rural', garden: true, note: '' });
    expect(readForm(fields, raw).problems.size).toBe(0);
  });
  it('fills matching fields from pasted JSON and reports extra and missing keys', () => {
    const out = parsePastedJson(fields, '{"square_footage": 900, "location": "urban", "colour": "red"}', emptyRaw(fields));
    expect(out.raw.square_footage).toBe('900');
    expect(out.raw.location).toBe('urban');
    expect(out.unknown).toEqual(['colour']);
    expect(out.missing).toEqual(['bedrooms', 'garden', 'note']);
  });
  it('unwraps {"input": {...}}', () => {
    const out = parsePastedJson(fields, '{"input": {"bedrooms": 4}}', emptyRaw(fields));
    expect(out.raw.bedrooms).toBe('4');
  });
  it('refuses text that is not a JSON object, in plain words', () => {
    expect(() => parsePastedJson(fields, '{oops', emptyRaw(fields))).toThrow(/not valid JSON/);
    expect(() => parsePastedJson(fields, '[1,2]', emptyRaw(fields))).toThrow(/one JSON object/);
    expect(() => parsePastedJson(fields, '{"x": 1}', emptyRaw(fields))).toThrow(/None of the pasted keys/);
  });
});

describe('exampleValues', () => {
  it('builds a valid example from min/max and choices', () => {
    const ex = exampleValues(fields.slice(0, 4));
    expect(readForm(fields.slice(0, 4), toRaw(fields.slice(0, 4), ex)).problems.size).toBe(0);
    expect(ex.location).toBe('urban');
  });
  it('uses typical values for common names when the schema has no range, and never leaves a required field empty', () => {
    const flat: FieldSpec[] = [
      { name: 'square_footage', type: 'number', required: true },
      { name: 'bedrooms', type: 'integer', required: true },
      { name: 'bathrooms', type: 'number', required: true },
      { name: 'location', type: 'text', required: true },
      { name: 'annual_income', type: 'number', required: true, min: 0, max: 10_000_000 },
      { name: 'credit_score', type: 'integer', required: true, min: 300, max: 850 },
      { name: 'loan_amount', type: 'number', required: true, min: 500, max: 100_000 },
    ];
    const ex = exampleValues(flat);
    expect(ex).toMatchObject({ square_footage: 1500, bedrooms: 3, bathrooms: 2, annual_income: 50000, credit_score: 680, loan_amount: 10000 });
    expect(ex.location).not.toBe('');
    expect(readForm(flat, toRaw(flat, ex)).problems.size).toBe(0);
  });
  it('keeps typical values inside a narrow range', () => {
    const f: FieldSpec[] = [{ name: 'bedrooms', type: 'integer', required: true, min: 5, max: 9 }];
    expect(exampleValues(f).bedrooms).toBe(7);
  });
  it('prefers known example values', () => {
    expect(exampleValues(fields, { bedrooms: 7 }).bedrooms).toBe(7);
  });
});
