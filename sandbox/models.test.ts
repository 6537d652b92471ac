import { describe, expect, it } from 'vitest';
import { demoModels, findModel, findModelByDeployment, normalizeModelRef, predictFor, validateInput, type DemoModel } from './models';

const house = findModel('house-prices', '1')!;
const churn = findModel('customer-churn', '1')!;

describe('demo model definitions', () => {
  it('has house-prices and customer-churn READY and a third model BUILDING, with unique ids', () => {
    expect(demoModels.map((m) => [m.name, m.version, m.defaultState])).toEqual([
      ['house-prices', '1', 'READY'],
      ['customer-churn', '1', 'READY'],
      ['customer-churn', '2', 'READY'],
      ['loan-approval', '1', 'BUILDING'],
    ]);
    expect(new Set(demoModels.map((m) => m.deploymentId)).size).toBe(4);
    expect(new Set(demoModels.map((m) => m.modelId)).size).toBe(4);
  });

  it.each(demoModels.map((m) => [m.name, m] as [string, DemoModel]))('%s: the flat schema and the rules agree', (_name, m) => {
    expect(Object.keys(m.inputSchema)).toEqual(Object.keys(m.rules));
    for (const [field, rule] of Object.entries(m.rules)) expect(m.inputSchema[field]).toBe(rule.type);
  });

  it('uses the Plexe documentation’s house fields with the agreed ranges', () => {
    expect(house.inputSchema).toEqual({ square_footage: 'float', bedrooms: 'int', bathrooms: 'float', location: 'string' });
    expect(house.rules.square_footage).toMatchObject({ min: 100, max: 20000 });
    expect(house.rules.bedrooms).toMatchObject({ min: 0, max: 20 });
    expect(house.rules.bathrooms).toMatchObject({ min: 0, max: 15 });
    expect(house.rules.location!.allowed).toEqual(['urban', 'suburban', 'rural']);
  });

  it('finds models by "v1" as well as "1", and by deployment id', () => {
    expect(findModel('house-prices', 'v1')).toBe(house);
    expect(findModel('house-prices', '2')).toBeUndefined();
    expect(findModelByDeployment('dep_customer_churn_01')).toBe(churn);
    expect(normalizeModelRef('house-prices/v1')).toBe('house-prices/1');
    expect(normalizeModelRef('house-prices/1')).toBe('house-prices/1');
  });
});

describe('validateInput', () => {
  const good = { square_footage: 1500, bedrooms: 3, bathrooms: 2, location: 'suburban' };

  it('accepts a good row and ignores unknown fields', () => {
    expect(validateInput(house, good)).toEqual([]);
    expect(validateInput(house, { ...good, listing_id: 'L-1', notes: null })).toEqual([]);
  });

  it('names each bad field with its rule', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...good, square_footage: undefined }, 'square_footage', 'required'],
      [{ ...good, square_footage: null }, 'square_footage', 'required'],
      [{ ...good, square_footage: '1,950' }, 'square_footage', 'type'],
      [{ ...good, square_footage: Number.NaN }, 'square_footage', 'type'],
      [{ ...good, square_footage: 99.5 }, 'square_footage', 'min'],
      [{ ...good, square_footage: 20000.5 }, 'square_footage', 'max'],
      [{ ...good, bedrooms: 2.5 }, 'bedrooms', 'type'],
      [{ ...good, bedrooms: '3 bed' }, 'bedrooms', 'type'],
      [{ ...good, bedrooms: 21 }, 'bedrooms', 'max'],
      [{ ...good, location: 'Urban' }, 'location', 'allowed'],
      [{ ...good, location: 3 }, 'location', 'type'],
    ];
    for (const [row, field, rule] of cases) {
      const problems = validateInput(house, row);
      expect(problems.map((p) => [p.field, p.rule])).toEqual([[field, rule]]);
      expect(problems[0]!.message).toContain(field);
    }
    const churnRow = { tenure_months: 5, monthly_charges: 50, contract: 'one-year', support_calls: 0, paperless_billing: 'Yes' };
    expect(validateInput(churn, churnRow)).toEqual([{ field: 'paperless_billing', rule: 'type', message: 'paperless_billing must be true or false (got "Yes")' }]);
  });

  it('boundaries are inclusive', () => {
    expect(validateInput(house, { ...good, square_footage: 100, bedrooms: 0, bathrooms: 15 })).toEqual([]);
    expect(validateInput(house, { ...good, square_footage: 20000, bedrooms: 20, bathrooms: 0 })).toEqual([]);
  });

  it('refuses a row that is not an object', () => {
    for (const row of [null, 3, 'text', [good]]) expect(validateInput(house, row)[0]).toMatchObject({ field: '(row)', rule: 'type' });
  });
});

