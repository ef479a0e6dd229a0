import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memberKey, namesLike, seatKey } from '../src/seat-key';

describe('the seat key (a TS #39 skeleton)', () => {
  it('gives look-alikes of a name the same key', () => {
    for (const nick of ['ANA', 'Ana', '\u0430na', '\uFF41\uFF4E\uFF41', '\u{1D5BA}\u{1D5C7}\u{1D5BA}', 'a\u034Fna']) assert.equal(seatKey(nick), seatKey('ana'), nick);
    assert.equal(seatKey('a1l'), seatKey('all'), 'digit one and small L');
  });

  it('keeps different names apart', () => {
    for (const [a, b] of [['ana', 'anna'], ['José', 'Jose2'], ['Дима', 'Дина'], ['李雷', '李雪']]) assert.notEqual(seatKey(a as string), seatKey(b as string));
  });
});

describe('names for seats', () => {
  const id = `~${'A'.repeat(43)}`;

  it('a member id is its own key; a nickname keys by its skeleton', () => {
    assert.equal(memberKey(id), id);
    assert.equal(memberKey('ANA'), seatKey('ana'));
  });

  it('suggests numbered nicknames, or for an id the ids the client sent (at most eight)', () => {
    assert.deepEqual(namesLike('sam', []).slice(0, 3), ['sam2', 'sam3', 'sam4']);
    const others = Array.from({ length: 10 }, (_, i) => `~${String(i).repeat(43)}`);
    assert.deepEqual(namesLike(id, ['bob', ...others]), others.slice(0, 8));
    assert.deepEqual(namesLike(id, []), []);
  });
});
