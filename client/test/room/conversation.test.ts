import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ChatLine } from '../../src/room';
import { FakeNet, until, type Member } from './fake-net';

let net: FakeNet;

afterEach(async () => {
  for (const nick of [...net.members.keys()]) net.leave(nick);
  await new Promise((resolve) => setTimeout(resolve, 10));
});

const linked = (member: Member, count: number) => () =>
  member.room.people.size === count && [...member.room.people.values()].every((view) => view.state === 'connected' && view.safety !== undefined);

/** A line as a reader sees it: who, the words (or that they are gone), whether edited, what it quotes, the chips. */
const shown = (line: ChatLine) =>
  [
    `${line.from}: ${line.deleted ? '(deleted)' : line.text}`,
    line.edited ? '(edited)' : '',
    line.re ? `[re ${line.re.by}: ${line.re.deleted ? '(deleted)' : (line.re.quote ?? '(not held)')}]` : '',
    ...(line.reactions ?? []).map(({ emoji, by }) => `${emoji} ${by.join('+')}`),
  ]
    .filter(Boolean)
    .join(' ');
const said = (member: Member, lines = member.log.lines) => lines.filter((line) => line.kind === 'public' || line.kind === 'private').map(shown);
const find = (member: Member, text: string) => {
  const line = member.log.lines.find((each) => each.text === text);
  if (!line?.ref) throw new Error(`${member.room.me} has no line "${text}"`);
  return line.ref;
};

async function three() {
  net = new FakeNet();
  const alice = net.join('alice');
  const bob = net.join('bob');
  const carol = net.join('carol');
  for (const member of [alice, bob, carol]) await until(linked(member, 2), `${member.room.me} links with both others`);
  return { alice, bob, carol };
}

