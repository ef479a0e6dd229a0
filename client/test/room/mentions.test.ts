import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMentions, mentionsIn } from '../../src/room/mentions';

describe('@mentions', () => {
  const people = ['alice', 'bob', 'Anna Maria', 'anna', 'Łucja'];

  it('names the people of the room, case aside, the longest name that fits, ending where a word ends', () => {
    assert.deepEqual(mentionsIn('@alice and @BOB, look', people), ['alice', 'bob']);
    assert.deepEqual(mentionsIn('ask @anna maria or @anna', people), ['Anna Maria', 'anna']);
    assert.deepEqual(mentionsIn('@łucja!', people), ['Łucja']);
    assert.deepEqual(findMentions('hi @bob.', people), [{ at: 3, length: 4, nick: 'bob' }]);
  });

  it('names nobody in an e-mail address, a longer word, or a name not in the room', () => {
    assert.deepEqual(mentionsIn('write to alice@example.com', people), []);
    assert.deepEqual(mentionsIn('@bobby @carol @ alone', people), []);
    assert.deepEqual(mentionsIn('@alice @alice', people), ['alice']);
    assert.deepEqual(mentionsIn('no at sign', people), []);
  });
});
