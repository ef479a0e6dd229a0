import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { RECONNECT_GRACE_MS } from '@meshchat/protocol';
import { proofKey, receiptState } from '../../src/room';
import { FakeNet, heard, until, type Member } from './fake-net';

let net: FakeNet;

/** Timers still pending in this process: a disposed room leaves none behind. */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

afterEach(async () => {
  for (const nick of [...net.members.keys()]) net.leave(nick);
  // Links end a turn later in this stand-in: nothing their end says may start a timer.
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(timers(), 0, 'no retry, typing or proof timer outlives the room');
});

const connected = (member: Member, count: number) => () =>
  member.room.people.size === count && [...member.room.people.values()].every((view) => view.state === 'connected');

/** The receipts of what `member` said, in order. */
const receipts = (member: Member) => member.log.lines.filter((line) => line.receipt).map((line) => receiptState(line.receipt ?? { to: [], sent: [], delivered: [], lost: [] }));

async function threeInARoom() {
  net = new FakeNet();
  const alice = net.join('alice');
  const bob = net.join('bob');
  const carol = net.join('carol');
  for (const member of [alice, bob, carol]) await until(connected(member, 2), `${member.room.me} links with both others`);
  return { alice, bob, carol };
}

describe('a room of people on fake links', () => {
  it('forms a full mesh; a message to the room reaches each other person once, and its receipt ends at delivered', async () => {
    const { alice, bob, carol } = await threeInARoom();
    await alice.room.speech.toAll('hello all');
    await until(() => receipts(alice)[0] === 'delivered', 'both have it');
    assert.deepEqual(heard(bob), ['alice: hello all']);
    assert.deepEqual(heard(carol), ['alice: hello all']);
    assert.deepEqual(bob.arrivals, [{ from: 'alice', private: false, text: 'hello all', file: false }]);
    assert.equal(alice.room.unacknowledged, 0);
  });

  it('a private message reaches only its one recipient', async () => {
    const { alice, bob, carol } = await threeInARoom();
    assert.equal(alice.room.speech.to('carol', 'just you'), true);
    await until(() => receipts(alice)[0] === 'delivered', 'carol has it');
    assert.deepEqual(heard(carol), ['alice: just you']);
    assert.deepEqual(heard(bob), []);
    assert.equal(alice.room.speech.to('nobody', 'lost'), false);
    assert.deepEqual(alice.notices.at(-1), { type: 'private-gone', to: 'nobody', text: 'lost' });
  });

  it("bob's messages wait while his link is down and arrive once, in order, when it is back", async () => {
    // Two people: with a third, what they say would go through the third meanwhile (relay.test.ts).
    net = new FakeNet();
    const alice = net.join('alice');
    const bob = net.join('bob');
    await until(connected(alice, 1), 'alice and bob link');
    net.cut('alice', 'bob');
    await until(() => alice.room.people.get('bob')?.state === 'failed', 'alice sees the link fail');
    for (const text of ['one', 'two', 'three']) bob.room.speech.to('alice', text);
    assert.ok(receipts(bob).every((state) => state === 'queued'), 'nothing can go while the link is down');
    assert.deepEqual(
      alice.notices.filter(({ type }) => type === 'link-lost'),
      [{ type: 'link-lost', nick: 'bob', reason: { why: 'timeout' } }],
    );
    // alice's name sorts first, so she offers again after a second.
    await until(connected(alice, 1), 'the link is back', 5_000);
    await until(() => receipts(bob).every((state) => state === 'delivered'), 'all three are acknowledged');
    assert.deepEqual(heard(alice), ['bob: one', 'bob: two', 'bob: three']);
    assert.ok(alice.notices.some(({ type }) => type === 'link-back'));
  });

  it('someone who leaves takes nothing with them: what they never got is counted, and their timers stop', async () => {
    const { alice, carol } = await threeInARoom();
    net.cut('alice', 'bob');
    net.cut('carol', 'bob');
    await until(() => alice.room.people.get('bob')?.state === 'failed', 'the link is down');
    alice.room.speech.to('bob', 'never sent');
    net.leave('bob');
    assert.deepEqual(alice.notices.slice(-2), [
      { type: 'left-unreceived', nick: 'bob', count: 1 },
      { type: 'peer-left', nick: 'bob', reason: 'left' },
    ]);
    assert.equal(receipts(alice)[0], 'partial');
    assert.deepEqual([...alice.room.people.keys()], ['carol']);
    assert.equal(carol.room.people.has('bob'), false);
    net.leave('alice');
    net.leave('carol');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(timers(), 0, 'no retry, typing or proof timer outlives the people it was for');
  });

  it('someone else taking a name that left is shown as a changed safety code; the same browser back is not', async () => {
    net = new FakeNet();
    const bob = net.join('bob');
    net.join('alice');
    await until(connected(bob, 1), 'bob links with alice');
    net.leave('alice');
    net.join('alice');
    await until(connected(bob, 1), 'bob links with alice again, same browser');
    assert.equal(bob.log.lines.filter((line) => line.kind === 'warning').length, 0);
    net.leave('alice');
    net.join('alice', undefined, 'another browser');
    await until(connected(bob, 1), 'bob links with the new alice');
    const warnings = bob.log.lines.filter((line) => line.kind === 'warning');
    assert.deepEqual(
      warnings.map(({ from, text }) => [from, text]),
      [['alice', 'identity-changed']],
    );
  });

  it('shows who is typing, to the room or privately', async () => {
    const { alice, bob, carol } = await threeInARoom();
    bob.room.typed(undefined);
    carol.room.typed('alice');
    await until(() => alice.room.typers(undefined).length === 1 && alice.room.typers('carol').length === 1, 'alice sees both');
    assert.deepEqual(alice.room.typers(undefined), ['bob']);
    assert.deepEqual(alice.room.typers('carol'), ['carol']);
    await bob.room.speech.toAll('done typing');
    await until(() => alice.room.typers(undefined).length === 0, 'a message ends the notice');
  });

  it('someone who left while the server was down leaves once its grace has passed: one line, no refusals, no longer counted', async (context) => {
    // Every timer of the rooms is the mock's (a real one cleared by the mock's clearTimeout would linger).
    context.mock.timers.enable({ apis: ['setTimeout'] });
    const { alice, bob } = await threeInARoom();
    // carol closes her tab while the server is down: nobody is told, her links just end.
    net.members.get('carol')?.room.dispose();
    net.members.delete('carol');
    net.cut('alice', 'carol');
    net.cut('bob', 'carol');
    // The server is back and lists bob only; a retry's signal to carol is refused as not found.
    alice.room.present(['bob']);
    bob.room.present(['alice']);
    context.mock.timers.tick(RECONNECT_GRACE_MS - 1);
    assert.ok(alice.room.people.has('carol'), 'she may still come back');
    context.mock.timers.tick(1);
    for (const member of [alice, bob]) {
      assert.deepEqual([...member.room.people.keys()], [member === alice ? 'bob' : 'alice']);
      assert.deepEqual(member.notices.filter(({ type }) => type === 'peer-left'), [{ type: 'peer-left', nick: 'carol', reason: 'disconnected' }]);
      assert.equal(member.notices.filter(({ type }) => type === 'refused').length, 0);
    }
    context.mock.timers.reset();
    await alice.room.speech.toAll('after carol');
    await until(() => receipts(alice).at(-1) === 'delivered', 'delivered to everyone present: bob');
  });

  it('someone the server does not list yet but who comes back in time, or whose link is open, stays', async (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] });
    const { alice } = await threeInARoom();
    alice.room.present([]);
    net.cut('alice', 'carol');
    alice.room.joined('carol');
    context.mock.timers.tick(RECONNECT_GRACE_MS);
    assert.deepEqual([...alice.room.people.keys()].sort(), ['bob', 'carol'], 'bob is linked, carol came back');
    assert.equal(alice.notices.filter(({ type }) => type === 'peer-left').length, 0);
    context.mock.timers.reset();
  });

  it('someone whose seat is held while they are gone is shown as away, without errors', async () => {
    net = new FakeNet();
    const alice = net.join('alice');
    net.away.add('bob');
    alice.room.present(['bob']);
    await until(() => alice.room.people.get('bob')?.state === 'away', 'bob is away');
    assert.equal(alice.notices.filter(({ type }) => type === 'refused').length, 0);
  });
});

