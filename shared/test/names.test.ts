import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ROOM, nickKey, normalizeNick, normalizeRoom } from '../src/index';

describe('nicknames', () => {
  it('trims and NFC-normalises', () => {
    assert.equal(normalizeNick('  Zoe\u0308  '), 'Zoë');
    assert.equal(normalizeNick('Zoe\u0308'), normalizeNick('Zo\u00eb'));
  });

  it('accepts letters of any script, digits, space, - and _', () => {
    for (const nick of ['alice', 'Bob_2', 'Mary-Jane', 'Łukasz', 'Дмитрий', '山田 太郎', 'a', 'x'.repeat(24)]) {
      assert.equal(normalizeNick(nick), nick, nick);
    }
  });

  it('refuses empty, too long, punctuation and markup', () => {
    for (const nick of ['', '   ', 'x'.repeat(25), 'bob!', '<script>', 'a.b', 'tab\there', '---', '__', 'emoji🙂', 'new\nline']) {
      assert.equal(normalizeNick(nick), undefined, JSON.stringify(nick));
    }
  });

  it('counts length in code points, not UTF-16 units', () => {
    assert.equal(normalizeNick('𝒜'.repeat(24)), '𝒜'.repeat(24));
  });

  it('compares case-insensitively', () => {
    assert.equal(nickKey('ALICE'), nickKey('alice'));
    assert.equal(nickKey('ŁUKASZ'), nickKey('łukasz'));
    assert.notEqual(nickKey('alice'), nickKey('alicia'));
  });
});

describe('room names', () => {
  it('defaults to the lobby', () => {
    assert.equal(normalizeRoom(undefined), DEFAULT_ROOM);
    assert.equal(normalizeRoom('  '), DEFAULT_ROOM);
  });

  it('accepts 1-64 characters of [A-Za-z0-9_-]', () => {
    for (const room of ['a', 'team-42', 'Under_Score', 'x'.repeat(64)]) assert.equal(normalizeRoom(room), room);
  });

  it('refuses anything else', () => {
    for (const room of ['x'.repeat(65), 'has space', 'dot.ted', 'ünï', '../etc', 'room#1']) {
      assert.equal(normalizeRoom(room), undefined, room);
    }
  });
});
