/**
 * Writes a seeded, realistic CSV for the import benchmark: house listings with quoted values
 * ("1,950", comments with commas, the odd line break inside quotes), about 60 bytes a row, so
 * 1,000,000 rows make a ~60 MB file. Same seed, same bytes.
 *
 *   npx tsx bench/generate-csv.ts OUT.csv [ROWS]
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../shared/seeded-random';

const CITIES = ['Springfield', 'Shelbyville', 'Ogdenville', 'North Haverbrook', 'Capital City', 'Brockway', 'Cypress Creek'];
const STYLES = ['Ranch', 'Colonial', 'Victorian', 'Cape Cod', 'Modern'];
const NOTES = ['', '', '', 'new roof', 'needs work, priced to sell', 'corner lot', 'pool; "as is"', 'two-car garage\nand shed'];

export const BENCH_HEADER = 'id,city,sqft,bedrooms,bathrooms,has_garage,style,year_built,notes';

export function generateCsv(path: string, rows: number, seed = 1): { bytes: number; rows: number } {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    let buf: string[] = [BENCH_HEADER];
    for (let i = 1; i <= rows; i++) {
      const sqft = 500 + Math.floor(rnd() * 4000);
      const sqftText = sqft >= 1000 && rnd() < 0.3 ? `"${Math.floor(sqft / 1000)},${String(sqft % 1000).padStart(3, '0')}"` : String(sqft);
      buf.push(
        [
          i,
          quote(pick(CITIES)),
          sqftText,
          1 + Math.floor(rnd() * 6),
          (1 + Math.floor(rnd() * 6) / 2).toFixed(1),
          rnd() < 0.5 ? 'Yes' : 'No',
          pick(STYLES),
          1900 + Math.floor(rnd() * 124),
          quote(pick(NOTES)),
        ].join(','),
      );
      if (buf.length >= 20_000 || i === rows) {
        const chunk = buf.join('\n') + '\n';
        writeSync(fd, chunk);
        bytes += Buffer.byteLength(chunk);
        buf = [];
      }
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, rows };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = resolve(process.argv[2] ?? 'bench-import.csv');
  const rows = Number(process.argv[3] ?? 1_000_000);
  const r = generateCsv(out, rows);
  console.log(`wrote ${r.rows} rows, ${(r.bytes / 1e6).toFixed(1)} MB to ${out}`);
}