describe('a private room on fake links', () => {
  it('members who hold the secret verify each other; an impostor is flagged and what it sends is hidden', async () => {
    net = new FakeNet();
    const [secret, other] = await Promise.all([proofKey('a'.repeat(22)), proofKey('b'.repeat(22))]);
    const alice = net.join('alice', secret);
    const bob = net.join('bob', secret);
    await until(() => [alice, bob].every((member) => member.room.people.values().next().value?.verification === 'verified'), 'both verified');
    // The safety code binds both signing keys too: it shows once both keys have come, which on a
    // busy machine can be after the proof checked out (the keys are made with WebCrypto meanwhile).
    await until(() => [alice, bob].every((member) => member.room.people.values().next().value?.safety !== undefined), 'both have a safety code');
    assert.match(alice.room.people.get('bob')?.safety ?? '', /^\d{5} \d{5}$/);
    assert.equal(alice.room.people.get('bob')?.safety, bob.room.people.get('alice')?.safety, 'the same safety code on both ends');
    const mallory = net.join('mallory', other);
    await mallory.room.speech.toAll('trust me');
    await until(() => alice.room.people.get('mallory')?.verification === 'failed', 'alice flags mallory');
    assert.ok(alice.notices.some((notice) => notice.type === 'unverified' && notice.nick === 'mallory'));
    assert.deepEqual(heard(alice), [], "mallory's message is never shown");
    await alice.room.speech.toAll('members only');
    await until(() => heard(bob).length === 1, 'bob has it');
    assert.deepEqual(alice.log.lines.at(-1)?.receipt?.to, ['bob'], 'nothing is sent to an unverified link');
    assert.deepEqual(heard(mallory), []);
  });
});
