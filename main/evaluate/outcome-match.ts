import type { EvaluationTask, OutcomeSuggestion } from '../../shared/ipc/evaluate';

/**
 * Finding the known-outcome column and reading its values: which column of a spreadsheet holds
 * what really happened for the model's answer ("churned" for a churn model's class, "sale price"
 * for `predicted_price`), and how its values map to the model's classes ("Yes" → "churn").
 */

const NUMBER_TYPES = new Set(['float', 'double', 'number', 'int', 'integer', 'long', 'decimal']);
const CLASS_TYPES = new Set(['string', 'str', 'text', 'bool', 'boolean', 'category', 'choice']);
/** Words that say nothing about what is predicted. */
const GENERIC = new Set(['predicted', 'prediction', 'predict', 'class', 'label', 'value', 'estimate', 'estimated', 'output', 'result', 'model', 'demo', 'the', 'of', 'score', 'v']);
/** Words that mark a column as an outcome without naming it. */
const OUTCOME_WORDS = new Set(['actual', 'outcome', 'target', 'truth', 'known', 'real', 'observed', 'true']);
const YES = new Set(['yes', 'y', 'true', 't', '1', 'ja', 'oui', 'si', 'x']);
const NO = new Set(['no', 'n', 'false', 'f', '0', 'nein', 'non']);
/** Class names that usually mean "nothing happened", for deciding which class a "yes" stands for. */
const NEGATIVE_CLASSES = new Set(['stay', 'no', 'none', 'negative', 'false', '0', 'decline', 'declined', 'reject', 'rejected', 'normal', 'ok', 'retain', 'retained', 'keep', 'not_churn', 'legit']);

export function stem(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('es') && !w.endsWith('ses')) return w.slice(0, -1).replace(/e$/, '');
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** "Sale Price", "salePrice", "sale_price" → ["sale", "price"], each stemmed. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .map(stem);
}

export function isNumberType(type: string | undefined): boolean {
  return type !== undefined && NUMBER_TYPES.has(type.toLowerCase());
}

export function isClassType(type: string | undefined): boolean {
  return type !== undefined && CLASS_TYPES.has(type.toLowerCase());
}

