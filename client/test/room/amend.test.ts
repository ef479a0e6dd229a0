import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_REACTIONS_PER_PERSON } from '@meshchat/protocol';
import { Amendments, type ActRecord } from '../../src/room/amend';

const of = { by: 'alice', id: 'm1' };
let clock = 0;
const act = (by: string, name: ActRecord['act'], text?: string, ts = ++clock): ActRecord => ({ by, act: name, of, text, ts, id: `${by}-${ts}` });

describe('what becomes of a message', () => {
  it('its author\'s latest edit wins, whatever order the edits come in', () => {
    const amendments = new Amendments();
    const [first, second] = [act('alice', 'edit', 'first'), act('alice', 'edit', 'second')];
    amendments.take(undefined, second);
    amendments.take(undefined, first);
    assert.equal(amendments.of(undefined, of)?.text, 'second');
  });

  it('a deletion leaves no words, and no later edit brings them back', () => {
    const amendments = new Amendments();
    amendments.take(undefined, act('alice', 'edit', 'changed'));
    amendments.take(undefined, act('alice', 'delete'));
    amendments.take(undefined, act('alice', 'edit', 'back again'));
    assert.deepEqual(amendments.of(undefined, of), { deleted: true, reactions: [] });
  });

  it('nobody edits or deletes another person\'s message', () => {
    const amendments = new Amendments();
    assert.equal(amendments.take(undefined, act('mallory', 'edit', 'mine now')), 'not-theirs');
    assert.equal(amendments.take(undefined, act('mallory', 'delete')), 'not-theirs');
    assert.equal(amendments.of(undefined, of), undefined);
  });

  it('reactions: one chip an emoji, people in the order they reacted, taken back by the same person only', () => {
    const amendments = new Amendments();
    amendments.take(undefined, act('bob', 'react', '👍'));
    amendments.take(undefined, act('carol', 'react', '❤️'));
    amendments.take(undefined, act('carol', 'react', '👍'));
    amendments.take(undefined, act('dave', 'unreact', '👍'));
    assert.deepEqual(amendments.of(undefined, of)?.reactions, [
      { emoji: '👍', by: ['bob', 'carol'] },
      { emoji: '❤️', by: ['carol'] },
    ]);
    amendments.take(undefined, act('bob', 'unreact', '👍'));
    assert.deepEqual(amendments.of(undefined, of)?.reactions.map(({ emoji, by }) => `${emoji} ${by.join('+')}`), ['👍 carol', '❤️ carol']);
    // An older action that arrives late changes nothing.
    amendments.take(undefined, act('bob', 'react', '👍', 1));
    assert.deepEqual(amendments.of(undefined, of)?.reactions[0]?.by, ['carol']);
  });

  it('one person\'s reactions on one message are bounded', () => {
    const amendments = new Amendments();
    const emoji = ['😀', '😁', '😂', '🤣', '😃', '😄', '😅', '😆', '😉', '😊', '😋', '😎', '😍', '😘', '🥰', '😗', '😙', '🥲', '😚', '🙂', '🤗', '🤩'];
    for (const each of emoji) amendments.take(undefined, act('mallory', 'react', each));
    assert.equal(amendments.of(undefined, of)?.reactions.length, MAX_REACTIONS_PER_PERSON);
  });

  it('an action in a private conversation touches only that conversation\'s message', () => {
    const amendments = new Amendments();
    amendments.take('bob', act('alice', 'edit', 'for bob'));
    assert.equal(amendments.of(undefined, of), undefined);
    assert.equal(amendments.of('bob', of)?.text, 'for bob');
  });
});
