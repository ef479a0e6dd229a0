import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  linkProof,
  newRoomSecret,
  privateRoomId,
  proofKey,
  safetyCode,
  secretFromHash,
  verifyLinkProof,
} from '../../src/room/private-room';
import { sdpFingerprint } from '../../src/net/fingerprint';
import { normalizeRoom } from '@meshchat/protocol';

const FP_ALICE = 'sha-256 AA:11';
const FP_BOB = 'sha-256 BB:22';
const FP_MITM_1 = 'sha-256 CC:33';
const FP_MITM_2 = 'sha-256 DD:44';

describe('private rooms', () => {
  it('derives a room id the server accepts, the same for everyone with the secret', async () => {
    const secret = newRoomSecret();
    assert.equal(secretFromHash(`#${secret}`), secret);
    const id = await privateRoomId(secret);
    assert.equal(id, await privateRoomId(secret));
    assert.equal(normalizeRoom(id), id, 'valid under the server rules');
    assert.equal(id.includes(secret), false);
    assert.notEqual(id, await privateRoomId(newRoomSecret()));
  });

  it('ignores fragments that are not secrets', () => {
    for (const hash of ['', '#', '#short', '#has spaces in it here!!!!', `#${'x'.repeat(65)}`]) {
      assert.equal(secretFromHash(hash), undefined, hash);
    }
  });

  it('a proof between the real peers verifies', async () => {
    const key = await proofKey(newRoomSecret());
    const fromAlice = await linkProof(key, FP_ALICE, FP_BOB);
    assert.equal(await verifyLinkProof(key, fromAlice, FP_BOB, FP_ALICE), true);
  });

  it('a man in the middle cannot forward, reflect or forge a proof', async () => {
    const secret = newRoomSecret();
    const key = await proofKey(secret);
    // Alice's link ends at the attacker (MITM_1), Bob's at the attacker (MITM_2).
    const fromAlice = await linkProof(key, FP_ALICE, FP_MITM_1);
    const fromBob = await linkProof(key, FP_BOB, FP_MITM_2);
    assert.equal(await verifyLinkProof(key, fromAlice, FP_BOB, FP_MITM_2), false, 'forwarded to Bob');
    assert.equal(await verifyLinkProof(key, fromBob, FP_BOB, FP_MITM_2), false, "Bob's own proof reflected");
    const otherKey = await proofKey(newRoomSecret());
    assert.equal(await verifyLinkProof(key, await linkProof(otherKey, FP_MITM_2, FP_BOB), FP_BOB, FP_MITM_2), false);
    assert.equal(await verifyLinkProof(key, '', FP_BOB, FP_ALICE), false);
  });

  it('safety codes match on both ends and differ when someone sits in between', async () => {
    const code = await safetyCode(FP_ALICE, FP_BOB);
    assert.match(code, /^\d{5} \d{5}$/);
    assert.equal(await safetyCode(FP_BOB, FP_ALICE), code);
    assert.notEqual(await safetyCode(FP_ALICE, FP_MITM_1), await safetyCode(FP_BOB, FP_MITM_2));
  });

  it('reads the DTLS fingerprint from an SDP', () => {
    const sdp = 'v=0\r\na=ice-ufrag:x\r\na=fingerprint:sha-256 ab:cd:EF\r\na=setup:actpass\r\n';
    assert.equal(sdpFingerprint(sdp), 'sha-256 AB:CD:EF');
    assert.equal(sdpFingerprint('v=0\r\n'), undefined);
  });
});
