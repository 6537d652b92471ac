/**
 * The sandbox in its own process for bench/engine.bench.ts, so client and server each get a core.
 * argv[2]: JSON config. Messages in: {type:'config', patch} | {type:'faults', faults} |
 * {type:'reset'} | {type:'stats'}; out: {url,key} once, then {stats, count429} per 'stats'.
 */
import { startSandbox } from '../sandbox/server';

const config = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startSandbox>[0] extends infer O ? (O extends { config?: infer C } ? C : never) : never;
const sandbox = await startSandbox({ port: 0, config });

process.on('message', (raw) => {
  const m = raw as { type: string; patch?: Record<string, unknown>; faults?: Record<string, unknown> };
  if (m.type === 'config') sandbox.setConfig(m.patch as never);
  else if (m.type === 'faults') sandbox.setFaults(m.faults as never);
  else if (m.type === 'reset') {
    sandbox.resetRateLimits();
    sandbox.clearRequestLog();
  }
  if (m.type === 'stats' || m.type === 'config' || m.type === 'faults' || m.type === 'reset') {
    process.send?.({ type: m.type, stats: sandbox.stats() });
  }
});
process.send?.({ type: 'ready', url: sandbox.url, key: sandbox.key });
process.on('disconnect', () => void sandbox.close().then(() => process.exit(0)));
