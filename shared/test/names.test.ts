import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ROOM, nickKey, nickProblem, normalizeNick, normalizeRoom } from '../src/index';

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

describe('nicknames that could be mistaken for someone else', () => {
  it('refuses invisible code points and blank letters', () => {
    for (const nick of ['\u3164\u3164', 'ana\u3164', 'a\u034Fna', 'ana\uFE0F', 'a\u200Bb', 'a\u200Db', '\u2800x', '\u115Fana']) {
      assert.equal(nickProblem(nick), 'invisible', JSON.stringify(nick));
    }
  });

  it('refuses stacks of combining marks, but not the two Vietnamese needs', () => {
    assert.equal(nickProblem(`a${'\u0301\u0300\u0302\u0303'.repeat(6).slice(0, 22)}`), 'marks');
    assert.equal(nickProblem('e\u0301\u0301'), 'marks');
    assert.equal(normalizeNick('Nguye\u0302\u0303n'), 'Nguyễn');
  });

  it('refuses a mix of scripts beyond the highly restrictive profile', () => {
    for (const nick of ['\u0430na', '\u03b1lice', 'Дима Smith', 'ab\u05d0']) assert.equal(nickProblem(nick), 'mixed-scripts', nick);
    for (const nick of ['たなか Tanaka', '山田 taro', '김 Kim', '李雷', 'Ελένη', 'क्षत्रिय', 'Łucja', 'José', 'Дима', '𝒜𝒜', 'R2-D2']) {
      assert.equal(normalizeNick(nick), nick, nick);
    }
  });

  it('matches compatibility forms in commands: "ａｎａ" is "ana"', () => {
    assert.equal(nickKey('\uFF41\uFF4E\uFF41'), nickKey('ANA'));
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
