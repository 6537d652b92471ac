import { describe, expect, it } from 'vitest';
import { coerceInput, fieldsFromAnySchema, outputTypeMap, parseSchemaText, parseTypeName, SchemaFormatError, validateInput } from './schema-convert';
import type { FieldSpec } from './model';

describe('schema conversion', () => {
  it('reads the flat type map Plexe describe returns', () => {
    const fields = fieldsFromAnySchema({ square_footage: 'float', bedrooms: 'int', location: 'string', garage: 'bool', note: 'Optional[str]' });
    expect(fields).toEqual([
      { name: 'square_footage', type: 'number', required: true },
      { name: 'bedrooms', type: 'integer', required: true },
      { name: 'location', type: 'text', required: true },
      { name: 'garage', type: 'boolean', required: true },
      { name: 'note', type: 'text', required: false },
    ]);
  });

  it('maps type-name variants', () => {
    expect(parseTypeName('float64')).toEqual({ type: 'number', optional: false });
    expect(parseTypeName('int | None')).toEqual({ type: 'integer', optional: true });
    expect(parseTypeName('Boolean')).toEqual({ type: 'boolean', optional: false });
    expect(parseTypeName('something-odd')).toEqual({ type: 'text', optional: false });
  });

  it('reads JSON Schema with enum, bounds, descriptions and required', () => {
    const fields = fieldsFromAnySchema({
      type: 'object',
      properties: {
        income: { type: 'number', minimum: 0, maximum: 1e7, description: 'Yearly income' },
        score: { type: 'integer', minimum: 300, maximum: 850 },
        contract: { type: 'string', enum: ['one-year', 'two-year'] },
        nickname: { type: ['string', 'null'] },
        flag: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
      },
      required: ['income', 'score', 'contract', 'nickname'],
    });
    expect(fields).toEqual([
      { name: 'income', type: 'number', required: true, min: 0, max: 1e7, description: 'Yearly income' },
      { name: 'score', type: 'integer', required: true, min: 300, max: 850 },
      { name: 'contract', type: 'choice', required: true, choices: ['one-year', 'two-year'] },
      { name: 'nickname', type: 'text', required: false },
      { name: 'flag', type: 'boolean', required: false },
    ]);
  });

  it('accepts a whole describe answer and reports unusable files plainly', () => {
    expect(parseSchemaText(JSON.stringify({ input_schema: { a: 'int' } })).fields).toEqual([{ name: 'a', type: 'integer', required: true }]);
    expect(() => parseSchemaText('{not json')).toThrow(/not valid JSON/);
    expect(() => parseSchemaText('[1,2]')).toThrow(SchemaFormatError);
    expect(() => parseSchemaText('{}')).toThrow(/no fields/);
    expect(() => parseSchemaText('{"a": 3}')).toThrow(/field "a"/);
  });

  it('turns output schemas of either form into a flat map', () => {
    expect(outputTypeMap({ predicted_price: 'float' })).toEqual({ predicted_price: 'float' });
    expect(outputTypeMap({ type: 'object', properties: { c: { type: 'string' } } })).toEqual({ c: 'string' });
    expect(outputTypeMap(null)).toBeNull();
  });
});

describe('validateInput', () => {
  const fields: FieldSpec[] = [
    { name: 'sqft', type: 'number', required: true, min: 100, max: 20000 },
    { name: 'beds', type: 'integer', required: true },
    { name: 'loc', type: 'choice', required: true, choices: ['urban', 'rural'] },
    { name: 'garage', type: 'boolean', required: false },
    { name: 'note', type: 'text', required: false },
  ];

  it('accepts good values and names every bad field', () => {
    expect(validateInput(fields, { sqft: 1500, beds: 3, loc: 'urban' })).toEqual([]);
    const problems = validateInput(fields, { sqft: 50, beds: 2.5, loc: 'city', garage: 'yes', note: 4 });
    expect(problems.map((p) => p.field)).toEqual(['sqft', 'beds', 'loc', 'garage', 'note']);
    expect(problems[0]!.message).toBe('Sqft must be at least 100 (got 50).');
    expect(problems[1]!.message).toMatch(/whole number/);
    expect(problems[2]!.message).toMatch(/one of: urban, rural/);
    expect(validateInput(fields, {})).toEqual([
      { field: 'sqft', message: 'Sqft is required: fill it in.' },
      { field: 'beds', message: 'Beds is required: fill it in.' },
      { field: 'loc', message: 'Loc is required: fill it in.' },
    ]);
    expect(validateInput(fields, { sqft: '1500', beds: 3, loc: 'urban' })[0]!.message).toMatch(/must be a number \(got "1500"\)/);
    expect(validateInput(fields, { sqft: 30000, beds: 1, loc: 'rural' })[0]!.message).toMatch(/at most 20,000/);
  });

  it('coerces typed text to the field types and drops blank optional values', () => {
    const r = coerceInput(fields, { sqft: ' 1500.5 ', beds: '3', loc: 'Urban', garage: 'yes', note: '', extra: 1 });
    expect(r.values).toEqual({ sqft: 1500.5, beds: 3, loc: 'urban', garage: true, extra: 1 });
    expect(r.problems).toEqual([]);
    const bad = coerceInput(fields, { sqft: '1,500', beds: 'three', loc: 'urban' });
    expect(bad.problems.map((p) => p.field)).toEqual(['sqft', 'beds']);
  });
  it('names fields by their label and repeats what was typed', () => {
    const area: FieldSpec[] = [{ name: 'square_footage', type: 'number', required: true, min: 100, max: 20000 }];
    expect(coerceInput(area, { square_footage: '50' }).problems[0]!.message).toBe('Square footage must be at least 100 (got 50).');
    expect(coerceInput(area, { square_footage: '99999999999999999999' }).problems[0]!.message).toBe('Square footage must be at most 20,000 (got 99999999999999999999).');
  });
});
