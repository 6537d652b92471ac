import type { IpcError, IpcResult } from '../../../shared/ipc/errors';
import type { FullPlexeApi } from '../../../shared/ipc/window-api';

/** An IPC failure as the renderer sees it: a code and a message meant for a person. */
export class CallError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(error: IpcError) {
    super(error.message);
    this.name = 'CallError';
    this.code = error.code;
    this.details = error.details;
  }
}

/** `window.plexe`, set by the preload (Electron) or the harness shim (browser). */
export const plexe: FullPlexeApi = window.plexe;

/** Awaits an IPC call and returns its value, or throws a CallError carrying the plain message. */
export async function unwrap<T>(pending: Promise<IpcResult<T>>): Promise<T> {
  const result = await pending;
  if (result.ok) return result.value;
  throw new CallError(result.error);
}

export function errorMessage(e: unknown): string {
  if (e instanceof CallError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

let counter = 0;
/** An id for a call the renderer may want to cancel or match events to. */
export function newCallId(prefix = 'call'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
