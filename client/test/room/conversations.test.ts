import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conversations, RUN_GAP_MS, continuations, shownIn } from '../../src/room/conversations';
import type { ChatLine } from '../../src/room/log';

let id = 0;
const line = (kind: ChatLine['kind'], from: string | undefined, ts: number, extra: Partial<ChatLine> = {}): ChatLine => ({
  id: ++id,
  kind,
  ...(from === undefined ? {} : { from }),
  text: `line ${id}`,
  ts,
  ...extra,
});

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

  it('a private line shows only in its conversation, unless we typed it in the room; a warning shows in both', () => {
    const fromBob = line('private', 'bob', 0, { to: 'me' });
    const toBob = line('private', 'me', 0, { to: 'bob' });
    const echoed = line('private', 'me', 0, { to: 'bob', echo: true });
    const fileToCarol = line('file', 'me', 0, { to: 'carol' });
    const publicFile = line('file', 'bob', 0);
    const warning = line('warning', 'bob', 0);
    const inRoom = [fromBob, toBob, echoed, fileToCarol, publicFile, warning].filter((each) => shownIn(each, undefined, 'me'));
    assert.deepEqual(inRoom, [echoed, publicFile, warning]);
    const withBob = [fromBob, toBob, echoed, fileToCarol, publicFile, warning].filter((each) => shownIn(each, 'bob', 'me'));
    assert.deepEqual(withBob, [fromBob, toBob, echoed, warning]);
    assert.equal(shownIn(line('notice', undefined, 0), 'bob', 'me'), false);
  });

  it("one sender's consecutive messages in one conversation form a run, within the gap, across other conversations' lines", () => {
    const a1 = line('public', 'ann', 0);
    const a2 = line('public', 'ann', 1_000);
    const privateToAnn = line('private', 'ann', 2_000, { to: 'me' });
    const a3 = line('public', 'ann', 3_000);
    const late = line('public', 'ann', 3_000 + RUN_GAP_MS);
    const b1 = line('public', 'bob', late.ts + 1);
    const notice = line('notice', undefined, late.ts + 2);
    const b2 = line('public', 'bob', late.ts + 3);
    const b3 = line('public', 'bob', late.ts + 4);
    const privateAgain = line('private', 'ann', late.ts + 5, { to: 'me' });
    const file = line('file', 'bob', late.ts + 6);
    const b4 = line('public', 'bob', late.ts + 7);
    const runs = continuations([a1, a2, privateToAnn, a3, late, b1, notice, b2, b3, privateAgain, file, b4], 'me');
    assert.deepEqual(
      [...runs].map((each) => each.id),
      [a2, a3, b3].map((each) => each.id),
      'a private line does not break the room run; a gap, another sender, a notice or a file does',
    );
    assert.ok(!runs.has(privateToAnn) && !runs.has(privateAgain), 'the private one continues only its own conversation: here, far apart');
  });

  it('a line from before its predecessor (a skewed clock) starts a new run; an echo and a warning stand alone', () => {
    const first = line('public', 'ann', 10_000);
    const earlier = line('public', 'ann', 5_000);
    const echo = line('private', 'me', 5_001, { to: 'ann', echo: true });
    const mine = line('public', 'me', 5_002);
    const warning = line('warning', 'ann', 5_003);
    const after = line('public', 'ann', 5_004);
    const runs = continuations([first, earlier, echo, mine, warning, after], 'me');
    assert.equal(runs.size, 0);
  });
});
