import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PeerMessage } from '@meshchat/protocol';
import type { DirectLink, MediaKind, SendStats, VideoShape } from '../../src/net';
import { withDtx } from '../../src/net/sdp';
import { Call } from '../../src/room/call';
import { CALL_DEFAULTS, budgetPerReceiver, videoShape, type CallSettings } from '../../src/room/governor';
import type { Notice } from '../../src/room/notices';

const settings: CallSettings = { uploadBps: 1_200_000, maxVideoSenders: 2, governor: true };

describe('the bandwidth governor', () => {
  it('shares the upload between the people receiving our video, up to a ceiling per receiver', () => {
    assert.equal(budgetPerReceiver({ kind: 'video', receivers: 1, both: false, settings: CALL_DEFAULTS }), 1_500_000);
    assert.equal(budgetPerReceiver({ kind: 'video', receivers: 1, both: false, settings }), 1_200_000);
    assert.equal(budgetPerReceiver({ kind: 'video', receivers: 3, both: false, settings }), 400_000);
    assert.equal(budgetPerReceiver({ kind: 'video', receivers: 5, both: false, settings }), 240_000);
    // A shared screen comes before the camera: it gets most of what goes to each receiver.
    assert.equal(budgetPerReceiver({ kind: 'screen', receivers: 3, both: true, settings }), 280_000);
    assert.equal(budgetPerReceiver({ kind: 'video', receivers: 3, both: true, settings }), 120_000);
  });

  it('picks resolution and frame rate from what the link measures it can carry, and steps up only with a margin', () => {
    const shape = (available: number | undefined, previous?: number) =>
      videoShape({ kind: 'video', receivers: 1, available, both: false, watched: true, previous, settings: CALL_DEFAULTS });
    assert.deepEqual(shape(undefined).shape, { active: true, maxBitrate: 1_500_000, scaleResolutionDownBy: 1, maxFramerate: 30, priority: 'low' });
    const low = shape(300_000);
    assert.equal(low.shape.scaleResolutionDownBy, 2);
    assert.equal(low.shape.maxBitrate, 1_500_000, 'the budget stays the ceiling: the link measures more as it is used');
    // Just over the next step's threshold is not enough to go back up; 20% over is.
    assert.equal(shape(520_000, low.step).shape.scaleResolutionDownBy, 2);
    assert.equal(shape(620_000, low.step).shape.scaleResolutionDownBy, 1.5);
    assert.equal(shape(100_000, low.step).shape.scaleResolutionDownBy, 4, 'going down happens at once');
  });

  it('pauses what the receiver does not show, keeps a screen sharp, and leaves everything to the browser when switched off', () => {
    const input = { receivers: 2, available: undefined, both: false, previous: undefined, settings };
    assert.equal(videoShape({ ...input, kind: 'video', watched: false }).shape.active, false);
    const screen = videoShape({ ...input, kind: 'screen', watched: true }).shape;
    assert.deepEqual(screen, { active: true, maxBitrate: 600_000, scaleResolutionDownBy: 1, maxFramerate: 15, priority: 'high' });
    const off = videoShape({ ...input, kind: 'video', watched: false, settings: { ...settings, governor: false } }).shape;
    assert.deepEqual(off, { active: true, maxBitrate: undefined, scaleResolutionDownBy: 1, maxFramerate: undefined, priority: 'low' });
  });

  it('asks Opus for DTX on every Opus payload, once', () => {
    const sdp = 'v=0\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:96 VP8/90000\r\na=fmtp:96 x=1\r\n';
    const quiet = withDtx(sdp);
    assert.match(quiet, /a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r\n/);
    assert.match(quiet, /a=fmtp:96 x=1\r\n/, 'video payloads untouched');
    assert.equal(withDtx(quiet), quiet);
  });
});

