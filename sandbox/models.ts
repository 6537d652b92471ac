/**
 * The demo models the sandbox serves. They are plain data plus small deterministic formulas, so
 * the server core never reads files and the same answers come back on every run (tests compare
 * the server's answers with `predictFor`).
 */

export type ModelState = 'READY' | 'BUILDING' | 'DRAFT' | 'ERROR';
export type FieldType = 'float' | 'int' | 'string' | 'bool';

/** What a field accepts. The sandbox is strict, like a typed API: "3" is not an int, "yes" is not a bool. */
export interface FieldRule {
  type: FieldType;
  required: boolean;
  min?: number;
  max?: number;
  allowed?: readonly string[];
  description: string;
}

export type RuleName = 'required' | 'type' | 'min' | 'max' | 'allowed';

/** One thing wrong with one field of one row; the shape carried in 400 invalid_input details. */
export interface FieldProblem {
  field: string;
  rule: RuleName;
  message: string;
}

export interface DemoModel {
  name: string;
  version: string;
  modelId: string;
  deploymentId: string;
  displayName: string;
  intent: string;
  description: string;
  task: 'regression' | 'classification';
  /** State when the config says nothing about this model. */
  defaultState: ModelState;
  createdAt: string;
  updatedAt: string;
  /** Flat map field → type name, as Plexe's describe returns it. */
  inputSchema: Record<string, string>;
  outputSchema: Record<string, string>;
  rules: Record<string, FieldRule>;
  /**
   * 'flat' answers describe with the flat maps; 'json-schema' answers with
   * `{type:"object", properties, required}` as newer Plexe models do, so clients meet both forms.
   */
  describeStyle: 'flat' | 'json-schema';
  performanceMetrics: Record<string, number>;
  featureImportance: Record<string, number>;
  trainingInfo: { algorithm: string; training_rows: number; trained_at: string };
  predict(input: Record<string, unknown>): Record<string, unknown>;
}

