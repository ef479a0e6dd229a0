// Private rooms seat members by opaque ids (a keyed hash of the nickname's skeleton, made by the
// client): the server keeps them unique, routes by them and kicks by them, and never needs a nickname.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { OFFER, connect, join, joined, nextEvent, record, sleep, startServer } from './helpers';

const TOKEN = 'operator-token-for-member-ids';
/** A private room's id, as a client derives it from the secret. */
const privateRoom = () => `p-${randomBytes(16).toString('base64url')}`;
/** A member id, as a client derives it from a nickname. */
const memberId = () => `~${randomBytes(32).toString('base64url')}`;

describe('member ids in private rooms', () => {
  it('seats ids, keeps them unique, lists and announces them as they are', async () => {
    const { url } = await startServer();
    const room = privateRoom();
    const [ana, bo, clash] = [memberId(), memberId(), memberId()];
    const [a, b, c] = await Promise.all([connect(url), connect(url), connect(url)]);
    assert.deepEqual((await joined(a, ana, room)).peers, []);
    const aHears = nextEvent(a, 'peer-joined');
    const second = await joined(b, bo, room);
    assert.equal(second.nick, bo);
    assert.deepEqual(second.peers, [ana]);
    assert.deepEqual(await aHears, [{ nick: bo }]);
    // The same id again (the same name, or a look-alike: the client hashed its skeleton) is taken.
    assert.deepEqual(await join(c, ana, room), { ok: false, code: 'NICK_TAKEN' }, 'no alternatives sent, no suggestion');
    assert.equal((await joined(c, clash, room)).nick, clash);
  });

  it('suggests the first of the client\'s own alternatives that is free, and ignores what is no id', async () => {
    const { url } = await startServer();
    const room = privateRoom();
    const [ana, ana2, ana3] = [memberId(), memberId(), memberId()];
    const [a, b, c] = await Promise.all([connect(url), connect(url), connect(url)]);
    await joined(a, ana, room);
    await joined(b, ana2, room);
    const refused = await c.emitWithAck('join', { nick: ana, room, alternatives: ['ana4', ana2, ana3] });
    assert.deepEqual(refused, { ok: false, code: 'NICK_TAKEN', suggestion: ana3 }, 'a nickname among them is skipped, a taken id too');
    assert.deepEqual(await c.emitWithAck('join', { nick: ana, room, alternatives: [ana2] }), { ok: false, code: 'NICK_TAKEN' });
    const tooMany = await c.emitWithAck('join', { nick: ana, room, alternatives: Array.from({ length: 9 }, memberId) });
    assert.equal(!tooMany.ok && tooMany.code, 'BAD_REQUEST', 'at most eight alternatives');
    for (const alternatives of ['ana2', [42], [null], { 0: ana3 }]) {
      const hostile = await c.emitWithAck('join', { nick: ana, room, alternatives } as never);
      assert.equal(!hostile.ok && hostile.code, 'BAD_REQUEST', JSON.stringify(alternatives));
    }
    assert.equal((await c.emitWithAck('join', { nick: ana3, room })).ok, true, 'the suggestion is free');
  });

  it('refuses an id outside a private room, and changes nothing', async () => {
    const { url } = await startServer();
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const id = memberId();
    assert.deepEqual(await join(a, id, 'public-room'), { ok: false, code: 'NICK_INVALID' });
    assert.deepEqual(await join(a, id), { ok: false, code: 'NICK_INVALID' }, 'nor in the lobby');
    assert.deepEqual(await join(a, `~${'x'.repeat(42)}`, privateRoom()), { ok: false, code: 'NICK_INVALID' }, 'a malformed id is no nickname either');
    assert.deepEqual((await joined(b, 'bob', 'public-room')).peers, [], 'nobody was seated');
  });

  it('routes signals by id, stamped with the sender\'s id', async () => {
    const { url } = await startServer();
    const room = privateRoom();
    const [ana, bo] = [memberId(), memberId()];
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    await joined(a, ana, room);
    await joined(b, bo, room);
    const heard = nextEvent(b, 'signal');
    assert.deepEqual(await a.emitWithAck('signal', { to: bo, data: OFFER }), { ok: true });
    assert.deepEqual(await heard, [{ from: ana, data: OFFER }]);
    assert.deepEqual(await a.emitWithAck('signal', { to: memberId(), data: OFFER }), { ok: false, code: 'PEER_NOT_FOUND' });
  });

  it('a reload takes its id\'s seat back with its token; an operator kicks by id', async () => {
    const { url } = await startServer({ adminToken: TOKEN, reconnectGraceMs: 5_000 });
    const room = privateRoom();
    const [ana, bo] = [memberId(), memberId()];
    const [a, b, op] = await Promise.all([connect(url), connect(url), connect(url)]);
    const first = await joined(a, ana, room);
    await joined(b, bo, room);
    const bHearsLeave = record(b, 'peer-left');
    a.disconnect();
    await sleep(100);
    const again = await connect(url);
    const resumed = await again.emitWithAck('resume', { session: first.session });
    assert.ok(resumed.ok, JSON.stringify(resumed));
    assert.equal(resumed.nick, ana);
    assert.deepEqual(resumed.peers, [bo]);
    assert.deepEqual(bHearsLeave, []);

    const kicked = nextEvent(again, 'kicked');
    const bHears = nextEvent(b, 'peer-left');
    assert.deepEqual(await op.emitWithAck('admin', { token: TOKEN, action: 'kick', room, nick: ana }), { ok: true });
    assert.deepEqual(await kicked, [{ room }]);
    assert.deepEqual(await bHears, [{ nick: ana, reason: 'kicked' }]);
    assert.deepEqual(await op.emitWithAck('admin', { token: TOKEN, action: 'kick', room: 'public-room', nick: ana }), { ok: false, code: 'PEER_NOT_FOUND' });
  });
});
