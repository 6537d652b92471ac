import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../shared/domain/model';
import { canonicalKey, matchColumns, plainKey } from './column-match';
import { autoMatch } from './mapping';

const churn: FieldSpec[] = [
  { name: 'tenure', type: 'integer', required: true },
  { name: 'monthly_charges', type: 'number', required: true },
  { name: 'contract', type: 'choice', required: true, choices: ['Month-to-month', 'One year', 'Two year'] },
  { name: 'support_calls', type: 'integer', required: false },
  { name: 'paperless_billing', type: 'boolean', required: false },
  { name: 'location', type: 'choice', required: false, choices: ['urban', 'suburban', 'rural'] },
];
const house: FieldSpec[] = [
  { name: 'square_footage', type: 'number', required: true },
  { name: 'bedrooms', type: 'integer', required: true },
  { name: 'bathrooms', type: 'number', required: true },
  { name: 'year_built', type: 'integer', required: false, description: 'Year the house was built' },
];

describe('matching columns to fields', () => {
  it('matches the near-miss names of the issue, each with its reason', () => {
    const columns = ['Customer', 'Tenure (months)', 'Monthly charges ($)', 'Contract Type', 'Support calls (12m)', 'Paperless billing?', 'Area type'];
    const sample = Array.from({ length: 10 }, (_, i) => ['x', '1', '2', 'One year', '0', 'Yes', ['urban', 'Suburban', 'RURAL '][i % 3]!]);
    const m = matchColumns(columns, churn, { sampleRows: sample });
    expect(m.map((x) => [x.field, x.column, x.how])).toEqual([
      ['tenure', 1, 'name'],
      ['monthly_charges', 2, 'name'],
      ['contract', 3, 'extra-word'],
      ['support_calls', 4, 'name'],
      ['paperless_billing', 5, 'name'],
      ['location', 6, 'values'],
    ]);
    expect(m[0]!.reason).toBe('"Tenure (months)" is tenure written with other case, spaces or punctuation (the part in brackets is taken as a unit)');
    expect(m[2]!.reason).toBe('"Contract Type" is contract with the word "type" added');
    expect(m[5]!.reason).toBe('100% of the values in "Area type" are allowed values of location (urban, suburban, rural)');
  });

  it('knows common short forms, plurals and units after the name', () => {
    const m = autoMatch(['Sq. Ft.', 'Beds', 'Baths', 'Built (year)'], house);
    expect(m).toEqual({ square_footage: 0, bedrooms: 1, bathrooms: 2, year_built: null });
    expect(autoMatch(['sqft', 'Bedroom', 'Bathrooms (count)'], house)).toMatchObject({ square_footage: 0, bedrooms: 1, bathrooms: 2 });
    expect(autoMatch(['Square feet', 'BR', 'BA'], house)).toMatchObject({ square_footage: 0, bedrooms: 1, bathrooms: 2 });
    expect(matchColumns(['Beds'], house)[1]!.reason).toBe('"Beds" is a common short form, plural or unit-suffixed spelling of bedrooms');
    expect(autoMatch(['Price USD', 'Tenure months'], [{ name: 'price', type: 'number', required: true }, { name: 'tenure', type: 'integer', required: true }])).toEqual({ price: 0, tenure: 1 });
  });

  it("uses the field's description", () => {
    const m = matchColumns(['Year the house was built'], house);
    expect(m.find((x) => x.field === 'year_built')).toMatchObject({ column: 0, how: 'description' });
  });

  it('does not match a category column whose values are mostly not allowed', () => {
    const sample = Array.from({ length: 10 }, (_, i) => [i < 5 ? 'urban' : 'downtown']);
    expect(matchColumns(['Zone'], churn, { sampleRows: sample }).find((x) => x.field === 'location')!.column).toBeNull();
  });

  it('prefers what was confirmed before, then an exact name, and uses a column once', () => {
    const m = matchColumns(['tenure', 'Tenure (months)'], churn, { remembered: { tenure: 'Tenure (months)' } });
    expect(m[0]).toMatchObject({ column: 1, how: 'remembered', reason: 'you matched "Tenure (months)" to tenure before for this model' });
    expect(autoMatch(['square-feet', 'square_feet'], [{ name: 'square_feet', type: 'number', required: true }, { name: 'squarefeet', type: 'number', required: false }])).toEqual({ square_feet: 1, squarefeet: 0 });
  });

  it('says why a field has no column', () => {
    expect(matchColumns(['a'], house)[0]).toEqual({ field: 'square_footage', column: null, how: null, reason: 'no column has a similar name' });
  });

  it('normalises names', () => {
    expect(plainKey('  Paperless billing? ')).toBe('paperless billing');
    expect(plainKey('monthlyCharges')).toBe('monthly charges');
    expect(canonicalKey('Sq. Ft.')).toBe('squarefootage');
    expect(canonicalKey('square_footage')).toBe('squarefootage');
    expect(canonicalKey('No. of bedrooms')).toBe('number of bedroom');
  });
});
