import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { diagnosticsChannels, type UpdateState } from '../../shared/ipc/diagnostics';
import { CHANNEL_NAME, EVENT_NAME } from '../../shared/ipc/define';
import { diagnosticsEvents } from '../../shared/ipc/diagnostics';
import type { HostPorts } from '../host';
import { ErrorRing } from '../logging/error-ring';
import { MemorySink, RedactingLogger } from '../logging/logger';
import { registerSecret, knownSecrets } from '../logging/redact';
import { buildDiagnosticsReport, formatDiagnosticsText } from '../logging/diagnostics-report';
import { registerDiagnosticsIpc } from './diagnostics';

const KEY = 'plx_test_DIAGNOSTICS_SECRET_998877';

const state: UpdateState = {
  status: 'ready',
  enabled: true,
  allowed: null,
  supported: true,
  currentVersion: '0.1.0',
  availableVersion: '0.2.0',
  percent: 100,
  message: 'Update ready — restart Plexe Desktop to use version 0.2.0.',
  lastCheckedAt: null,
};

function host(shown: string[]): Pick<HostPorts, 'showInFolder'> {
  return {
    showInFolder: async (p) => {
      shown.push(p);
      return true;
    },
  };
}

/** Runs a handler the way dispatch does: arguments and answers checked against the channel's schemas. */
async function call<K extends keyof typeof diagnosticsChannels>(
  handlers: ReturnType<typeof registerDiagnosticsIpc>,
  name: K,
  arg?: unknown,
): Promise<z.output<(typeof diagnosticsChannels)[K]['output']>> {
  const def = diagnosticsChannels[name] as { input: z.ZodType; output: z.ZodType };
  const parsed = def.input.parse(arg);
  const handler = handlers[name] as (a: unknown) => unknown;
  return def.output.parse(await handler(parsed)) as z.output<(typeof diagnosticsChannels)[K]['output']>;
}

describe('diagnostics IPC', () => {
  it('channel names follow the contract rules', () => {
    for (const n of Object.keys(diagnosticsChannels)) expect(n).toMatch(CHANNEL_NAME);
    for (const n of Object.keys(diagnosticsEvents)) expect(n).toMatch(EVENT_NAME);
  });

  it('the report carries versions, OS and recent errors with request ids, and no secrets', async () => {
    registerSecret(KEY);
    try {
      const errors = new ErrorRing(10);
      const log = new RedactingLogger({ sinks: [new MemorySink()], errors });
      log.error('prediction failed', { requestId: 'req_42', code: 'prediction_error', channel: 'predict:run-one', error: new Error(`server said ${KEY}`) });
      // something that bypassed the logger still gets scrubbed by the report
      errors.push({ time: '2026-01-01T00:00:00.000Z', message: `raw ${KEY} Authorization: Bearer zzzzzzzzzzzz` });
      const calls: string[] = [];
      const handlers = registerDiagnosticsIpc({
        updater: { getState: () => state, setAllowed: async () => state, checkNow: async () => state, restartNow: () => ({ restarting: false }) },
        errors,
        host: host(calls),
        version: '0.1.0',
        packaged: true,
        logFile: '/home/alice/.config/Plexe Desktop/logs/main.log',
        locale: 'en-GB',
      });
      const { report, text } = await call(handlers, 'diagnostics:get-report');
      expect(report.app).toEqual({ name: 'Plexe Desktop', version: '0.1.0', packaged: true });
      expect(report.versions.node).toBe(process.versions.node);
      expect(report.os.platform).toBe(process.platform);
      expect(report.update).toEqual({ status: 'ready', enabled: true, availableVersion: '0.2.0' });
      expect(report.recentErrors[0]).toMatchObject({ requestId: 'req_42', code: 'prediction_error', where: 'predict:run-one' });
      expect(text).toContain('request req_42');
      expect(text).toContain('Plexe Desktop 0.1.0');
      const all = JSON.stringify(report) + text;
      expect(all).not.toContain('DIAGNOSTICS_SECRET');
      expect(all).not.toContain('zzzzzzzzzzzz');
    } finally {
      knownSecrets.clear();
    }
  });

  it('update channels pass through to the updater; show-log-file opens the folder', async () => {
    const seen: unknown[] = [];
    const shown: string[] = [];
    const handlers = registerDiagnosticsIpc({
      updater: {
        getState: () => state,
        setAllowed: async (allowed) => {
          seen.push(allowed);
          return { ...state, allowed };
        },
        checkNow: async () => ({ ...state, status: 'checking' }),
        restartNow: () => ({ restarting: true }),
      },
      errors: new ErrorRing(),
      host: host(shown),
      version: '0.1.0',
      packaged: false,
      logFile: '/tmp/logs/main.log',
    });
    expect((await call(handlers, 'update:get-state')).status).toBe('ready');
    expect((await call(handlers, 'update:set-allowed', { allowed: false })).allowed).toBe(false);
    expect(seen).toEqual([false]);
    expect(() => diagnosticsChannels['update:set-allowed'].input.parse({ allowed: 'yes' })).toThrow();
    expect((await call(handlers, 'update:check-now')).status).toBe('checking');
    expect(await call(handlers, 'update:restart-now')).toEqual({ restarting: true });
    expect(await call(handlers, 'diagnostics:show-log-file')).toEqual({ shown: true });
    expect(shown).toEqual(['/tmp/logs/main.log']);
  });

  it('formats a report with no errors and hides the home folder', () => {
    const r = buildDiagnosticsReport({
      version: '1.2.3',
      packaged: false,
      update: { ...state, status: 'idle', enabled: false, availableVersion: null },
      recentErrors: [{ time: 't', message: 'could not open /home/bob/data/x.csv' }],
      logFile: '/home/bob/logs/main.log',
      homeDir: '/home/bob',
      versions: { node: '20.0.0', electron: '38.1.0', chrome: '140' },
      platform: 'linux',
      osRelease: '6.1',
      arch: 'x64',
      locale: 'fr-FR',
      uptimeSeconds: 12.4,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    expect(r.logFile).toBe('~/logs/main.log');
    expect(r.recentErrors[0]?.message).toBe('could not open ~/data/x.csv');
    const text = formatDiagnosticsText({ ...r, recentErrors: [] });
    expect(text).toBe(
      [
        'Plexe Desktop 1.2.3 (development build)',
        'OS: linux 6.1 (x64), locale fr-FR',
        'Electron 38.1.0, Chrome 140, Node 20.0.0',
        'Updates: off, status idle',
        'Running for 12 s; report made 2026-01-01T00:00:00.000Z',
        'Log file: ~/logs/main.log',
        '',
        'Recent errors: none',
      ].join('\n'),
    );
  });
});
