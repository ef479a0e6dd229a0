import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PeerMessage } from '@meshchat/protocol';
import type { DirectLink } from '../../src/net';
import { CALL_DEFAULTS, type CallState } from '../../src/room';
import { Call } from '../../src/room/call';
import { CallPeople } from '../../src/room/call-people';
import type { Notice } from '../../src/room/notices';

const track = (kind: string) => ({ kind, enabled: true, contentHint: '', stop() {}, addEventListener() {} }) as unknown as MediaStreamTrack;
const stream = (id: string) => ({ id, getAudioTracks: () => [track('audio')], addTrack() {}, removeTrack() {} }) as unknown as MediaStream;
let made = 0;
/** The streams the call sends in (Node has no MediaStream): each made gets an id of its own. */
(globalThis as { MediaStream?: unknown }).MediaStream ??= class {
  readonly id = `sent-${++made}`;
  addTrack(): void {}
  removeTrack(): void {}
};

const IN: CallState = { inCall: true, muted: false, camera: false };
const OUT: CallState = { inCall: false, muted: false, camera: false };

function room(nicks: string[]) {
  const notices: Notice[] = [];
  const frames: { to: string; message: PeerMessage }[] = [];
  const call = new Call(
    {
      linked: () => nicks.map((nick) => ({ nick, link: { sendMedia() {} } as unknown as DirectLink })),
      sendDirect: (to, message) => frames.push({ to, message }) > 0,
      tell: (notice) => notices.push(notice),
      changed: () => undefined,
    },
    CALL_DEFAULTS,
  );
  return { call, notices, frames };
}

describe('the call as the room sees it', () => {
  it('says once that a call began and once that it ended, with its length; not once per person', () => {
    const { call, notices } = room(['bob', 'carol']);
    call.stated('bob', OUT);
    call.stated('carol', OUT);
    call.stated('bob', IN);
    call.join(stream('mic'));
    call.stated('carol', IN);
    call.stated('bob', OUT);
    call.leave();
    assert.equal(call.since !== undefined, true, 'carol is still in it');
    call.stated('carol', OUT);
    assert.equal(call.since, undefined);
    assert.deepEqual(
      notices.map(({ type }) => type),
      ['call-started', 'call-ended'],
    );
    assert.deepEqual(notices[0], { type: 'call-started', nick: 'bob', found: false });
  });

  it('a call on before we heard of anyone is found, not begun; and their joining is no news', () => {
    const { call, notices } = room(['bob']);
    call.stated('bob', IN);
    assert.deepEqual(notices, [{ type: 'call-started', nick: 'bob', found: true }]);
    const last = () => call.lastEvent?.event;
    assert.equal(last(), undefined);
    call.stated('bob', OUT);
    assert.deepEqual(last(), { type: 'left', nick: 'bob' });
  });

  it('a link that drops keeps where its person stands: the call does not end with it', () => {
    const { call, notices } = room(['bob']);
    call.stated('bob', OUT);
    call.stated('bob', IN);
    call.unlinked('bob');
    assert.deepEqual(call.othersInCall(), ['bob']);
    call.gone('bob');
    assert.deepEqual(
      notices.map(({ type }) => type),
      ['call-started', 'call-ended'],
    );
  });

  it('sends in the same streams for the whole room: a screen shared again, or a call joined again, keeps its id', () => {
    const { call, frames } = room(['bob']);
    call.stated('bob', IN);
    call.join(stream('mic-1'));
    call.share(track('video'));
    const first = call.local.screen;
    call.share(undefined);
    call.leave();
    call.join(stream('mic-2'));
    call.share(track('video'));
    assert.equal(call.local.screen, first);
    const said = frames.flatMap(({ message }) => (message.type === 'call' && message.screen !== undefined ? [message.screen] : []));
    assert.deepEqual(new Set(said), new Set([first]));
  });

  it('tells us what changed of our own: microphone, camera and screen, on and off', () => {
    const { call } = room([]);
    call.join(stream('mic'));
    call.mute(true);
    assert.deepEqual(call.lastEvent?.event, { type: 'microphone', on: false });
    call.camera(track('video'));
    assert.deepEqual(call.lastEvent?.event, { type: 'camera', on: true });
    call.share(track('video'));
    assert.deepEqual(call.lastEvent?.event, { type: 'screen', on: true });
  });
});

describe("the others' media", () => {
  it('keeps the stream a screen came in: shared again, it shows again with no new track', () => {
    const people = new CallPeople();
    const camera = stream('their-camera');
    const screen = stream('their-screen');
    people.stated('bob', IN);
    people.track('bob', camera);
    people.stated('bob', { ...IN, screen: 'their-screen' });
    people.track('bob', screen);
    assert.equal(people.people(0).get('bob')?.screenStream, screen);
    people.stated('bob', IN);
    assert.equal(people.people(0).get('bob')?.screenStream, undefined, 'not shown while they do not share');
    people.stated('bob', { ...IN, screen: 'their-screen' });
    assert.equal(people.people(0).get('bob')?.screenStream, screen, 'shown again at once');
    assert.equal(people.people(0).get('bob')?.stream, camera);
  });

  it('a second stream from someone is their screen even before they said so; a new link starts afresh', () => {
    const people = new CallPeople();
    people.stated('bob', IN);
    people.track('bob', stream('camera'));
    people.track('bob', stream('screen'));
    people.stated('bob', { ...IN, screen: 'screen' });
    assert.equal(people.people(0).get('bob')?.screenStream?.id, 'screen');
    people.unlinked('bob');
    assert.equal(people.people(0).get('bob')?.stream, undefined);
    assert.equal(people.inCall('bob'), true);
  });
});
