import type { PeerMessage, SignalData } from '@meshchat/protocol';
import type { InboundBudget } from './inbound-budget';

/** What the UI shows about one peer's link. */
export type LinkState = 'connecting' | 'connected' | 'failed' | 'closed';

/** Why a link failed, for words in the reader's language; `detail` carries what the browser said. */
export type LinkFailure =
  | { why: 'closed' }
  | { why: 'timeout' }
  /** An open link stopped hearing from its peer: a network went away or changed (`reported`: the other end of a relayed link heard nothing and told us). */
  | { why: 'silent'; reported?: true }
  | { why: 'no-route' }
  | { why: 'turn-refused' }
  | { why: 'turn-error'; detail: string }
  /** A TURN server was configured and gave no relay address, and the browser did not say why (Firefox does not). */
  | { why: 'turn-silent' }
  | { why: 'version'; theirs: number; ours: number }
  /** They sent more than anyone chatting would; the link was closed to keep the page responsive. */
  | { why: 'flood' }
  /** The person relaying the link changed, dropped, replayed or reordered a sealed frame (`reported`: the other end caught it and told us). */
  | { why: 'tampered'; via: string; reported?: true }
  | { why: 'error'; detail: string };

/** The media a link carries: the microphone, the camera, or a shared screen. */
export type MediaKind = 'audio' | 'video' | 'screen';

/** What one of our video senders is asked to send on one link (`RTCRtpEncodingParameters`). */
export interface VideoShape {
  /** False while the receiver does not show this video (its tile hidden or scrolled away). */
  active: boolean;
  /** Bits per second; `undefined` leaves it to the browser (the governor switched off). */
  maxBitrate: number | undefined;
  scaleResolutionDownBy: number;
  maxFramerate: number | undefined;
  priority: RTCPriorityType;
}

/** How an open link's packets travel: straight between the browsers, or through a TURN relay. */
export type LinkRoute = 'direct' | 'relayed';

/**
 * What any link to a person does, ours or one relayed through a third person: carry frames, say
 * whether it is open, prove it still reaches them, end.
 */
export interface Link {
  readonly nick: string;
  readonly state: LinkState;
  readonly open: boolean;
  /** The DTLS fingerprints of both ends; known once the link is open (a relayed link has none). */
  readonly fingerprints: { local: string; remote: string } | undefined;
  send(message: PeerMessage): boolean;
  /** Check the open link still reaches its peer; if no answer comes back soon, it fails. */
  probe(): void;
  /** Bytes sent on the chat channel that have not left the browser yet, for senders of long answers to pace themselves. */
  buffered?(): number;
  /** End the link as failed, for `reason` (they sent what nobody asked for: a flood). */
  fail(reason: LinkFailure): void;
  close(): void;
}

/**
 * What a link's getStats says of the video we send on it: the governor reads a series of these.
 * Chromium reports the congestion controller's available outgoing bitrate; Firefox does not, and
 * the governor then goes by loss and round-trip time, which the receivers report to both.
 */
export interface SendStats {
  /** Available outgoing bitrate (bits/s), where the browser reports it (Chromium). */
  available: number | undefined;
  /** Whether the browser says the link's bandwidth is what holds our video back (Chromium), if it says. */
  bandwidthLimited?: boolean | undefined;
  /** Round-trip time (seconds), from the receiver's reports on our video, else the candidate pair. */
  rtt: number | undefined;
  /** Video sent so far: bytes and packets, and packets the receiver reported lost. */
  bytesSent: number;
  packetsSent: number;
  packetsLost: number;
  /** When, in ms (performance.now() or the stats' own clock: only differences count). */
  at: number;
}

/**
 * A link of our own (a `PeerLink`; unit tests stand in for it): made through signals, with a file
 * channel, and carrying a call's media. A relayed link has none of these.
 */
export interface DirectLink extends Link {
  signal(data: SignalData): void;
  sendChunk(id: string, data: Uint8Array): Promise<void>;
  chunkBytes(id: string): number;
  /** Send `track` as this link's `kind`, in place of what it sent, or stop sending it (`null`). */
  sendMedia(kind: MediaKind, track: MediaStreamTrack | null, stream: MediaStream): void;
  /** Whether an offer on the open link renegotiates it (media added) rather than starting another one. */
  renegotiates(sdp: string): boolean;
  /** How loud what they send us is right now, 0 to 1; undefined without sound from them. */
  audioLevel(): number | undefined;
  /** Shape what our sender of `kind` sends on this link (the bandwidth governor's answer); nothing before it first sent. */
  shapeVideo(kind: 'video' | 'screen', shape: VideoShape): void;
  /** What the link says of the video we send on it (getStats), while it is open. */
  sendStats(): Promise<SendStats | undefined>;
  /** Ask their microphone to send nothing during silence (Opus DTX), or not; it takes effect at the next negotiation. */
  quietAudio(on: boolean): void;
}

/** What a link tells the person it belongs to. */
export interface LinkHooks {
  /** What this person may still send; kept across their links, so re-linking does not refill it. */
  budget: InboundBudget;
  onSignal(data: SignalData): void;
  onMessage(message: PeerMessage): void;
  onState(state: LinkState, reason?: LinkFailure): void;
  /** Which way the open link runs, once the selected candidate pair is known; `candidates` names its two ends' candidate types ("host ↔ srflx"). */
  onRoute(route: LinkRoute, candidates?: string): void;
  /** A chunk of file data arrived on the file channel. */
  onChunk(id: string, data: Uint8Array): void;
  /** A frame that failed to parse: dropped, counted, never shown. */
  onDropped(): void;
  /** A media track of theirs arrived. */
  onTrack?(track: MediaStreamTrack, stream: MediaStream): void;
  /** The link is still trying, but every way it has tried got no answer: it will not open by itself. */
  onStalled?(): void;
}

export type LinkFactory = (nick: string, initiator: boolean, hooks: LinkHooks) => DirectLink;
