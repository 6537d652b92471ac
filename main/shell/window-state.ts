import { readFileSync } from 'node:fs';
import { writeFileViaTemp } from '../files/write-via-temp';
import { z } from 'zod';
import { MIN_HEIGHT, MIN_WIDTH, type WindowBounds } from './window-options';

const boundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(MIN_WIDTH).max(20_000),
  height: z.number().int().min(MIN_HEIGHT).max(20_000),
  maximized: z.boolean().optional(),
});

export const DEFAULT_BOUNDS: WindowBounds = { width: 1200, height: 800 };

export interface Display {
  workArea: { x: number; y: number; width: number; height: number };
}

/** The last window size and position, if it still fits on one of the current displays. */
export function loadWindowState(file: string, displays: Display[]): WindowBounds {
  let saved: WindowBounds;
  try {
    saved = boundsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { ...DEFAULT_BOUNDS };
  }
  if (saved.x === undefined || saved.y === undefined) return saved;
  const { x, y } = saved;
  const visible = displays.some((d) => x >= d.workArea.x - 50 && y >= d.workArea.y - 50 && x < d.workArea.x + d.workArea.width - 100 && y < d.workArea.y + d.workArea.height - 100);
  if (!visible) return { width: saved.width, height: saved.height, maximized: saved.maximized ?? false };
  return saved;
}

export function saveWindowState(file: string, bounds: WindowBounds): void {
  writeFileViaTemp(file, JSON.stringify(bounds));
}
