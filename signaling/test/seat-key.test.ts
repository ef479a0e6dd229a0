import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seatKey } from '../src/seat-key';

describe('the seat key (a TS #39 skeleton)', () => {
  it('gives look-alikes of a name the same key', () => {
    for (const nick of ['ANA', 'Ana', '\u0430na', '\uFF41\uFF4E\uFF41', '\u{1D5BA}\u{1D5C7}\u{1D5BA}', 'a\u034Fna']) assert.equal(seatKey(nick), seatKey('ana'), nick);
    assert.equal(seatKey('a1l'), seatKey('all'), 'digit one and small L');
  });

  it('keeps different names apart', () => {
    for (const [a, b] of [['ana', 'anna'], ['José', 'Jose2'], ['Дима', 'Дина'], ['李雷', '李雪']]) assert.notEqual(seatKey(a as string), seatKey(b as string));
  });
});
