#!/usr/bin/env -S npx tsx
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  DEFAULT_MAX_ROOM_SIZE,
  MAX_CONNECTIONS,
  LIVENESS_TTL_MS,
  MAX_ROOM_SIZE_LIMIT,
  RECONNECT_GRACE_MS,
  RELOAD_GRACE_MS,
  TURN_CREDENTIAL_TTL_SECONDS,
} from '@meshchat/protocol';
import { createSignalingServer } from './server';
import { SESSION_SECRET_MIN_BYTES, randomSecret } from './sessions';

const USAGE = `Usage: meshchat-signaling [options]

  --host HOST            interface to listen on (default 127.0.0.1)
  -p, --port PORT        port to listen on (default $PORT or 9090)
  --max-room-size N      members per room, 2-${MAX_ROOM_SIZE_LIMIT} (default ${DEFAULT_MAX_ROOM_SIZE})
  --cors-origin ORIGIN   a browser origin allowed to connect; repeat for more (default: same origin only)
  --reconnect-grace MS   how long a dropped user keeps nickname and room (default 30000)
  --reload-grace MS      how long a user who closed or reloaded the page keeps them (default ${RELOAD_GRACE_MS})
  --stun-port PORT       answer STUN on this UDP port and hand it to browsers (default 3478; 0 picks one)
  --stun-host HOST       interface STUN listens on (default: all interfaces, whatever --host is)
  --no-stun              answer no STUN (browsers then offer only addresses their own network knows)
  --public-host HOST     the host name browsers reach this server's STUN port by (default: the page's host)
  --stun URL             another STUN server for browsers, e.g. stun:stun.example.org:3478; repeat for more
  --turn-url URL         a TURN server, e.g. turn:turn.example.org:3478; repeat for more (needs a secret)
  --turn-secret SECRET   coturn's static-auth-secret, for time-limited TURN credentials ($TURN_SECRET)
  --turn-ttl SECONDS     lifetime of TURN credentials (default 3600)
  --csp-connect ORIGIN   another signaling server the served page may use via ?signal=; repeatable
  --trust-proxy          behind a reverse proxy: rate-limit by the X-Forwarded-For address
  --redis-url URL        share rooms and nicknames with other processes through Redis ($REDIS_URL),
                         e.g. redis://:password@10.0.0.5:6379; see docs/deploying.md, "Scaling out"
  --redis-prefix PREFIX  prefix of this deployment's Redis keys (default meshchat:)
  --liveness-ttl MS      with Redis: free the seats of a process silent this long (default ${LIVENESS_TTL_MS})
  --max-connections N    connections held at once, from everyone (default ${MAX_CONNECTIONS}); keep it below ulimit -n
  --session-secret-file F  where the secret that signs session tokens is kept, so members get their seats
                         back after a restart (default ~/.local/state/meshchat/session-secret; made if missing)
  --static DIR           built web client to serve (default client/dist)
  --no-static            serve no web client
  -h, --help             show this help

Environment: ADMIN_TOKEN enables admin commands; SESSION_SECRET signs session tokens (instead of the file); PORT sets the default port; LOG_LEVEL (default info).
Console: type "help" and Enter for operator commands; "q" shuts down with a notice to everyone.`;

