import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conversations, Log, type ChatLine } from '../../src/room';

const message = (by: string, id: string, text: string, ts: number): Omit<ChatLine, 'id'> => ({ kind: 'public', from: by, text, ts, ref: { by, id } });

describe('what was kept, brought back', () => {
  it('shows first, in its order, before anything said since; its actions applied; each message once', () => {
    const log = new Log(() => undefined);
    log.clear();
    const kept: Omit<ChatLine, 'id'>[] = [];
    log.keep = (each) => {
      if (each.kind === 'line') kept.push(each.line);
    };
    log.add(message('bob', 'm3', 'said since', 3));
    log.add(message('bob', 'm2', 'came again before the kept was read', 2));
    kept.length = 0;
    log.restore(
      [message('bob', 'm1', 'kept one', 1), message('bob', 'm2', 'came again before the kept was read', 2)],
      [{ conversation: undefined, record: { by: 'alice', act: 'react', of: { by: 'bob', id: 'm1' }, text: '👍', ts: 5, id: 'a1' } }],
    );
    assert.deepEqual(log.lines.map((line) => line.text), ['kept one', 'said since', 'came again before the kept was read']);
    assert.deepEqual(log.lines[0]?.reactions, [{ emoji: '👍', by: ['alice'] }]);
    assert.ok(log.lines.every((line, index) => index === 0 || line.id > (log.lines[index - 1]?.id ?? 0)), 'ids follow the order shown');
    assert.equal(log.keptUntil, log.lines[0]?.id);
    assert.equal(log.restored('bob', 'm1'), true);
    assert.equal(log.restored('bob', 'm3'), false);
    assert.deepEqual(kept, [], 'nothing brought back is kept again');
  });

  it('the conversations take up a kept state, and refuse one that does not read as one', () => {
    const conversations = new Conversations();
    for (const junk of [null, 7, 'x', { private: 'bob' }, { private: [], roomUnread: -1, unread: {}, mentioned: [] }, { private: [1], roomUnread: 0, unread: {}, mentioned: [] }, { private: [], roomUnread: 0, unread: { bob: 'many' }, mentioned: [] }]) {
      conversations.restore(junk);
    }
    assert.deepEqual(conversations.state, { private: [], roomUnread: 0, unread: {}, mentioned: [] });
    conversations.restore({ private: ['bob'], roomUnread: 2, unread: { bob: 1 }, mentioned: ['bob'] });
    assert.deepEqual(conversations.state, { private: ['bob'], roomUnread: 2, unread: { bob: 1 }, mentioned: ['bob'] });
    assert.equal(conversations.mentioned('bob'), true);
  });
});
