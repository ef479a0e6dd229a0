import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_RELAYING_FRAME_BYTES,
  MAX_RELAY_BOX_LENGTH,
  MAX_ROOM_SIZE_LIMIT,
  MESSAGE_TEXT_MAX_LENGTH,
  PROTOCOL_VERSION,
  FILE_MAX_BYTES,
  HISTORY_CHUNK_RECORDS,
  HISTORY_MAX_COUNT,
  encodeFileChunk,
  encodePeerMessage,
  parseFileChunk,
  parsePeerFrame,
  signalRequestSchema,
  type PeerMessage,
} from '../src/index';

const chat: PeerMessage = { type: 'chat', id: 'm1', seq: 1, ts: 1_700_000_000_000, text: 'hello' };
const record = { by: 'carol', alg: 'Ed25519', key: 'A'.repeat(43), id: 'm1', ts: 1_700_000_000_000, text: 'hello', n: 1, prev: '', sig: 'AAAA' };

describe('peer frames', () => {
  it('round-trips every message type', () => {
    const messages: PeerMessage[] = [
      { type: 'hello', version: PROTOCOL_VERSION },
      chat,
      { type: 'private', id: 'm2', seq: 2, ts: 1, text: 'just you' },
      { type: 'ack', seq: 2 },
      { type: 'typing', scope: 'room' },
      { type: 'typing', scope: 'private' },
      { type: 'seen', scope: 'room', id: 'm1' },
      { type: 'seen', scope: 'private', id: 'm2' },
      { type: 'file-offer', id: 'f1', name: 'cat.png', size: 1234, mime: 'image/png', sha256: 'ab'.repeat(32), scope: 'room' },
      { type: 'file-accept', id: 'f1' },
      { type: 'file-decline', id: 'f1' },
      { type: 'file-cancel', id: 'f1' },
      { type: 'file-done', id: 'f1', ok: true },
      { type: 'watch', video: false, screen: true },
      { type: 'bye' },
      { type: 'call', inCall: true, muted: false, camera: false },
      { type: 'call', inCall: true, muted: true, camera: true, screen: 'stream-id', scope: 'private' },
      { type: 'call-decline' },
    ];
    for (const message of messages) assert.deepEqual(parsePeerFrame(encodePeerMessage(message)), { ok: true, message });
  });

  it('parses binary frames as UTF-8 JSON', () => {
    assert.deepEqual(parsePeerFrame(new TextEncoder().encode(encodePeerMessage(chat))), { ok: true, message: chat });
  });

  it('drops a claimed sender instead of trusting it', () => {
    const parsed = parsePeerFrame(JSON.stringify({ ...chat, from: 'mallory' }));
    assert.ok(parsed.ok);
    assert.equal('from' in parsed.message, false);
  });

  it('takes the largest sealed frame a person relays for another', () => {
    const frame = { type: 'relayed', from: 'x'.repeat(24), session: 's'.repeat(22), n: Number.MAX_SAFE_INTEGER, box: 'A'.repeat(MAX_RELAY_BOX_LENGTH) };
    assert.ok(parsePeerFrame(JSON.stringify(frame)).ok);
  });

  it('refuses junk with a typed reason', () => {
    assert.deepEqual(parsePeerFrame('not json'), { ok: false, error: 'FRAME_NOT_JSON' });
    assert.deepEqual(parsePeerFrame('x'.repeat(MAX_RELAYING_FRAME_BYTES + 1)), { ok: false, error: 'FRAME_TOO_LARGE' });
    for (const bad of [
      null,
      [],
      { type: 'nope' },
      { ...chat, text: '' },
      { ...chat, text: 'x'.repeat(MESSAGE_TEXT_MAX_LENGTH + 1) },
      { ...chat, seq: -1 },
      { ...chat, seq: 1.5 },
      { ...chat, id: 7 },
      { type: 'hello', version: 0 },
      { type: 'ack', seq: -1 },
      { type: 'typing', scope: 'everyone' },
      { type: 'seen', scope: 'room' },
      { type: 'seen', scope: 'everyone', id: 'm1' },
      { type: 'seen', scope: 'room', id: '' },
      { type: 'seen', scope: 'room', id: 'x'.repeat(65) },
      { type: 'seen', scope: 'room', id: ['m1'] },
      { type: 'call', inCall: true, muted: false, camera: false, scope: 'room' },
      { type: 'call', inCall: true, muted: false, camera: false, scope: 1 },
      { type: 'call', inCall: 'yes', muted: false, camera: false },
      { type: 'file-offer', id: 'f1', name: '', size: 1, mime: '', sha256: 'ab'.repeat(32), scope: 'room' },
      { type: 'file-offer', id: 'f1', name: 'a', size: FILE_MAX_BYTES + 1, mime: '', sha256: 'ab'.repeat(32), scope: 'room' },
      { type: 'file-offer', id: 'f1', name: 'a', size: 1, mime: '', sha256: 'not a hash', scope: 'room' },
      { type: 'file-done', id: 'f1' },
      { type: 'relay', to: 'bob', session: 'too-short', n: 0, box: 'AAAA' },
      { type: 'relay', to: 'bob', session: 's'.repeat(22), n: -1, box: 'AAAA' },
      { type: 'relay', to: 'bob', session: 's'.repeat(22), n: 0, box: 'not base64url!' },
      { type: 'relayed', from: 'bob', session: 's'.repeat(22), n: 0, box: 'A'.repeat(MAX_RELAY_BOX_LENGTH + 1) },
      { type: 'watch', video: 'no', screen: true },
      { type: 'watch', video: false },
      { type: 'watch', video: 0, screen: 1 },
      { type: 'reach', nicks: Array.from({ length: MAX_ROOM_SIZE_LIMIT + 1 }, (_, i) => `n${i}`) },
      { type: 'signed', id: 'm1', n: 0, prev: '', sig: 'AAAA' },
      { type: 'signed', id: 'm1', n: 1, prev: 'short', sig: 'AAAA' },
      { type: 'key', alg: 'RSA', key: 'AAAA' },
      { type: 'history-ask', limit: HISTORY_MAX_COUNT + 1, since: 0 },
      { type: 'history', records: [{ ...record, text: '' }], done: true },
      { type: 'history', records: [{ ...record, sig: 'not base64url!' }], done: true },
      { type: 'history', records: Array.from({ length: HISTORY_CHUNK_RECORDS + 1 }, () => record), done: true },
      { type: 'history', records: [record] },
    ]) {
      const parsed = parsePeerFrame(JSON.stringify(bad));
      assert.equal(parsed.ok, false, JSON.stringify(bad));
      assert.equal(!parsed.ok && parsed.error, 'FRAME_INVALID', JSON.stringify(bad));
      // What a refused frame claimed to be is kept, for its receiver to judge (malformed history cuts its link).
      const claimed = typeof bad === 'object' && bad !== null && 'type' in bad ? bad.type : undefined;
      assert.equal(!parsed.ok && parsed.type, claimed, JSON.stringify(bad));
    }
  });

  it('takes signed messages, keys and history', () => {
    for (const good of [{ type: 'signed', id: 'm1', n: 1, prev: '', sig: 'AAAA' }, { type: 'key', alg: 'Ed25519', key: 'A'.repeat(43) }, { type: 'history', records: [record], done: true }]) {
      assert.deepEqual(parsePeerFrame(JSON.stringify(good)), { ok: true, message: good });
    }
  });
});

