import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ROOM } from '@meshchat/protocol';
import { OFFER, connect, health, join, joined, nextEvent, record, sleep, startServer, STORE } from './helpers';

const pick = ({ httpStatus, rooms }: { httpStatus: number; rooms: number | null }) => ({ httpStatus, rooms });

describe('nicknames', () => {
  it('exactly one of 20 sockets claiming one nickname at once wins', async () => {
    const { url } = await startServer();
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connect(url)));
    const results = await Promise.all(sockets.map((socket, i) => join(socket, i % 2 ? 'Racer' : 'racer', 'race')));
    assert.equal(results.filter((result) => result.ok).length, 1);
    assert.deepEqual(
      results.filter((result) => !result.ok).map((result) => !result.ok && result.code),
      Array(19).fill('NICK_TAKEN'),
    );
  });

  it('compares case-insensitively and normalises before comparing', async () => {
    const { url } = await startServer();
    const [a, b, c] = await Promise.all([connect(url), connect(url), connect(url)]);
    assert.equal((await joined(a, '  Zoe\u0308 ', 'r')).nick, 'Zoë');
    assert.deepEqual(await join(b, 'ZOË', 'r'), { ok: false, code: 'NICK_TAKEN', suggestion: 'ZOË2' });
    assert.equal((await join(c, 'zoë', 'elsewhere')).ok, true, 'the same nickname in another room is fine');
  });

  it('a taken nickname comes with a free one like it, fitted to the length rule', async () => {
    const { url } = await startServer();
    const [a, b, c, d, e] = await Promise.all([connect(url), connect(url), connect(url), connect(url), connect(url)]);
    await joined(a, 'sam', 'r');
    await joined(b, 'SAM2', 'r');
    await joined(c, 'sam3', 'r');
    assert.deepEqual(await join(d, 'Sam', 'r'), { ok: false, code: 'NICK_TAKEN', suggestion: 'Sam4' }, 'sam2 and sam3 are taken, whatever their case');
    const long = 'x'.repeat(24);
    await joined(d, long, 'long');
    const refused = await join(e, long, 'long');
    assert.deepEqual(refused, { ok: false, code: 'NICK_TAKEN', suggestion: `${'x'.repeat(23)}2` });
    assert.equal((await join(e, 'Sam4', 'r')).ok, true, 'the suggestion is free');
  });

  it('refuses an empty or invalid nickname and changes nothing', async () => {
    const { url } = await startServer();
    const socket = await connect(url);
    for (const nick of ['', '   ', 'x'.repeat(25), '<b>bold</b>', 'semi;colon']) {
      assert.deepEqual(await join(socket, nick, 'r'), { ok: false, code: 'NICK_INVALID' }, nick);
    }
    assert.deepEqual(pick(await health(url)), { httpStatus: 200, rooms: 0 });
    assert.equal((await join(socket, 'valid', 'r')).ok, true, 'the socket can still join afterwards');
  });
});

