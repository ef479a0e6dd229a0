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
