import type { ErrorCode, LeaveReason } from '@meshchat/protocol';
import type { LinkFailure } from '../net';

/**
 * What the room has to tell its user, as values: the interface puts them in words of the reader's
 * language (`noticeText` in ui/words.ts), and tests read them as they are.
 */
export type Notice =
  /** `room` is undefined for a private room, whose id means nothing to a person. */
  /** `history`: whether the people here give us the room's recent messages. */
  | { type: 'entered'; nick: string; room: string | undefined; peers: readonly string[]; history: boolean }
  | { type: 'peer-joined'; nick: string }
  | { type: 'peer-left'; nick: string; reason: LeaveReason }
  /** Found in the room on getting the seat back after the signaling connection returned. */
  | { type: 'peer-here'; nick: string }
  | { type: 'nobody-connected' }
  | { type: 'private-unverified'; to: string; text: string }
  | { type: 'private-gone'; to: string; text: string }
  | { type: 'outbox-full'; nick: string }
  /**
   * A link incident's line begins with how it began (`link-lost`, or `link-none`: no link formed
   * at all) and ends with how it stands: `link-waiting`, `relayed`, `peer-away`, or `link-back`
   * (`ms` after it began).
   */
  | { type: 'link-none'; nick: string }
  | { type: 'link-waiting'; nick: string }
  | { type: 'link-back'; nick: string; ms: number }
  /** The server keeps `nick`'s seat while their connection is down. */
  | { type: 'peer-away'; nick: string }
  | { type: 'link-lost'; nick: string; reason: LinkFailure | undefined }
  /** Our own link to `nick` does not work; `via` carries what we say to each other, sealed (the end of an incident's line). */
  | { type: 'relayed'; nick: string; via: string }
  /** `via` changed, dropped or replayed what it carried between us and `nick`, and carries nothing more. */
  | { type: 'relay-tampered'; nick: string; via: string }
  /** Shown as a warning where the person's messages show. */
  | { type: 'identity-changed'; nick: string }
  | { type: 'unverified'; nick: string; why: 'no-proof' | 'bad-proof' }
  | { type: 'left-unreceived'; nick: string; count: number }
  /** `count` messages of `nick`'s, in the room's history, that nobody here gave us. */
  | { type: 'history-gap'; nick: string; count: number }
  /** A message `holders` gave us as `nick`'s, whose signature is not `nick`'s: not shown. */
  | { type: 'history-unverifiable'; nick: string; holders: readonly string[] }
  /** `nick` edited or deleted a message of `of`'s, which only `of` may: not applied. */
  | { type: 'act-not-theirs'; nick: string; of: string }
  | { type: 'refused'; event: string; code: ErrorCode }
  | { type: 'file-too-large'; name: string }
  | { type: 'file-nobody'; name: string }
  /** Files go on our own links only, and `nick` is reached through `via`. */
  | { type: 'file-relayed'; name: string; nick: string; via: string }
  | { type: 'file-unreadable'; name: string }
  /** The browser gave no microphone or camera: not allowed, none there, or it failed. */
  /** `cap` people already send their camera in the call: ours stays off until one of them stops. */
  | { type: 'cameras-full'; cap: number }
  /** Someone is in the room's call where nobody was: `nick` began it (we did: undefined), or it was on before we heard (`found`). */
  | { type: 'call-started'; nick: string | undefined; found: boolean }
  /** Nobody is in the call any more, `ms` after it began (as far as we saw). */
  | { type: 'call-ended'; ms: number }
  /** `nick` declined our call of two, or hung up on it. */
  | { type: 'call-declined' | 'call-hung-up'; nick: string }
  /** `busy`: another program holds it; `unsupported`: this browser cannot (screens on phones). */
  | { type: 'device'; device: 'microphone' | 'camera' | 'screen'; why: 'denied' | 'missing' | 'busy' | 'unsupported' | 'failed' };

/**
 * How a person stands with us, as People shows it and the log tells it: both read this one value,
 * so they cannot disagree (see standing.ts).
 * - `new`: in the room, our first link to them still forming;
 * - `here`: our own link to them works;
 * - `lost`: our own link broke (or never formed) and nobody carries what we say;
 * - `relayed`: our own link does not work, and `via` carries what we say to each other;
 * - `away`: the server keeps their seat while their connection is down;
 * - `leaving`: their page said goodbye (closed or reloading): they leave unless a reload brings them back.
 */
export type Standing =
  | { is: 'new' }
  | { is: 'here' }
  | { is: 'lost'; reason: LinkFailure | undefined }
  | { is: 'relayed'; via: string }
  | { is: 'away' }
  | { is: 'leaving' };

/** Someone else's message or file offer arrived, for the interface to count and call attention to. */
export interface Arrival {
  from: string;
  private: boolean;
  /** The message's text, or the offered file's name. */
  text: string;
  file: boolean;
  /** Its words mention the reader. */
  mentioned?: boolean;
}
