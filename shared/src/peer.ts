import { MESSAGE_TEXT_MAX_LENGTH } from './limits';
import { peerMessageSchema, type PeerMessage } from './schemas';

/** Largest data-channel frame a peer will try to parse; anything bigger is dropped unread. */
export const MAX_PEER_FRAME_BYTES = MESSAGE_TEXT_MAX_LENGTH * 4 + 1024;

export type PeerFrameError = 'FRAME_TOO_LARGE' | 'FRAME_NOT_JSON' | 'FRAME_INVALID';

export type ParsedPeerFrame = { ok: true; message: PeerMessage } | { ok: false; error: PeerFrameError };

/** Turn one raw data-channel frame into a peer message, or say why it was refused. */
export function parsePeerFrame(raw: string | Uint8Array): ParsedPeerFrame {
  const size = typeof raw === 'string' ? raw.length : raw.byteLength;
  if (size > MAX_PEER_FRAME_BYTES) return { ok: false, error: 'FRAME_TOO_LARGE' };
  const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'FRAME_NOT_JSON' };
  }
  const parsed = peerMessageSchema.safeParse(json);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, error: 'FRAME_INVALID' };
}

export function encodePeerMessage(message: PeerMessage): string {
  return JSON.stringify(message);
}
