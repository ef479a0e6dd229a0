import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { io } from 'socket.io-client';
import { ADMIN_FAILURES_PER_WINDOW, type ClientEventName } from '@meshchat/protocol';
import { OFFER, connect, joined, nextEvent, startServer, type Client } from './helpers';

const TOKEN = 'correct horse battery staple';

function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { nick: value };
  return value;
}

const GARBAGE: unknown[] = [
  null,
  42,
  'a string',
  true,
  [],
  {},
  { nick: 42 },
  { nick: ['alice'] },
  { nick: 'x'.repeat(10_000) },
  { session: 'short' },
  { to: 'bob', data: { type: 'offer', sdp: 42 } },
  { to: 'bob', data: { type: 'offer', sdp: 'x'.repeat(40_000) } },
  { to: 'bob', data: { type: 'candidate', candidate: { candidate: 'c', sdpMLineIndex: -1 } } },
  { action: 'launch-missiles', token: 'x' },
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  { constructor: { prototype: { polluted: 'yes' } } },
  deep(200),
  Buffer.from('binary attachment'),
];

/** Every event a client may send, with a well-formed payload, so only the payload is wrong below. */
const EVENTS: ClientEventName[] = ['join', 'resume', 'signal', 'pair', 'admin'];
const NO_PAYLOAD: ClientEventName[] = ['leave', 'pair-cancel', 'alive', 'bye'];

function send(socket: Client, event: string, ...args: unknown[]): Promise<unknown> {
  return (socket.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>)(event, ...args);
}

describe('malformed payloads', () => {
  it('every event answers garbage with BAD_REQUEST and the server keeps serving', async () => {
    // Budgets large enough that the schema, not the rate limiter, answers every event here.
    const roomy = { points: 10_000, seconds: 1, perIp: 1 };
    const { url } = await startServer({ adminToken: TOKEN, rateLimits: { join: roomy, signal: roomy, other: roomy } });
    const [attacker, a, b] = await Promise.all([connect(url), connect(url), connect(url)]);
    await joined(a, 'alice', 'r');
    for (const event of EVENTS) {
      for (const payload of GARBAGE) {
        const answer = await send(attacker, event, payload);
        assert.equal((answer as { code?: string }).code, 'BAD_REQUEST', `${event} ${JSON.stringify(payload)?.slice(0, 80)}`);
      }
      assert.equal(((await send(attacker, event)) as { code?: string }).code, 'BAD_REQUEST', `${event} without payload`);
    }
    for (const event of NO_PAYLOAD) {
      assert.equal(((await send(attacker, event, { extra: 1 })) as { code?: string }).code, 'BAD_REQUEST', event);
    }
    assert.equal(((await send(attacker, 'join', { nick: 'x' }, 'second')) as { code?: string }).code, 'BAD_REQUEST');
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);

    assert.equal((await joined(b, 'bob', 'r')).peers[0], 'alice', 'a legitimate client still joins');
    const relayed = nextEvent(b, 'signal');
    await a.emitWithAck('signal', { to: 'bob', data: OFFER });
    assert.equal((await relayed)[0].from, 'alice');
  });

  it('an unknown event is refused by name, with or without an ack', async () => {
    const { url } = await startServer();
    const socket = await connect(url);
    assert.deepEqual(await send(socket, 'chat', { text: 'hi' }), { ok: false, code: 'UNKNOWN_EVENT' });
    assert.deepEqual(await send(socket, '__proto__', {}), { ok: false, code: 'UNKNOWN_EVENT' });
    assert.deepEqual(await send(socket, 'hasOwnProperty', {}), { ok: false, code: 'UNKNOWN_EVENT' });
    const error = nextEvent(socket, 'protocol-error');
    (socket.emit as (event: string, ...args: unknown[]) => void)('toString', 1);
    assert.deepEqual(await error, [{ event: 'toString', code: 'UNKNOWN_EVENT' }]);
  });

  it('a payload over the 64 KB limit drops that socket only', async () => {
    const { url } = await startServer();
    const [attacker, bystander] = await Promise.all([connect(url), connect(url)]);
    const dropped = nextEvent(attacker, 'disconnect' as never);
    attacker.emit('join', { nick: 'x'.repeat(100_000) }, () => undefined);
    await dropped;
    assert.equal((await joined(bystander, 'calm')).ok, true);
  });
});

