import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MESSAGE_TEXT_MAX_LENGTH, QUICK_REACTIONS, actProblem, historyRecordSchema, isReaction, parsePeerFrame } from '../src/index';

const act = { type: 'act', id: 'a1', seq: 3, ts: 1_700_000_000_000, scope: 'room', act: 'react', of: { by: 'alice', id: 'm1' }, text: '👍' };
const frame = (fields: object) => parsePeerFrame(JSON.stringify({ ...act, ...fields }));

describe('actions on messages', () => {
  it('replies, edits, deletions and reactions parse, in the room and privately', () => {
    assert.equal(parsePeerFrame(JSON.stringify({ type: 'chat', id: 'm2', seq: 1, ts: 1, text: 'yes', re: { by: 'alice', id: 'm1' } })).ok, true);
    assert.equal(parsePeerFrame(JSON.stringify({ type: 'private', id: 'm3', seq: 2, ts: 1, text: 'just you', re: { by: 'bob', id: 'p1' } })).ok, true);
    for (const [name, text] of [['edit', 'new words'], ['delete', undefined], ['react', '❤️'], ['unreact', '❤️']] as const) {
      for (const scope of ['room', 'private']) assert.equal(frame({ act: name, text, scope }).ok, true, `${name} ${scope}`);
    }
  });

  it('junk, over-long and forged fields are refused, naming the frame', () => {
    const refused = (fields: object) => {
      const parsed = frame(fields);
      assert.equal(parsed.ok, false, JSON.stringify(fields));
      if (!parsed.ok) assert.deepEqual([parsed.error, parsed.type], ['FRAME_INVALID', 'act']);
    };
    refused({ act: 'shout' });
    refused({ act: undefined });
    refused({ of: undefined });
    refused({ of: 'm1' });
    refused({ of: { by: 'alice' } });
    refused({ of: { by: 'alice', id: '' } });
    refused({ of: { by: 'x'.repeat(1000), id: 'm1' } });
    refused({ of: { by: 'alice', id: 'i'.repeat(65) } });
    refused({ scope: 'everyone' });
    refused({ text: 'x'.repeat(MESSAGE_TEXT_MAX_LENGTH + 1) });
    refused({ text: '' });
    refused({ text: 42 });
    refused({ seq: -1 });
    refused({ ts: 'now' });
    const reply = parsePeerFrame(JSON.stringify({ type: 'chat', id: 'm2', seq: 1, ts: 1, text: 'yes', re: { by: 42, id: 'm1' } }));
    assert.equal(reply.ok, false);
  });

  it('a sender field smuggled into an action is stripped: who acted is the link it came on', () => {
    const parsed = frame({ by: 'mallory', from: 'alice' });
    assert.equal(parsed.ok, true);
    if (parsed.ok) assert.equal('by' in parsed.message || 'from' in parsed.message, false);
  });

  it('an action that parsed still needs what it does: words for an edit, one emoji for a reaction, nothing for a deletion', () => {
    assert.equal(actProblem('edit', 'new words'), undefined);
    assert.equal(actProblem('edit', undefined), 'ACT_TEXT_MISSING');
    assert.equal(actProblem('delete', undefined), undefined);
    assert.equal(actProblem('delete', 'but why'), 'ACT_TEXT_UNEXPECTED');
    assert.equal(actProblem('react', undefined), 'ACT_TEXT_MISSING');
    assert.equal(actProblem('react', 'lol'), 'REACTION_INVALID');
    assert.equal(actProblem('unreact', '👍👍'), 'REACTION_INVALID');
    assert.equal(actProblem('react', '👍'), undefined);
  });

  it('a reaction is one emoji: with skin tones, joiners, flags and keycaps, but never words, two emoji or a wall of marks', () => {
    for (const emoji of [...QUICK_REACTIONS, '👍🏽', '👩‍👩‍👧‍👦', '🇵🇱', '1️⃣', '🏳️‍🌈', '❤']) assert.equal(isReaction(emoji), true, emoji);
    for (const text of ['', 'a', 'ok', '👍👍', '👍 ', ' 👍', '<img src=x>', '1', '\u200d', '👍\u0301'.repeat(20), '🇵🇱🇵🇱']) {
      assert.equal(isReaction(text), false, JSON.stringify(text));
    }
  });

  it('a history record says something or stands for it by digest, and carries what it replies to or acts on', () => {
    const base = { by: 'carol', alg: 'Ed25519', key: 'A'.repeat(43), id: 'm1', ts: 1, n: 1, prev: '', sig: 'AAAA' };
    assert.equal(historyRecordSchema.safeParse({ ...base, text: 'hello', re: { by: 'alice', id: 'm0' } }).success, true);
    assert.equal(historyRecordSchema.safeParse({ ...base, act: 'delete', of: { by: 'carol', id: 'm0' } }).success, true);
    assert.equal(historyRecordSchema.safeParse({ ...base, digest: 'B'.repeat(43) }).success, true);
    assert.equal(historyRecordSchema.safeParse({ ...base, digest: 'short' }).success, false);
    assert.equal(historyRecordSchema.safeParse({ ...base, act: 'burn', of: { by: 'carol', id: 'm0' } }).success, false);
  });
});
