import type { PeerMessage, SigningAlgorithm, Said } from '@meshchat/protocol';
import type { DirectLink, Link, LinkFactory, LinkFailure, LinkRoute, LinkState, RelayFrame } from '../net';
import type { DetourRoom } from './detour';
import type { Notice } from './notices';

/** What People shows about one person. */
export interface PeerView {
  /** The link's state, or `away`: their seat is held while their connection is down, so no link can form until they are back. */
  state: LinkState | 'away' | 'leaving';
  /** Known once the link is open. */
  route?: LinkRoute;
  /** Our own link to them does not work, and this person carries what we say to each other, sealed. */
  via?: string;
  /** A short code from both DTLS fingerprints, the same on both ends, to compare out of band. */
  safety?: string;
  /** In a private room: whether the peer proved, on this very link, that it holds the secret. */
  verification?: 'verifying' | 'verified' | 'failed';
  /** For Connection details: the open link's candidate types, ours ↔ theirs ("host ↔ srflx"). */
  candidates?: string;
  /** For Connection details: why their link last broke or failed to form. */
  problem?: LinkFailure;
}

/** Who we are in the room, and what each person's links are made with. */
export interface RoomSelf {
  readonly me: string;
  readonly proofKey: CryptoKey | undefined;
  /** Our signing key, once made: sent on each link, and bound into its safety code. */
  readonly ownKey: { alg: SigningAlgorithm; key: string } | undefined;
  /** The page is being left: nothing is acknowledged until it turns out to stay. */
  readonly holdingAcks: boolean;
  readonly links: LinkFactory;
}

/** Ways to a person other than our own link: the signaling server, and third people who reach them. */
export interface PeerWays extends DetourRoom {
  /** Hand a frame sealed for `to` to `via`, who reaches them; `false` when our link to `via` cannot take it. */
  carry(via: string, to: string, frame: RelayFrame): boolean;
}

/** Where what a person sends us goes: each frame to the feature it is for. */
export interface PeerInbound<P> {
  /** A frame from this person, for the room to route to the feature it is for. */
  route(peer: P, message: PeerMessage): void;
  /** A message from this person, shown once (the first time it arrives). */
  show(peer: P, message: Said): void;
  chunk(peer: P, id: string, data: Uint8Array): void;
  /** A media track of this person's arrived on our own, proved link to them. */
  mediaArrived(peer: P, track: MediaStreamTrack, stream: MediaStream): void;
  receipt(messageId: string, list: 'sent' | 'delivered' | 'lost', nick: string): void;
}

/** What becomes of a person's links, for the features that follow them (the call, files, history, who reaches whom). */
export interface PeerLinkEvents<P> {
  /**
   * A link of our own to this person opened: if the name's earlier links showed another DTLS
   * fingerprint (kept after its person leaves: the name is what someone else could take), someone
   * else, another browser, now answers to it.
   */
  opened(peer: P, link: Link): void;
  /** Our own link to this person became usable (open, and in a private room proved). */
  usable(peer: P, link: DirectLink): void;
  /** This person's link went down: what was on it (file transfers) stops. */
  lost(peer: P, reason: LinkFailure | undefined): void;
}

/** What a person has to tell the page. */
export interface PeerReports<P> {
  tell(notice: Notice): void;
  /** A warning about this person, shown where their messages show. */
  warn(peer: P, notice: Notice): void;
  /** The server does not know this person in the room: they leave unless they are back in time. */
  unlisted(nick: string): void;
  /** A frame of theirs failed to parse and was dropped. */
  dropped(): void;
  /** How this person stands (their link, its route) changed. */
  changed(): void;
}

/** What a person needs from the room they are in, in five narrow parts; `P` is the person (a `Peer`). */
export interface PeerRoom<P> {
  readonly self: RoomSelf;
  readonly ways: PeerWays;
  readonly inbound: PeerInbound<P>;
  readonly linkEvents: PeerLinkEvents<P>;
  readonly report: PeerReports<P>;
}
