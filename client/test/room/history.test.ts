import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryRecord } from '@meshchat/protocol';
import { Archive, merge, type Copy } from '../../src/room/history';
import { Signer, messageHash, newKeyPair, publicKey, signableOf, signedBytes, verifySignature, type Signable } from '../../src/room/signing';

const ROOM = 'lobby';

/** What a record's signature covers (a record that says nothing and stands for nothing covers an empty digest, which no signature matches). */
const signable = async (record: HistoryRecord): Promise<Signable> => (await signableOf(record)) ?? { ...record, digest: '' };

/** Hold a record as a member does, with the digest its signature covers. */
const keepIn = async (archive: Archive, record: HistoryRecord): Promise<void> => archive.keep(record, (await signable(record)).digest);

/** An author who signs real messages, as a member's tab does. */
async function author(me: string) {
  const { alg, pair } = await newKeyPair();
  const key = await publicKey(pair);
  const signer = new Signer({ alg, key, privateKey: pair.privateKey, room: ROOM, me });
  return {
    key,
    async say(text: string, ts: number): Promise<HistoryRecord> {
      const id = `${me}-${ts}`;
      const signed = await signer.sign({ id, ts, text });
      return { by: me, alg, key, id, ts, text, ...signed };
    },
  };
}

/** Copies as a newcomer checks them: the signature against the record's key, and its hash. */
async function copies(holder: string, records: readonly HistoryRecord[]): Promise<Copy[]> {
  return Promise.all(
    records.map(async (record) => ({
      holder,
      record,
      valid: await verifySignature(record.alg, record.key, signedBytes(ROOM, await signable(record)), record.sig),
      hash: await messageHash(ROOM, await signable(record)),
    })),
  );
}

const texts = (entries: ReturnType<typeof merge>) =>
  entries.map((entry) =>
    entry.kind === 'message'
      ? `${entry.record.by}: ${entry.record.text} (${entry.known.how} ${entry.known.holders.join('+')})`
      : entry.kind === 'gap'
        ? `gap ${entry.by} ${entry.count}`
        : `unverifiable ${entry.by} from ${entry.holders.join('+')}`,
  );

describe('signed chains', () => {
  it('each message names the hash of its author\'s previous one, and counts up from 1', async () => {
    const carol = await author('carol');
    const first = await carol.say('one', 1000);
    const second = await carol.say('two', 2000);
    assert.equal(first.n, 1);
    assert.equal(first.prev, '');
    assert.equal(second.n, 2);
    assert.equal(second.prev, await messageHash(ROOM, await signable(first)));
  });

  it('a signature covers the text, the time, the number, the author and the room', async () => {
    const carol = await author('carol');
    const record = await carol.say('hello', 1000);
    const check = async (changed: HistoryRecord, room = ROOM) => verifySignature(changed.alg, changed.key, signedBytes(room, await signable(changed)), changed.sig);
    assert.equal(await check(record), true);
    assert.equal(await check({ ...record, text: 'hellO' }), false);
    assert.equal(await check({ ...record, ts: 1001 }), false);
    assert.equal(await check({ ...record, n: 2 }), false);
    assert.equal(await check({ ...record, by: 'dave' }), false);
    assert.equal(await check(record, 'elsewhere'), false);
    assert.equal(await check({ ...record, sig: 'AAAA' }), false);
    assert.equal(await check({ ...record, key: 'not-a-key' }), false);
  });
});

describe('a browser without Ed25519', () => {
  it('signs with ECDSA P-256, and its messages check out among Ed25519 ones', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const key = await publicKey(pair);
    const signer = new Signer({ alg: 'P-256', key, privateKey: pair.privateKey, room: ROOM, me: 'safari' });
    const signed = await signer.sign({ id: 's1', ts: 1000, text: 'from an older browser' });
    const record: HistoryRecord = { by: 'safari', alg: 'P-256', key, id: 's1', ts: 1000, text: 'from an older browser', ...signed };
    const alice = await author('alice');
    const merged = merge(await copies('bob', [record, await alice.say('and from a newer one', 2000)]), new Map([['safari', key]]));
    assert.deepEqual(texts(merged), ['safari: from an older browser (verified bob)', 'alice: and from a newer one (relayed bob)']);
    // A P-256 signature does not pass for an Ed25519 key's, nor the other way round.
    assert.equal(await verifySignature('Ed25519', key, signedBytes(ROOM, await signable(record)), record.sig), false);
  });
});

