import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { untilTestEnds, whenReady, type Helper } from './processes';

const CLI = fileURLToPath(new URL('../../signaling/src/cli.ts', import.meta.url));
const DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));

/** The CLI forces its own exit 4.5 s after a SIGTERM; this leaves room for a busy machine. */
const STOP_DEADLINE_MS = 8_000;

/** The real signaling CLI in its own process, serving the built client. */
export class SignalingProcess {
  url = '';
  #child: ChildProcess | undefined;
  /** All it has written, across restarts, and where the current run's part begins. */
  #log = '';
  #runStart = 0;

  /** `netns`: run inside that network namespace (the NAT lab's internet), not the test's own. */
  constructor(
    readonly extraArgs: string[] = [],
    readonly options: { netns?: string } = {},
  ) {}

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Start on `port` (0 picks one; a restart passes the old one), resolve once it listens. */
  async start(port = 0): Promise<void> {
    // A restart's output (what `output` shows) begins here, after the previous process's.
    this.#runStart = this.#log.length;
    // No built-in STUN unless a test asks (--stun-port): the port is shared by every server on the machine.
    const stun = this.extraArgs.includes('--stun-port') ? [] : ['--no-stun'];
    const command = [process.execPath, '--import', 'tsx', CLI, '--port', String(port), '--static', DIST, '--reconnect-grace', '5000', ...stun, ...this.extraArgs];
    const [program = '', ...args] = this.options.netns ? ['ip', 'netns', 'exec', this.options.netns, ...command] : command;
    const child = spawn(program, args, { env: { ...process.env, LOG_LEVEL: process.env.E2E_SERVER_LOG_LEVEL ?? 'info' }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    untilTestEnds(this.#asHelper);
    child.stdout?.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    const [, url = ''] = await whenReady(child, /running at (http:\/\/\S+)/, 'the signaling server');
    this.url = url;
  }

  /** How the test's clean-up sees it: stopped with SIGKILL (a test that wants SIGTERM says so), every run's log. */
  readonly #asHelper: Helper = {
    stop: () => this.stop('SIGKILL'),
    kill: () => this.kill(),
    log: () => this.log,
  };

  /** What the process has written since it last started (its log, at `E2E_SERVER_LOG_LEVEL`, default info). */
  get output(): string {
    return this.#log.slice(this.#runStart);
  }

  /** Everything every run of it has written. */
  get log(): string {
    return this.#log;
  }

  /** SIGKILL, now, without waiting (for a worker on its way out). */
  kill(): void {
    this.#child?.kill('SIGKILL');
  }

  /** Type a line on the operator console. */
  type(line: string): void {
    this.#child?.stdin?.write(`${line}\n`);
  }

  /**
   * Stop it; SIGKILL stands for a crash. Resolves with the exit code. A server that has not gone
   * STOP_DEADLINE_MS after SIGTERM or SIGINT is killed, and the test fails saying so.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = once(child, 'exit');
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_DEADLINE_MS)));
    const outcome = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`the signaling server was still running ${STOP_DEADLINE_MS} ms after ${signal}:\n${this.output}`);
    }
    return outcome[0] as number | null;
  }

  /** Resolves with the exit code once the process ends by itself. */
  async exited(): Promise<number | null> {
    const child = this.#child;
    if (!child) return null;
    if (child.exitCode !== null) return child.exitCode;
    const [code] = await once(child, 'exit');
    return code as number | null;
  }
}
