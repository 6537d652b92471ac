/**
 * `npm run sandbox -- [--port N] [--config FILE] [...]`: the sandbox on its own. Prints
 * `SANDBOX http://127.0.0.1:N key=KEY` once it accepts connections; stops on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { CLI_USAGE, CliError, parseCliArgs } from './cli-args';
import { DEFAULT_SANDBOX_KEY, parseConfigFile, SandboxConfigError } from './config';
import { startSandbox, type SandboxConfig } from './server';

async function main(): Promise<number> {
  const opts = parseCliArgs(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write(CLI_USAGE + '\n');
    return 0;
  }
  let fileConfig: Partial<SandboxConfig> = {};
  let port = opts.port;
  let host = opts.host;
  if (opts.configFile) {
    let text: string;
    try {
      text = readFileSync(opts.configFile, 'utf8');
    } catch (e) {
      throw new CliError(`Could not read the config file ${opts.configFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message}`);
    }
    const parsed = parseConfigFile(text, opts.configFile);
    fileConfig = parsed.config;
    port ??= parsed.port;
    host ??= parsed.host;
  }
  const config: Partial<SandboxConfig> = { ...fileConfig, ...opts.overrides, faults: { ...fileConfig.faults, ...opts.faults } };
  let keys = config.keys;
  if (opts.key) keys = [{ key: opts.key }];
  if (opts.rpm !== undefined) keys = (keys ?? [{ key: opts.key ?? DEFAULT_SANDBOX_KEY }]).map((k) => ({ ...k, rpm: opts.rpm }));
  if (keys) config.keys = keys;

  const startOpts: Parameters<typeof startSandbox>[0] = { config };
  if (port !== undefined) startOpts.port = port;
  if (host !== undefined) startOpts.host = host;
  const sandbox = await startSandbox(startOpts);
  process.stdout.write(`SANDBOX ${sandbox.url} key=${sandbox.key}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`sandbox: ${signal} received, stopping\n`);
      void sandbox.close().then(() => {
        process.stderr.write('sandbox: stopped\n');
        resolve(0);
      });
    };
    // `on`, not `once`: a signal sent to the whole process group reaches us twice (directly and
    // relayed by tsx), and a second one must not fall through to the default handler.
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof CliError || e instanceof SandboxConfigError) {
      process.stderr.write(`sandbox: ${e.message}\n`);
      process.exit(2);
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      process.stderr.write(`sandbox: the port is already in use; choose another with --port N (or --port 0 for any free port)\n`);
      process.exit(1);
    }
    process.stderr.write(`sandbox: could not start: ${err.message}\n`);
    process.exit(1);
  },
);
