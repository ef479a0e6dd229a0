import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OFFER, connect, joined, nextEvent, record, sleep, startServer } from './helpers';

describe('signal relay', () => {
  it('relays offers, answers and candidates within a room, stamped with the sender', async () => {
    const { url } = await startServer();
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const candidate = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMLineIndex: 0, sdpMid: '0' },
    } as const;
    const atBob = nextEvent(b, 'signal');
    assert.deepEqual(await a.emitWithAck('signal', { to: 'BOB', data: OFFER }), { ok: true });
    assert.deepEqual(await atBob, [{ from: 'alice', data: OFFER }]);
    const atAlice = nextEvent(a, 'signal');
    await b.emitWithAck('signal', { to: 'alice', data: candidate });
    assert.deepEqual(await atAlice, [{ from: 'bob', data: candidate }]);
  });

  it('ignores a forged from in the payload', async () => {
    const { url } = await startServer();
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const atBob = nextEvent(b, 'signal');
    const forged = { to: 'bob', from: 'carol', data: { ...OFFER, from: 'carol' } };
    assert.deepEqual(await a.emitWithAck('signal', forged as never), { ok: true });
    assert.deepEqual(await atBob, [{ from: 'alice', data: OFFER }]);
  });

  it('never relays to another room, to yourself, or for a socket in no room', async () => {
    const { url } = await startServer();
    const [a, b, outsider] = await Promise.all([connect(url), connect(url), connect(url)]);
    await joined(a, 'alice', 'r1');
    await joined(b, 'bob', 'r2');
    const bobSignals = record(b, 'signal');
    assert.deepEqual(await a.emitWithAck('signal', { to: 'bob', data: OFFER }), { ok: false, code: 'PEER_NOT_FOUND' });
    assert.deepEqual(await a.emitWithAck('signal', { to: 'alice', data: OFFER }), { ok: false, code: 'PEER_NOT_FOUND' });
    assert.deepEqual(await outsider.emitWithAck('signal', { to: 'bob', data: OFFER }), { ok: false, code: 'NOT_IN_ROOM' });
    await sleep(100);
    assert.deepEqual(bobSignals, []);
  });

  it('reports a failed relay without an ack as a protocol error', async () => {
    const { url } = await startServer();
    const a = await connect(url);
    await joined(a, 'alice', 'r');
    const error = nextEvent(a, 'protocol-error');
    a.emit('signal', { to: 'nobody', data: OFFER });
    assert.deepEqual(await error, [{ event: 'signal', code: 'PEER_NOT_FOUND' }]);
  });

  it('relays a relay key exchange (an ECDH public key, no words), and refuses one that carries more than a key', async () => {
    const { url } = await startServer();
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const offer = { type: 'relay-offer', session: 's'.repeat(22), via: 'carol', key: 'B'.repeat(87) } as const;
    const atBob = nextEvent(b, 'signal');
    assert.deepEqual(await a.emitWithAck('signal', { to: 'bob', data: offer }), { ok: true });
    assert.deepEqual(await atBob, [{ from: 'alice', data: offer }]);
    const bobSignals = record(b, 'signal');
    for (const bad of [{ ...offer, key: 'not base64url!' }, { ...offer, key: 'B'.repeat(129) }, { ...offer, session: 'short' }]) {
      assert.equal(((await a.emitWithAck('signal', { to: 'bob', data: bad as never })) as { code?: string }).code, 'BAD_REQUEST');
    }
    await sleep(100);
    assert.deepEqual(bobSignals, []);
  });

  it('answers alive at once, so a page can tell its connection still reaches the server', async () => {
    const { url } = await startServer();
    const a = await connect(url);
    assert.deepEqual(await a.emitWithAck('alive'), { ok: true });
  });

  it('refuses chat text dressed up as a signal', async () => {
    const { url } = await startServer();
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const bobSignals = record(b, 'signal');
    const smuggled = { to: 'bob', data: { type: 'chat', text: 'secret words' } };
    assert.deepEqual(await a.emitWithAck('signal', smuggled as never), {
      ok: false,
      code: 'BAD_REQUEST',
      message: 'payload does not match the schema',
    });
    await sleep(100);
    assert.deepEqual(bobSignals, []);
  });
});

