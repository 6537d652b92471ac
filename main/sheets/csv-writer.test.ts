import { PassThrough, Writable } from 'node:stream';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/seeded-random';
import { CsvWriter, cellText, csvLine, flattenKeys, flattenObject, flattenValues, neutraliseFormula, numberText, pickFlattened, resultColumnNames } from './csv-writer';

function collect(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('cells', () => {
  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1+cmd|calc', "'+1+cmd|calc"],
    ['-2+3+cmd', "'-2+3+cmd"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', "'\rCR"],
    ['\nLF', "'\nLF"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
    ['', ''],
    // Text that is exactly a number is read as that number by a spreadsheet, never run: left alone.
    ['-5', '-5'],
    ['+1.5e3', '+1.5e3'],
    ['-0.25', '-0.25'],
    ['-5 apples', "'-5 apples"],
    ['-', "'-"],
  ])('neutralises text %j as %j', (input, output) => {
    expect(neutraliseFormula(input)).toBe(output);
    expect(cellText(input)).toBe(output);
  });

  it('writes numbers, booleans, empties and objects as a spreadsheet expects', () => {
    expect(cellText(-5)).toBe('-5');
    expect(cellText(0.1)).toBe('0.1');
    expect(cellText(1e21)).toBe('1e+21');
    expect(cellText(Number.NEGATIVE_INFINITY)).toBe("'-Infinity");
    expect(cellText(12n)).toBe('12');
    expect(cellText(true)).toBe('true');
    expect(cellText(null)).toBe('');
    expect(cellText(undefined)).toBe('');
    expect(cellText([1, 'a'])).toBe('[1,"a"]');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
    expect(cellText(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05.000Z');
  });

  it('quotes per RFC 4180 and round-trips through a CSV parser', () => {
    const cells = ['a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', 'plain', -5, '=1+1', null, ' spaced '];
    const line = csvLine(cells);
    expect(line).toBe('"a,b","say ""hi""","two\nlines","cr\r\nlf",plain,-5,\'=1+1,, spaced ');
    const parsed = Papa.parse<string[]>(line, { header: false });
    expect(parsed.data[0]).toEqual(['a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', 'plain', '-5', "'=1+1", '', ' spaced ']);
    // A neutralised cell that needs quoting is both prefixed and quoted.
    expect(csvLine(['\nx,y'])).toBe('"\'\nx,y"');
    expect(csvLine(['a;b', 'c,d'], ';')).toBe('"a;b";c,d');
  });
});

describe('numberText', () => {
  it('writes every number exactly as String does: short decimals of every size and sign, long ones, and the edges', () => {
    const random = seededRandom(20261207);
    const samples: number[] = [0, -0, 1, -1, 0.001, -0.001, 0.5, 1e-7, 1.5e-7, 0.1 + 0.2, 999_999_999.999, 1e9 - 0.001, 1e9 + 0.5, 1e9, 1e21, 1.0005, 2 ** 53, 2 ** 53 + 2, Number.MIN_VALUE, Number.MAX_VALUE, 304.6, 0.669, 45.123456789012344];
    for (let i = 0; i < 200_000; i++) {
      const places = i % 5; // 0–4 decimals, so the fast path and the fallback both run
      const size = 10 ** Math.floor(random() * 13 - 3);
      const v = Math.round(random() * size * 10 ** places) / 10 ** places;
      samples.push(v, -v, random() * size, v + Number.EPSILON * size);
    }
    let short = 0;
    for (const v of samples) {
      expect(numberText(v), `${v}`).toBe(String(v));
      if (/^-?\d+\.\d{1,3}$/.test(String(v)) && Math.abs(v) < 1e9) short++;
    }
    // The samples must exercise the fast path, not only the fallback.
    expect(short).toBeGreaterThan(100_000);
  });
});

describe('flattening', () => {
  it('flattens nested objects with dots, keeping arrays and empty objects whole', () => {
    const obj = { a: 1, b: { c: 'x', d: { e: true } }, list: [1, 2], empty: {}, n: null };
    expect(flattenObject(obj)).toEqual({ a: 1, 'b.c': 'x', 'b.d.e': true, list: [1, 2], empty: {}, n: null });
    expect(flattenObject({ x: { y: 1 } }, 'prediction')).toEqual({ 'prediction.x.y': 1 });
    expect(flattenKeys(obj)).toEqual(Object.keys(flattenObject(obj)));
    expect(flattenValues(obj)).toEqual(Object.values(flattenObject(obj)));
  });

  it('prefixes result columns that clash with input columns', () => {
    expect(resultColumnNames(['age', 'prediction', 'prediction_prediction'], ['prediction', 'score', 'age'])).toEqual(['prediction_prediction_2', 'score', 'prediction_age']);
  });
});

describe('CsvWriter', () => {
  it('writes rows with CRLF, an optional BOM, and ends the stream', async () => {
    const out = collect();
    const w = new CsvWriter(out.stream, { bom: true });
    await w.writeRow(['a', 'b']);
    await w.writeRow([1, '=x']);
    await w.end();
    expect(out.text()).toBe("\uFEFFa,b\r\n1,'=x\r\n");
    expect(w.rows).toBe(2);
  });

  it('waits for drain when the stream is full, and keeps memory bounded', async () => {
    let pendingBytes = 0;
    let maxPending = 0;
    let written = '';
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        pendingBytes += chunk.length;
        maxPending = Math.max(maxPending, pendingBytes);
        setImmediate(() => {
          written += chunk.toString('utf8');
          pendingBytes -= chunk.length;
          cb();
        });
      },
    });
    let drains = 0;
    slow.on('drain', () => drains++);
    const w = new CsvWriter(slow, { chunkSize: 512 });
    const rows = 5000;
    for (let i = 0; i < rows; i++) await w.writeRow([i, `row ${i}`, 'x'.repeat(40)]);
    await w.end();
    expect(drains).toBeGreaterThan(10);
    // Only about one chunk is ever in flight: the writer waited instead of piling data up.
    expect(maxPending).toBeLessThan(4096);
    const lines = written.split('\r\n');
    expect(lines).toHaveLength(rows + 1);
    expect(lines[4999]).toBe(`4999,row 4999,${'x'.repeat(40)}`);
  });

  it('rejects when the stream fails instead of hanging', async () => {
    const broken = new PassThrough({ highWaterMark: 16 });
    const w = new CsvWriter(broken, { chunkSize: 8 });
    const writing = (async () => {
      for (let i = 0; i < 1000; i++) await w.writeRow(['some text that fills the buffer']);
    })();
    setImmediate(() => broken.destroy(new Error('disk full')));
    await expect(writing).rejects.toThrow(/disk full|closed before/);
  });

  it('refuses a delimiter that cannot work', () => {
    expect(() => new CsvWriter(collect().stream, { delimiter: '"' })).toThrow(/delimiter/);
  });
});

