import { createWriteStream, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writing a file so that a failure never leaves half of it under its name: everything goes to a
 * temporary file beside the target, renamed over the target once complete.
 */

function tempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.part`);
}

/** Small files written at once (settings, window state). */
export function writeFileViaTemp(target: string, text: string): void {
  const temp = tempPath(target);
  try {
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

/**
 * Streamed files (exports): `write` gets a stream to fill and must end it; the target appears only if
 * it resolves. A failure to open the temporary file rejects before `write` is called.
 */
export async function streamViaTemp<T>(target: string, write: (out: WriteStream) => Promise<T>): Promise<T> {
  const temp = tempPath(target);
  const out = createWriteStream(temp, { highWaterMark: 1 << 20 });
  try {
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    const result = await write(out);
    renameSync(temp, target);
    return result;
  } catch (e) {
    out.destroy();
    rmSync(temp, { force: true });
    throw e;
  }
}
