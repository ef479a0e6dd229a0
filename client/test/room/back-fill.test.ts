import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ChatLine } from '../../src/room';
import { proofKey } from '../../src/room';
import { Signer, newKeyPair, publicKey } from '../../src/room/signing';
import { FakeNet, until, type Member } from './fake-net';

let net: FakeNet;

afterEach(async () => {
  for (const nick of [...net.members.keys()]) net.leave(nick);
  await new Promise((resolve) => setTimeout(resolve, 10));
});

const linked = (member: Member, count: number) => () =>
  member.room.people.size === count && [...member.room.people.values()].every((view) => view.state === 'connected' && view.safety !== undefined);

/** The room's history as `member` shows it: who, what, and how it is known. */
const earlier = (member: Member) =>
  member.log.earlier.map((line: ChatLine) => (line.known ? `${line.from}: ${line.text} (${line.known.how} ${line.known.holders.join('+')})` : `${line.kind}: ${line.text}`));

async function chatted() {
  net = new FakeNet();
  const alice = net.join('alice');
  const bob = net.join('bob');
  const carol = net.join('carol');
  for (const member of [alice, bob, carol]) await until(linked(member, 2), `${member.room.me} links with both others`);
  await alice.room.speech.toAll('hi all');
  await bob.room.speech.toAll('hi alice');
  await carol.room.speech.toAll('I have to go');
  // A message is kept for people who join later once its signature, which follows it, is in.
  await until(() => [alice, bob, carol].every((member) => member.room.history.archive.size === 3), 'everyone keeps all three');
  return { alice, bob, carol };
}

