import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../shared/domain/model';
import { MemorySettings } from '../store/memory';
import { coerceRow } from './mapping';
import { applyMapSpecs, checkSavedMapping, MappingMemory, mappingFileText, parseMappingFile, parseMapSpec } from './mapping-memory';
import { choiceMatcher, decideNumberFormat, readNumber } from './values';

const contract: FieldSpec = { name: 'contract', type: 'choice', required: true, choices: ['Month-to-month', 'One year', 'Two year'] };
const location: FieldSpec = { name: 'location', type: 'choice', required: false, choices: ['urban', 'suburban', 'rural'] };

describe('category values', () => {
  it('match allowed values ignoring case, spacing, punctuation and hyphens', () => {
    const c = choiceMatcher(contract);
    expect(c('month to month')).toBe('Month-to-month');
    expect(c('two-year')).toBe('Two year');
    expect(c('ONE_YEAR')).toBe('One year');
    expect(choiceMatcher(location)('URBAN ')).toBe('urban');
    expect(c('2 yr')).toBeNull();
  });

  it("follow the person's value map, and its spelling variants", () => {
    const c = choiceMatcher(contract, { '2 yr': 'Two year', '1yr': 'One year', 'x': 'Not allowed' });
    expect(c('2 yr')).toBe('Two year');
    expect(c('2-YR')).toBe('Two year');
    expect(c('1 yr')).toBe('One year');
    expect(c('x')).toBeNull();
  });

  it('are read that way by coerceRow, which calls a value the model does not accept an unknown choice', () => {
    const r = coerceRow(['month to month'], { contract: 0 }, [contract]);
    expect(r).toEqual({ ok: true, input: { contract: 'Month-to-month' }, coercions: [{ field: 'contract', from: 'month to month', to: 'Month-to-month' }] });
    const bad = coerceRow(['2 yr'], { contract: 0 }, [contract]);
    expect(!bad.ok && bad.problems[0]!.cause).toBe('unknown-choice');
    expect(coerceRow(['2 yr'], { contract: 0 }, [contract], { valueMaps: { contract: { '2 yr': 'Two year' } } })).toMatchObject({ ok: true, input: { contract: 'Two year' } });
  });
});

describe('numbers, decided per column', () => {
  it('reads currency, units and thousands separators when the column is consistent', () => {
    const usd = decideNumberFormat(['28.06 USD', '105.5 USD', '7 usd']);
    expect(usd).toEqual({ decimal: '.', unit: 'usd' });
    expect(readNumber('28.06 USD', usd!)).toBe(28.06);
    const sqft = decideNumberFormat(['1,950 sq ft', '850 sq ft', '2,400 sq. ft.']);
    expect(sqft).toEqual({ decimal: '.', unit: 'sqft' });
    expect(readNumber('1,950 sq ft', sqft!)).toBe(1950);
    expect(readNumber('2,400 sq. ft.', sqft!)).toBe(2400);
    const beds = decideNumberFormat(['3 bed', '1 bed', '4 beds']);
    expect(readNumber('4 beds', beds!)).toBe(4);
    expect(readNumber('$1,200', decideNumberFormat(['$1,200', '$80'])!)).toBe(1200);
  });

  it('decides the decimal comma for the whole column, never value by value', () => {
    const f = decideNumberFormat(['1.950,5', '3,5', '1.950']);
    expect(f).toEqual({ decimal: ',', unit: null });
    // "1.950" alone would read 1.95; in this column it is 1950.
    expect(readNumber('1.950', f!)).toBe(1950);
    expect(readNumber('3,5', f!)).toBe(3.5);
    const us = decideNumberFormat(['1,950', '2.5']);
    expect(readNumber('1,950', us!)).toBe(1950);
    expect(readNumber('1.950', us!)).toBe(1.95);
  });

  it('refuses what is not unambiguous', () => {
    const f = decideNumberFormat(['3 bed', '2 bath'])!;
    expect(f.unit).toBeNull();
    expect(readNumber('3 bed', f)).toBeNull();
    expect(readNumber('12%', { decimal: '.', unit: null })).toBeNull();
    expect(readNumber('1,2,3', { decimal: '.', unit: null })).toBeNull();
    expect(readNumber('3 kg', { decimal: '.', unit: 'bed' })).toBeNull();
  });

  it('are read with the column format by coerceRow', () => {
    const fields: FieldSpec[] = [{ name: 'charges', type: 'number', required: true }];
    expect(coerceRow(['28.06 USD'], { charges: 0 }, fields).ok).toBe(false);
    expect(coerceRow(['28.06 USD'], { charges: 0 }, fields, { numberFormats: { charges: { decimal: '.', unit: 'usd' } } })).toMatchObject({ ok: true, input: { charges: 28.06 } });
  });
});