describe('rooms', () => {
  it('joins the lobby by default and refuses bad room names', async () => {
    const { url } = await startServer();
    const socket = await connect(url);
    for (const room of ['has space', 'x'.repeat(65), 'dot.dot', '../up']) {
      assert.deepEqual(await join(socket, 'alice', room), { ok: false, code: 'ROOM_INVALID' }, room);
    }
    const result = await joined(socket, 'alice');
    assert.equal(result.room, DEFAULT_ROOM);
    assert.equal(result.capacity, 16);
    assert.deepEqual(await join(socket, 'alice2', 'other'), { ok: false, code: 'ALREADY_IN_ROOM' });
  });

  it('refuses a member beyond capacity with ROOM_FULL', async () => {
    const { url } = await startServer({ maxRoomSize: 3 });
    const members = await Promise.all(Array.from({ length: 3 }, () => connect(url)));
    for (const [i, socket] of members.entries()) await joined(socket, `user${i}`, 'small');
    const late = await connect(url);
    assert.deepEqual(await join(late, 'user3', 'small'), { ok: false, code: 'ROOM_FULL' });
    assert.equal((await join(late, 'user3', 'big')).ok, true);
  });

  it('gives the joiner the member list and tells the others', async () => {
    const { url } = await startServer();
    const [a, b, c] = await Promise.all([connect(url), connect(url), connect(url)]);
    assert.deepEqual((await joined(a, 'alice', 'r')).peers, []);
    const aliceHears = nextEvent(a, 'peer-joined');
    assert.deepEqual((await joined(b, 'bob', 'r')).peers, ['alice']);
    assert.deepEqual(await aliceHears, [{ nick: 'bob' }]);
    const joinedC = await joined(c, 'carol', 'r');
    assert.deepEqual(joinedC.peers.sort(), ['alice', 'bob']);
    assert.notEqual(joinedC.session, (await joined(await connect(url), 'dave', 'r')).session);
  });

  it('leaving tells the room and frees the nickname at once', async () => {
    const { url } = await startServer();
    const [a, b, c] = await Promise.all([connect(url), connect(url), connect(url)]);
    await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const aliceHears = nextEvent(a, 'peer-left');
    assert.deepEqual(await b.emitWithAck('leave'), { ok: true });
    assert.deepEqual(await aliceHears, [{ nick: 'bob', reason: 'left' }]);
    assert.equal((await join(c, 'BOB', 'r')).ok, true);
    assert.deepEqual(await b.emitWithAck('leave'), { ok: false, code: 'NOT_IN_ROOM' });
    assert.equal((await join(b, 'bob', 'r2')).ok, true, 'a socket that left can join again');
  });

  it('an empty room disappears; health shows counts and no nicknames', async () => {
    const { url } = await startServer();
    const a = await connect(url);
    await joined(a, 'secretname', 'secretroom');
    const response = await fetch(`${url}/healthz`);
    const text = await response.text();
    assert.equal(text.includes('secretname'), false);
    assert.deepEqual(
      { ...JSON.parse(text), uptimeSeconds: 0 },
      { status: 'ok', store: { kind: STORE, reachable: true }, uptimeSeconds: 0, connections: 1, rooms: 1 },
    );
    await a.emitWithAck('leave');
    assert.deepEqual(pick(await health(url)), { httpStatus: 200, rooms: 0 });
  });
});

