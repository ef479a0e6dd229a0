import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conversations } from '../../src/room/conversations';

describe('conversations', () => {
  it('a private message seen elsewhere is unread until its conversation shows, or we write to that person', () => {
    const conversations = new Conversations();
    conversations.arrived('bob', true);
    conversations.arrived('bob', true);
    assert.deepEqual(conversations.private, ['bob']);
    assert.equal(conversations.unread('bob'), 2, 'the room was on screen, not bob');
    conversations.replied('bob');
    assert.equal(conversations.unread('bob'), 0, 'answering from the room box counts as having read him');
    conversations.arrived('bob', true);
    conversations.view = 'bob';
    conversations.seen();
    assert.equal(conversations.unread('bob'), 0);
  });

  it('a closed conversation loses its tab and its count; the room shows if it was on screen; a new message opens it again', () => {
    const conversations = new Conversations();
    conversations.arrived('bob', false);
    conversations.start('carol');
    conversations.view = 'bob';
    conversations.close('bob');
    assert.deepEqual(conversations.private, ['carol']);
    assert.equal(conversations.view, undefined);
    assert.equal(conversations.unread('bob'), 0);
    conversations.view = 'carol';
    conversations.close('bob');
    assert.equal(conversations.view, 'carol', 'closing another conversation leaves this one on screen');
    conversations.arrived('bob', true);
    assert.deepEqual(conversations.private, ['carol', 'bob']);
    assert.equal(conversations.unread('bob'), 1);
  });
});
