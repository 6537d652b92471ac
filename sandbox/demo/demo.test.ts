import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { findModel, validateInput } from '../models';
import { CHURN_ROWS, customerChurnCsv, HOUSE_ROWS, housePricesCsv } from './generate';

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