describe('the room\'s history for people who join later', () => {
  it('a late joiner gets what was said, in order: present authors verified, an absent one relayed by the holders who agree', async () => {
    const { alice, bob } = await chatted();
    net.leave('carol');
    const dave = net.join('dave');
    const expected = ['alice: hi all (verified alice+bob)', 'bob: hi alice (verified alice+bob)', 'carol: I have to go (relayed alice+bob)'];
    await until(() => earlier(dave).join('\n') === expected.join('\n'), 'dave has the history from both');
    // Messages said after dave came are live lines, not history. What dave got he gives on only where
    // he saw the author's key himself: alice's and bob's, not carol's (he has only their word for it).
    await alice.room.speech.toAll('welcome dave');
    await until(() => dave.log.lines.some((line) => line.text === 'welcome dave'), 'dave hears alice');
    await until(() => dave.room.history.archive.size === 3 && bob.room.history.archive.size === 4, 'dave and bob keep it, signed');
    assert.deepEqual(dave.room.history.archive.answer(10, 0).map((record) => record.by), ['alice', 'bob', 'alice']);
    assert.deepEqual(earlier(dave).length, 3);
  });

  it('someone who came in to nobody (the server restarted, the others took their seats back after) asks them too, once each', async () => {
    const { alice, bob } = await chatted();
    net.leave('carol');
    const dave = net.join('dave', undefined, undefined, { listed: [] });
    // alice and bob take their seats back: the server tells dave, and lists him to each of them.
    for (const member of [alice, bob]) {
      dave.room.joined(member.room.me);
      member.room.present([...member.room.people.keys(), 'dave']);
    }
    const expected = ['alice: hi all (verified alice+bob)', 'bob: hi alice (verified alice+bob)', 'carol: I have to go (relayed alice+bob)'];
    await until(() => earlier(dave).join('\n') === expected.join('\n'), 'dave has the history from both');
    const asks = net.frames.filter(({ from, message }) => from === 'dave' && message.type === 'history-ask').map(({ to }) => to);
    assert.deepEqual(asks.sort(), ['alice', 'bob']);
    // Someone new after that is not asked: dave has been given the room's history.
    const erin = net.join('erin');
    await until(linked(erin, 3), 'erin links with everyone');
    assert.equal(net.frames.some(({ from, to, message }) => from === 'dave' && to === 'erin' && message.type === 'history-ask'), false);
  });

  it('each end\'s signing key is bound into the link\'s safety code: both ends show the same code, and another key gives another', async () => {
    const { alice, bob } = await chatted();
    const code = alice.room.people.get('bob')?.safety;
    assert.match(code ?? '', /^\d{5} \d{5}$/);
    assert.equal(bob.room.people.get('alice')?.safety, code);
    assert.equal(alice.room.people.get('bob')?.safety === alice.room.people.get('carol')?.safety, false);
  });

  it('history nobody asked for cuts the sender\'s link, as a flood does; a second request within a minute is not answered', async () => {
    const { alice, bob } = await chatted();
    net.link('bob', 'alice')?.send({ type: 'history', records: [], done: true });
    await until(() => alice.notices.some((notice) => notice.type === 'link-lost' && notice.nick === 'bob' && notice.reason?.why === 'flood'), 'alice cuts bob off');

    const answers = () => net.frames.filter((frame) => frame.from === 'alice' && frame.to === 'carol' && frame.message.type === 'history').length;
    const link = net.link('carol', 'alice');
    link?.send({ type: 'history-ask', limit: 10, since: 0 });
    await until(() => answers() === 1, 'alice answers once');
    link?.send({ type: 'history-ask', limit: 10, since: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(answers(), 1, 'not twice within a minute on one link');
    void bob;
  });

  it('an answer with more than was asked cuts the sender\'s link; the honest holder\'s answer stands', async () => {
    await chatted();
    net.leave('carol');
    net.meddle = (from, message) => (from === 'bob' && message.type === 'history' ? { ...message, records: [...message.records, ...message.records] } : undefined);
    const dave = net.join('dave');
    Object.assign(dave.room.history.options, { limits: { count: 2, ms: 24 * 3600_000 } });
    await until(() => dave.notices.some((notice) => notice.type === 'link-lost' && notice.nick === 'bob' && notice.reason?.why === 'flood'), 'dave cuts bob off');
    await until(() => earlier(dave).join('\n') === ['bob: hi alice (verified alice)', 'carol: I have to go (relayed alice)'].join('\n'), "alice's answer: the newest two");
  });

  it('a message whose signature does not check out is not kept (given on, it would look like the holder\'s forgery)', async () => {
    net = new FakeNet();
    const alice = net.join('alice');
    const mallory = net.join('mallory');
    for (const member of [alice, mallory]) await until(linked(member, 1), 'linked');
    net.meddle = (from, message) => (from === 'mallory' && message.type === 'signed' ? { ...message, sig: `${message.sig.slice(0, -4)}AAAA` } : undefined);
    await mallory.room.speech.toAll('blame alice');
    net.meddle = undefined;
    await mallory.room.speech.toAll('an honest one');
    await until(() => alice.room.history.archive.size === 1, 'alice keeps the honest one');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(alice.room.history.archive.answer(10, 0).map((record) => record.text), ['an honest one']);
  });

  it('copies dated outside what was asked, or in the future, are left out; the holder is not cut off for them', async () => {
    await chatted();
    net.meddle = (from, message) =>
      from === 'bob' && message.type === 'history'
        ? { ...message, records: message.records.flatMap((record) => [record, { ...record, id: `${record.id}-old`, ts: 1 }, { ...record, id: `${record.id}-new`, ts: Date.now() + 3600_000 }]).slice(0, 50) }
        : undefined;
    const dave = net.join('dave');
    const expected = ['alice: hi all (verified alice+bob+carol)', 'bob: hi alice (verified alice+bob+carol)', 'carol: I have to go (verified alice+bob+carol)'];
    await until(() => earlier(dave).join('\n') === expected.join('\n'), 'dave has the history, and only it');
    assert.equal(dave.notices.some((notice) => notice.type === 'link-lost'), false);
  });

  it('in a big room a newcomer asks the first five whose links work, not everyone', async () => {
    net = new FakeNet();
    const members = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((nick) => net.join(nick));
    for (const member of members) await until(linked(member, 5), 'all linked');
    const late = net.join('late');
    await until(linked(late, 6), 'the newcomer links with all six');
    await until(() => net.frames.filter((frame) => frame.from === 'late' && frame.message.type === 'history-ask').length === 5, 'five asked');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(net.frames.filter((frame) => frame.from === 'late' && frame.message.type === 'history-ask').length, 5);
  });

  it('a member who stops sharing their own messages is not kept by the others; a room without history asks nothing', async () => {
    net = new FakeNet();
    const alice = net.join('alice');
    const bob = net.join('bob');
    for (const member of [alice, bob]) await until(linked(member, 1), 'linked');
    Object.assign(bob.room.history.options, { shareMine: () => false });
    await bob.room.speech.toAll('not for later');
    await alice.room.speech.toAll('for later');
    await until(() => bob.log.lines.some((line) => line.text === 'for later') && alice.log.lines.some((line) => line.text === 'not for later'), 'both heard');
    assert.deepEqual(alice.room.history.archive.answer(10, 0).map((record) => record.text), ['for later']);
    // Bob keeps alice's message once its signature checked out.
    await until(() => bob.room.history.archive.size === 1, 'bob keeps it');
    const carol = net.join('carol');
    await until(() => earlier(carol).join() === 'alice: for later (verified alice+bob)', 'carol has the history, from both');
    const erin = net.join('erin');
    Object.assign(erin.room.history.options, { shared: false });
    await until(linked(erin, 3), 'erin links with everyone');
    await erin.room.speech.toAll('unsigned');
    await until(() => alice.log.lines.some((line) => line.text === 'unsigned'), 'alice hears erin');
    assert.equal(net.frames.some((frame) => frame.from === 'erin' && frame.message.type === 'history-ask'), false, 'erin asks nobody');
    assert.equal(net.frames.some((frame) => frame.from === 'erin' && frame.message.type === 'signed'), false, 'nor signs');
  });

  it('in a private room, someone without the secret is given nothing', async () => {
    net = new FakeNet();
    const [secret, other] = await Promise.all([proofKey('a'.repeat(22)), proofKey('b'.repeat(22))]);
    const alice = net.join('alice', secret);
    const bob = net.join('bob', secret);
    await until(() => [alice, bob].every((member) => member.room.people.values().next().value?.verification === 'verified'), 'both verified');
    await alice.room.speech.toAll('members only');
    await until(() => bob.log.lines.some((line) => line.text === 'members only'), 'bob has it');
    const mallory = net.join('mallory', other);
    await until(() => alice.room.people.get('mallory')?.verification === 'failed', 'alice flags mallory');
    net.link('mallory', 'alice')?.send({ type: 'history-ask', limit: 10, since: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(net.frames.some((frame) => frame.to === 'mallory' && frame.message.type === 'history'), false);
    assert.deepEqual(earlier(mallory), []);
    const dave = net.join('dave', secret);
    await until(() => earlier(dave).length === 1, 'a member who proved the secret gets it');
  });

  it('live lines that reuse someone else\'s message ids do not hide that person\'s history from a newcomer', async () => {
    net = new FakeNet();
    const alice = net.join('alice');
    const mallory = net.join('mallory');
    for (const member of [alice, mallory]) await until(linked(member, 1), 'linked');
    for (let i = 1; i <= 5; i++) await alice.room.speech.toAll(`alice ${i}`);
    await until(() => mallory.room.history.archive.size === 5, 'mallory holds alice\'s five');
    const ids = alice.room.history.archive.answer(10, 0).map((record) => record.id);
    // Mallory holds back her answer, says five lines under alice's ids, then answers.
    let next = 0;
    net.meddle = (from, message) => {
      if (from !== 'mallory') return undefined;
      if (message.type === 'history') return 'drop';
      return message.type === 'chat' ? { ...message, id: ids[next++ % ids.length] ?? message.id } : undefined;
    };
    const dave = net.join('dave');
    const real = ['alice 1', 'alice 2', 'alice 3', 'alice 4', 'alice 5'].map((text) => `alice: ${text} (verified alice)`);
    await until(() => earlier(dave).join('\n') === real.join('\n'), 'dave has alice\'s answer');
    await until(linked(dave, 2), 'dave links with both');
    for (let i = 1; i <= 5; i++) await mallory.room.speech.toAll(`mallory ${i}`);
    await until(() => dave.log.lines.filter((line) => line.from === 'mallory').length === 5, 'dave hears mallory\'s five');
    net.meddle = undefined;
    net.link('mallory', 'dave')?.send({ type: 'history', records: [], done: true });
    await until(() => net.frames.some((frame) => frame.from === 'mallory' && frame.to === 'dave' && frame.message.type === 'history'), 'mallory answers');
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(earlier(dave), real, "alice's history stands");
  });

  it('a forgery a holder was given is not given on: a later newcomer never sees it as the absent author\'s', async () => {
    const { alice, bob } = await chatted();
    net.leave('carol');
    const mallory = net.join('mallory');
    await until(linked(mallory, 2), 'mallory links');
    // Mallory's key signs a record in carol's name: valid as a signature, not carol's.
    const { alg, pair } = await newKeyPair();
    const key = await publicKey(pair);
    const forger = new Signer({ alg, key, privateKey: pair.privateKey, room: 'lobby', me: 'carol' });
    const ts = Date.now();
    const text = 'the meeting moved, new link https://evil.example/meet';
    const forged = { by: 'carol', alg, key, id: 'forged-1', ts, text, ...(await forger.sign({ id: 'forged-1', ts, text })) };
    net.meddle = (from, message) => (from === 'mallory' && message.type === 'history' ? { ...message, records: [...message.records, forged] } : undefined);
    const dave = net.join('dave');
    await until(() => earlier(dave).some((line) => line.includes('evil.example')), 'dave is shown the forgery, as only mallory vouches');
    assert.ok(earlier(dave).some((line) => line.includes('evil.example') && line.includes('relayed mallory')));
    await until(() => dave.room.history.archive.size >= 2, 'dave keeps what he could check');
    net.meddle = undefined;
    net.leave('mallory');
    const erin = net.join('erin');
    await until(() => earlier(erin).some((line) => line.startsWith('carol: I have to go')), 'erin has the history');
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(earlier(erin).some((line) => line.includes('evil.example')), false, 'nobody gives the forgery on');
    assert.equal(dave.room.history.archive.answer(200, 0).some((record) => record.text === text), false);
    void alice;
    void bob;
  });
});
