// zod/mini: the same validation as zod, built from functions a bundler can drop when unused,
// which keeps the web client small.
import * as z from 'zod/mini';
import {
  ADMIN_TOKEN_MAX_LENGTH,
  ANNOUNCE_TEXT_MAX_LENGTH,
  FILE_MAX_BYTES,
  FILE_NAME_MAX_LENGTH,
  HISTORY_CHUNK_RECORDS,
  HISTORY_MAX_COUNT,
  MAX_CANDIDATE_LENGTH,
  MAX_RELAY_BOX_LENGTH,
  MAX_ROOM_SIZE_LIMIT,
  MAX_SDP_LENGTH,
  MESSAGE_TEXT_MAX_LENGTH,
  NAME_SUGGESTIONS,
  NICK_MAX_LENGTH,
  PROTOCOL_VERSION,
  ROOM_NAME_MAX_LENGTH,
  SESSION_TOKEN_MAX_LENGTH,
} from './limits';

/*
 * Schemas for everything that crosses a wire. Unknown keys are stripped, so a payload's own
 * `from` never survives parsing. Raw nickname and room strings are only bounded here; their
 * rules live in `names.ts` so a bad nickname gets `NICK_INVALID` rather than `BAD_REQUEST`.
 */

/** Generous bound for a raw nickname before normalisation (spaces and combining marks). */
const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const rawNick = text(0, NICK_MAX_LENGTH * 8);
const rawRoom = text(0, ROOM_NAME_MAX_LENGTH * 2);
const sessionToken = text(16, SESSION_TOKEN_MAX_LENGTH);

/**
 * A join. In a private room `nick` is the member's opaque id, and `alternatives` the ids of the names
 * the client would take instead if that one is taken (the server suggests the first free one).
 */
export const joinRequestSchema = z.object({ nick: rawNick, room: z.optional(rawRoom), alternatives: z.optional(z.array(rawNick).check(z.maxLength(NAME_SUGGESTIONS))) });
export const resumeRequestSchema = z.object({ session: sessionToken });
export const pairRequestSchema = z.object({ nick: rawNick });
export const noPayloadSchema = z.undefined();

/** A relayed conversation between two people, named by the one who proposed it: 128 random bits. */
const relaySession = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/));
/** base64url, as long as `length` allows. */
const base64url = (max: number) => z.string().check(z.maxLength(max), z.regex(/^[A-Za-z0-9_-]+$/));

export const signalDataSchema = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['offer', 'answer']), sdp: text(0, MAX_SDP_LENGTH) }),
  z.object({
    type: z.literal('candidate'),
    candidate: z.object({
      candidate: text(0, MAX_CANDIDATE_LENGTH),
      sdpMLineIndex: z.optional(z.nullable(z.int().check(z.gte(0), z.lte(1024)))),
      sdpMid: z.optional(z.nullable(text(0, 64))),
      usernameFragment: z.optional(z.nullable(text(0, 256))),
    }),
  }),
  z.object({ type: z.literal('renegotiate'), renegotiate: z.literal(true) }),
  /**
   * The answering side of a link wants to send media of `kind`: it asks the offering side (the
   * only one that offers) for a place for it in the next offer.
   */
  z.object({
    type: z.literal('transceiverRequest'),
    transceiverRequest: z.object({ kind: z.enum(['audio', 'video']), init: z.optional(z.object({ direction: z.optional(z.literal('recvonly')) })) }),
  }),
  /**
   * Two people whose own link does not form talk through a third, `via`, who both reach: they agree
   * on keys here, through the server and not through `via`, so `via` can neither read nor forge
   * what it carries. `key` is an ECDH P-256 public key (raw, base64url); in a private room `mac`
   * proves the sender holds the room's secret.
   */
  z.object({
    type: z.enum(['relay-offer', 'relay-answer']),
    session: relaySession,
    via: rawNick,
    key: base64url(128),
    mac: z.optional(text(1, 128)),
  }),
  /**
   * One end of a relayed link caught `via` changing, dropping or reordering a frame (`tampered`), or
   * heard nothing through it any more (`silent`): it tells the other end (through the server, not
   * through `via`), which then stops sending that way too.
   */
  z.object({ type: z.literal('relay-failed'), session: relaySession, via: rawNick, why: z.enum(['tampered', 'silent']), mac: z.optional(text(1, 128)) }),
]);

export const signalRequestSchema = z.object({ to: rawNick, data: signalDataSchema });

const adminToken = text(1, ADMIN_TOKEN_MAX_LENGTH);
export const adminRequestSchema = z.discriminatedUnion('action', [
  z.object({ token: adminToken, action: z.literal('kick'), room: rawRoom, nick: rawNick }),
  z.object({
    token: adminToken,
    action: z.literal('announce'),
    text: z.string().check(z.trim(), z.minLength(1), z.maxLength(ANNOUNCE_TEXT_MAX_LENGTH)),
  }),
  z.object({ token: adminToken, action: z.literal('shutdown') }),
]);