describe('pairing strangers', () => {
  it('puts the first two waiting into a fresh, private room of two', async () => {
    const { url } = await startServer();
    const [x, y, z] = await Promise.all([connect(url), connect(url), connect(url)]);
    assert.deepEqual(await x.emitWithAck('pair', { nick: 'xena' }), { ok: true, queued: true });
    const xPaired = nextEvent(x, 'paired');
    const xHearsY = nextEvent(x, 'peer-joined');
    const yPaired = nextEvent(y, 'paired');
    assert.deepEqual(await y.emitWithAck('pair', { nick: 'yuri' }), { ok: true, queued: true });
    const [[atX], [atY]] = await Promise.all([xPaired, yPaired]);
    assert.equal(atX.room, atY.room);
    assert.match(atX.room, /^pair-[A-Za-z0-9_-]{22}$/);
    assert.deepEqual([atX.nick, atX.peers, atX.capacity], ['xena', [], 2]);
    assert.deepEqual([atY.nick, atY.peers, atY.capacity], ['yuri', ['xena'], 2]);
    assert.deepEqual(await xHearsY, [{ nick: 'yuri' }]);
    assert.deepEqual(await z.emitWithAck('join', { nick: 'zed', room: atX.room }), { ok: false, code: 'ROOM_INVALID' }, 'a pair- room is not joined by name');

    const atY2 = nextEvent(y, 'signal');
    await y.emitWithAck('signal', { to: 'xena', data: OFFER });
    await x.emitWithAck('signal', { to: 'yuri', data: OFFER });
    assert.equal((await atY2)[0].from, 'xena');
  });

  it('cancelling or disconnecting leaves the queue', async () => {
    const { url } = await startServer();
    const [w, x, y, z] = await Promise.all([connect(url), connect(url), connect(url), connect(url)]);
    await x.emitWithAck('pair', { nick: 'xena' });
    assert.deepEqual(await x.emitWithAck('pair-cancel'), { ok: true });
    assert.deepEqual(await x.emitWithAck('pair-cancel'), { ok: false, code: 'NOT_QUEUED' });
    await w.emitWithAck('pair', { nick: 'wanda' });
    w.disconnect();
    await sleep(100);
    const xPairings = record(x, 'paired');
    const yPaired = nextEvent(y, 'paired');
    const zPaired = nextEvent(z, 'paired');
    await y.emitWithAck('pair', { nick: 'yuri' });
    await z.emitWithAck('pair', { nick: 'zoe' });
    const [[atY], [atZ]] = await Promise.all([yPaired, zPaired]);
    assert.equal(atY.room, atZ.room);
    assert.deepEqual(xPairings, []);
  });

  it('never pairs two strangers with the same nickname', async () => {
    const { url } = await startServer();
    const [a, b, c] = await Promise.all([connect(url), connect(url), connect(url)]);
    const aPairings = record(a, 'paired');
    await a.emitWithAck('pair', { nick: 'sam' });
    await b.emitWithAck('pair', { nick: 'SAM' });
    await sleep(100);
    assert.deepEqual(aPairings, []);
    const cPaired = nextEvent(c, 'paired');
    await c.emitWithAck('pair', { nick: 'kim' });
    assert.deepEqual((await cPaired)[0].peers, ['sam']);
  });

  it('refuses pairing while in a room, twice, or with a bad nickname', async () => {
    const { url } = await startServer();
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    await joined(a, 'alice', 'r');
    assert.deepEqual(await a.emitWithAck('pair', { nick: 'alice' }), { ok: false, code: 'ALREADY_IN_ROOM' });
    assert.deepEqual(await b.emitWithAck('pair', { nick: '!!' }), { ok: false, code: 'NICK_INVALID' });
    await b.emitWithAck('pair', { nick: 'bob' });
    assert.deepEqual(await b.emitWithAck('pair', { nick: 'bob' }), { ok: false, code: 'ALREADY_QUEUED' });
    assert.deepEqual(await b.emitWithAck('join', { nick: 'bob' }), { ok: false, code: 'ALREADY_QUEUED' });
  });
});
