/**
 * Generates every app and installer icon from the one source image, assets/icon.svg:
 *   assets/icons/png/NxN.png   Linux (electron-builder takes the folder) and the window icon
 *   assets/icons/icon.png      512×512, the generic one
 *   assets/icons/icon.ico      Windows: 16–48 as 32-bit bitmaps (what every Windows tool reads), 256 as PNG
 *   assets/icons/icon.icns     macOS: PNG entries 16…1024, drawn inside Apple's 824/1024 grid
 * Run with `npx tsx scripts/generate-icons.ts` after changing the SVG, and commit the results
 * (a test fails when they are out of date).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

export const ROOT = resolve(import.meta.dirname, '..');
export const SOURCE_SVG = join(ROOT, 'assets/icon.svg');
export const ICON_DIR = join(ROOT, 'assets/icons');

export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** Sizes at or above this go into the .ico as PNG; smaller ones as bitmaps. */
const ICO_PNG_FROM = 256;

/** ICNS entry types that hold PNG data, with their pixel size. */
export const ICNS_TYPES: readonly [string, number][] = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32], // 16@2x
  ['icp6', 64],
  ['ic12', 64], // 32@2x
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256], // 128@2x
  ['ic09', 512],
  ['ic14', 512], // 256@2x
  ['ic10', 1024], // 512@2x
];

export interface Raster {
  size: number;
  png: Buffer;
  /** RGBA with premultiplied colour (as resvg renders it), row-major, top row first. */
  rgba: Buffer;
}

export function render(svg: string, size: number): Raster {
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render();
  if (image.width !== size || image.height !== size) throw new Error(`icon.svg must be square: rendered ${image.width}×${image.height} for ${size}`);
  return { size, png: Buffer.from(image.asPng()), rgba: Buffer.from(image.pixels) };
}

/**
 * macOS icons sit inside a 1024 canvas with the artwork in the central 824×824 (Apple's grid),
 * so the app does not look oversized in the Dock next to other apps.
 */
export function macArtwork(svg: string): string {
  const inner = svg.replace(/^<svg\b/, '<svg x="100" y="100" width="824" height="824"');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024" width="1024" height="1024">${inner}</svg>`;
}

/** A Windows .ico: ICONDIR, one ICONDIRENTRY per image, then the images. */
export function buildIco(images: Raster[]): Buffer {
  const blobs = images.map((img) => (img.size >= ICO_PNG_FROM ? img.png : icoBitmap(img)));
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((img, i) => {
    const e = 6 + 16 * i;
    const blob = blobs[i]!;
    header.writeUInt8(img.size >= 256 ? 0 : img.size, e); // 0 means 256
    header.writeUInt8(img.size >= 256 ? 0 : img.size, e + 1);
    header.writeUInt8(0, e + 2); // no palette
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(blob.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += blob.length;
  });
  return Buffer.concat([header, ...blobs]);
}

/** BITMAPINFOHEADER + BGRA rows bottom-up + the 1-bit AND mask (height doubled, as ICO requires). */
function icoBitmap(img: Raster): Buffer {
  const { size, rgba } = img;
  const info = Buffer.alloc(40);
  info.writeUInt32LE(40, 0);
  info.writeInt32LE(size, 4);
  info.writeInt32LE(size * 2, 8);
  info.writeUInt16LE(1, 12);
  info.writeUInt16LE(32, 14);
  info.writeUInt32LE(0, 16); // BI_RGB
  const maskRow = Math.ceil(size / 32) * 4;
  info.writeUInt32LE(size * size * 4 + maskRow * size, 20);
  const pixels = Buffer.alloc(size * size * 4);
  const mask = Buffer.alloc(maskRow * size);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y; // bottom-up
    for (let x = 0; x < size; x++) {
      const s = (y * size + x) * 4;
      const d = (row * size + x) * 4;
      const a = rgba[s + 3]!;
      // resvg gives premultiplied colour; icon bitmaps hold straight colour.
      const straight = (c: number) => (a === 0 ? 0 : Math.min(255, Math.round((c * 255) / a)));
      pixels[d] = straight(rgba[s + 2]!);
      pixels[d + 1] = straight(rgba[s + 1]!);
      pixels[d + 2] = straight(rgba[s]!);
      pixels[d + 3] = a;
      if (a === 0) mask[row * maskRow + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return Buffer.concat([info, pixels, mask]);
}

/** A macOS .icns: 'icns' + total length, then (type, length, PNG) entries. */
export function buildIcns(pngBySize: Map<number, Buffer>): Buffer {
  const entries = ICNS_TYPES.map(([type, size]) => {
    const png = pngBySize.get(size);
    if (!png) throw new Error(`no ${size}px image for icns entry ${type}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

export interface GeneratedIcons {
  /** Relative path under assets/icons → file content. */
  files: Map<string, Buffer>;
}

export function generateIcons(svg: string): GeneratedIcons {
  const files = new Map<string, Buffer>();
  const flat = new Map<number, Raster>();
  for (const size of PNG_SIZES) {
    const r = render(svg, size);
    flat.set(size, r);
    files.set(`png/${size}x${size}.png`, r.png);
  }
  files.set('icon.png', flat.get(512)!.png);
  files.set('icon.ico', buildIco(ICO_SIZES.map((s) => flat.get(s)!)));
  const mac = macArtwork(svg);
  const macPngs = new Map<number, Buffer>();
  for (const size of new Set(ICNS_TYPES.map(([, s]) => s))) macPngs.set(size, render(mac, size).png);
  files.set('icon.icns', buildIcns(macPngs));
  return { files };
}

function main(): void {
  const svg = readFileSync(SOURCE_SVG, 'utf8');
  const { files } = generateIcons(svg);
  for (const [rel, data] of files) {
    const path = join(ICON_DIR, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, data);
  }
  const total = [...files.values()].reduce((n, b) => n + b.length, 0);
  process.stdout.write(`generated ${files.size} icon files (${Math.round(total / 1024)} KiB) in assets/icons from assets/icon.svg\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