export type JoinRequest = z.infer<typeof joinRequestSchema>;
export type ResumeRequest = z.infer<typeof resumeRequestSchema>;
export type PairRequest = z.infer<typeof pairRequestSchema>;
export type SignalData = z.infer<typeof signalDataSchema>;
export type SignalRequest = z.infer<typeof signalRequestSchema>;
export type AdminRequest = z.infer<typeof adminRequestSchema>;

/* ---------- data-channel frames between peers ---------- */

const messageId = text(1, 64);
const seq = z.int().check(z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));
/** Where a typing notice or a file offer belongs: the room, or the private conversation with the receiver. */
const scope = z.enum(['room', 'private']);
const envelope = {
  id: messageId,
  /** Counts up from 1 per sender and recipient; the recipient acknowledges it with an `ack`. */
  seq,
  /** Sender's wall clock, milliseconds since the epoch (finite: zod 4 numbers refuse Infinity). */
  ts: z.number().check(z.gte(0)),
};
const messageText = text(1, MESSAGE_TEXT_MAX_LENGTH);
/** A member's signing key for this room: Ed25519 (raw, 32 bytes), or ECDSA P-256 (raw, 65 bytes) where a browser lacks it; base64url. */
const signingKey = { alg: z.enum(['Ed25519', 'P-256']), key: base64url(88) };
/**
 * Where a room message sits in its author's chain: the `n`th message signed with the author's key,
 * after the one whose SHA-256 is `prev` (empty for the first), and the author's signature over
 * the room, the author's nickname, `n`, `prev`, the time, the id and the text.
 */
const chained = {
  n: z.int().check(z.gte(1), z.lte(Number.MAX_SAFE_INTEGER)),
  prev: z.string().check(z.regex(/^(?:[A-Za-z0-9_-]{43})?$/)),
  sig: base64url(128),
};
/** A message of the conversation, by its author and id (ids are unique to their author only). */
const messageRef = z.object({ by: rawNick, id: messageId });
/** What can be done to a message after it was said: its author edits or deletes it; anyone reacts with an emoji, or takes that back. */
const action = z.enum(['edit', 'delete', 'react', 'unreact']);
/**
 * What a record says: words (`text`), perhaps in reply to another message (`re`); or an action
 * (`act`) on a message (`of`), whose `text` is an edit's new words or a reaction's emoji.
 */
const said = { text: z.optional(messageText), re: z.optional(messageRef), act: z.optional(action), of: z.optional(messageRef) };
/**
 * One record of the room as a member holds it, to give to someone who joins later: a message or an
 * action, signed into its author's chain. A message edited or deleted since is held without its
 * words: `digest` (what the signature covers) stands for them, so the chain still checks.
 */
export const historyRecordSchema = z.object({
  by: rawNick,
  ...signingKey,
  id: messageId,
  ts: envelope.ts,
  ...said,
  digest: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/))),
  ...chained,
});
/** A frame sealed (AES-GCM) by one person for another, which a third carries and cannot open. */
const relayed = { session: relaySession, n: seq, box: base64url(MAX_RELAY_BOX_LENGTH) };

/**
 * What one peer may send another over a data channel. There is no sender field on purpose: the
 * sender is the nickname bound to the link a frame arrived on.
 */