describe('admin by token', () => {
  it('is refused when the server has no token', async () => {
    const { url } = await startServer();
    const socket = await connect(url);
    assert.deepEqual(await socket.emitWithAck('admin', { token: 'anything', action: 'announce', text: 'hi' }), {
      ok: false,
      code: 'FORBIDDEN',
    });
  });

  it('with the right token kicks a member and announces to every room', async () => {
    const { url } = await startServer({ adminToken: TOKEN });
    const [op, a, b, c] = await Promise.all([connect(url), connect(url), connect(url), connect(url)]);
    await joined(a, 'alice', 'r1');
    await joined(b, 'bob', 'r1');
    await joined(c, 'carol', 'r2');
    const kicked = nextEvent(b, 'kicked');
    const aliceHears = nextEvent(a, 'peer-left');
    assert.deepEqual(await op.emitWithAck('admin', { token: TOKEN, action: 'kick', room: 'r1', nick: 'BOB' }), { ok: true });
    assert.deepEqual(await kicked, [{ room: 'r1' }]);
    assert.deepEqual(await aliceHears, [{ nick: 'bob', reason: 'kicked' }]);
    assert.deepEqual(await b.emitWithAck('signal', { to: 'alice', data: OFFER }), { ok: false, code: 'NOT_IN_ROOM' });
    assert.equal((await b.emitWithAck('join', { nick: 'bob', room: 'r1' })).ok, true, 'the nickname is free again');
    assert.deepEqual(await op.emitWithAck('admin', { token: TOKEN, action: 'kick', room: 'r1', nick: 'nobody' }), {
      ok: false,
      code: 'PEER_NOT_FOUND',
    });

    const heard = Promise.all([a, b, c].map((socket) => nextEvent(socket, 'announce')));
    assert.deepEqual(await op.emitWithAck('admin', { token: TOKEN, action: 'announce', text: 'maintenance at noon' }), { ok: true });
    for (const [event] of await heard) assert.deepEqual(event, { text: 'maintenance at noon' });
  });

  it('wrong tokens get FORBIDDEN, then RATE_LIMITED even for the right one', async () => {
    const { url } = await startServer({ adminToken: TOKEN });
    const guesser = await connect(url);
    for (let i = 0; i < ADMIN_FAILURES_PER_WINDOW; i++) {
      assert.deepEqual(await guesser.emitWithAck('admin', { token: `guess${i}`, action: 'shutdown' }), { ok: false, code: 'FORBIDDEN' });
    }
    assert.deepEqual(await guesser.emitWithAck('admin', { token: TOKEN, action: 'shutdown' }), { ok: false, code: 'RATE_LIMITED' });
    const other = await connect(url);
    assert.deepEqual(
      await other.emitWithAck('admin', { token: TOKEN, action: 'announce', text: 'x' }),
      { ok: false, code: 'RATE_LIMITED' },
      'the lock-out is per address too, so new sockets do not reset it',
    );
    assert.equal((await joined(other, 'still-fine')).ok, true);
  });

  it('shutdown notifies every client and closes the server', async () => {
    const server = await startServer({ adminToken: TOKEN });
    const [op, a] = await Promise.all([connect(server.url), connect(server.url)]);
    await joined(a, 'alice');
    const notice = nextEvent(a, 'server-shutdown');
    assert.deepEqual(await op.emitWithAck('admin', { token: TOKEN, action: 'shutdown' }), { ok: true });
    const [event, ack] = await notice;
    assert.match(event.message, /shutting down/);
    ack();
    await server.closed;
    await assert.rejects(fetch(`${server.url}/healthz`));
  });
});

describe('origins', () => {
  it('refuses a browser origin outside the allow-list with 403, for polling and websocket', async () => {
    const { url } = await startServer({ corsOrigins: ['http://allowed.test'] });
    const polling = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'http://evil.test' } });
    assert.equal(polling.status, 403);
    const allowed = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'http://allowed.test' } });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://allowed.test');

    const evil = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { Origin: 'http://evil.test' } });
    const refused = await new Promise<Error>((resolve) => evil.once('connect_error', resolve));
    evil.close();
    assert.match(refused.message, /websocket error/);
    const good = await connect(url, { extraHeaders: { Origin: 'http://allowed.test' } });
    assert.equal(good.connected, true);
  });

  it('accepts the page served by the server itself', async () => {
    const { url } = await startServer();
    const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: url } });
    assert.equal(response.status, 200);
  });
});
