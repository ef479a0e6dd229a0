import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PeerMessage, SignalData } from '@meshchat/protocol';
import type { DirectLink, LinkState } from '../../src/net/link';
import { LinkSlot, MAX_MEDIA_SECTIONS, NEW_LINK_OFFERS } from '../../src/net/link-slot';

/** A stand-in for PeerLink that records what the slot does with it (WebRTC itself is tested in e2e). */
class FakeLink implements DirectLink {
  state: LinkState = 'connecting';
  signals: SignalData[] = [];
  sent: PeerMessage[] = [];
  readonly fingerprints = undefined;
  constructor(
    readonly nick: string,
    readonly initiator: boolean,
  ) {}
  get open() {
    return this.state === 'connected';
  }
  signal(data: SignalData) {
    this.signals.push(data);
  }
  send(message: PeerMessage) {
    this.sent.push(message);
    return this.open;
  }
  sendChunk(): Promise<void> {
    return Promise.reject(new Error('no file channel in this stand-in'));
  }
  chunkBytes() {
    return 0;
  }
  /** Whether an offer renegotiates this link; the tests that need it say so. */
  renegotiates: (sdp: string) => boolean = () => false;
  // No media in this stand-in: calls are tested in real browsers.
  sendMedia() {}
  audioLevel() {
    return undefined;
  }
  shapeVideo() {}
  sendStats() {
    return Promise.resolve(undefined);
  }
  quietAudio() {}

  probes = 0;
  probe() {
    this.probes += 1;
  }
  fail() {
    this.state = 'failed';
  }
  close() {
    this.state = 'closed';
  }
}

/** The links to each person, one slot each, as a room holds them. */
function slots() {
  const made: FakeLink[] = [];
  const all = new Map<string, LinkSlot>();
  const slot = (nick: string) => {
    let existing = all.get(nick);
    if (!existing) {
      existing = new LinkSlot((initiator) => {
        const link = new FakeLink(nick, initiator);
        made.push(link);
        return link;
      });
      all.set(nick, existing);
    }
    return existing;
  };
  return { slot, made };
}

const OFFER: SignalData = { type: 'offer', sdp: 'v=0' };
const message: PeerMessage = { type: 'chat', id: 'm', seq: 1, ts: 1, text: 'hi' };

describe('one link per person', () => {
  it('the newcomer initiates; an offer gets an answering link', () => {
    const { slot, made } = slots();
    slot('bob').connect();
    slot('carol').signal(OFFER);
    assert.deepEqual(
      made.map((link) => [link.nick, link.initiator]),
      [
        ['bob', true],
        ['carol', false],
      ],
    );
    assert.deepEqual(made[1]?.signals, [OFFER]);
  });

  it('keeps an open link instead of opening a second one', () => {
    const { slot, made } = slots();
    const first = slot('bob').connect() as FakeLink;
    first.state = 'connected';
    assert.equal(slot('bob').connect(), first);
    assert.equal(made.length, 1);
  });

  it('a fresh offer replaces a link the other side gave up on', () => {
    const { slot, made } = slots();
    const old = slot('bob').connect() as FakeLink;
    slot('bob').signal(OFFER);
    assert.equal(old.state, 'closed');
    assert.equal(slot('bob').link, made[1]);
  });

  it('never replaces an open link: the offer waits until that link closes', () => {
    const { slot, made } = slots();
    const bob = slot('bob');
    const open = bob.connect() as FakeLink;
    open.state = 'connected';
    const candidate: SignalData = { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 198.18.0.9 9 typ host' } };
    bob.signal(OFFER, 0);
    bob.signal(candidate, 0);
    assert.equal(bob.link, open, 'the open link stays');
    assert.equal(open.state, 'connected');
    assert.deepEqual(open.signals, [], 'nothing meant for the new negotiation reaches the open link');
    assert.equal(bob.holding, true);
    assert.equal(open.probes, 1, 'the open link is asked whether it is still alive');
    open.state = 'failed';
    bob.forget(open, 1_000);
    assert.equal(made.length, 2);
    assert.deepEqual(made[1]?.signals, [OFFER, candidate], 'then the held offer is answered');
    assert.equal(made[1]?.initiator, false);
  });

  it('drops a held offer its sender has given up on, and keeps only the newest', () => {
    const { slot, made } = slots();
    const bob = slot('bob');
    const open = bob.connect() as FakeLink;
    open.state = 'connected';
    for (let i = 0; i < 1_000; i++) bob.signal({ type: 'offer', sdp: `v=${i}` }, 0);
    assert.equal(made.length, 1, 'an offer flood builds nothing while the link is open');
    bob.forget(open, 60_000);
    assert.equal(bob.link, undefined);
    assert.equal(made.length, 1);
  });

  it('refuses an offer with more media sections than a call needs, on an open link or a new one', () => {
    const { slot, made } = slots();
    const sections = (count: number) => `v=0\r\n${'m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n'.repeat(count)}`;
    const bob = slot('bob');
    bob.signal({ type: 'offer', sdp: sections(282) }, 0);
    assert.equal(made.length, 0, 'no connection built for a 282-section offer');
    bob.signal({ type: 'offer', sdp: sections(MAX_MEDIA_SECTIONS) }, 0);
    assert.equal(made.length, 1, 'a call-sized one is answered');
    const open = made[0] as FakeLink;
    open.state = 'connected';
    open.renegotiates = () => true;
    bob.signal({ type: 'offer', sdp: sections(282) }, 0);
    assert.equal(open.signals.length, 1, 'a renegotiation with 282 sections never reaches the link');
    bob.signal({ type: 'offer', sdp: sections(4) }, 0);
    assert.equal(open.signals.length, 2);
  });

  it('builds at most a few connections from a burst of offers, then one every few seconds', () => {
    const { slot, made } = slots();
    const bob = slot('bob');
    for (let i = 0; i < 60; i++) bob.signal({ type: 'offer', sdp: `v=${i}` }, 1_000 + i * 10);
    assert.equal(made.length, NEW_LINK_OFFERS.burst, `${made.length} connections for 60 offers`);
    bob.signal({ type: 'offer', sdp: 'v=later' }, 1_600 + 1000 / NEW_LINK_OFFERS.perSecond);
    assert.equal(made.length, NEW_LINK_OFFERS.burst + 1, 'the budget refills');
    assert.deepEqual(made.at(-1)?.signals, [{ type: 'offer', sdp: 'v=later' }]);
  });

  it('ignores answers and candidates for links it does not have', () => {
    const { slot, made } = slots();
    slot('ghost').signal({ type: 'answer', sdp: 'v=0' });
    assert.equal(made.length, 0);
  });

  it('sends only on an open link', () => {
    const { slot } = slots();
    const carol = slot('carol').connect() as FakeLink;
    slot('dave').connect();
    carol.state = 'connected';
    assert.equal(slot('carol').send(message), true);
    assert.equal(slot('dave').send(message), false);
    assert.equal(slot('nobody').send(message), false);
    assert.equal(carol.sent.length, 1);
  });

  it('forget drops only the current link; clear closes it', () => {
    const { slot } = slots();
    const bob = slot('bob');
    const old = bob.connect();
    bob.signal(OFFER);
    const current = bob.link;
    bob.forget(old);
    assert.equal(bob.link, current);
    bob.clear();
    assert.equal(bob.link, undefined);
    assert.equal(current?.state, 'closed');
  });
});