export const peerMessageSchema = z.discriminatedUnion('type', [
  /** First frame on every link; a different major version closes the link. */
  z.object({ type: z.literal('hello'), version: z.int().check(z.gt(0)) }),
  /** A message to everyone in the room, perhaps in reply to another of the room's (`re`). */
  z.object({ type: z.literal('chat'), ...envelope, text: messageText, re: z.optional(messageRef) }),
  /**
   * The author's signature of their room message `id`, sent right after it (signing does not hold
   * the message up); none when the author keeps the message out of the room's history.
   */
  z.object({ type: z.literal('signed'), id: messageId, ...chained }),
  /** A message to the receiving peer alone, perhaps in reply to another of the two's (`re`). */
  z.object({ type: z.literal('private'), ...envelope, text: messageText, re: z.optional(messageRef) }),
  /**
   * An action on a message of the room or of the two's private conversation (`scope`): delivered,
   * numbered and acknowledged like a message; to the room, signed into the sender's chain after it.
   */
  z.object({ type: z.literal('act'), ...envelope, scope, act: action, of: messageRef, text: z.optional(messageText) }),
  /** The sender's signing key for the room's messages; bound into the link's safety code. */
  z.object({ type: z.literal('key'), ...signingKey }),
  /** Please send the room messages you hold: the newest `limit`, none older than `since` (epoch ms). */
  z.object({ type: z.literal('history-ask'), limit: z.int().check(z.gte(1), z.lte(HISTORY_MAX_COUNT)), since: z.number().check(z.gte(0)) }),
  /** Part of an answer to `history-ask`, oldest first; `done` on its last part. */
  z.object({ type: z.literal('history'), records: z.array(historyRecordSchema).check(z.maxLength(HISTORY_CHUNK_RECORDS)), done: z.boolean() }),
  /** Is this link alive? Answered with `pong` at once; sent when the other side seems to be re-connecting. */
  z.object({ type: z.enum(['ping', 'pong']) }),
  /** The sender's page is being closed (or reloaded): its link ends on purpose, not through a fault. */
  z.object({ type: z.literal('bye') }),
  /** In a private room: proof of the room secret, bound to this link's DTLS fingerprints. */
  z.object({ type: z.literal('proof'), mac: text(1, 128) }),
  /** The receiver has every chat and private message of this sender up to `seq`. */
  z.object({ type: z.literal('ack'), seq }),
  /** The sender is typing, in the room or to the receiver alone; sent at most once a second. */
  z.object({ type: z.literal('typing'), scope }),
  /**
   * The sender's page showed, while it was in view, the receiver's messages in the room (or in
   * their private conversation) up to and including message `id`; sent only by those who allow it.
   */
  z.object({ type: z.literal('seen'), scope, id: messageId }),
  /** The sender would like to send a file; nothing flows until the receiver accepts. */
  z.object({
    type: z.literal('file-offer'),
    id: messageId,
    name: text(1, FILE_NAME_MAX_LENGTH),
    size: z.int().check(z.gte(0), z.lte(FILE_MAX_BYTES)),
    mime: text(0, 255),
    /** Hex SHA-256 of the whole file, which the receiver checks before offering it for download. */
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    scope,
  }),
  z.object({ type: z.enum(['file-accept', 'file-decline', 'file-cancel']), id: messageId }),
  /** The receiver got the whole file; `ok` says whether its SHA-256 matched the offer. */
  z.object({ type: z.literal('file-done'), id: messageId, ok: z.boolean() }),
  /**
   * Where the sender stands in the call: in it or not, microphone muted, camera on, and the id of
   * the stream its shared screen comes in, while it shares one. `scope: 'private'`: the call is
   * with the receiver alone (and rings for them until they answer); otherwise it is the room's.
   */
  z.object({
    type: z.literal('call'),
    inCall: z.boolean(),
    muted: z.boolean(),
    camera: z.boolean(),
    screen: z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,64}$/))),
    scope: z.optional(z.literal('private')),
  }),
  /** The receiver's call with the sender alone rang, and the sender will not answer it. */
  z.object({ type: z.literal('call-decline') }),
  /**
   * Which of our videos the sender shows now (a tile scrolled away, or a page in the background,
   * shows none): what is not shown is not sent.
   */
  z.object({ type: z.literal('watch'), video: z.boolean(), screen: z.boolean() }),
  /** Whom the sender has an open link to: a pair that cannot link directly may talk through it. */
  z.object({ type: z.literal('reach'), nicks: z.array(rawNick).check(z.maxLength(MAX_ROOM_SIZE_LIMIT)) }),
  /** Please pass this sealed frame on to `to` (the `n`th of its relayed conversation `session`). */
  z.object({ type: z.literal('relay'), to: rawNick, ...relayed }),
  /** A sealed frame `from` asked the sender to pass on to us. */
  z.object({ type: z.literal('relayed'), from: rawNick, ...relayed }),
]);

export type PeerMessage = z.infer<typeof peerMessageSchema>;
/** A message a person wrote: to the room, or to one peer. */
export type TextMessage = Extract<PeerMessage, { type: 'chat' | 'private' }>;
/** An action on a message: an edit, a deletion, a reaction or one taken back. */
export type ActMessage = Extract<PeerMessage, { type: 'act' }>;
/** What a person says, delivered once each and acknowledged: messages and actions on them. */
export type Said = TextMessage | ActMessage;
export type MessageRef = z.infer<typeof messageRef>;
export type Action = ActMessage['act'];
export type HistoryRecord = z.infer<typeof historyRecordSchema>;
export type SigningAlgorithm = HistoryRecord['alg'];
export type Signature = Extract<PeerMessage, { type: 'signed' }>;
export type Chained = Omit<Signature, 'type' | 'id'>;
export type FileOffer = Extract<PeerMessage, { type: 'file-offer' }>;
/** Frames about one file transfer, after its offer. */
export type FileReply = Extract<PeerMessage, { type: 'file-accept' | 'file-decline' | 'file-cancel' | 'file-done' }>;
export type Scope = FileOffer['scope'];

export const HELLO: PeerMessage = { type: 'hello', version: PROTOCOL_VERSION };
