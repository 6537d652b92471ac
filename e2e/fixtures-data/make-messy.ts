/**
 * Writes the messy-sheet set to e2e/fixtures-data/messy/: spreadsheets as people get them from a
 * colleague or an export, for the demo models customer-churn 1 and house-prices 1 — title and note
 * rows above the header, near-miss column names, category spellings, units and currency in cells,
 * mixed line endings, a decimal comma. Seeded, so the files are the same on every run:
 *
 *   npx tsx e2e/fixtures-data/make-messy.ts
 *
 * `MESSY_SET` says, per file, which model it is for and how many rows can be recovered (their
 * values are unambiguous) and how many cannot (a value no rule may guess, such as "2 yr").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../shared/seeded-random';
import { buildXlsx, type Cell } from '../fixtures/lib/xlsx';

export interface MessyFile {
  model: { name: string; version: string };
  /** Data rows in the file. */
  rows: number;
  /** Rows whose every value is unambiguous (ready to score after the automatic reading). */
  recoverable: number;
  /** Field → the values no rule may guess, with how many rows hold each. */
  unrecoverable: Record<string, Record<string, number>>;
  /** Row number of the header. */
  headerRow: number;
}

const CONTRACTS = ['One year', 'month to month', 'two-year', 'Month-to-month', 'TWO YEAR', 'one_year', 'Two year '];
const AREAS = ['URBAN ', 'Suburban', 'rural', 'Urban', 'sub-urban', 'RURAL'];

function churnCsv(): { text: string; meta: MessyFile } {
  const rnd = seededRandom(16_001);
  const lines: string[] = ['Customer churn export — prepared for the March review', '', 'Customer ID,Tenure (months),Monthly charges ($),Contract Type,Support calls (12m),Paperless billing?'];
  const rows = 300;
  let bad = 0;
  for (let i = 1; i <= rows; i++) {
    const contract = i % 37 === 0 ? '2 yr' : CONTRACTS[Math.floor(rnd() * CONTRACTS.length)]!;
    if (contract === '2 yr') bad++;
    const charges = `${(20 + rnd() * 90).toFixed(2)} USD`;
    const paperless = rnd() < 0.5 ? 'Yes' : 'no';
    lines.push(`C${String(i).padStart(4, '0')},${1 + Math.floor(rnd() * 70)},${charges},${contract},${Math.floor(rnd() * 6)},${paperless}`);
  }
  // LF after the title and header, CRLF after the rows (what a file edited in two programs gets).
  const text = `${lines.slice(0, 3).join('\n')}\n${lines.slice(3).join('\r\n')}\r\n`;
  return { text, meta: { model: { name: 'customer-churn', version: '1' }, rows, recoverable: rows - bad, unrecoverable: { contract: { '2 yr': bad } }, headerRow: 3 } };
}

function housesXlsx(): { data: Buffer; meta: MessyFile } {
  const rnd = seededRandom(16_002);
  const sheet: Cell[][] = [['Listings, spring 2026'], ['Source: agency export (units as typed)'], [], ['Listing', 'Sq. Ft.', 'Beds', 'Baths', 'Area type']];
  const rows = 200;
  let bad = 0;
  for (let i = 1; i <= rows; i++) {
    const sqft = 600 + Math.floor(rnd() * 3000);
    const area = i % 41 === 0 ? 'downtown' : AREAS[Math.floor(rnd() * AREAS.length)]!;
    if (area === 'downtown') bad++;
    sheet.push([`L-${i}`, `${sqft.toLocaleString('en-US')} sq ft`, `${1 + Math.floor(rnd() * 5)} bed`, 1 + Math.floor(rnd() * 3), area]);
  }
  return {
    data: buildXlsx([{ name: 'Listings', rows: sheet }]),
    meta: { model: { name: 'house-prices', version: '1' }, rows, recoverable: rows - bad, unrecoverable: { location: { downtown: bad } }, headerRow: 4 },
  };
}

function housesDecimalComma(): { text: string; meta: MessyFile } {
  const rnd = seededRandom(16_003);
  const lines = ['Wohnfläche;Square footage;Bedrooms;Bathrooms;Location'];
  const rows = 120;
  for (let i = 1; i <= rows; i++) {
    const sqft = 700 + Math.floor(rnd() * 2500);
    const baths = [1, 1.5, 2, 2.5, 3][Math.floor(rnd() * 5)]!;
    // Thousands with dots and decimals with commas, as a German export writes them.
    const sqftText = sqft >= 1000 ? `${Math.floor(sqft / 1000)}.${String(sqft % 1000).padStart(3, '0')}` : String(sqft);
    lines.push(`${(sqft * 0.0929).toFixed(1).replace('.', ',')};${sqftText};${1 + Math.floor(rnd() * 4)};${String(baths).replace('.', ',')};${['urban', 'Suburban', 'RURAL'][i % 3]}`);
  }
  return { text: `${lines.join('\n')}\n`, meta: { model: { name: 'house-prices', version: '1' }, rows, recoverable: rows, unrecoverable: {}, headerRow: 1 } };
}

export function messyFiles(): Record<string, { data: string | Buffer; meta: MessyFile }> {
  const churn = churnCsv();
  const houses = housesXlsx();
  const comma = housesDecimalComma();
  return {
    'churn-titled-units.csv': { data: churn.text, meta: churn.meta },
    'houses-titled-units.xlsx': { data: houses.data, meta: houses.meta },
    'houses-decimal-comma.csv': { data: comma.text, meta: comma.meta },
  };
}

export const MESSY_DIR = join(dirname(fileURLToPath(import.meta.url)), 'messy');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(MESSY_DIR, { recursive: true });
  const set: Record<string, MessyFile> = {};
  for (const [name, f] of Object.entries(messyFiles())) {
    writeFileSync(join(MESSY_DIR, name), f.data);
    set[name] = f.meta;
  }
  writeFileSync(join(MESSY_DIR, 'expected.json'), `${JSON.stringify(set, null, 2)}\n`);
  console.log(`wrote ${Object.keys(set).length} files to ${MESSY_DIR}`);
}