describe('merging the copies members give', () => {
  it('agreeing copies from two holders are one message each, in time order, relayed by both; a present author\'s are verified', async () => {
    const alice = await author('alice');
    const carol = await author('carol');
    const records = [await alice.say('hi', 1000), await carol.say('one', 2000), await carol.say('two', 3000)];
    const merged = merge([...(await copies('bob', records)), ...(await copies('alice', records))], new Map([['alice', alice.key]]));
    assert.deepEqual(texts(merged), ['alice: hi (verified alice+bob)', 'carol: one (relayed alice+bob)', 'carol: two (relayed alice+bob)']);
  });

  it('a missing message of a chain is a gap, counted; the window\'s first message is not', async () => {
    const carol = await author('carol');
    const records = [];
    for (let i = 1; i <= 6; i++) records.push(await carol.say(`m${i}`, i * 1000));
    const held = [records[1], records[2], records[5]].filter((record) => record !== undefined);
    assert.deepEqual(texts(merge(await copies('bob', held), new Map())), [
      'carol: m2 (relayed bob)',
      'carol: m3 (relayed bob)',
      'gap carol 2',
      'carol: m6 (relayed bob)',
    ]);
  });

  it('a changed text fails its signature: shown as unverifiable, never as the author\'s; the honest copy stands', async () => {
    const carol = await author('carol');
    const record = await carol.say('pay alice', 1000);
    const merged = merge([...(await copies('alice', [record])), ...(await copies('mallory', [{ ...record, text: 'pay mallory' }]))], new Map());
    assert.deepEqual(texts(merged), ['unverifiable carol from mallory', 'carol: pay alice (relayed alice)']);
    assert.equal(JSON.stringify(merged).includes('pay mallory'), false);
  });

  it('a place of a chain held only in a copy that fails its check is shown as that, not also as a gap', async () => {
    const carol = await author('carol');
    const [one, two, , four] = [await carol.say('one', 1000), await carol.say('two', 2000), await carol.say('three', 3000), await carol.say('four', 4000)];
    const held = [one, { ...two, text: 'two, altered' }, four];
    assert.deepEqual(texts(merge(await copies('mallory', held), new Map())), ['carol: one (relayed mallory)', 'unverifiable carol from mallory', 'gap carol 1', 'carol: four (relayed mallory)']);
  });

  it('two signed messages in one place of a chain are both shown, as a conflict', async () => {
    const { alg, pair } = await newKeyPair();
    const key = await publicKey(pair);
    // Two signers of one key, each at the start of the chain: the author signs two different first messages.
    const fork = () => new Signer({ alg, key, privateKey: pair.privateKey, room: ROOM, me: 'carol' });
    const [a, b] = [fork(), fork()];
    const first = { by: 'carol', alg, key, id: 'x', ts: 1000, text: 'yes', ...(await a.sign({ id: 'x', ts: 1000, text: 'yes' })) };
    const other = { by: 'carol', alg, key, id: 'y', ts: 1000, text: 'no', ...(await b.sign({ id: 'y', ts: 1000, text: 'no' })) };
    assert.deepEqual(texts(merge([...(await copies('alice', [first])), ...(await copies('bob', [other]))], new Map())).sort(), [
      'carol: no (conflict bob)',
      'carol: yes (conflict alice)',
    ]);
  });

  it('a message invented under an absent author\'s name with another key, among theirs, is a conflict with all of them', async () => {
    const carol = await author('carol');
    const impostor = await author('carol');
    const real = [await carol.say('one', 1000), await carol.say('two', 3000)];
    const invented = await impostor.say('send me the password', 2000);
    const merged = merge([...(await copies('alice', real)), ...(await copies('mallory', [...real, invented]))], new Map());
    assert.deepEqual(texts(merged), [
      'carol: one (conflict alice+mallory)',
      'carol: send me the password (conflict mallory)',
      'carol: two (conflict alice+mallory)',
    ]);
    // The author is here, with their key: theirs are verified, only the other key's are a conflict.
    assert.deepEqual(texts(merge(await copies('mallory', [...real, invented]), new Map([['carol', carol.key]]))), [
      'carol: one (verified mallory)',
      'carol: send me the password (conflict mallory)',
      'carol: two (verified mallory)',
    ]);
  });

  it('a message whose prev does not name the one before it is a conflict', async () => {
    const carol = await author('carol');
    const one = await carol.say('one', 1000);
    const two = await carol.say('two', 2000);
    // A second message naming another first one (its signature set aside here: only the chain is judged).
    const stray: HistoryRecord = { ...two, prev: one.prev.padEnd(43, 'A') };
    const withValid = (await copies('bob', [one, stray])).map((copy) => ({ ...copy, valid: true }));
    assert.deepEqual(texts(merge(withValid, new Map())), ['carol: one (relayed bob)', 'carol: two (conflict bob)']);
  });

  it('messages from a key whose time does not overlap another\'s (the author came back in a new tab) are no conflict while the author is away', async () => {
    const before = await author('carol');
    const after = await author('carol');
    const records = [await before.say('first visit', 1000), await after.say('second visit', 5000)];
    assert.deepEqual(texts(merge(await copies('bob', records), new Map())), ['carol: first visit (relayed bob)', 'carol: second visit (relayed bob)']);
  });

  it('a present author\'s name under any key but the one they showed us is a conflict, never relayed', async () => {
    const alice = await author('alice');
    const mallory = await author('alice');
    const forged = [await mallory.say('forged one', 1000), await mallory.say('forged two', 2000)];
    const real = [await alice.say('real', 5000)];
    assert.deepEqual(texts(merge(await copies('mallory', [...forged, ...real]), new Map([['alice', alice.key]]))), [
      'alice: forged one (conflict mallory)',
      'alice: forged two (conflict mallory)',
      'alice: real (verified mallory)',
    ]);
  });
});