/** A link that records what the call asks of it. */
class RecordingLink {
  readonly shapes = new Map<string, VideoShape>();
  quiet = false;
  readonly sent: MediaKind[] = [];
  constructor(
    readonly nick: string,
    readonly bitrate: number | undefined,
  ) {}
  sendMedia(kind: MediaKind, track: MediaStreamTrack | null): void {
    if (track) this.sent.push(kind);
  }
  shapeVideo(kind: 'video' | 'screen', shape: VideoShape): void {
    this.shapes.set(kind, shape);
  }
  sendStats(): Promise<SendStats | undefined> {
    return Promise.resolve({ available: this.bitrate, rtt: 0.02, bytesSent: 0, packetsSent: 0, packetsLost: 0, at: 0 });
  }
  quietAudio(on: boolean): void {
    this.quiet = on;
  }
}

const track = (kind: string) => ({ kind, enabled: true, contentHint: '', stop() {}, addEventListener() {} }) as unknown as MediaStreamTrack;
const stream = () => ({ id: 'mine', getAudioTracks: () => [track('audio')], addTrack() {}, removeTrack() {} }) as unknown as MediaStream;
/** The streams the call sends in, as far as it uses them (Node has no MediaStream). */
(globalThis as { MediaStream?: unknown }).MediaStream ??= class {
  readonly id = 'sent';
  addTrack(): void {}
  removeTrack(): void {}
};

function callWith(nicks: string[], bitrate?: number) {
  const links = nicks.map((nick) => new RecordingLink(nick, bitrate));
  const notices: Notice[] = [];
  const frames: { to: string; message: PeerMessage }[] = [];
  const call = new Call(
    {
      linked: () => links.map((link) => ({ nick: link.nick, link: link as unknown as DirectLink })),
      sendDirect: (to, message) => frames.push({ to, message }) > 0,
      tell: (notice) => notices.push(notice),
      changed: () => undefined,
    },
    settings,
  );
  call.join(stream());
  for (const nick of nicks) call.stated(nick, { inCall: true, muted: false, camera: false });
  call.camera(track('video'));
  return { call, links, notices, frames };
}

describe('a call governed', () => {
  it('gives each receiver its share of the upload, and saves silence above four people', async () => {
    const { call, links } = callWith(['bob', 'carol', 'dan', 'erin'], 2_000_000);
    await call.govern();
    for (const link of links) {
      assert.equal(link.shapes.get('video')?.maxBitrate, 300_000, link.nick);
      assert.equal(link.quiet, true, `${link.nick}: five people in the call`);
    }
    call.stated('erin', { inCall: false, muted: false, camera: false });
    await call.govern();
    for (const link of links.slice(0, 3)) {
      assert.equal(link.shapes.get('video')?.maxBitrate, 400_000, `${link.nick}: one receiver fewer`);
      assert.equal(link.quiet, false, `${link.nick}: four people`);
    }
  });

  it('pauses our video for someone who does not show it, and tells them what we show of theirs', () => {
    const { call, links, frames } = callWith(['bob', 'carol']);
    call.watched('bob', { video: false, screen: true });
    assert.equal(links[0]?.shapes.get('video')?.active, false);
    assert.equal(links[1]?.shapes.get('video')?.active, true);
    call.show('carol', { video: false, screen: true });
    call.show('carol', { video: false, screen: true });
    assert.deepEqual(
      frames.filter(({ message }) => message.type === 'watch'),
      [{ to: 'carol', message: { type: 'watch', video: false, screen: true } }],
      'said once, when it changed',
    );
    // Someone we have no link to says what they watch: nothing to shape, nothing breaks.
    call.watched('zed', { video: false, screen: false });
    assert.equal(links[1]?.shapes.get('video')?.active, true);
  });

  it('lets no more cameras on than the cap, and says why', () => {
    const { call, notices } = callWith(['bob', 'carol']);
    call.stated('bob', { inCall: true, muted: false, camera: true });
    assert.equal(call.mayTurnCameraOn(), true);
    call.stated('carol', { inCall: true, muted: false, camera: true });
    assert.equal(call.mayTurnCameraOn(), false);
    assert.deepEqual(
      notices.filter(({ type }) => type === 'cameras-full'),
      [{ type: 'cameras-full', cap: 2 }],
    );
    call.leave();
  });
});
