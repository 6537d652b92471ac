import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The sandbox in a child process (./engine-sandbox-child.ts), driven over IPC by the engine benchmarks. */

const CHILD = fileURLToPath(new URL('./engine-sandbox-child.ts', import.meta.url));

export interface Stats {
  requests: number;
  byStatus: Record<string, number>;
}

export class SandboxChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly key: string,
  ) {}

  static async start(config: unknown): Promise<SandboxChild> {
    const child = fork(CHILD, [JSON.stringify(config)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<{ url: string; key: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { url: string; key: string }));
      child.once('exit', (code) => reject(new Error(`the sandbox child exited early (code ${code})`)));
    });
    return new SandboxChild(child, ready.url, ready.key);
  }

  private ask(msg: Record<string, unknown>): Promise<Stats> {
    return new Promise((resolve) => {
      const on = (m: unknown) => {
        const r = m as { type: string; stats: Stats };
        if (r.type === msg.type) {
          this.child.off('message', on);
          resolve(r.stats);
        }
      };
      this.child.on('message', on);
      this.child.send(msg);
    });
  }

  config(patch: unknown) {
    return this.ask({ type: 'config', patch });
  }
  faults(faults: unknown) {
    return this.ask({ type: 'faults', faults });
  }
  reset() {
    return this.ask({ type: 'reset' });
  }
  stats() {
    return this.ask({ type: 'stats' });
  }
  close() {
    this.child.disconnect();
  }
}

