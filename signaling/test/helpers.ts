import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { after, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, JoinResult, ServerToClientEvents } from '@meshchat/protocol';
import { createSignalingServer, type SignalingOptions, type SignalingServer } from '../src/index';
import { startRedis, type RedisProcess } from '@meshchat/testkit/redis-server';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type EventName = keyof ServerToClientEvents;
type EventArgs<E extends EventName> = Parameters<ServerToClientEvents[E]>;

const openClients = new Set<Client>();

/**
 * The store every server in this run uses. The whole suite runs once per store:
 * `MESHCHAT_TEST_STORE=redis` runs it against a real redis-server started for this test file.
 */
export const STORE: 'memory' | 'redis' = process.env.MESHCHAT_TEST_STORE === 'redis' ? 'redis' : 'memory';

let redis: Promise<RedisProcess> | undefined;

/** The Redis of this test file, started on first use and stopped when the process exits. */
export function testRedis(): Promise<RedisProcess> {
  redis ??= startRedis();
  return redis;
}

/** Options that point a server at this run's store; each server gets its own key prefix. */
export async function storeOptions(): Promise<Pick<SignalingOptions, 'redisUrl' | 'redisPrefix'>> {
  if (STORE === 'memory') return {};
  return { redisUrl: (await testRedis()).url, redisPrefix: `test-${randomBytes(6).toString('hex')}:` };
}

/** The same, as command-line flags for the real CLI. */
export async function storeFlags(): Promise<string[]> {
  const { redisUrl, redisPrefix } = await storeOptions();
  return redisUrl === undefined || redisPrefix === undefined ? [] : ['--redis-url', redisUrl, '--redis-prefix', redisPrefix];
}

/** Start a real server on a free port; it and its clients are closed when the test ends. */
export async function startServer(options: SignalingOptions = {}): Promise<SignalingServer> {
  const server = await createSignalingServer({ port: 0, logLevel: 'silent', staticDir: null, ...(await storeOptions()), ...options });
  after(async () => {
    // Clients first, so the server's shutdown notice has nobody left to wait for.
    for (const socket of openClients) socket.disconnect();
    openClients.clear();
    await server.close();
  });
  return server;
}

/**
 * Stop `server` and start another on its port with `options`, as a restart does. Session tokens
 * are stamped to the millisecond, and the new process tells tokens issued before its start from its
 * own by that stamp; a real restart takes far longer than a millisecond, an in-process one need not,
 * so the clock is let past the stop before the new server starts.
 */
export async function restartServer(server: SignalingServer, options: SignalingOptions = {}): Promise<SignalingServer> {
  await server.close();
  const stopped = Date.now();
  while (Date.now() <= stopped) await sleep(1);
  return startServer({ ...options, port: server.port });
}

/** A real socket.io client, connected; disconnected when the test ends. */
export async function connect(url: string, options: Parameters<typeof io>[1] = {}): Promise<Client> {
  const socket: Client = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...options });
  openClients.add(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

export function join(socket: Client, nick: string, room?: string): Promise<JoinResult> {
  return socket.emitWithAck('join', room === undefined ? { nick } : { nick, room });
}

/** Join and insist it worked; returns the joined room. */
export async function joined(socket: Client, nick: string, room?: string) {
  const result = await join(socket, nick, room);
  if (!result.ok) throw new Error(`join as ${nick} failed with ${result.code}`);
  return result;
}

/** The next `event` the socket receives, or a rejection after `ms`. */
export function nextEvent<E extends EventName>(socket: Client, event: E, ms = 3000): Promise<EventArgs<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no "${event}" within ${ms} ms`));
    }, ms);
    const listener = (...args: EventArgs<E>) => {
      clearTimeout(timer);
      resolve(args);
    };
    socket.once(event, listener as never);
  });
}

/** Collect every `event` the socket receives from now on. */
export function record<E extends EventName>(socket: Client, event: E): EventArgs<E>[] {
  const seen: EventArgs<E>[] = [];
  socket.on(event, ((...args: EventArgs<E>) => seen.push(args)) as never);
  return seen;
}

/** `GET /healthz`: its HTTP status and body. */
export async function health(url: string): Promise<{ httpStatus: number; status: string; store: { reachable: boolean }; rooms: number | null }> {
  const response = await fetch(`${url}/healthz`);
  return { httpStatus: response.status, ...((await response.json()) as { status: string; store: { reachable: boolean }; rooms: number | null }) };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' } as const;

export const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote to stderr so far (its log, with LOG_LEVEL set). */
  output(): string;
}

/**
 * Run the real CLI as an operator would, and wait until it says where it listens. Pass the test's
 * context when called after an await: node:test then knows which test's end should kill it.
 */
export function runCli(args: string[], env: Record<string, string> = {}, test?: TestContext): Promise<RunningCli> {
  return runServer(process.execPath, ['--import', 'tsx', CLI, '--no-static', ...args], env, test);
}

/**
 * Run a command that starts the server (the CLI, or `npm start`) in a process group of its own,
 * and wait until the server says where it listens. When the test ends the whole group is killed,
 * so a server the command started cannot outlive it even if the command itself is gone.
 */
export async function runServer(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  test?: TestContext,
  cwd?: string,
): Promise<RunningCli> {
  const child = spawn(command, args, { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: 'pipe', detached: true, cwd });
  const kill = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  };
  if (test) test.after(kill);
  else after(kill);
  process.once('exit', kill);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Read what it prints, or a chatty command (a build) blocks on a full pipe.
  child.stdout.resume();
  const exited = once(child, 'exit').then(([code, signal]) => {
    process.off('exit', kill);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const match = /running at (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) {
        clearInterval(poll);
        resolve(match[1]);
      }
    }, 20);
    void exited.then(({ code }) => {
      clearInterval(poll);
      reject(new Error(`exited with ${code}: ${stderr}`));
    });
  });
  return { child, url, exited, output: () => stderr };
}
