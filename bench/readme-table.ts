import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchFigure } from './types';

// Prints bench/results/latest.json as the Markdown table the README's Performance section carries.
const latest = JSON.parse(readFileSync(join(import.meta.dirname, 'results', 'latest.json'), 'utf8')) as {
  when: string;
  quick: boolean;
  node: string;
  seconds: number;
  figures: BenchFigure[];
};
const cell = (v: number | null) => (v === null ? '—' : String(v));
console.log(`Measured ${latest.when.slice(0, 10)} with \`npm run bench${latest.quick ? ' -- --quick' : ''}\` on the 2-core CI machine (Node ${latest.node}, ${latest.seconds} s).\n`);
console.log('| figure | value | unit | baseline | ratio | notes |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const f of latest.figures) {
  console.log(`| \`${f.bench}\` | ${cell(f.value)} | ${f.unit} | ${cell(f.baseline)} | ${cell(f.ratio)} | ${f.notes.replace(/\|/g, '\\|')} |`);
}
