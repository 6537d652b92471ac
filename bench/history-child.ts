/**
 * One history export in its own process, so its peak memory is its own:
 * `node --import tsx bench/history-child.ts DIR OUT` (DIR: the app's data folder, opened by
 * createCore as the app opens it) prints one JSON line
 * {seconds, cpuSeconds, rows, startRssMb, peakRssMb, samples}.
 */
import { createWriteStream } from 'node:fs';
import { exportHistoryCsv, PAGE_ROWS } from '../main/history/export';
import { benchCore } from './bench-job';

const [dirPath, outPath] = process.argv.slice(2);
if (!dirPath || !outPath) throw new Error('usage: history-child.ts DIR OUT');

const core = await benchCore(dirPath);
const store = core.history;
global.gc?.();
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const startRssMb = mb(process.memoryUsage.rss());
const samples: number[] = [];
const started = performance.now();
const cpuStart = process.cpuUsage();
const summary = await exportHistoryCsv(store, {}, createWriteStream(outPath, { highWaterMark: 1 << 20 }), {
  onProgress: (rows) => {
    if (rows % 100_000 < PAGE_ROWS) samples.push(mb(process.memoryUsage.rss()));
  },
});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
await core.close();
console.log(JSON.stringify({ seconds, cpuSeconds, rows: summary.rows, startRssMb, peakRssMb: mb(process.resourceUsage().maxRSS * 1024), samples }));
