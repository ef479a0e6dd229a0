import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_PEER_FRAME_BYTES,
  MESSAGE_TEXT_MAX_LENGTH,
  PROTOCOL_VERSION,
  encodePeerMessage,
  parsePeerFrame,
  signalRequestSchema,
  type PeerMessage,
} from '../src/index';

const chat: PeerMessage = { type: 'chat', id: 'm1', seq: 1, ts: 1_700_000_000_000, text: 'hello' };

describe('peer frames', () => {
  it('round-trips every message type', () => {
    const messages: PeerMessage[] = [
      { type: 'hello', version: PROTOCOL_VERSION },
      chat,
      { type: 'private', id: 'm2', seq: 2, ts: 1, text: 'just you' },
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

  it('refuses junk with a typed reason', () => {
    assert.deepEqual(parsePeerFrame('not json'), { ok: false, error: 'FRAME_NOT_JSON' });
    assert.deepEqual(parsePeerFrame('x'.repeat(MAX_PEER_FRAME_BYTES + 1)), { ok: false, error: 'FRAME_TOO_LARGE' });
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
    ]) {
      assert.deepEqual(parsePeerFrame(JSON.stringify(bad)), { ok: false, error: 'FRAME_INVALID' }, JSON.stringify(bad));
    }
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
