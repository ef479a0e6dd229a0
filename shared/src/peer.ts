import { MAX_RELAY_BOX_LENGTH } from './limits';
import { peerMessageSchema, type PeerMessage } from './schemas';

/**
 * Largest data-channel frame a peer will try to parse; anything bigger is dropped unread. A frame
 * another person relays for someone carries a sealed frame (`MAX_RELAY_BOX_LENGTH`) and names.
 */
export const MAX_RELAYING_FRAME_BYTES = MAX_RELAY_BOX_LENGTH + 1024;

export type PeerFrameError = 'FRAME_TOO_LARGE' | 'FRAME_NOT_JSON' | 'FRAME_INVALID';

/** A refused frame's `type`, when it named one: what it claimed to be. */
export type ParsedPeerFrame = { ok: true; message: PeerMessage } | { ok: false; error: PeerFrameError; type?: string };

/** Turn one raw data-channel frame into a peer message, or say why it was refused. */
export function parsePeerFrame(raw: string | Uint8Array): ParsedPeerFrame {
  const size = typeof raw === 'string' ? raw.length : raw.byteLength;
  if (size > MAX_RELAYING_FRAME_BYTES) return { ok: false, error: 'FRAME_TOO_LARGE' };
  const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'FRAME_NOT_JSON' };
  }
  const parsed = peerMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const type = typeof json === 'object' && json !== null && 'type' in json && typeof json.type === 'string' ? json.type.slice(0, 32) : undefined;
  return type === undefined ? { ok: false, error: 'FRAME_INVALID' } : { ok: false, error: 'FRAME_INVALID', type };
}

/** The message each sequenced copy was made from, and that message's encoding, made once. */
const bases = new WeakMap<object, object>();
const encodings = new WeakMap<object, string>();

/**
 * A copy of `base` with its sequence number for one recipient. A broadcast goes to everyone with a
 * sequence number of each recipient's stream, and nothing else differs: the copies are encoded by
 * putting the number in front of `base`'s encoding, made once (see `encodePeerMessage`).
 */
export function sequenced<T extends object>(base: T, seq: number): T & { seq: number } {
  const message = { ...base, seq };
  if (!('seq' in base)) bases.set(message, base);
  return message;
}

export function encodePeerMessage(message: PeerMessage): string {
  const base = bases.get(message);
  if (base === undefined || !('seq' in message)) return JSON.stringify(message);
  let encoded = encodings.get(base);
  if (encoded === undefined) {
    encoded = JSON.stringify(base);
    encodings.set(base, encoded);
  }
  // An object's encoding starts with "{"; an empty one has no field to put the number before.
  return encoded === '{}' ? JSON.stringify(message) : `{"seq":${message.seq},${encoded.slice(1)}`;
}

/*
 * File data travels on a data channel of its own, as binary frames: one byte giving the length of
 * the transfer id, the id's ASCII bytes, then up to `FILE_CHUNK_BYTES` of the file.
 */

const asciiId = /^[\x21-\x7e]{1,64}$/;

/** Bytes a chunk's header takes for transfer `id`. */
export function fileChunkHeaderBytes(id: string): number {
  return 1 + id.length;
}

export function encodeFileChunk(id: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  if (!asciiId.test(id)) throw new RangeError('a transfer id is 1 to 64 printable ASCII characters');
  const frame = new Uint8Array(fileChunkHeaderBytes(id) + data.byteLength);
  frame[0] = id.length;
  for (let i = 0; i < id.length; i++) frame[1 + i] = id.charCodeAt(i);
  frame.set(data, 1 + id.length);
  return frame;
}

export type ParsedFileChunk = { ok: true; id: string; data: Uint8Array } | { ok: false; error: 'FRAME_INVALID' };

/** Split one binary frame of the file channel into its transfer id and data, without copying the data. */
export function parseFileChunk(raw: ArrayBuffer | Uint8Array): ParsedFileChunk {
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
  const length = bytes[0] ?? 0;
  if (length === 0 || bytes.byteLength < 1 + length) return { ok: false, error: 'FRAME_INVALID' };
  const id = String.fromCharCode(...bytes.subarray(1, 1 + length));
  if (!asciiId.test(id)) return { ok: false, error: 'FRAME_INVALID' };
  return { ok: true, id, data: bytes.subarray(1 + length) };
}
