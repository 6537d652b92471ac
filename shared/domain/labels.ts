/**
 * The words a person reads for a field or an output name: "square_footage" → "Square footage".
 * Shared by the form's messages (renderer) and the checks main runs before sending.
 */
export function fieldLabel(name: string): string {
  const s = name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The unit a field's description names ("Monthly bill in US dollars" → "US dollars"), if any. */
export function fieldUnit(description: string | undefined): string | null {
  if (!description) return null;
  const m = /\bin (US dollars|dollars|euros|pounds|square (?:feet|metres|meters)|months|years|days|hours|minutes|seconds|percent|kilograms|kg|km|miles)\b/i.exec(description);
  return m ? m[1]! : null;
}

/** A label with its unit, for chart axes: "Monthly charges (US dollars)". */
export function labelWithUnit(name: string, description?: string): string {
  const unit = fieldUnit(description);
  return unit ? `${fieldLabel(name)} (${unit})` : fieldLabel(name);
}

/** A sentence ends with a full stop: "in US dollars" → "in US dollars." */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  return /[.!?…]\)?$/.test(t) ? t : `${t}.`;
}

/** A limit as a person reads it: 10000000 → "10,000,000". */
export function numberText(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 10 }) : String(n);
}
