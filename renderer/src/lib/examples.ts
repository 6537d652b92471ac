/**
 * Example inputs for the embedded demo models: the first clean row of each demo spreadsheet
 * (sandbox/demo/*.csv), so the demo workspace opens with a form that can be predicted at once.
 * Demo data only; any other model gets an example built from its schema (form-values.ts).
 */
const DEMO_EXAMPLES: Record<string, Record<string, unknown>> = {
  'house-prices/1': { square_footage: 1470, bedrooms: 2, bathrooms: 2, location: 'urban' },
  'customer-churn/1': { tenure_months: 27, monthly_charges: 64.26, contract: 'month-to-month', support_calls: 3, paperless_billing: true },
  'loan-approval/1': { annual_income: 52000, loan_amount: 8000, credit_score: 690, employment_years: 4 },
};

export function demoExample(name: string, version: string): Record<string, unknown> | undefined {
  return DEMO_EXAMPLES[`${name}/${version.replace(/^v(?=\d)/i, '')}`];
}