function fatal(message: string): never {
  process.stderr.write(`meshchat-signaling: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) fatal(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

function parseFlags() {
  return parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      'max-room-size': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'reconnect-grace': { type: 'string' },
      'reload-grace': { type: 'string' },
      stun: { type: 'string', multiple: true },
      'stun-port': { type: 'string' },
      'stun-host': { type: 'string' },
      'no-stun': { type: 'boolean' },
      'public-host': { type: 'string' },
      'turn-url': { type: 'string', multiple: true },
      'turn-secret': { type: 'string' },
      'turn-ttl': { type: 'string' },
      'trust-proxy': { type: 'boolean' },
      'csp-connect': { type: 'string', multiple: true },
      'redis-url': { type: 'string' },
      'redis-prefix': { type: 'string' },
      'liveness-ttl': { type: 'string' },
      'max-connections': { type: 'string' },
      'session-secret-file': { type: 'string' },
      static: { type: 'string' },
      'no-static': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      'check-flags': { type: 'boolean' },
    },
    strict: true,
  }).values;
}

let parsed: ReturnType<typeof parseFlags>;
try {
  parsed = parseFlags();
} catch (error: unknown) {
  fatal(error instanceof Error ? error.message : String(error));
}
if (parsed.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

for (const origin of [...(parsed['cors-origin'] ?? []), ...(parsed['csp-connect'] ?? [])]) {
  if (!URL.canParse(origin) || new URL(origin).origin !== origin) fatal(`--cors-origin and --csp-connect want an origin like https://chat.example, got "${origin}"`);
}

const stunUrls = parsed.stun ?? [];
const turnUrls = parsed['turn-url'] ?? [];
const turnSecret = parsed['turn-secret'] ?? (process.env.TURN_SECRET || undefined);
for (const url of stunUrls) if (!/^stuns?:/.test(url)) fatal(`--stun wants a stun: URL, got "${url}"`);
for (const url of turnUrls) if (!/^turns?:/.test(url)) fatal(`--turn-url wants a turn: or turns: URL, got "${url}"`);
if (turnUrls.length > 0 && turnSecret === undefined) fatal('--turn-url needs --turn-secret (or TURN_SECRET)');
if (parsed['no-stun'] && (parsed['stun-port'] !== undefined || parsed['stun-host'] !== undefined)) fatal('--no-stun contradicts --stun-port and --stun-host');
const stunHost = parsed['stun-host'];
if (stunHost !== undefined && !/^[0-9A-Fa-f:.]{2,45}$/.test(stunHost)) fatal(`--stun-host wants an address like 0.0.0.0 or ::, got "${stunHost}"`);
const publicHost = parsed['public-host'];
if (publicHost !== undefined && !/^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\])$/.test(publicHost)) fatal(`--public-host wants a host name or address, got "${publicHost}"`);
/** Built-in STUN: on by default; a default port that is taken only leaves it out, a chosen one must open. */
const DEFAULT_STUN_PORT = 3478;
const stunPort = parsed['no-stun'] ? undefined : integer('--stun-port', parsed['stun-port'], DEFAULT_STUN_PORT, 0, 65535);
const redisUrl = parsed['redis-url'] ?? (process.env.REDIS_URL || undefined);
if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) fatal('--redis-url wants a redis:// or rediss:// URL');
const redisPrefix = parsed['redis-prefix'] ?? 'meshchat:';
if (!/^[\w:.-]{1,64}$/.test(redisPrefix)) fatal('--redis-prefix wants 1-64 letters, digits, _ : . or -');

const maxConnections = integer('--max-connections', parsed['max-connections'], MAX_CONNECTIONS, 1, 10_000_000);
const livenessTtlMs = integer('--liveness-ttl', parsed['liveness-ttl'], LIVENESS_TTL_MS, 300, 3600 * 1000);
const port = integer('--port', parsed.port ?? process.env.PORT, 9090, 0, 65535);
const maxRoomSize = integer('--max-room-size', parsed['max-room-size'], DEFAULT_MAX_ROOM_SIZE, 2, MAX_ROOM_SIZE_LIMIT);
const reconnectGraceMs = integer('--reconnect-grace', parsed['reconnect-grace'], RECONNECT_GRACE_MS, 0, 24 * 3600 * 1000);
const reloadGraceMs = integer('--reload-grace', parsed['reload-grace'], RELOAD_GRACE_MS, 0, 24 * 3600 * 1000);
const turnTtlSeconds = integer('--turn-ttl', parsed['turn-ttl'], TURN_CREDENTIAL_TTL_SECONDS, 1, 7 * 24 * 3600);
// `npm start` asks this first, so a bad flag is answered before the client is built.
if (parsed['check-flags']) process.exit(0);

const state = process.env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state');
const secretFile = parsed['session-secret-file'] ?? path.join(state, 'meshchat', 'session-secret');

/**
 * The secret session tokens are signed with: SESSION_SECRET, else one kept in a file (made on
 * first start), so a restarted server still knows the tokens it handed out. A secret shorter than
 * SESSION_SECRET_MIN_BYTES is no secret: from the environment it stops the server, in the file
 * (empty after a full disk, say) it is made anew.
 */
