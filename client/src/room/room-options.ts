import type { Result, SignalData } from '@meshchat/protocol';
import type { LinkFactory } from '../net';
import type { HistoryOptions, SigningKeys } from './back-fill';
import type { CallSettings } from './governor';
import type { Log } from './log';
import type { Arrival, Notice } from './notices';

/** What a room is made with: who we are, how links are made and signals relayed, where it tells things. */
export interface RoomOptions {
  /** Our own nickname in the room. */
  me: string;
  /** A private room's proof key, derived from its secret; none in a public room. */
  proofKey?: CryptoKey | undefined;
  links: LinkFactory;
  /** Relay a signal to `to` through the signaling server; `answered` gets its verdict. */
  relay(to: string, data: SignalData, answered: (result: Result) => void): void;
  log: Log;
  /** A notice in words of the reader's language. */
  words(notice: Notice): string;
  /** Someone else's message or file offer was shown. */
  arrived(arrival: Arrival): void;
  /** A frame failed to parse and was dropped. */
  dropped(): void;
  /** A link stopped hearing its peer: our network may have changed, so the signaling connection is checked. */
  silent?(): void;
  /** How calls in this room are governed; the defaults if not given. */
  callSettings?: CallSettings | undefined;
  /** Our signing key pair (kept for the tab); none: our messages go unsigned and nobody's are checked. */
  signing?: Promise<SigningKeys | undefined> | undefined;
  /** The room's history: whether and how much of it is kept and given to people who join later; none: not at all. */
  history?: HistoryOptions | undefined;
  /** Whether we tell people our page showed their messages ("seen by"); yes if not given. */
  tellSeen?(): boolean;
  changed(): void;
}
