import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { findModel, predictFor, validateInput } from '../models';
import { CHURN_OUTCOME_ROWS, CHURN_ROWS, churnOutcomesCsv, customerChurnCsv, HOUSE_ROWS, HOUSE_SALES_ROWS, housePricesCsv, houseSalesCsv } from './generate';

const here = dirname(fileURLToPath(import.meta.url));
const read = (name: string) => readFileSync(join(here, name), 'utf8');
const parse = (text: string) => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;

/** The kind of clean-up the importer is expected to do; here only to check the data fits the models. */
const number = (s: string | undefined) => {
  const cleaned = (s ?? '').replace(/[$,]/g, '').replace(/\s*(sq ft|beds?|months)$/i, '').trim();
  if (cleaned === '') return undefined;
  if (/^studio$/i.test(cleaned)) return 0;
  if (/^none$/i.test(cleaned)) return 0;
  const n = Number(cleaned);
  return Number.isFinite(n) ? n : cleaned;
};

describe('demo spreadsheets', () => {
  it('are the committed output of the seeded generator (regenerate with npx tsx sandbox/demo/generate.ts)', () => {
    expect(read('house-prices.csv')).toBe(housePricesCsv());
    expect(read('customer-churn.csv')).toBe(customerChurnCsv());
    expect(read('churn-outcomes.csv')).toBe(churnOutcomesCsv());
    expect(read('house-sales.csv')).toBe(houseSalesCsv());
  });

  it('churn-outcomes.csv: a known outcome per customer (a few blank); v2 gets more of them right than v1, neither is perfect', () => {
    const rows = parse(read('churn-outcomes.csv'));
    expect(rows).toHaveLength(CHURN_OUTCOME_ROWS);
    expect(new Set(rows.map((r) => r.churned))).toEqual(new Set(['Yes', 'No', '']));
    const known = rows.filter((r) => r.churned !== '');
    expect(known.length).toBeLessThan(rows.length);
    const accuracy = (version: string) =>
      known.filter((r) => {
        const input = { tenure_months: Number(r.tenure_months), monthly_charges: Number(r.monthly_charges), contract: r.contract, support_calls: Number(r.support_calls), paperless_billing: r.paperless_billing === 'Yes' };
        return (predictFor('customer-churn', version, input).predicted_class === 'churn') === (r.churned === 'Yes');
      }).length / known.length;
    const v1 = accuracy('1');
    const v2 = accuracy('2');
    expect(v1).toBeGreaterThan(0.7);
    expect(v2).toBeLessThan(0.95);
    expect(v2 - v1).toBeGreaterThan(0.01);
  });

  it('house-sales.csv: a sale price per house (a few blank), near but not equal to the model\'s estimate', () => {
    const rows = parse(read('house-sales.csv'));
    expect(rows).toHaveLength(HOUSE_SALES_ROWS);
    const known = rows.filter((r) => r.sale_price !== '');
    expect(known.length).toBeLessThan(rows.length);
    let absError = 0;
    for (const r of known) {
      const p = predictFor('house-prices', '1', { square_footage: Number(r.square_footage), bedrooms: Number(r.bedrooms), bathrooms: Number(r.bathrooms), location: r.location }).predicted_price as number;
      absError += Math.abs(p - Number(r.sale_price));
    }
    expect(absError / known.length).toBeGreaterThan(5000);
    expect(absError / known.length).toBeLessThan(80000);
  });

  it('house-prices.csv: a few hundred rows with the problems real sheets have, and fits the model once cleaned', () => {
    const text = read('house-prices.csv');
    const rows = parse(text);
    expect(rows).toHaveLength(HOUSE_ROWS);
    expect(Object.keys(rows[0]!)).toEqual(['listing_id', 'square_footage', 'bedrooms', 'bathrooms', 'location']);
    expect(text).toMatch(/"\d,\d{3}"/); // thousands separators
    expect(rows.some((r) => /^\d+ beds?$/.test(r.bedrooms!))).toBe(true);
    expect(rows.some((r) => r.square_footage === '')).toBe(true);
    expect(rows.some((r) => r.location === 'Urban' || r.location === 'Suburban' || r.location === 'Rural')).toBe(true);
    expect(rows.some((r) => r.location === 'downtown')).toBe(true);
    const model = findModel('house-prices', '1')!;
    let valid = 0;
    for (const r of rows) {
      const row = { square_footage: number(r.square_footage), bedrooms: number(r.bedrooms), bathrooms: number(r.bathrooms), location: r.location?.trim().toLowerCase() || undefined };
      if (validateInput(model, row).length === 0) valid++;
    }
    expect(valid / rows.length).toBeGreaterThan(0.85);
    expect(valid).toBeLessThan(rows.length);
  });

  it('customer-churn.csv: Yes/No, "$" amounts, thousands separators, blanks; fits the model once cleaned', () => {
    const text = read('customer-churn.csv');
    const rows = parse(text);
    expect(rows).toHaveLength(CHURN_ROWS);
    expect(Object.keys(rows[0]!)).toEqual(['customer_id', 'tenure_months', 'monthly_charges', 'contract', 'support_calls', 'paperless_billing', 'total_charges']);
    expect(new Set(rows.map((r) => r.paperless_billing))).toEqual(new Set(['Yes', 'No', 'yes', 'no', '']));
    expect(rows.some((r) => r.monthly_charges!.startsWith('$'))).toBe(true);
    expect(rows.some((r) => /^\d{1,3},\d{3}\.\d\d$/.test(r.total_charges!))).toBe(true);
    expect(rows.some((r) => r.contract === 'Month-to-month')).toBe(true);
    const model = findModel('customer-churn', '1')!;
    const contract = (s: string | undefined) => ({ 'month-to-month': 'month-to-month', 'one year': 'one-year', 'two year': 'two-year' })[(s ?? '').toLowerCase()] ?? s;
    let valid = 0;
    let churners = 0;
    for (const r of rows) {
      const row = {
        tenure_months: number(r.tenure_months),
        monthly_charges: number(r.monthly_charges),
        contract: contract(r.contract),
        support_calls: number(r.support_calls),
        paperless_billing: r.paperless_billing === '' ? undefined : /^yes$/i.test(r.paperless_billing!),
      };
      if (validateInput(model, row).length === 0) {
        valid++;
        if (model.predict(row).predicted_class === 'churn') churners++;
      }
    }
    expect(valid / rows.length).toBeGreaterThan(0.85);
    // Plausible: some customers leave, most stay.
    expect(churners / valid).toBeGreaterThan(0.1);
    expect(churners / valid).toBeLessThan(0.6);
  });
});