describe('pickFlattened', () => {
  /** The slow, obvious way: flatten the whole object, then look each name up. */
  const slow = (obj: Record<string, unknown>, names: readonly string[]) => {
    const flat = flattenObject(obj);
    return names.map((n) => (Object.hasOwn(flat, n) ? flat[n] : undefined));
  };

  it('gives what flattenObject gives for every name, on generated nested objects with awkward keys', () => {
    const random = seededRandom(20261207);
    const keys = ['a', 'b', 'c.d', 'e', '', '__proto__x', 'x.y.z'];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth < 3 && r < 0.35) return node(depth + 1);
      if (r < 0.45) return {};
      if (r < 0.55) return [1, 'two'];
      if (r < 0.65) return null;
      if (r < 0.8) return Math.round(random() * 1000) / 10;
      return `text ${Math.floor(random() * 100)}`;
    };
    const node = (depth: number): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const k of keys) if (random() < 0.5) out[random() < 0.7 ? k.replace('.', '') : k] = value(depth);
      return out;
    };
    for (let i = 0; i < 2000; i++) {
      const obj = node(0);
      const names = [...new Set([...flattenKeys(obj), 'a.b', 'a.b.c', 'cd.e', 'c.d', 'a', 'missing', 'a.', '.a'])];
      const out = new Array<unknown>(names.length + 2).fill('before');
      pickFlattened(obj, names, out, 2);
      expect(out.slice(2)).toEqual(slow(obj, names));
      expect(out.slice(0, 2)).toEqual(['before', 'before']);
    }
  });
});
