import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryRecord } from '@meshchat/protocol';
import { earlierLines } from '../../src/room/back-fill';
import { Archive, merge, type Copy } from '../../src/room/history';
import { Signer, messageHash, newKeyPair, publicKey, signableOf, signedBytes, verifySignature, type Body } from '../../src/room/signing';

const ROOM = 'lobby';

async function author(me: string) {
  const { alg, pair } = await newKeyPair();
  const key = await publicKey(pair);
  const signer = new Signer({ alg, key, privateKey: pair.privateKey, room: ROOM, me });
  return async (id: string, ts: number, body: Body): Promise<HistoryRecord> => ({ by: me, alg, key, id, ts, ...body, ...(await signer.sign({ id, ts, ...body })) });
}

/** Held as a member holds it, then checked as a newcomer checks what it is given. */
async function heldAndChecked(records: readonly HistoryRecord[]): Promise<{ given: HistoryRecord[]; copies: Copy[] }> {
  const archive = new Archive({ count: 100, ms: 1e12 }, () => 100_000);
  for (const record of records) {
    const signable = await signableOf(record);
    if (signable) archive.keep(record, signable.digest);
  }
  const given = archive.answer(100, 0);
  const copies = await Promise.all(
    given.map(async (record) => {
      const signable = (await signableOf(record)) ?? { ...record, digest: '' };
      return { holder: 'bob', record, valid: await verifySignature(record.alg, record.key, signedBytes(ROOM, signable), record.sig), hash: await messageHash(ROOM, signable) };
    }),
  );
  return { given, copies };
}

describe('actions in the room\'s history', () => {
  it('an edited or deleted message is given without its words, and its chain still checks: no gap, no unverifiable copy', async () => {
    const alice = await author('alice');
    const records = [
      await alice('m1', 1000, { text: 'first draft' }),
      await alice('m2', 2000, { text: 'oops, a secret' }),
      await alice('a1', 3000, { act: 'edit', of: { by: 'alice', id: 'm1' }, text: 'second draft' }),
      await alice('a2', 4000, { act: 'edit', of: { by: 'alice', id: 'm1' }, text: 'final' }),
      await alice('a3', 5000, { act: 'delete', of: { by: 'alice', id: 'm2' } }),
    ];
    // Held in any order: a message that comes after the edit that overtook it is held without its words too.
    const { given, copies } = await heldAndChecked([records[2], records[4], records[0], records[1], records[3]].filter((each) => each !== undefined));
    const words = given.map((record) => (record.digest === undefined ? `${record.act ?? 'said'} ${record.text ?? ''}` : `(${record.digest.length}-character digest)`));
    assert.deepEqual(words, ['(43-character digest)', '(43-character digest)', '(43-character digest)', 'edit final', 'delete ']);
    assert.equal(copies.every((copy) => copy.valid), true);
    const merged = merge(copies, new Map([['alice', records[0]?.key ?? '']]));
    assert.deepEqual(merged.map((entry) => entry.kind), ['message', 'message', 'message', 'message', 'message']);
    const { lines, acts } = earlierLines(merged, (notice) => notice.type);
    assert.deepEqual(lines.map((line) => `${line.from}: "${line.text}" ${line.known?.how}`), ['alice: "" verified', 'alice: "" verified']);
    assert.deepEqual(acts.map((act) => `${act.act} ${act.of.id} ${act.text ?? ''}`), ['edit m1 ', 'edit m1 final', 'delete m2 ']);
  });

  it('a record that both says something and stands for it by digest is nobody\'s', async () => {
    const alice = await author('alice');
    const record = await alice('m1', 1000, { text: 'hello' });
    const signable = await signableOf(record);
    assert.equal(await signableOf({ ...record, digest: signable?.digest ?? '' }), undefined);
    assert.equal(await signableOf({ ...record, text: undefined }), undefined);
  });

  it('a signed edit or deletion of someone else\'s message is shown as a warning and not applied', async () => {
    const mallory = await author('mallory');
    const forged = await mallory('x1', 1000, { act: 'edit', of: { by: 'alice', id: 'm1' }, text: 'alice owes me' });
    const reaction = await mallory('x2', 2000, { act: 'react', of: { by: 'alice', id: 'm1' }, text: '👍' });
    const { copies } = await heldAndChecked([forged, reaction]);
    const { lines, acts } = earlierLines(merge(copies, new Map()), (notice) => (notice.type === 'act-not-theirs' ? `${notice.nick} changed ${notice.of}'s` : notice.type));
    assert.deepEqual(lines.map((line) => `${line.kind} ${line.from}: ${line.text}`), ["warning mallory: mallory changed alice's"]);
    assert.deepEqual(acts.map((act) => act.act), ['react']);
  });
});