describe('reconnect grace', () => {
  it('holds the nickname for the dropped socket, which reclaims it with its token', async () => {
    const { url } = await startServer({ reconnectGraceMs: 5_000 });
    const [a, b, stranger] = await Promise.all([connect(url), connect(url), connect(url)]);
    const first = await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const bobHearsLeave = record(b, 'peer-left');
    a.disconnect();
    await sleep(100);
    assert.deepEqual(await join(stranger, 'Alice', 'r'), { ok: false, code: 'NICK_TAKEN', suggestion: 'Alice2' });

    const again = await connect(url);
    const resumed = await again.emitWithAck('resume', { session: first.session });
    assert.ok(resumed.ok, JSON.stringify(resumed));
    const { session, ...seat } = resumed;
    assert.deepEqual(seat, { ok: true, room: 'r', nick: 'alice', peers: ['bob'], capacity: 16 });
    assert.notEqual(session, first.session, 'a fresh token for the same seat');
    assert.deepEqual(bobHearsLeave, [], 'the room never saw alice leave');
    const signal = nextEvent(b, 'signal');
    await again.emitWithAck('signal', { to: 'bob', data: { type: 'renegotiate', renegotiate: true } });
    assert.equal((await signal)[0].from, 'alice', 'the reclaimed seat relays as before');
  });

  it('answers a signal to a member whose seat is held with PEER_AWAY, and relays again once they are back', async () => {
    const { url } = await startServer({ reconnectGraceMs: 5_000 });
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const first = await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    a.disconnect();
    await sleep(100);
    assert.deepEqual(await b.emitWithAck('signal', { to: 'alice', data: OFFER }), { ok: false, code: 'PEER_AWAY' });
    assert.deepEqual(await b.emitWithAck('signal', { to: 'carol', data: OFFER }), { ok: false, code: 'PEER_NOT_FOUND' }, 'nobody is not away');
    const again = await connect(url);
    assert.equal((await again.emitWithAck('resume', { session: first.session })).ok, true);
    const signal = nextEvent(again, 'signal');
    assert.deepEqual(await b.emitWithAck('signal', { to: 'alice', data: OFFER }), { ok: true });
    assert.deepEqual(await signal, [{ from: 'bob', data: OFFER }]);
  });

  it('a page that says goodbye keeps its seat only for a reload: taken back within it, or "left" once it is over', async () => {
    const { url } = await startServer({ reconnectGraceMs: 30_000, reloadGraceMs: 400 });
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const first = await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const bobHearsLeave = record(b, 'peer-left');
    // A reload: goodbye, then the page comes back with its token within the window.
    a.emit('bye');
    a.disconnect();
    const reloaded = await connect(url);
    const resumed = await reloaded.emitWithAck('resume', { session: first.session });
    assert.equal(resumed.ok, true, JSON.stringify(resumed));
    await sleep(600);
    assert.deepEqual(bobHearsLeave, [], 'a reload is not a leave');

    // A closed tab: goodbye, and nobody comes back. The room hears "left" after the window, not the 30 s grace.
    const left = nextEvent(b, 'peer-left', 2_000);
    const closed = Date.now();
    reloaded.emit('bye');
    reloaded.disconnect();
    assert.deepEqual(await left, [{ nick: 'alice', reason: 'left' }]);
    const after = Date.now() - closed;
    assert.ok(after >= 350 && after < 1_500, `left ${after} ms after the goodbye`);
    assert.equal((await join(await connect(url), 'alice', 'r')).ok, true, 'the name is free again');
  });

  it('a goodbye read in one go with the socket\'s close still counts (socket.io drops events its listeners would get after the close; the gate reads them first)', async () => {
    const { url } = await startServer({ reconnectGraceMs: 30_000, reloadGraceMs: 200 });
    // Long polling sends what was queued while a request was out as one payload: here the goodbye
    // and the disconnect, read by the server in one go (over a websocket, two frames in one read).
    const a = await connect(url, { transports: ['polling'] });
    const b = await connect(url);
    await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const left = nextEvent(b, 'peer-left', 3_000);
    a.emit('alive', () => undefined);
    a.emit('bye');
    a.disconnect();
    assert.deepEqual(await left, [{ nick: 'alice', reason: 'left' }], 'not the 30 s grace of a dropped connection');
  });

  it('a goodbye that waited on a slow store, while its socket dropped, still leaves after the reload grace', { skip: STORE !== 'redis' && 'Redis only' }, async () => {
    const { startRedis } = await import('@meshchat/testkit/redis-server');
    const redis = await startRedis();
    try {
      const server = await startServer({ reconnectGraceMs: 30_000, reloadGraceMs: 200, redisUrl: redis.url, redisPrefix: 'slow-bye:' });
      const { url } = server;
      const [a, b] = await Promise.all([connect(url), connect(url)]);
      await joined(a, 'alice', 'r');
      await joined(b, 'bob', 'r');
      const left = nextEvent(b, 'peer-left', 3_000);
      // The goodbye's budget check and the drop's hold both wait on Redis; the goodbye is answered first.
      redis.pause();
      a.emit('bye');
      a.disconnect();
      await sleep(150);
      redis.resume();
      assert.deepEqual(await left, [{ nick: 'alice', reason: 'left' }], 'not the 30 s grace of a dropped connection');
      // The server goes before its Redis: closed the other way round (by the after hook, once Redis had
      // stopped), Redis commands it still had queued were rejected after the test ended (in CI, 2026-12-08).
      for (const socket of [a, b]) socket.disconnect();
      await server.close();
    } finally {
      await redis.stop();
    }
  });

  it('a drop without a goodbye keeps the whole reconnect grace', async () => {
    const { url } = await startServer({ reconnectGraceMs: 1_500, reloadGraceMs: 100 });
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const left = nextEvent(b, 'peer-left', 3_000);
    const dropped = Date.now();
    a.disconnect();
    assert.deepEqual(await left, [{ nick: 'alice', reason: 'disconnected' }]);
    assert.ok(Date.now() - dropped >= 1_400, 'held for the reconnect grace, not a reload');
  });

  it('frees the nickname and tells the room when the grace runs out', async () => {
    const { url } = await startServer({ reconnectGraceMs: 200 });
    const [a, b, c] = await Promise.all([connect(url), connect(url), connect(url)]);
    const first = await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const left = nextEvent(b, 'peer-left');
    a.disconnect();
    assert.deepEqual(await left, [{ nick: 'alice', reason: 'disconnected' }]);
    assert.equal((await join(c, 'alice', 'r')).ok, true);
    const late = await connect(url);
    assert.deepEqual(await late.emitWithAck('resume', { session: first.session }), { ok: false, code: 'SESSION_INVALID' });
  });

  it('a resume from a new socket replaces a socket not yet known to be dead', async () => {
    const { url } = await startServer();
    const a = await connect(url);
    const first = await joined(a, 'alice', 'r');
    const dropped = nextEvent(a, 'disconnect' as never);
    const again = await connect(url);
    assert.equal((await again.emitWithAck('resume', { session: first.session })).ok, true);
    await dropped;
  });

  it('refuses an unknown session token', async () => {
    const { url } = await startServer();
    const a = await connect(url);
    assert.deepEqual(await a.emitWithAck('resume', { session: 'x'.repeat(32) }), { ok: false, code: 'SESSION_INVALID' });
  });
});