function sessionSecret(): string | undefined {
  const fromEnvironment = process.env.SESSION_SECRET;
  if (fromEnvironment) {
    if (Buffer.byteLength(fromEnvironment) < SESSION_SECRET_MIN_BYTES) fatal(`SESSION_SECRET must be at least ${SESSION_SECRET_MIN_BYTES} bytes (e.g. openssl rand -base64 32)`);
    return fromEnvironment;
  }
  let kept: string | undefined;
  try {
    kept = readFileSync(secretFile, 'utf8').trim();
    const mode = statSync(secretFile).mode;
    if ((mode & 0o044) !== 0) {
      process.stderr.write(`meshchat-signaling: warning: ${secretFile} can be read by other users (mode ${(mode & 0o777).toString(8)}); anyone who reads it can take any seat. Run: chmod 600 ${secretFile}\n`);
    }
  } catch {
    // Not there yet: make one.
  }
  if (kept !== undefined && Buffer.byteLength(kept) >= SESSION_SECRET_MIN_BYTES) return kept;
  if (kept !== undefined) process.stderr.write(`meshchat-signaling: ${secretFile} holds no usable secret (${Buffer.byteLength(kept)} bytes); making a new one\n`);
  try {
    const secret = randomSecret();
    mkdirSync(path.dirname(secretFile), { recursive: true, mode: 0o700 });
    // Written aside and renamed into place: a full disk leaves the old file, never an empty one.
    const temporary = `${secretFile}.${process.pid}.tmp`;
    writeFileSync(temporary, `${secret}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, secretFile);
    return secret;
  } catch (error: unknown) {
    process.stderr.write(`meshchat-signaling: cannot keep a session secret in ${secretFile} (${String(error)}); seats will not survive a restart\n`);
    return undefined;
  }
}

const server = await createSignalingServer({
  sessionSecret: sessionSecret(),
  // Seats left or kicked, beside the secret: a restarted server refuses their old tokens.
  revocationsFile: redisUrl === undefined ? path.join(path.dirname(secretFile), 'session-revocations.json') : undefined,
  maxConnections,
  redisUrl,
  redisPrefix,
  livenessTtlMs,
  host: parsed.host ?? '127.0.0.1',
  port,
  maxRoomSize,
  corsOrigins: parsed['cors-origin'] ?? [],
  reconnectGraceMs,
  reloadGraceMs,
  adminToken: process.env.ADMIN_TOKEN || undefined,
  staticDir: parsed['no-static'] ? null : (parsed.static ?? undefined),
  trustProxy: parsed['trust-proxy'] ?? false,
  cspConnect: parsed['csp-connect'] ?? [],
  stunPort,
  stunHost,
  stunRequired: parsed['stun-port'] !== undefined || stunHost !== undefined,
  publicHost,
  stunUrls,
  turnUrls,
  turnSecret,
  turnTtlSeconds,
  logLevel: process.env.LOG_LEVEL ?? 'info',
}).catch((error: unknown) => {
  // Bad flags exit 2; a server that cannot start (port taken, Redis unreachable) exits 1.
  process.stderr.write(`meshchat-signaling: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
const stunWords = server.stunPort === undefined ? 'no STUN' : `STUN on UDP ${server.stunPort}`;
process.stderr.write(`meshchat is running at ${server.url} (${stunWords}; type "q" and Enter to shut down)\n`);

const FORCE_EXIT_MS = 4_500;
let stopping = false;
function shutdown(why: string): void {
  // Ctrl-C reaches the server twice under npm start (from the terminal, and passed on by npm):
  // the second must not cut the notice short. It is out within FORCE_EXIT_MS either way.
  if (stopping) return;
  stopping = true;
  process.stderr.write(`meshchat: shutting down (${why})\n`);
  setTimeout(() => process.exit(0), FORCE_EXIT_MS).unref();
  void server.close();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
void server.closed.then(() => process.exit(0));

// The operator console. End of input (no terminal, or a closed pipe) leaves the server running.
const operator = createInterface({ input: process.stdin, terminal: false });
operator.on('line', (line) => {
  const command = line.trim().toLowerCase();
  if (command === 'q' || command === 'quit') shutdown('operator');
  else if (command === 'help') process.stderr.write('Operator commands: q (or quit) shuts the server down with a notice to every client.\n');
  else if (command !== '') process.stderr.write(`Unknown command "${command.slice(0, 40)}"; type "help".\n`);
});
operator.on('error', () => {
  // stdin unreadable (e.g. closed by the parent): keep serving.
});
