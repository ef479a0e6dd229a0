import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMemberId, numberedNicks } from '@meshchat/protocol';
import { memberId, memberIdKey, newRoomSecret } from '../../src/room/private-room';
import { memberKey, namesLike } from '../../../signaling/src/seat-key';

describe('member ids of a private room', () => {
  it('are the same for a name and its look-alikes, and different for different names', async () => {
    const key = await memberIdKey(newRoomSecret());
    const ana = await memberId(key, 'ana');
    assert.ok(isMemberId(ana), ana);
    for (const alike of ['ANA', 'Ana', '\u0430na', '\uFF41\uFF4E\uFF41', 'a\u034Fna']) assert.equal(await memberId(key, alike), ana, alike);
    for (const other of ['anna', 'ana2', 'bob']) assert.notEqual(await memberId(key, other), ana, other);
  });

  it('differ from room to room: the server cannot match one person across rooms', async () => {
    const [first, second] = await Promise.all([memberIdKey(newRoomSecret()), memberIdKey(newRoomSecret())]);
    assert.notEqual(await memberId(first, 'ana'), await memberId(second, 'ana'));
  });

  it('the server keys a seat on the id as it is, and tries the ids of the numbered names the client offers', async () => {
    const key = await memberIdKey(newRoomSecret());
    const ana = await memberId(key, 'ana');
    assert.equal(memberKey(ana), ana);
    const alternatives = await Promise.all(numberedNicks('ana').map((name) => memberId(key, name)));
    assert.deepEqual(numberedNicks('ana').slice(0, 2), ['ana2', 'ana3']);
    assert.deepEqual(namesLike(ana, alternatives), alternatives);
    assert.equal(alternatives[0], await memberId(key, 'ANA2'));
  });
});