describe('predictions', () => {
  it('house prices are deterministic, plausible, and rise with size and with a more urban location', () => {
    const base = { square_footage: 1500, bedrooms: 3, bathrooms: 2, location: 'suburban' };
    const price = (row: Record<string, unknown>) => predictFor('house-prices', '1', row).predicted_price as number;
    expect(predictFor('house-prices', '1', base)).toEqual(predictFor('house-prices', 'v1', { ...base }));
    expect(price(base)).toBe(437000);
    expect(price({ ...base, square_footage: 2500 })).toBeGreaterThan(price(base));
    expect(price({ ...base, location: 'urban' })).toBeGreaterThan(price(base));
    expect(price({ ...base, location: 'rural' })).toBeLessThan(price(base));
    for (const sqft of [100, 800, 3000, 8000, 20000]) {
      for (const location of ['urban', 'suburban', 'rural']) {
        const p = price({ square_footage: sqft, bedrooms: Math.min(20, Math.round(sqft / 600)), bathrooms: 1, location });
        expect(p).toBeGreaterThanOrEqual(20000);
        expect(p).toBeLessThan(6_000_000);
      }
    }
  });

  it('churn answers churn or stay with a confidence between 0.5 and 1, as a person would expect', () => {
    const risky = predictFor('customer-churn', '1', { tenure_months: 2, monthly_charges: 95, contract: 'month-to-month', support_calls: 5, paperless_billing: true });
    const loyal = predictFor('customer-churn', '1', { tenure_months: 60, monthly_charges: 55, contract: 'two-year', support_calls: 0, paperless_billing: false });
    expect(risky.predicted_class).toBe('churn');
    expect(loyal.predicted_class).toBe('stay');
    for (const r of [risky, loyal]) {
      expect(r.confidence).toBeGreaterThanOrEqual(0.5);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(risky).sort()).toEqual(['confidence', 'predicted_class']);
  });

  it('customer-churn v2 has the same fields as v1 but answers measurably differently', () => {
    const v2 = findModel('customer-churn', '2')!;
    expect(v2.inputSchema).toEqual(churn.inputSchema);
    expect(v2.outputSchema).toEqual(churn.outputSchema);
    let changed = 0;
    let total = 0;
    for (const contract of ['month-to-month', 'one-year', 'two-year']) {
      for (let tenure = 0; tenure <= 72; tenure += 6) {
        for (let calls = 0; calls <= 6; calls++) {
          const row = { tenure_months: tenure, monthly_charges: 70, contract, support_calls: calls, paperless_billing: true };
          total++;
          if (predictFor('customer-churn', '1', row).predicted_class !== predictFor('customer-churn', '2', row).predicted_class) changed++;
        }
      }
    }
    expect(changed / total).toBeGreaterThan(0.05);
    expect(changed / total).toBeLessThan(0.5);
  });

  it('predictFor refuses unknown models and invalid rows, saying why', () => {
    expect(() => predictFor('nope', '1', {})).toThrow('There is no demo model "nope" version "1"');
    expect(() => predictFor('house-prices', '1', { square_footage: 1000 })).toThrow(/bedrooms is required/);
  });
});
