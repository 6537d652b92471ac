import { channels } from '../../shared/ipc/contract';
import type { Dispatch } from './dispatch';
import type { EventBus } from './events';
import { isTrustedSender, type SenderFrame } from '../shell/sender';

export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: SenderFrame | null }, arg: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/**
 * Binds every channel of the contract to ipcMain through one entry: the sender frame is checked
 * before anything else, then the shared dispatcher validates and runs the call.
 */
export function bindIpcMain(ipcMain: IpcMainLike, dispatch: Dispatch): () => void {
  const names = Object.keys(channels);
  for (const name of names) {
    ipcMain.handle(name, async (event, arg) => {
      if (!isTrustedSender(event.senderFrame)) {
        return { ok: false, error: { code: 'forbidden_sender', message: 'This request did not come from the app window.' } };
      }
      return dispatch(name, arg);
    });
  }
  return () => names.forEach((n) => ipcMain.removeHandler(n));
}

/** Forwards pushes from main's services to the window. */
export function forwardEvents(bus: EventBus, target: () => EventTarget | null): () => void {
  return bus.subscribe((name, payload) => {
    const t = target();
    if (t && !t.isDestroyed()) t.send(name, payload);
  });
}
