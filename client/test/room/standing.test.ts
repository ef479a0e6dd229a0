import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { standingOf, type ChatLine } from '../../src/room';
import { FakeNet, until, type Member } from './fake-net';

let net: FakeNet;

afterEach(async () => {
  for (const nick of [...net.members.keys()]) net.leave(nick);
  await new Promise((resolve) => setTimeout(resolve, 10));
});

/** The lines of `member`'s log about how `nick` stands (their link, their leaving). */
const about = (member: Member, nick: string): ChatLine[] => member.log.lines.filter((line) => line.about?.nick === nick);

/**
 * What the log says last about `nick` at `member` is what People shows of them: no line about
 * them (or "back") while they are here, "lost", "relayed" (through the same person) or "away" while
 * People says so, and "left" once People no longer lists them.
 */
function agrees(member: Member, nick: string): void {
  const last = about(member, nick).at(-1);
  const view = member.room.people.get(nick);
  if (!view) {
    assert.equal(last?.about?.is, 'left', `${member.room.me}'s log says ${nick} left, as People (no longer listing them) does`);
    return;
  }
  const standing = standingOf(view, true);
  const said = last?.about?.is ?? 'here';
  const shown = standing.is === 'new' || standing.is === 'leaving' ? 'here' : standing.is;
  assert.equal(said, shown, `${member.room.me}'s log says ${nick} is ${said}; People says ${standing.is}: ${last?.text ?? '(nothing)'}`);
  if (standing.is === 'relayed') assert.equal(last?.about?.via, standing.via, 'through the person People names');
}

/** Wait for the room to settle (no link forming), then check every pair. */
async function settledAndAgreeing(what: string): Promise<void> {
  await until(
    () => [...net.members.values()].every((member) => [...member.room.people.values()].every((view) => view.state !== 'connecting')),
    `${what}: no link still forming`,
    15_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 150));
  for (const member of net.members.values()) {
    for (const nick of net.members.keys()) if (nick !== member.room.me) agrees(member, nick);
  }
}

describe('what the log says about a person and what People shows', () => {
  it('agree at every step of drop → relay → recover → drop → leave, with one line an incident, kept up to date', async () => {
    net = new FakeNet();
    const alice = net.join('alice');
    const bob = net.join('bob');
    const carol = net.join('carol');
    await until(() => [alice, bob, carol].every((member) => [...member.room.people.values()].every((view) => view.state === 'connected')), 'everyone linked');
    await settledAndAgreeing('linked');
    assert.deepEqual(about(alice, 'bob'), [], 'a link that simply works is not news');

    // alice ↔ bob breaks and cannot form again: carol carries what they say.
    net.block('alice', 'bob');
    net.cut('alice', 'bob');
    await until(() => alice.room.people.get('bob')?.via === 'carol', 'alice reaches bob through carol');
    await settledAndAgreeing('relayed');
    assert.equal(about(alice, 'bob').length, 1, 'lost, then relayed: one line');
    assert.match(about(alice, 'bob')[0]?.text ?? '', /^link-lost relayed$/);

    // The way opens again: the direct link comes back, and the same line says so.
    net.block('alice', 'bob', false);
    await until(() => alice.room.people.get('bob')?.via === undefined && alice.room.people.get('bob')?.state === 'connected', 'the direct link is back', 20_000);
    await settledAndAgreeing('recovered');
    assert.deepEqual(
      about(alice, 'bob').map((line) => line.about?.is),
      ['here'],
      'the incident is still one line, now saying the link is back',
    );
    assert.equal(about(bob, 'alice').length, 1, 'the same at the other end');

    // A second incident is a new line; carol leaving while alice and bob have none ends it as "left".
    net.cut('alice', 'carol');
    await settledAndAgreeing('a second drop, recovered');
    assert.ok(about(alice, 'carol').length <= 1, 'one line for the second incident');

    net.leave('carol');
    await settledAndAgreeing('carol left');
    assert.equal(about(alice, 'carol').at(-1)?.about?.is, 'left');
  });

  it('someone whose seat is held while their connection is down reads "away" in both, and "left" when the server says so', async () => {
    net = new FakeNet();
    const alice = net.join('alice');
    net.join('bob');
    await until(() => alice.room.people.get('bob')?.state === 'connected', 'linked');
    net.away.add('bob');
    net.cut('alice', 'bob');
    await until(() => alice.room.people.get('bob')?.state === 'away', 'alice sees bob away', 10_000);
    agrees(alice, 'bob');
    assert.equal(about(alice, 'bob').length, 1, 'lost, then away: one line');
    alice.room.left('bob', 'disconnected');
    agrees(alice, 'bob');
  });

  it('the join line names only who turns out to be here: not someone whose seat is held while they are away', async () => {
    net = new FakeNet();
    net.join('alice');
    net.join('kim');
    net.away.add('kim');
    const carol = net.join('carol');
    await until(() => carol.room.people.get('kim')?.state === 'away', 'carol finds kim away');
    const entered = carol.notices.filter((notice) => notice.type === 'entered').at(-1);
    assert.deepEqual(entered?.type === 'entered' && entered.peers, ['alice']);
    assert.equal(carol.log.lines.filter((line) => line.text === 'entered').length, 1, 'still one join line');
  });

  it('a page that says goodbye is "leaving", with no line about a lost link; its leave is one line', async () => {
    net = new FakeNet();
    const alice = net.join('alice');
    const bob = net.join('bob');
    await until(() => alice.room.people.get('bob')?.state === 'connected', 'linked');
    bob.room.goodbye();
    await until(() => alice.room.people.get('bob')?.state === 'leaving', 'alice sees bob leaving');
    net.link('bob', 'alice')?.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(about(alice, 'bob'), [], 'no "lost the link" for a page that said goodbye');
    assert.equal(alice.room.people.get('bob')?.state, 'leaving');
    net.leave('bob');
    assert.deepEqual(about(alice, 'bob').map((line) => line.about?.is), ['left']);
  });

  it('a "bye" from someone who stays costs only them: they read "leaving", and what they say still arrives', async () => {
    net = new FakeNet();
    const alice = net.join('alice');
    const bob = net.join('bob');
    await until(() => alice.room.people.get('bob')?.state === 'connected', 'linked');
    for (let i = 0; i < 5; i++) net.link('bob', 'alice')?.send({ type: 'bye' });
    await until(() => alice.room.people.get('bob')?.state === 'leaving', 'alice sees bob leaving');
    void bob.room.speech.toAll('still here');
    await until(() => alice.log.lines.some((line) => line.text === 'still here'), 'his message arrives');
    assert.deepEqual(about(alice, 'bob'), [], 'nothing is said of a link that never broke');
  });
});