describe('file chunks', () => {
  it('carry their transfer id and data, and the data is not copied on the way in', () => {
    const data = new Uint8Array([1, 2, 3, 250]);
    const frame = encodeFileChunk('t-42', data);
    assert.equal(frame.byteLength, 1 + 4 + data.byteLength);
    const parsed = parseFileChunk(frame.buffer);
    assert.ok(parsed.ok);
    assert.equal(parsed.id, 't-42');
    assert.deepEqual([...parsed.data], [...data]);
    assert.equal(parsed.data.buffer, frame.buffer);
  });

  it('refuse a frame whose header does not fit or is not an id', () => {
    for (const bad of [[], [0, 1, 2], [5, 65, 66], [2, 0x20, 0x41, 9]]) {
      assert.deepEqual(parseFileChunk(new Uint8Array(bad)), { ok: false, error: 'FRAME_INVALID' }, JSON.stringify(bad));
    }
    assert.throws(() => encodeFileChunk('', new Uint8Array(1)), RangeError);
    assert.throws(() => encodeFileChunk('é', new Uint8Array(1)), RangeError);
  });
});

describe('signal requests', () => {
  it('strips a forged from and accepts offers, answers and candidates', () => {
    const parsed = signalRequestSchema.parse({ to: 'bob', from: 'carol', data: { type: 'offer', sdp: 'v=0' } });
    assert.deepEqual(parsed, { to: 'bob', data: { type: 'offer', sdp: 'v=0' } });
    signalRequestSchema.parse({
      to: 'bob',
      data: { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMLineIndex: 0, sdpMid: '0' } },
    });
  });

  it('refuses chat text smuggled as a signal', () => {
    assert.equal(signalRequestSchema.safeParse({ to: 'bob', data: { type: 'chat', text: 'hi' } }).success, false);
  });
});
