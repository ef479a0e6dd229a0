import type { ErrorCode, Result } from './errors';
import type {
  AdminRequest,
  JoinRequest,
  PairRequest,
  ResumeRequest,
  SignalData,
  SignalRequest,
} from './schemas';

/** What a successful join, resume or pairing hands the client. */
export interface JoinedRoom {
  /** The room joined. */
  room: string;
  /** Your nickname as the room knows it (trimmed, NFC); in a private room, your opaque member id. */
  nick: string;
  /** Members already in the room (nicknames, or member ids in a private room). The newcomer opens a link to each of them. */
  peers: string[];
  /** The room's capacity, counting you. */
  capacity: number;
  /** Present this with `resume` after a dropped connection to reclaim nickname and room. */
  session: string;
}

export type JoinResult = Result<JoinedRoom>;
export type Ack = (result: Result) => void;

/** Why a member left: on purpose, after the reconnect grace ran out, or removed by an admin. */
export type LeaveReason = 'left' | 'disconnected' | 'kicked';

/** Events a client sends the signaling server. Every one is answered through its ack. */
export interface ClientToServerEvents {
  join: (request: JoinRequest, ack: (result: JoinResult) => void) => void;
  resume: (request: ResumeRequest, ack: (result: JoinResult) => void) => void;
  leave: (ack: Ack) => void;
  /**
   * The page is going away (closed, reloaded, navigated elsewhere): when this connection drops, its
   * seat is kept only for a reload, not the whole reconnect grace. No answer.
   */
  bye: () => void;
  /** Is this connection still alive? Answered at once; a page that stopped hearing a peer asks. */
  alive: (ack: Ack) => void;
  /** Relay an offer, answer or ICE candidate to one member of your room. */
  signal: (request: SignalRequest, ack?: Ack) => void;
  /** Wait for a stranger; `paired` follows when one is found. */
  pair: (request: PairRequest, ack: (result: Result<{ queued: true }>) => void) => void;
  'pair-cancel': (ack: Ack) => void;
  admin: (request: AdminRequest, ack: Ack) => void;
}

/** Events the signaling server sends a client. */
export interface ServerToClientEvents {
  'peer-joined': (event: { nick: string }) => void;
  'peer-left': (event: { nick: string; reason: LeaveReason }) => void;
  /** An offer, answer or candidate; `from` is stamped by the server, never taken from the sender. */
  signal: (event: { from: string; data: SignalData }) => void;
  /** Pairing found a stranger; you are now in a fresh room of two. */
  paired: (event: JoinedRoom) => void;
  /** A line from the operator, for every room. */
  announce: (event: { text: string }) => void;
  /** A fresh token for your seat: keep it in place of the one you hold (sent every few minutes). */
  session: (event: { session: string }) => void;
  /** An admin removed you from your room. */
  kicked: (event: { room: string }) => void;
  /** The server is going away; peer links you already have keep working. Acknowledge to speed up. */
  'server-shutdown': (event: { message: string }, ack: () => void) => void;
  /** An event that had no ack to answer with was refused. */
  'protocol-error': (event: { event: string; code: ErrorCode }) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
