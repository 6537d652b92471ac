import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIco, generateIcons, ICNS_TYPES, ICO_SIZES, ICON_DIR, macArtwork, PNG_SIZES, render, SOURCE_SVG } from './generate-icons';

const svg = readFileSync(SOURCE_SVG, 'utf8');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

interface IcoEntry {
  width: number;
  height: number;
  bpp: number;
  data: Buffer;
}

function parseIco(ico: Buffer): IcoEntry[] {
  expect(ico.readUInt16LE(0)).toBe(0);
  expect(ico.readUInt16LE(2)).toBe(1);
  const count = ico.readUInt16LE(4);
  const entries: IcoEntry[] = [];
  for (let i = 0; i < count; i++) {
    const e = 6 + 16 * i;
    const size = ico.readUInt32LE(e + 8);
    const offset = ico.readUInt32LE(e + 12);
    expect(offset + size).toBeLessThanOrEqual(ico.length);
    entries.push({ width: ico[e] || 256, height: ico[e + 1] || 256, bpp: ico.readUInt16LE(e + 6), data: ico.subarray(offset, offset + size) });
  }
  return entries;
}

function parseIcns(icns: Buffer): Map<string, Buffer> {
  expect(icns.toString('ascii', 0, 4)).toBe('icns');
  expect(icns.readUInt32BE(4)).toBe(icns.length);
  const out = new Map<string, Buffer>();
  let at = 8;
  while (at < icns.length) {
    const type = icns.toString('ascii', at, at + 4);
    const len = icns.readUInt32BE(at + 4);
    expect(len).toBeGreaterThan(8);
    out.set(type, icns.subarray(at + 8, at + len));
    at += len;
  }
  expect(at).toBe(icns.length);
  return out;
}

describe('generated icons', () => {
  const generated = generateIcons(svg).files;

  it('are committed and up to date with assets/icon.svg (run `npx tsx scripts/generate-icons.ts`)', () => {
    for (const [rel, data] of generated) {
      const committed = readFileSync(join(ICON_DIR, rel));
      expect(committed.equals(data), `assets/icons/${rel} is stale`).toBe(true);
    }
  });

  it('has every PNG size, square and of the right dimensions', () => {
    for (const size of PNG_SIZES) expect(pngSize(generated.get(`png/${size}x${size}.png`)!)).toEqual([size, size]);
    expect(pngSize(generated.get('icon.png')!)).toEqual([512, 512]);
  });

  it('builds a Windows .ico with bitmaps for small sizes and PNG at 256', () => {
    const entries = parseIco(generated.get('icon.ico')!);
    expect(entries.map((e) => e.width)).toEqual([...ICO_SIZES]);
    for (const e of entries) {
      expect(e.bpp).toBe(32);
      if (e.width === 256) {
        expect(pngSize(e.data)).toEqual([256, 256]);
        continue;
      }
      // BITMAPINFOHEADER: width, double height (image + AND mask), 32 bpp, uncompressed
      expect(e.data.readUInt32LE(0)).toBe(40);
      expect(e.data.readInt32LE(4)).toBe(e.width);
      expect(e.data.readInt32LE(8)).toBe(e.width * 2);
      expect(e.data.readUInt16LE(14)).toBe(32);
      expect(e.data.readUInt32LE(16)).toBe(0);
      expect(e.data.length).toBe(40 + e.width * e.width * 4 + Math.ceil(e.width / 32) * 4 * e.width);
    }
  });

  it('stores bitmap pixels bottom-up in BGRA with straight alpha and a matching transparency mask', () => {
    const raster = render(svg, 32);
    const bmp = parseIco(buildIco([raster])).at(0)!.data;
    const pixel = (x: number, y: number) => {
      const d = 40 + ((31 - y) * 32 + x) * 4;
      return [bmp[d + 2], bmp[d + 1], bmp[d], bmp[d + 3]];
    };
    const source = (x: number, y: number) => [...raster.rgba.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4)];
    // an opaque pixel is copied exactly (top-left area of the blue background, inside the rounded corner)
    expect(pixel(8, 4)).toEqual(source(8, 4));
    expect(source(8, 4)[3]).toBe(255);
    // the corner is transparent, and its AND-mask bit is set
    expect(pixel(0, 0)[3]).toBe(0);
    const maskStart = 40 + 32 * 32 * 4;
    expect(bmp[maskStart + 31 * 4]! & 0x80).toBe(0x80); // row 0 is stored last
    expect(bmp[maskStart + (31 - 16) * 4 + 2]! & 0x01).toBe(0); // an opaque pixel in the middle
    // half-transparent edge pixels are un-premultiplied (resvg renders premultiplied colour)
    let checked = 0;
    for (let x = 0; x < 32; x++) {
      const [r, g, b, a] = pixel(x, 0);
      const [sr, sg, sb, sa] = source(x, 0);
      if (a! > 0 && a! < 255) {
        expect(a).toBe(sa);
        for (const [out, src] of [[r, sr], [g, sg], [b, sb]] as const) expect(Math.abs(out! - Math.round((src! * 255) / a!))).toBeLessThanOrEqual(1);
        expect(b!).toBeGreaterThan(sb!);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('builds a macOS .icns with PNG entries 16…1024 inside Apple’s icon grid', () => {
    const entries = parseIcns(generated.get('icon.icns')!);
    expect([...entries.keys()]).toEqual(ICNS_TYPES.map(([t]) => t));
    for (const [type, size] of ICNS_TYPES) expect(pngSize(entries.get(type)!), type).toEqual([size, size]);
    const mac = render(macArtwork(svg), 1024);
    const alpha = (x: number, y: number) => mac.rgba[(y * 1024 + x) * 4 + 3];
    expect(alpha(60, 512)).toBe(0); // margin
    expect(alpha(512, 60)).toBe(0);
    expect(alpha(130, 512)).toBe(255); // artwork starts at 100
    expect(alpha(512, 512)).toBe(255);
  });
});