describe('remembered mappings', () => {
  it('are kept per model in settings, merged over earlier ones', () => {
    const memory = new MappingMemory(new MemorySettings());
    expect(memory.get('m1')).toEqual({ columns: {}, values: {} });
    memory.rememberColumns('m1', { square_footage: 'Sq. Ft.' });
    memory.rememberColumns('m1', { bedrooms: 'Beds' });
    memory.rememberValues('m1', 'contract', { '2 yr': 'Two year' });
    expect(memory.get('m1')).toEqual({ columns: { square_footage: 'Sq. Ft.', bedrooms: 'Beds' }, values: { contract: { '2 yr': 'Two year' } } });
    expect(memory.get('m2')).toEqual({ columns: {}, values: {} });
  });

  it('round-trip through a mapping file', () => {
    const m = { columns: { square_footage: 'Sq. Ft.', year_built: null }, values: { contract: { '2 yr': 'Two year' } } };
    expect(parseMappingFile(mappingFileText(m), 'map.json')).toEqual(m);
  });

  it('refuse a bad mapping file with a clear message', () => {
    expect(() => parseMappingFile('{"columns": ', 'map.json')).toThrow(/^The mapping file "map.json" is not valid JSON/);
    expect(() => parseMappingFile('[1]', 'map.json')).toThrow('The mapping file "map.json" does not hold a JSON object.');
    expect(() => parseMappingFile('{"columns": {"a": 3}}', 'map.json')).toThrow('The mapping file "map.json" maps the field "a" to 3, not to a column name.');
    expect(() => parseMappingFile('{"format": "other"}', 'map.json')).toThrow(/is a "other" file, not a sheet mapping/);
    expect(() => parseMappingFile('{}', 'map.json')).toThrow(/has neither "columns" nor "values"/);
  });

  it('are checked against the sheet and the model', () => {
    const fields: FieldSpec[] = [{ name: 'square_footage', type: 'number', required: true }, contract];
    expect(checkSavedMapping({ columns: { square_footage: 'Sq Ft', sqft: 'x' }, values: { contract: { a: 'Three year' } } }, ['Sq. Ft.'], fields)).toEqual([
      'the sheet has no column "Sq Ft" (for square_footage); did you mean "Sq. Ft."?',
      'the model has no field "sqft"; did you mean "square_footage"?',
      '"a" is mapped to "Three year", which is not an allowed value of contract (Month-to-month, One year, Two year)',
    ]);
  });
});

describe('--map COLUMN=FIELD', () => {
  const fields: FieldSpec[] = [{ name: 'square_footage', type: 'number', required: true }, { name: 'bedrooms', type: 'integer', required: true }];
  it('parses and applies', () => {
    expect(parseMapSpec('Sq. Ft.=square_footage')).toEqual({ column: 'Sq. Ft.', field: 'square_footage' });
    expect(parseMapSpec('a=b=bedrooms')).toEqual({ column: 'a=b', field: 'bedrooms' });
    expect(applyMapSpecs({ square_footage: 'Beds', bedrooms: null }, [parseMapSpec('Sq. Ft.=square_footage'), parseMapSpec('Beds=bedrooms')], ['Sq. Ft.', 'Beds'], fields)).toEqual({
      square_footage: 'Sq. Ft.',
      bedrooms: 'Beds',
    });
  });

  it('says what is wrong', () => {
    expect(() => parseMapSpec('square_footage')).toThrow('--map "square_footage" is not COLUMN=FIELD. Write the spreadsheet column, an equals sign and the model\'s field, e.g. --map "Sq. Ft.=square_footage".');
    expect(() => applyMapSpecs({}, [parseMapSpec('Sq. Ft.=sqft')], ['Sq. Ft.'], fields)).toThrow('--map "Sq. Ft.=sqft": the model has no field "sqft"; did you mean "square_footage"? Its fields are: square_footage, bedrooms.');
    expect(() => applyMapSpecs({}, [parseMapSpec('Sq Ft=square_footage')], ['Sq. Ft.'], fields)).toThrow('--map "Sq Ft=square_footage": the sheet has no column "Sq Ft"; did you mean "Sq. Ft."? Its columns are: "Sq. Ft.".');
  });
});