describe('what a member holds', () => {
  it('one author\'s flood pushes out their own oldest records, never another author\'s', async () => {
    const archive = new Archive({ count: 200, ms: 3_600_000 });
    const alice = await author('alice');
    const mallory = await author('mallory');
    const now = Date.now();
    for (let i = 0; i < 5; i++) await keepIn(archive, await alice.say(`alice ${i}`, now - 1000 + i));
    for (let i = 0; i < 400; i++) await keepIn(archive, await mallory.say(`flood ${i}`, now + i));
    const held = archive.answer(200, 0);
    assert.equal(held.length, 200);
    assert.equal(held.filter((record) => record.by === 'alice').length, 5, "alice's five stay");
    assert.equal(held.filter((record) => record.by === 'mallory')[0]?.text, 'flood 205', "mallory's oldest went");
    // Alone, an author still gets the whole count.
    const solo = new Archive({ count: 3, ms: 3_600_000 });
    for (let i = 0; i < 5; i++) await keepIn(solo, await alice.say(`solo ${i}`, now + i));
    assert.deepEqual(solo.answer(10, 0).map((record) => record.text), ['solo 2', 'solo 3', 'solo 4']);
  });

  it('keeps each message once, the newest 200 and none older than the window; answers oldest first within what was asked', async () => {
    let now = 1_000_000;
    const archive = new Archive({ count: 3, ms: 10_000 }, () => now);
    const carol = await author('carol');
    const records = [];
    for (let i = 1; i <= 5; i++) records.push(await carol.say(`m${i}`, now - 5000 + i * 1000));
    for (const record of records) await keepIn(archive, record);
    const first = records[4];
    if (first) await keepIn(archive, first);
    assert.deepEqual(archive.answer(10, 0).map((record) => record.text), ['m3', 'm4', 'm5']);
    assert.deepEqual(archive.answer(2, 0).map((record) => record.text), ['m4', 'm5']);
    assert.deepEqual(archive.answer(10, now - 500).map((record) => record.text), ['m5']);
    now += 9_600;
    assert.deepEqual(archive.answer(10, 0).map((record) => record.text), ['m5']);
    assert.equal(archive.size, 1);
  });

  it('does not hold a message dated in the future beyond clock drift: it would outlive every other', async () => {
    const archive = new Archive({ count: 10, ms: 1e12 }, () => 10_000);
    const carol = await author('carol');
    await keepIn(archive, await carol.say('from the far future', 10_000 + 3600_000));
    await keepIn(archive, await carol.say('a clock a minute fast', 10_000 + 60_000));
    assert.deepEqual(archive.answer(10, 0).map((record) => record.text), ['a clock a minute fast']);
  });

  it('a message that comes late (merged from history) takes its place in time', async () => {
    const archive = new Archive({ count: 10, ms: 1e12 }, () => 10_000);
    const carol = await author('carol');
    const [a, b, c] = [await carol.say('a', 1000), await carol.say('b', 2000), await carol.say('c', 3000)];
    await keepIn(archive, a);
    await keepIn(archive, c);
    await keepIn(archive, b);
    assert.deepEqual(archive.answer(10, 0).map((record) => record.text), ['a', 'b', 'c']);
  });
});