const round = (n: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

function classify(p: number, positive: string, negative: string) {
  const isPositive = p >= 0.5;
  return { predicted_class: isPositive ? positive : negative, confidence: round(isPositive ? p : 1 - p, 4) };
}

const housePrices: DemoModel = {
  name: 'house-prices',
  version: '1',
  modelId: 'mdl_house_prices_v1',
  deploymentId: 'dep_house_prices_01',
  displayName: 'House Price Estimator (demo)',
  intent: 'Predict the sale price of a house from its size, rooms and location',
  description: 'Demo regression model: estimates a sale price in US dollars. Demo data only; not a real valuation.',
  task: 'regression',
  defaultState: 'READY',
  createdAt: '2025-01-14T09:30:00Z',
  updatedAt: '2025-01-14T11:02:41Z',
  inputSchema: { square_footage: 'float', bedrooms: 'int', bathrooms: 'float', location: 'string' },
  outputSchema: { predicted_price: 'float' },
  rules: {
    square_footage: { type: 'float', required: true, min: 100, max: 20000, description: 'Interior floor area in square feet' },
    bedrooms: { type: 'int', required: true, min: 0, max: 20, description: 'Number of bedrooms' },
    bathrooms: { type: 'float', required: true, min: 0, max: 15, description: 'Number of bathrooms (half baths as .5)' },
    location: { type: 'string', required: true, allowed: ['urban', 'suburban', 'rural'], description: 'Kind of area the house is in' },
  },
  describeStyle: 'flat',
  performanceMetrics: { r2: 0.87, rmse: 41250.0, mae: 28940.0 },
  featureImportance: { square_footage: 0.58, location: 0.27, bathrooms: 0.09, bedrooms: 0.06 },
  trainingInfo: { algorithm: 'gradient boosted trees', training_rows: 18452, trained_at: '2025-01-14T10:58:12Z' },
  predict(input) {
    const sqft = num(input.square_footage);
    const bedrooms = num(input.bedrooms);
    const bathrooms = num(input.bathrooms);
    const perSqft = input.location === 'urban' ? 310 : input.location === 'suburban' ? 210 : 140;
    // Past 3,000 sq ft each extra foot is worth less, as in real markets.
    const area = Math.min(sqft, 3000) + Math.max(0, sqft - 3000) * 0.7;
    let price = 50000 + area * perSqft + bedrooms * 12000 + bathrooms * 18000;
    const crowded = bedrooms - sqft / 250;
    if (crowded > 0) price -= crowded * 15000;
    return { predicted_price: round(Math.max(20000, price), 2) };
  },
};

const customerChurn: DemoModel = {
  name: 'customer-churn',
  version: '1',
  modelId: 'mdl_customer_churn_v1',
  deploymentId: 'dep_customer_churn_01',
  displayName: 'Customer Churn Predictor (demo)',
  intent: 'Predict whether a subscription customer will leave in the next 30 days',
  description: 'Demo classification model: answers "churn" or "stay" with a confidence. Demo data only.',
  task: 'classification',
  defaultState: 'READY',
  createdAt: '2025-02-03T14:12:00Z',
  updatedAt: '2025-02-03T16:45:09Z',
  inputSchema: { tenure_months: 'int', monthly_charges: 'float', contract: 'string', support_calls: 'int', paperless_billing: 'bool' },
  outputSchema: { predicted_class: 'string', confidence: 'float' },
  rules: {
    tenure_months: { type: 'int', required: true, min: 0, max: 600, description: 'Months the customer has been subscribed' },
    monthly_charges: { type: 'float', required: true, min: 0, max: 10000, description: 'Monthly bill in US dollars' },
    contract: { type: 'string', required: true, allowed: ['month-to-month', 'one-year', 'two-year'], description: 'Contract type' },
    support_calls: { type: 'int', required: true, min: 0, max: 1000, description: 'Support calls in the last 12 months' },
    paperless_billing: { type: 'bool', required: true, description: 'Whether the customer gets paperless bills' },
  },
  describeStyle: 'flat',
  performanceMetrics: { accuracy: 0.84, precision: 0.79, recall: 0.72, f1: 0.75, roc_auc: 0.88 },
  featureImportance: { contract: 0.34, tenure_months: 0.28, support_calls: 0.18, monthly_charges: 0.15, paperless_billing: 0.05 },
  trainingInfo: { algorithm: 'logistic regression', training_rows: 7043, trained_at: '2025-02-03T16:40:55Z' },
  predict(input) {
    const contract = input.contract === 'month-to-month' ? 1.1 : input.contract === 'one-year' ? -0.6 : -1.8;
    const logit =
      0.4 -
      0.045 * num(input.tenure_months) +
      0.02 * (num(input.monthly_charges) - 65) +
      contract +
      0.35 * num(input.support_calls) +
      (input.paperless_billing === true ? 0.3 : 0);
    return classify(sigmoid(logit), 'churn', 'stay');
  },
};

/**
 * Version 2 of the churn model, retrained later: support calls and short tenure weigh more, the
 * monthly bill less, and one-year contracts are trusted less. On the same rows it changes a
 * measurable share of answers, so comparing versions and evaluating on known outcomes have
 * something to show.
 */
const customerChurnV2: DemoModel = {
  ...customerChurn,
  version: '2',
  modelId: 'mdl_customer_churn_v2',
  deploymentId: 'dep_customer_churn_02',
  displayName: 'Customer Churn Predictor v2 (demo)',
  description: 'Demo classification model, second version: answers "churn" or "stay" with a confidence. Retrained with more support-call history. Demo data only.',
  createdAt: '2025-06-18T10:05:00Z',
  updatedAt: '2025-06-18T12:31:47Z',
  performanceMetrics: { accuracy: 0.87, precision: 0.83, recall: 0.79, f1: 0.81, roc_auc: 0.91 },
  featureImportance: { support_calls: 0.31, tenure_months: 0.29, contract: 0.27, monthly_charges: 0.09, paperless_billing: 0.04 },
  trainingInfo: { algorithm: 'gradient boosted trees', training_rows: 11380, trained_at: '2025-06-18T12:20:03Z' },
  predict(input) {
    const contract = input.contract === 'month-to-month' ? 0.8 : input.contract === 'one-year' ? 0.1 : -1.6;
    const tenure = num(input.tenure_months);
    const logit =
      -0.6 -
      0.055 * Math.min(tenure, 48) +
      0.004 * (num(input.monthly_charges) - 65) +
      contract +
      0.8 * num(input.support_calls) +
      (input.paperless_billing === true ? 0.15 : 0);
    return classify(sigmoid(logit), 'churn', 'stay');
  },
};

const loanApproval: DemoModel = {
  name: 'loan-approval',
  version: '1',
  modelId: 'mdl_loan_approval_v1',
  deploymentId: 'dep_loan_approval_01',
  displayName: 'Loan Approval (demo, still building)',
  intent: 'Predict whether a small personal loan application would be approved',
  description: 'Demo classification model that is still being built, so it cannot answer predictions yet.',
  task: 'classification',
  defaultState: 'BUILDING',
  createdAt: '2025-03-10T08:00:00Z',
  updatedAt: '2025-03-10T08:00:00Z',
  inputSchema: { annual_income: 'float', loan_amount: 'float', credit_score: 'int', employment_years: 'int' },
  outputSchema: { predicted_class: 'string', confidence: 'float' },
  rules: {
    annual_income: { type: 'float', required: true, min: 0, max: 10000000, description: 'Yearly income in US dollars' },
    loan_amount: { type: 'float', required: true, min: 500, max: 100000, description: 'Amount asked for in US dollars' },
    credit_score: { type: 'int', required: true, min: 300, max: 850, description: 'Credit score' },
    employment_years: { type: 'int', required: true, min: 0, max: 60, description: 'Years in current employment' },
  },
  describeStyle: 'json-schema',
  performanceMetrics: {},
  featureImportance: {},
  trainingInfo: { algorithm: 'pending', training_rows: 0, trained_at: '' },
  predict(input) {
    const income = Math.max(1, num(input.annual_income));
    const logit = -6 + 0.009 * num(input.credit_score) - 4 * (num(input.loan_amount) / income) + 0.08 * Math.min(num(input.employment_years), 10);
    return classify(sigmoid(logit), 'approve', 'decline');
  },
};

export const demoModels: DemoModel[] = [housePrices, customerChurn, customerChurnV2, loanApproval];

/** Clients write versions as "1" or "v1"; both name the same model. */
export function normalizeVersion(version: string): string {
  return /^v\d/i.test(version) ? version.slice(1) : version;
}

/** "name/version" with the version normalised, the key used for permissions and states. */
export function modelKey(name: string, version: string): string {
  return `${name}/${normalizeVersion(version)}`;
}

export function normalizeModelRef(ref: string): string {
  const slash = ref.lastIndexOf('/');
  return slash < 0 ? ref : modelKey(ref.slice(0, slash), ref.slice(slash + 1));
}

const byKey = new Map(demoModels.map((m) => [modelKey(m.name, m.version), m]));
const byDeployment = new Map(demoModels.map((m) => [m.deploymentId, m]));

export function findModel(name: string, version: string): DemoModel | undefined {
  return byKey.get(modelKey(name, version));
}

export function findModelByDeployment(deploymentId: string): DemoModel | undefined {
  return byDeployment.get(deploymentId);
}

function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const typeWords: Record<FieldType, string> = {
  float: 'a number',
  int: 'a whole number',
  string: 'text',
  bool: 'true or false',
};

function checkField(field: string, rule: FieldRule, value: unknown): FieldProblem | undefined {
  if (value === undefined || value === null) {
    return rule.required ? { field, rule: 'required', message: `${field} is required but was missing or empty` } : undefined;
  }
  const typeProblem = (): FieldProblem => ({
    field,
    rule: 'type',
    message: `${field} must be ${typeWords[rule.type]} (got ${show(value)})`,
  });
  switch (rule.type) {
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return typeProblem();
      break;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return typeProblem();
      break;
    case 'bool':
      if (typeof value !== 'boolean') return typeProblem();
      return undefined;
    case 'string':
      if (typeof value !== 'string') return typeProblem();
      if (rule.allowed && !rule.allowed.includes(value)) {
        return { field, rule: 'allowed', message: `${field} must be one of ${rule.allowed.join(', ')} (got ${show(value)})` };
      }
      return undefined;
  }
  if (rule.min !== undefined && value < rule.min) {
    return { field, rule: 'min', message: `${field} must be at least ${rule.min} (got ${value})` };
  }
  if (rule.max !== undefined && value > rule.max) {
    return { field, rule: 'max', message: `${field} must be at most ${rule.max} (got ${value})` };
  }
  return undefined;
}

/** Every problem with one row, in schema order; empty when the row is acceptable. Unknown fields are ignored. */
export function validateInput(model: DemoModel, input: unknown): FieldProblem[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ field: '(row)', rule: 'type', message: `Each row must be a JSON object of field values (got ${show(input)})` }];
  }
  const row = input as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const field in model.rules) {
    const problem = checkField(field, model.rules[field]!, row[field]);
    if (problem) problems.push(problem);
  }
  return problems;
}

