import { parseArgs } from 'node:util';
import { startHarness } from './server';

const usage = 'Usage: npm run harness -- --port N --data-dir DIR [--token T]';
let values: { port?: string; 'data-dir'?: string; token?: string; 'traffic-file'?: string; open?: string[] };
try {
  ({ values } = parseArgs({ options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, token: { type: 'string' }, 'traffic-file': { type: 'string' }, open: { type: 'string', multiple: true } } }));
} catch (e) {
  console.error(`${e instanceof Error ? e.message : String(e)}\n${usage}`);
  process.exit(2);
}
const port = Number(values.port ?? '0');
if (!Number.isInteger(port) || port < 0 || port > 65535 || !values['data-dir']) {
  console.error(usage);
  process.exit(2);
}
try {
  const harness = await startHarness({ port, dataDir: values['data-dir'], ...(values.token ? { token: values.token } : {}), ...(values['traffic-file'] ? { trafficFile: values['traffic-file'] } : {}), ...(values.open ? { openFiles: values.open } : {}) });
  // The URL stands alone after HARNESS; the token follows for whoever drives the page (#token=…).
  console.log(`HARNESS ${harness.url} token=${harness.token}`);
  const stop = () => {
    void harness.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
