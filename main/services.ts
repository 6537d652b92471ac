import { mkdirSync } from 'node:fs';
import type { HostPorts, Notice } from './host';
import { createDispatch, type Dispatch } from './ipc/dispatch';
import { EventBus } from './ipc/events';
import { createHandlerTable } from './ipc/table';
import { silentLogger, type Logger } from './log';

export interface ServicesOptions {
  dataDir: string;
  host: HostPorts;
  version: string;
  /** Electron's net.fetch in the app (system proxy and certificates); Node's fetch elsewhere. */
  fetch: typeof fetch;
  log?: Logger;
}

export interface Services {
  dispatch: Dispatch;
  events: EventBus;
  notices: Notice[];
  close(): Promise<void>;
}

/** Builds every main-process service from its dependencies; shared by the app and the harness. */
export async function createServices(options: ServicesOptions): Promise<Services> {
  const log = options.log ?? silentLogger;
  mkdirSync(options.dataDir, { recursive: true });
  const events = new EventBus();
  const notices: Notice[] = [];
  const handlers = createHandlerTable({
    app: { host: options.host, version: options.version, dataDir: options.dataDir, notices: () => notices },
  });
  const dispatch = createDispatch(handlers, {
    checkOutputs: true,
    onUnexpected: (channel, error) => log.error('ipc handler failed', { channel, error: error instanceof Error ? error.message : String(error) }),
  });
  return {
    dispatch,
    events,
    notices,
    close: async () => {},
  };
}
