import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PeerMessage, SignalData } from '@meshchat/protocol';
import { Mesh, type Link } from '../src/mesh';
import type { LinkState } from '../src/peer-link';

/** A stand-in for PeerLink that records what the mesh does with it (WebRTC itself is tested in e2e). */
class FakeLink implements Link {
  state: LinkState = 'connecting';
  signals: SignalData[] = [];
  sent: PeerMessage[] = [];
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
  probes = 0;
  probe() {
    this.probes += 1;
  }
  close() {
    this.state = 'closed';
  }
}

function mesh() {
  const made: FakeLink[] = [];
  const instance = new Mesh((nick, initiator) => {
    const link = new FakeLink(nick, initiator);
    made.push(link);
    return link;
  });
  return { mesh: instance, made };
}

const OFFER: SignalData = { type: 'offer', sdp: 'v=0' };
const message: PeerMessage = { type: 'chat', id: 'm', seq: 1, ts: 1, text: 'hi' };

describe('mesh bookkeeping', () => {
  it('the newcomer initiates; an offer gets an answering link', () => {
    const { mesh: m, made } = mesh();
    m.connect('bob');
    m.signal('carol', OFFER);
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
    const { mesh: m, made } = mesh();
    const first = m.connect('bob') as FakeLink;
    first.state = 'connected';
    assert.equal(m.connect('bob'), first);
    assert.equal(made.length, 1);
  });

  it('a fresh offer replaces a link the other side gave up on', () => {
    const { mesh: m, made } = mesh();
    const old = m.connect('bob') as FakeLink;
    m.signal('bob', OFFER);
    assert.equal(old.state, 'closed');
    assert.equal(m.get('bob'), made[1]);
  });

  it('never replaces an open link: the offer waits until that link closes', () => {
    const { mesh: m, made } = mesh();
    const open = m.connect('bob') as FakeLink;
    open.state = 'connected';
    const candidate: SignalData = { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 198.18.0.9 9 typ host' } };
    m.signal('bob', OFFER, 0);
    m.signal('bob', candidate, 0);
    assert.equal(m.get('bob'), open, 'the open link stays');
    assert.equal(open.state, 'connected');
    assert.deepEqual(open.signals, [], 'nothing meant for the new negotiation reaches the open link');
    assert.equal(m.holds('bob'), true);
    assert.equal(open.probes, 1, 'the open link is asked whether it is still alive');
    open.state = 'failed';
    m.forget(open, 1_000);
    assert.equal(made.length, 2);
    assert.deepEqual(made[1]?.signals, [OFFER, candidate], 'then the held offer is answered');
    assert.equal(made[1]?.initiator, false);
  });

  it('drops a held offer its sender has given up on, and keeps only the newest', () => {
    const { mesh: m, made } = mesh();
    const open = m.connect('bob') as FakeLink;
    open.state = 'connected';
    for (let i = 0; i < 1_000; i++) m.signal('bob', { type: 'offer', sdp: `v=${i}` }, 0);
    assert.equal(made.length, 1, 'an offer flood builds nothing while the link is open');
    m.forget(open, 60_000);
    assert.equal(m.get('bob'), undefined);
    assert.equal(made.length, 1);
  });

  it('ignores answers and candidates for links it does not have', () => {
    const { mesh: m, made } = mesh();
    m.signal('ghost', { type: 'answer', sdp: 'v=0' });
    assert.equal(made.length, 0);
  });

  it('broadcasts to open links only and sends privately to one', () => {
    const { mesh: m } = mesh();
    const bob = m.connect('bob') as FakeLink;
    const carol = m.connect('carol') as FakeLink;
    m.connect('dave');
    bob.state = 'connected';
    carol.state = 'connected';
    assert.deepEqual(m.broadcast(message).sort(), ['bob', 'carol']);
    assert.equal(m.sendTo('carol', message), true);
    assert.equal(m.sendTo('dave', message), false);
    assert.equal(m.sendTo('nobody', message), false);
    assert.equal(carol.sent.length, 2);
    assert.equal(bob.sent.length, 1);
  });

  it('forget drops only the current link; remove closes it', () => {
    const { mesh: m } = mesh();
    const old = m.connect('bob');
    m.signal('bob', OFFER);
    const current = m.get('bob');
    m.forget(old);
    assert.equal(m.get('bob'), current);
    m.remove('bob');
    assert.equal(m.get('bob'), undefined);
    assert.equal(current?.state, 'closed');
  });
});
