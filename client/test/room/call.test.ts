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
  /** What each link was last given to send, per kind of media (null: nothing). */
  const sending = new Map<string, Map<string, MediaStreamTrack | null>>();
  const call = new Call(
    {
      linked: () =>
        nicks.map((nick) => ({
          nick,
          link: {
            sendMedia(kind: string, track: MediaStreamTrack | null) {
              sending.set(nick, (sending.get(nick) ?? new Map<string, MediaStreamTrack | null>()).set(kind, track));
            },
          } as unknown as DirectLink,
        })),
      sendDirect: (to, message) => frames.push({ to, message }) > 0,
      tell: (notice) => notices.push(notice),
      changed: () => undefined,
    },
    CALL_DEFAULTS,
  );
  /** Whom our microphone goes to now. */
  const hearing = () => [...sending].flatMap(([nick, kinds]) => (kinds.get('audio') ? [nick] : [])).sort();
  /** The last `call` frame each person got from us. */
  const told = (nick: string) => frames.filter(({ to, message }) => to === nick && message.type === 'call').at(-1)?.message;
  return { call, notices, frames, hearing, told };
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

describe('a call of two, rung from a private conversation', () => {
  it("carries media between the two alone, even beside the room's call; the others hear of no call", () => {
    const { call, hearing, told } = room(['bob', 'carol', 'dave']);
    for (const nick of ['bob', 'carol', 'dave']) call.stated(nick, OUT);
    call.stated('carol', IN);
    call.stated('dave', IN);
    call.join(stream('mic'), 'bob');
    assert.deepEqual(told('bob'), { type: 'call', inCall: true, muted: false, camera: false, scope: 'private' }, 'it rings for bob');
    assert.deepEqual(told('carol'), { type: 'call', inCall: false, muted: false, camera: false }, 'carol hears of no call');
    assert.deepEqual(hearing(), [], 'nothing goes out before bob answers');
    call.stated('bob', { ...IN, private: true });
    assert.deepEqual(hearing(), ['bob']);
    assert.deepEqual([...call.people.keys()], ['bob'], 'the tiles are bob alone');
    assert.deepEqual(call.othersInCall(), ['carol', 'dave'], "the room's call goes on without us");
  });

  it("rings for the one called until they answer or decline; a decline ends the caller's call with a line", () => {
    const bob = room(['alice']);
    bob.call.stated('alice', OUT);
    bob.call.stated('alice', { ...IN, private: true });
    assert.deepEqual(bob.call.ringing(), ['alice']);
    assert.deepEqual(bob.call.othersInCall(), [], "not the room's call");
    bob.call.decline('alice');
    assert.deepEqual(bob.call.ringing(), []);
    assert.deepEqual(bob.frames.at(-1), { to: 'alice', message: { type: 'call-decline' } });

    const alice = room(['bob']);
    alice.call.stated('bob', OUT);
    alice.call.join(stream('mic'), 'bob');
    alice.call.declined('bob');
    assert.equal(alice.call.local.inCall, false);
    assert.deepEqual(alice.notices.at(-1), { type: 'call-declined', nick: 'bob' });
  });

  it('answered, it ends for both when either hangs up', () => {
    const { call, notices } = room(['alice']);
    call.stated('alice', OUT);
    call.stated('alice', { ...IN, private: true });
    call.join(stream('mic'), 'alice');
    assert.deepEqual(call.ringing(), []);
    assert.equal(call.people.has('alice'), true);
    call.stated('alice', OUT);
    assert.equal(call.local.inCall, false);
    assert.deepEqual(notices.at(-1), { type: 'call-hung-up', nick: 'alice' });
    assert.equal(
      notices.some(({ type }) => type === 'call-started'),
      false,
      "a call of two is no line about the room's call",
    );
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
    assert.equal(people.people(0, () => true).get('bob')?.screenStream, screen);
    people.stated('bob', IN);
    assert.equal(people.people(0, () => true).get('bob')?.screenStream, undefined, 'not shown while they do not share');
    people.stated('bob', { ...IN, screen: 'their-screen' });
    assert.equal(people.people(0, () => true).get('bob')?.screenStream, screen, 'shown again at once');
    assert.equal(people.people(0, () => true).get('bob')?.stream, camera);
  });

  it('a second stream from someone is their screen even before they said so; a new link starts afresh', () => {
    const people = new CallPeople();
    people.stated('bob', IN);
    people.track('bob', stream('camera'));
    people.track('bob', stream('screen'));
    people.stated('bob', { ...IN, screen: 'screen' });
    assert.equal(people.people(0, () => true).get('bob')?.screenStream?.id, 'screen');
    people.unlinked('bob');
    assert.equal(people.people(0, () => true).get('bob')?.stream, undefined);
    assert.equal(people.inCall('bob'), true);
  });
});
