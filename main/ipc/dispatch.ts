import { channels, type ChannelArgs, type ChannelName, type ChannelOutput } from '../../shared/ipc/contract';
import { AppError, isAppErrorLike, type IpcError, type IpcResult } from '../../shared/ipc/errors';

export type Handler<C extends ChannelName> = (args: ChannelArgs<C>) => Promise<ChannelOutput<C>> | ChannelOutput<C>;
export type HandlerTable = { [C in ChannelName]: Handler<C> };
export type PartialHandlers<C extends ChannelName> = { [K in C]: Handler<K> };

export interface DispatchOptions {
  /** Check answers against their schema too (tests and the harness; cheap enough to keep on). */
  checkOutputs?: boolean;
  /** Where unexpected failures are reported, for troubleshooting. Never sent to the renderer. */
  onUnexpected?: (channel: string, error: unknown) => void;
}

export type Dispatch = (channel: string, rawArgs: unknown) => Promise<IpcResult<unknown>>;

function isChannel(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(channels, name);
}

function zodDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  return issues.map((i) => ({ field: i.path.map(String).join('.') || '(argument)', problem: i.message }));
}

/**
 * The one entry for every IPC call, whatever carries it (ipcMain or the harness): unknown channels
 * are refused, arguments are checked against the channel's schema before the handler runs, and
 * any failure becomes an `{code, message, details}` value.
 */
export function createDispatch(handlers: HandlerTable, options: DispatchOptions = {}): Dispatch {
  for (const name of Object.keys(channels)) {
    if (typeof (handlers as Record<string, unknown>)[name] !== 'function') {
      throw new Error(`IPC channel ${name} has no handler`);
    }
  }
  for (const name of Object.keys(handlers)) {
    if (!isChannel(name)) throw new Error(`IPC handler ${name} has no channel in the contract`);
  }
  return async (channel, rawArgs) => {
    if (!isChannel(channel)) {
      return { ok: false, error: { code: 'unknown_channel', message: `There is no operation called "${channel}".` } };
    }
    const def = channels[channel];
    const parsed = def.input.safeParse(rawArgs);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'invalid_arguments',
          message: 'The app sent this request with values it cannot use.',
          details: zodDetails(parsed.error.issues),
        },
      };
    }
    try {
      const handler = handlers[channel] as (args: unknown) => unknown;
      const value = await handler(parsed.data);
      if (options.checkOutputs) {
        const checked = def.output.safeParse(value);
        if (!checked.success) {
          options.onUnexpected?.(channel, checked.error);
          return { ok: false, error: { code: 'internal_error', message: 'Something went wrong inside the app. Please try again.' } };
        }
        return { ok: true, value: checked.data };
      }
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toIpcError(channel, error, options) };
    }
  };
}

export function toIpcError(channel: string, error: unknown, options: DispatchOptions = {}): IpcError {
  if (error instanceof AppError) return error.toIpc();
  if (isAppErrorLike(error) && typeof error.toIpc === 'function') return error.toIpc();
  options.onUnexpected?.(channel, error);
  return { code: 'internal_error', message: 'Something went wrong inside the app. Please try again.' };
}