/** A number written by a person: "$52,300", "52 300", "1,250.50", "-3"; null when it is not one. */
export function readNumber(text: string): number | null {
  const s = text.trim().replace(/^[$€£¥]\s*|\s*[$€£¥]$|\s*(usd|eur|gbp)$/gi, '').replace(/[,\s](?=\d{3}(\D|$))/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

export function normaliseOutcome(text: string): string {
  return text.trim().toLowerCase();
}

/** The answer field compared with the outcome, and the field with the model's confidence, from its output schema. */
export function outputTargets(outputSchema: Record<string, string>): { field: string; task: EvaluationTask }[] {
  const out: { field: string; task: EvaluationTask }[] = [];
  for (const [field, type] of Object.entries(outputSchema)) {
    if (isConfidenceField(field)) continue;
    if (isNumberType(type)) out.push({ field, task: 'regression' });
    else if (isClassType(type)) out.push({ field, task: 'classification' });
  }
  // A class answer is what a classifier is judged on; number answers beside it are secondary.
  return out.sort((a, b) => (a.task === b.task ? 0 : a.task === 'classification' ? -1 : 1));
}

export function isConfidenceField(field: string): boolean {
  return /(^|[_\s.-])(confidence|probability|proba|prob|certainty|score)$/i.test(field) || /^(confidence|probability|score)$/i.test(field);
}

export function confidenceFieldOf(outputSchema: Record<string, string> | null, resultFields: readonly string[]): string | null {
  const names = outputSchema ? Object.entries(outputSchema).filter(([, t]) => isNumberType(t)).map(([f]) => f) : [...resultFields];
  return names.find(isConfidenceField) ?? null;
}

export interface SuggestInput {
  columns: readonly string[];
  /** The first rows of the sheet, cells in column order. */
  sampleRows: readonly (readonly string[])[];
  outputSchema: Record<string, string>;
  /** "customer-churn": its words also name what a class answer is about. */
  modelName: string;
  /** Columns sent to the model (mapped to its fields): never the outcome. */
  inputColumns: ReadonlySet<string>;
}

/**
 * Columns that look like the known outcome, best first: by name (sharing a word with the answer
 * field or the model's name, or called "actual …", "outcome") and by values (numbers for a number
 * answer, a few distinct values such as Yes/No for a class).
 */
export function suggestOutcomes(input: SuggestInput): OutcomeSuggestion[] {
  const targets = outputTargets(input.outputSchema);
  const out: OutcomeSuggestion[] = [];
  input.columns.forEach((column, index) => {
    if (input.inputColumns.has(column)) return;
    const values = input.sampleRows.map((r) => (r[index] ?? '').trim()).filter((v) => v !== '');
    if (values.length === 0) return;
    const colWords = words(column);
    const numeric = values.filter((v) => readNumber(v) !== null).length / values.length;
    const distinct = new Set(values.map(normaliseOutcome));
    const yesNo = [...distinct].every((v) => YES.has(v) || NO.has(v)) && distinct.size <= 2;
    let best: OutcomeSuggestion | null = null;
    for (const t of targets) {
      const about = new Set([...words(t.field), ...(t.task === 'classification' ? words(input.modelName) : [])].filter((w) => !GENERIC.has(w) && !/^\d+$/.test(w)));
      const shared = colWords.filter((w) => about.has(w));
      const outcomeWord = colWords.some((w) => OUTCOME_WORDS.has(w));
      let score = 0;
      const why: string[] = [];
      if (shared.length > 0) {
        score += 0.6;
        why.push(`its name shares "${shared[0]}" with ${t.task === 'classification' && !words(t.field).includes(shared[0]!) ? `the model ${input.modelName}` : `the answer ${t.field}`}`);
      } else if (outcomeWord) {
        score += 0.4;
        why.push('its name says it holds an outcome');
      }
      if (t.task === 'regression') {
        if (numeric < 0.9) continue;
        if (score === 0) continue;
        score += 0.3;
        why.push('its values are numbers');
      } else {
        if (distinct.size > 20 || distinct.size === values.length) continue;
        if (yesNo) {
          score += 0.4;
          why.push('its values are yes/no');
        } else if (numeric < 0.5) {
          score += 0.2;
          why.push(`it has a few distinct values (${[...distinct].slice(0, 3).join(', ')})`);
        } else continue;
      }
      if (score < 0.4) continue;
      const s: OutcomeSuggestion = { column, resultField: t.field, task: t.task, reason: `"${column}" could be the known outcome for ${t.field}: ${why.join(' and ')}.`, score: Math.round(score * 100) / 100 };
      if (!best || s.score > best.score) best = s;
    }
    if (best) out.push(best);
  });
  return out.sort((a, b) => b.score - a.score);
}

/**
 * Outcome values → the model's classes. Values equal to a class (ignoring case) map to it; yes/no
 * values against two classes map "yes" to the class the column is named after ("churned" → churn)
 * or else to the class that is not a "nothing happened" class (not "stay"), and "no" to the other.
 * Values left out of the map cannot be compared and are counted, not guessed.
 */
export function matchOutcomeValues(values: readonly string[], classes: readonly string[], column: string): Record<string, string> {
  const map: Record<string, string> = {};
  const byLower = new Map(classes.map((c) => [c.trim().toLowerCase(), c]));
  for (const raw of values) {
    const v = normaliseOutcome(raw);
    const exact = byLower.get(v);
    if (exact !== undefined) map[v] = exact;
  }
  if (classes.length === 2) {
    const colWords = new Set(words(column));
    const named = classes.filter((c) => words(c).some((w) => colWords.has(w)));
    const notNegative = classes.filter((c) => !NEGATIVE_CLASSES.has(c.trim().toLowerCase()));
    const positive = named.length === 1 ? named[0]! : notNegative.length === 1 ? notNegative[0]! : null;
    if (positive !== null) {
      const negative = classes.find((c) => c !== positive)!;
      for (const raw of values) {
        const v = normaliseOutcome(raw);
        if (map[v] !== undefined) continue;
        if (YES.has(v)) map[v] = positive;
        else if (NO.has(v)) map[v] = negative;
      }
    }
  }
  return map;
}