describe('a conversation: replies, reactions, edits and deletions', () => {
  it('everyone sees a reply with its quote, reactions with who made them, an edit and a deletion as they happen', async () => {
    const { alice, bob, carol } = await three();
    await alice.room.speech.toAll('lunch at noon?');
    await until(() => said(bob).length === 1, 'bob hears alice');
    await bob.room.speech.toAll('yes!', find(bob, 'lunch at noon?'));
    const ref = find(carol.log.lines.length ? carol : carol, 'lunch at noon?');
    await carol.room.speech.act(undefined, 'react', ref, '👍');
    await bob.room.speech.act(undefined, 'react', ref, '👍');
    await bob.room.speech.act(undefined, 'react', ref, '❤️');
    await bob.room.speech.act(undefined, 'unreact', ref, '❤️');
    await alice.room.speech.act(undefined, 'edit', ref, 'lunch at one?');
    const expected = ['alice: lunch at one? (edited) 👍 carol+bob', 'bob: yes! [re alice: lunch at one?]'];
    for (const member of [alice, bob, carol]) await until(() => said(member).join("\n") === expected.join("\n"), `${member.room.me} sees it all: ${JSON.stringify(said(member))}`);

    await alice.room.speech.act(undefined, 'delete', ref);
    const after = ['alice: (deleted)', 'bob: yes! [re alice: (deleted)]'];
    for (const member of [alice, bob, carol]) await until(() => said(member).join("\n") === after.join("\n"), `${member.room.me} sees it deleted: ${JSON.stringify(said(member))}`);
  });

  it('a late joiner sees the room as the people present do, and nobody gives on words their author changed or took back', async () => {
    const { alice, bob, carol } = await three();
    await alice.room.speech.toAll('first draft');
    await alice.room.speech.toAll('a secret, said by mistake');
    await until(() => said(bob).length === 2 && said(carol).length === 2, 'both hear alice');
    await bob.room.speech.toAll('nice', find(bob, 'first draft'));
    await alice.room.speech.act(undefined, 'edit', find(alice, 'first draft'), 'final words');
    await alice.room.speech.act(undefined, 'delete', find(alice, 'a secret, said by mistake'));
    await carol.room.speech.act(undefined, 'react', find(carol, 'nice'), '😂');
    // Every record (3 messages, 3 actions) is kept by each of the three once signed.
    for (const member of [alice, bob, carol]) await until(() => member.room.history.archive.size === 6, `${member.room.me} keeps all six`);
    for (const member of [alice, bob, carol]) {
      const words = member.room.history.archive.answer(100, 0).map((record) => record.text);
      assert.equal(words.includes('first draft') || words.includes('a secret, said by mistake'), false, `${member.room.me} holds no earlier words`);
    }
    const dave = net.join('dave');
    const expected = ['alice: final words (edited)', 'alice: (deleted)', 'bob: nice [re alice: final words] 😂 carol'];
    await until(() => said(dave, dave.log.earlier).join('\n') === expected.join('\n'), 'dave sees the room as it is', 5_000).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(said(dave, dave.log.earlier))}`);
    });
    assert.equal(dave.log.earlier.every((line) => line.known?.how === 'verified'), true);
    // And acts on what was said before he came reach him live.
    await bob.room.speech.act(undefined, 'react', find(bob, 'nice'), '🙏');
    await until(() => said(dave, dave.log.earlier).at(-1) === 'bob: nice [re alice: final words] 😂 carol 🙏 bob', 'dave sees a new reaction on an earlier message');
  });

  it('an edit of someone else\'s message is never applied, and is said where its sender\'s messages show', async () => {
    const { alice, bob, carol } = await three();
    await alice.room.speech.toAll('I owe bob nothing');
    await until(() => said(carol).length === 1, 'carol hears alice');
    // bob's page rewrites his reaction into an edit of alice's message.
    net.meddle = (from, message) => (from === 'bob' && message.type === 'act' ? { ...message, act: 'edit', text: 'I owe bob 100' } : undefined);
    await bob.room.speech.act(undefined, 'react', find(bob, 'I owe bob nothing'), '👍');
    await until(() => carol.log.lines.some((line) => line.kind === 'warning' && line.from === 'bob'), 'carol is warned about bob');
    assert.equal(carol.notices.some((notice) => notice.type === 'act-not-theirs' && notice.nick === 'bob' && notice.of === 'alice'), true);
    assert.deepEqual(said(carol), ['alice: I owe bob nothing']);
    assert.deepEqual(said(alice), ['alice: I owe bob nothing']);
    // Nor is it kept to be given to people who come later, once its signature is in.
    await until(() => net.frames.some((frame) => frame.from === 'bob' && frame.to === 'carol' && frame.message.type === 'signed'), "bob's signature reaches carol");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(carol.room.history.archive.answer(10, 0).map((record) => record.act ?? 'said'), ['said']);
  });

  it('a private conversation has replies, reactions, edits and deletions between its two alone', async () => {
    const { alice, bob, carol } = await three();
    assert.equal(alice.room.speech.to('bob', 'just between us'), true);
    await until(() => said(bob).length === 1, 'bob hears alice');
    const ref = find(bob, 'just between us');
    assert.equal(bob.room.speech.to('alice', 'sure', false, ref), true);
    await bob.room.speech.act('alice', 'react', ref, '👍');
    await alice.room.speech.act('bob', 'edit', find(alice, 'just between us'), 'just between the two of us');
    const expected = ['alice: just between the two of us (edited) 👍 bob', 'bob: sure [re alice: just between the two of us]'];
    for (const member of [alice, bob]) await until(() => said(member).join('\n') === expected.join('\n'), `${member.room.me} sees it`);
    assert.deepEqual(said(carol), []);
    assert.equal(net.frames.some((frame) => frame.to === 'carol' && frame.message.type === 'act'), false);
    // Nobody else's conversation is touched by a private action naming a message of the room.
    await alice.room.speech.toAll('to everyone');
    await until(() => said(bob).length === 3, 'bob hears the room');
    await bob.room.speech.act('alice', 'react', find(bob, 'to everyone'), '😮');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(said(alice).find((line) => line.startsWith('alice: to everyone')), 'alice: to everyone');
  });

  it('actions without what they need, or absurd ones, change nothing and warn nobody', async () => {
    const { alice, bob, carol } = await three();
    await alice.room.speech.toAll('steady');
    await until(() => said(carol).length === 1, 'carol hears alice');
    const of = find(bob, 'steady');
    const bad = [
      { act: 'edit' as const },
      { act: 'delete' as const, text: 'why' },
      { act: 'react' as const, text: 'lol' },
      { act: 'react' as const, text: '👍👍' },
      { act: 'unreact' as const, text: '<img src=x onerror=alert(1)>' },
      { act: 'react' as const, text: '👍', of: { by: 'alice', id: 'no such message' } },
      { act: 'react' as const, text: '👍', of: { by: 'nobody here', id: of.id } },
    ];
    let next = 0;
    // bob's page sends, in place of each of its reactions, one of these.
    net.meddle = (from, message) => {
      if (from !== 'bob' || message.type !== 'act') return undefined;
      const { text: _text, ...rest } = message;
      const wanted = bad[next % bad.length] ?? {};
      return { ...rest, ...wanted };
    };
    for (const _ of bad) {
      await bob.room.speech.act(undefined, 'react', of, '😮');
      next += 1;
    }
    await bob.room.speech.toAll('still here');
    await until(() => said(carol).length === 2, 'carol hears bob after them all');
    assert.deepEqual(said(carol), ['alice: steady', 'bob: still here']);
    assert.deepEqual(said(alice), ['alice: steady', 'bob: still here']);
    assert.equal(carol.log.lines.some((line) => line.kind === 'warning'), false);
  });
});