/**
 * The answer the sandbox gives for one valid row. Throws when the model is unknown or the row is
 * invalid, naming what is wrong.
 */
export function predictFor(name: string, version: string, input: Record<string, unknown>): Record<string, unknown> {
  const model = findModel(name, version);
  if (!model) throw new Error(`There is no demo model "${name}" version "${version}"`);
  const problems = validateInput(model, input);
  if (problems.length > 0) throw new Error(`Invalid input for ${model.name}/${model.version}: ${problems.map((p) => p.message).join('; ')}`);
  return model.predict(input);
}

/** The describe answer's input schema: flat map, or JSON Schema for models that use it. */
export function describeInputSchema(model: DemoModel): unknown {
  if (model.describeStyle === 'flat') return model.inputSchema;
  const jsonType: Record<FieldType, string> = { float: 'number', int: 'integer', string: 'string', bool: 'boolean' };
  const properties: Record<string, Record<string, unknown>> = {};
  const required: string[] = [];
  for (const [field, rule] of Object.entries(model.rules)) {
    const prop: Record<string, unknown> = { type: jsonType[rule.type], description: rule.description };
    if (rule.min !== undefined) prop.minimum = rule.min;
    if (rule.max !== undefined) prop.maximum = rule.max;
    if (rule.allowed) prop.enum = [...rule.allowed];
    properties[field] = prop;
    if (rule.required) required.push(field);
  }
  return { type: 'object', properties, required };
}

export function describeOutputSchema(model: DemoModel): unknown {
  if (model.describeStyle === 'flat') return model.outputSchema;
  const jsonType: Record<string, string> = { float: 'number', int: 'integer', string: 'string', bool: 'boolean' };
  const properties: Record<string, unknown> = {};
  for (const [field, type] of Object.entries(model.outputSchema)) properties[field] = { type: jsonType[type] ?? type };
  return { type: 'object', properties, required: Object.keys(model.outputSchema) };
}
