import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PeerMessage } from '@meshchat/protocol';
import type { Link } from '../../src/net';
import { proofKey } from '../../src/room';
import { linkProof } from '../../src/room/private-room';
import { Proof, type Prover } from '../../src/room/proof';

/** One person's side of a proof, as a Peer would be: what it was told, and what it took. */
function prover(): Prover & { taken: string[] } {
  const taken: string[] = [];
  const self = {
    nick: 'carol',
    disposed: false,
    verification: undefined as Prover['verification'],
    taken,
    update(change: { verification?: Prover['verification'] }) {
      if (change.verification) self.verification = change.verification;
    },
    mail: { flush: () => undefined, dropOutbox: () => 0 },
    replay: (message: PeerMessage) => void taken.push(message.type),
  };
  return self;
}

describe('a link being proved', () => {
  it('takes, in order, what came before their proof checked out: a history request sent the moment they saw ours is not lost', async () => {
    const key = await proofKey('AAAAAAAAAAAAAAAAAAAAAA');
    const carol = prover();
    const proof = new Proof(carol, key, () => undefined);
    const link = { fingerprints: { local: 'ours', remote: 'theirs' }, send: () => true } as unknown as Link;
    await proof.start(link);
    assert.equal(carol.verification, 'verifying');
    proof.hold({ type: 'history-ask', limit: 10, since: 0 });
    proof.hold({ type: 'chat', id: 'm1', seq: 1, ts: 1, text: 'hello' });
    proof.hold({ type: 'typing', scope: 'room' });
    assert.deepEqual(carol.taken, [], 'nothing is taken before the proof checks out');
    await proof.check(link, await linkProof(key, 'theirs', 'ours'));
    assert.equal(carol.verification, 'verified');
    assert.deepEqual(carol.taken, ['history-ask', 'chat', 'typing']);
    proof.dispose();
  });

  it('drops what came before a proof that fails', async () => {
    const key = await proofKey('AAAAAAAAAAAAAAAAAAAAAA');
    const carol = prover();
    const proof = new Proof(carol, key, () => undefined);
    const link = { fingerprints: { local: 'ours', remote: 'theirs' }, send: () => true } as unknown as Link;
    await proof.start(link);
    proof.hold({ type: 'history-ask', limit: 10, since: 0 });
    await proof.check(link, 'not-a-proof');
    assert.equal(carol.verification, 'failed');
    assert.deepEqual(carol.taken, []);
    proof.dispose();
  });
});
