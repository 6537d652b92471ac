/**
 * The history's times as text and back, in the one form the app writes (`toISOString`:
 * `2026-01-31T12:34:56.789Z`). Both run once per row of a bulk insert or an export, where rows come in
 * time order, so each remembers the last hour it saw and does the rest with arithmetic.
 */

let hourText = '\u0000';
let hourMs = Number.NaN;

/**
 * `Date.parse` for the times the app writes (`toISOString`: `2026-01-31T12:34:56.789Z`), cheaper in a bulk insert: the `YYYY-MM-DDTHH:` part is parsed once per hour (rows come in time order)
 * and the rest is arithmetic. Any other form, or any doubt, goes to `Date.parse`.
 */
export function parseTime(text: string): number {
  if (text.length === 24 && text.startsWith(hourText)) {
    // The digits, each as 0–9 if it is one (no closure: this runs once per inserted row).
    const m1 = text.charCodeAt(14) - 48;
    const m2 = text.charCodeAt(15) - 48;
    const s1 = text.charCodeAt(17) - 48;
    const s2 = text.charCodeAt(18) - 48;
    const f1 = text.charCodeAt(20) - 48;
    const f2 = text.charCodeAt(21) - 48;
    const f3 = text.charCodeAt(22) - 48;
    const min = m1 * 10 + m2;
    const sec = s1 * 10 + s2;
    const milli = f1 * 100 + f2 * 10 + f3;
    if (
      text.charCodeAt(16) === 58 && text.charCodeAt(19) === 46 && text.charCodeAt(23) === 90 &&
      // Each digit is 0–9, minutes and seconds below 60 (the >>> 0 turns a negative into a large number).
      m1 >>> 0 < 6 && m2 >>> 0 < 10 && s1 >>> 0 < 6 && s2 >>> 0 < 10 && f1 >>> 0 < 10 && f2 >>> 0 < 10 && f3 >>> 0 < 10
    ) {
      return hourMs + min * 60_000 + sec * 1000 + milli;
    }
  }
  const ms = Date.parse(text);
  if (text.length === 24 && text.charCodeAt(23) === 90 && text.charCodeAt(13) === 58 && !Number.isNaN(ms)) {
    // Remember this hour for the rows after it.
    const start = ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000);
    const prefix = text.slice(0, 14);
    if (new Date(start).toISOString().slice(0, 14) === prefix) {
      hourText = prefix;
      hourMs = start;
    }
  }
  return ms;
}

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let formatHourMs = Number.NaN;
let formatHourText = '';

/** `new Date(ms).toISOString()` for a whole number of milliseconds; the `YYYY-MM-DDTHH:` part is made once per hour. */
export function formatTime(ms: number): string {
  const into = ms - formatHourMs;
  // False for NaN (no hour yet) and for a fraction of a millisecond, which toISOString would round.
  if (into >= 0 && into < 3_600_000 && Number.isInteger(into)) {
    const min = Math.floor(into / 60_000);
    const rest = into - min * 60_000;
    const sec = Math.floor(rest / 1000);
    return `${formatHourText}${TWO[min]!}:${TWO[sec]!}.${THREE[rest - sec * 1000]!}Z`;
  }
  const text = new Date(ms).toISOString();
  // Only four-digit years have the short form; ms is whole, so the hour's start is too.
  if (text.length === 24 && Number.isInteger(ms)) {
    formatHourMs = ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000);
    formatHourText = text.slice(0, 14);
  }
  return text;
}
