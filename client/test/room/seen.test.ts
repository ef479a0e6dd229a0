import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { SEEN_AFTER_MS } from '../../src/room/seen';
import { FakeNet, until, type Member } from './fake-net';

let net: FakeNet;

afterEach(async () => {
  for (const nick of [...net.members.keys()]) net.leave(nick);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length, 0, 'no timer outlives the room');
});

const linked = (member: Member, count: number) => () =>
  member.room.people.size === count && [...member.room.people.values()].every((view) => view.state === 'connected');

async function three(bobTells = true) {
  net = new FakeNet();
  const alice = net.join('alice');
  const bob = net.join('bob', undefined, undefined, { tellSeen: () => bobTells });
  const carol = net.join('carol');
  for (const member of [alice, bob, carol]) await until(linked(member, 2), `${member.room.me} links with both others`);
  return { alice, bob, carol };
}

/** Who has seen each of `member`'s own messages, by its words. */
const seenBy = (member: Member) =>
  Object.fromEntries(member.log.lines.filter((line) => line.receipt).map((line) => [line.text, [...(line.receipt?.seen ?? [])].sort().join('+')]));
const delivered = (member: Member) => member.log.lines.filter((line) => line.receipt).every((line) => line.receipt?.delivered.length === line.receipt?.to.length);
const seenFrames = () => net.frames.filter(({ message }) => message.type === 'seen');
const settle = () => new Promise((resolve) => setTimeout(resolve, SEEN_AFTER_MS * 2));

describe('seen by', () => {
  it("tells the author whose page showed their messages, for every message up to the newest seen, in the room and privately apart", async () => {
    const { alice, bob, carol } = await three();
    void alice.room.speech.toAll('one');
    void alice.room.speech.toAll('two');
    alice.room.speech.to('bob', 'just for bob');
    await until(() => delivered(alice), 'everyone has them');
    assert.deepEqual(seenBy(alice), { one: '', two: '', 'just for bob': '' });

    bob.room.seen.shown(undefined);
    await until(() => seenBy(alice).two === 'bob', 'bob saw the room');
    assert.deepEqual(seenBy(alice), { one: 'bob', two: 'bob', 'just for bob': '' }, 'the room seen is not the private conversation seen');
    assert.equal(seenFrames().length, 1, 'one frame covers both room messages');

    bob.room.seen.shown('alice');
    carol.room.seen.shown(undefined);
    await until(() => seenBy(alice)['just for bob'] === 'bob' && seenBy(alice).one === 'bob+carol', 'bob saw the private one, carol the room');
    assert.deepEqual(seenBy(alice), { one: 'bob+carol', two: 'bob+carol', 'just for bob': 'bob' });

    bob.room.seen.shown(undefined);
    bob.room.seen.shown(undefined);
    await settle();
    assert.equal(seenFrames().length, 3, 'nothing new seen: nothing told again');
  });

  it('tells nothing for someone who turned it off; their messages still arrive and are acknowledged', async () => {
    const { alice, bob } = await three(false);
    void alice.room.speech.toAll('are you there?');
    await until(() => delivered(alice), 'delivered');
    bob.room.seen.shown(undefined);
    await settle();
    assert.deepEqual(seenFrames().filter(({ from }) => from === 'bob'), []);
    assert.deepEqual(seenBy(alice), { 'are you there?': '' });
  });

  it('a seen frame for a message not sent to its sender, in another conversation, unknown or absurd changes nothing', async () => {
    const { alice, bob, carol } = await three();
    alice.room.speech.to('carol', 'for carol only');
    void alice.room.speech.toAll('to everyone');
    void carol.room.speech.toAll("carol's own");
    await until(() => delivered(alice) && bob.log.lines.some((line) => line.text === "carol's own"), 'delivered');
    const id = (text: string) => alice.log.lines.find((line) => line.text === text)?.ref?.id ?? '';
    const forged = net.link('bob', 'alice');
    assert.ok(forged);
    for (const message of [
      { type: 'seen', scope: 'private', id: id('for carol only') },
      { type: 'seen', scope: 'room', id: id('for carol only') },
      { type: 'seen', scope: 'private', id: id('to everyone') },
      { type: 'seen', scope: 'room', id: 'no-such-message' },
      { type: 'seen', scope: 'room', id: carol.log.lines.find((line) => line.text === "carol's own")?.ref?.id ?? 'x' },
      { type: 'seen', scope: 'everyone', id: id('to everyone') },
      { type: 'seen', scope: 'room', id: 'x'.repeat(100_000) },
      { type: 'seen', scope: 'room' },
    ] as const) forged.send(message as never);
    await settle();
    assert.deepEqual(seenBy(alice), { 'for carol only': '', 'to everyone': '' });
    assert.equal(alice.room.people.get('bob')?.state, 'connected', 'a few bad frames cost bob nothing more than themselves');
    for (let i = 0; i < 2_000; i++) forged.send({ type: 'seen', scope: 'room', id: `flood-${i}` });
    await settle();
    assert.deepEqual(seenBy(alice), { 'for carol only': '', 'to everyone': '' }, 'a flood of seen frames changes nothing');
  });
});
