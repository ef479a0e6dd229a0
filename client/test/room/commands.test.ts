import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from '../../src/room/commands';

const people = ['bob', 'Mary Jane', 'mary'];

describe('composer commands', () => {
  it('plain text is said to the room; // escapes a leading slash', () => {
    assert.deepEqual(parseCommand('  hello  ', people), { kind: 'say', text: 'hello' });
    assert.deepEqual(parseCommand('//shrug', people), { kind: 'say', text: '/shrug' });
  });

  it('/msg and /to send privately, matching nicknames case-insensitively', () => {
    assert.deepEqual(parseCommand('/msg bob hi there', people), { kind: 'msg', to: 'bob', text: 'hi there' });
    assert.deepEqual(parseCommand('/TO BOB hi', people), { kind: 'msg', to: 'bob', text: 'hi' });
    assert.deepEqual(parseCommand('/msg bob line one\nline two', people), { kind: 'msg', to: 'bob', text: 'line one\nline two' });
  });

  it('nicknames with spaces: the longest match wins, quotes also work', () => {
    assert.deepEqual(parseCommand('/msg Mary Jane lunch?', people), { kind: 'msg', to: 'Mary Jane', text: 'lunch?' });
    assert.deepEqual(parseCommand('/msg mary lunch?', people), { kind: 'msg', to: 'mary', text: 'lunch?' });
    assert.deepEqual(parseCommand('/msg "mary jane" lunch?', people), { kind: 'msg', to: 'Mary Jane', text: 'lunch?' });
    assert.deepEqual(parseCommand('/msg bobby hi', people), { kind: 'unknown-nick', nick: 'bobby' });
  });

  it('explains a /msg without a nickname or text', () => {
    assert.equal(parseCommand('/msg', people).kind, 'usage');
    assert.equal(parseCommand('/msg bob', people).kind, 'usage');
    assert.deepEqual(parseCommand('/msg carol hi', people), { kind: 'unknown-nick', nick: 'carol' });
  });

  it('knows /users, /help, /quit and their aliases; anything else is unknown', () => {
    assert.deepEqual(parseCommand('/users', people), { kind: 'users' });
    assert.deepEqual(parseCommand('/who', people), { kind: 'users' });
    assert.deepEqual(parseCommand('/help', people), { kind: 'help' });
    assert.deepEqual(parseCommand('/quit', people), { kind: 'quit' });
    assert.deepEqual(parseCommand('/Frobnicate x', people), { kind: 'unknown-command', name: 'frobnicate' });
  });
});
