import type SimplePeer from 'simple-peer';
import type { MediaKind, VideoShape } from './link';
import { withDtx } from './sdp';
import { shapeSender } from './shape';

/** Places for media the answering side may ask for on one link: a microphone, a camera and a screen, with room to spare. */
const MAX_TRANSCEIVER_REQUESTS = 4;

/** simple-peer 9.11 has `negotiate()` (a new offer, or the answering side asking for one); its types leave it out. */
type Negotiating = SimplePeer.Instance & { negotiate(): void };

/**
 * What one link carries of a call: its senders, how each video is shaped, whether the microphone
 * asks for DTX, and how much the answering side may ask to add. A part of `PeerLink` (the other
 * file that touches simple-peer), kept apart so the data-channel link reads on its own.
 */
export class LinkMedia {
  readonly #peer: SimplePeer.Instance;
  readonly #connection: () => RTCPeerConnection;
  readonly #initiator: boolean;
  readonly #open: () => boolean;
  /** The sender of each kind of media we send on this link, once we first sent it. */
  readonly #senders = new Map<MediaKind, RTCRtpSender>();
  #transceiverRequests = 0;
  /** What each video sender was last shaped to (so an unchanged answer costs nothing), and the queue of changes: one at a time. */
  readonly #shapes = new Map<MediaKind, string>();
  /** The shape the governor last asked for, per kind: applied as soon as a new sender can take it. */
  readonly #wantedShapes = new Map<'video' | 'screen', VideoShape>();
  #shaping: Promise<void> = Promise.resolve();
  /** Whether our offers and answers ask their microphone for DTX. */
  #dtx = false;

  constructor(peer: SimplePeer.Instance, connection: () => RTCPeerConnection, initiator: boolean, open: () => boolean) {
    this.#peer = peer;
    this.#connection = connection;
    this.#initiator = initiator;
    this.#open = open;
  }

  /** Our offers and answers, as simple-peer is about to send them. */
  transform(sdp: string): string {
    return this.#dtx ? withDtx(sdp) : sdp;
  }

  /** Whether the other side may have another place for media: the offering side grants a few, no more. */
  grantsTransceiver(): boolean {
    return this.#initiator && ++this.#transceiverRequests <= MAX_TRANSCEIVER_REQUESTS;
  }

  /** A sender added since the last negotiation takes its shape as soon as the negotiation ends, not at the governor's next round. */
  watchNegotiation(): void {
    const connection = this.#connection();
    connection.addEventListener('signalingstatechange', () => {
      if (connection.signalingState !== 'stable') return;
      for (const [kind, shape] of this.#wantedShapes) if (!this.#shapes.has(kind)) this.shape(kind, shape);
    });
  }

  /** How loud the loudest sound arriving on this link is now (0–1), if any arrives. */
  audioLevel(): number | undefined {
    const levels = this.#connection()
      .getReceivers()
      .filter(({ track }) => track.kind === 'audio')
      .flatMap((receiver) => receiver.getSynchronizationSources().flatMap(({ audioLevel }) => (audioLevel === undefined ? [] : [audioLevel])));
    return levels.length > 0 ? Math.max(...levels) : undefined;
  }

  shape(kind: 'video' | 'screen', shape: VideoShape): void {
    this.#wantedShapes.set(kind, shape);
    const sender = this.#senders.get(kind);
    const key = JSON.stringify(shape);
    if (!sender || this.#shapes.get(kind) === key) return;
    this.#shapes.set(kind, key);
    // setParameters takes the parameters of the latest getParameters: changes go one after the other.
    this.#shaping = this.#shaping.then(async () => {
      // Before its negotiation ends the sender has no encodings yet: shaped when it ends (see watchNegotiation).
      if (!this.#open() || !(await shapeSender(sender, kind, shape))) this.#shapes.delete(kind);
    });
  }

  quietAudio(on: boolean): void {
    if (this.#dtx === on) return;
    this.#dtx = on;
    // A connection that carries media negotiates again (the answering side asks the offering side to), so both ends hear of it.
    if (this.#open() && this.#connection().getTransceivers().length > 0) (this.#peer as Negotiating).negotiate();
  }

  /**
   * Media goes on the connection the link already has. The first track of a kind is added, which
   * needs a new offer: simple-peer lets only the offering side offer, so the answering side also
   * asks the offering side for a place for it (without one, its track would never be sent). After
   * that the same sender carries whatever replaces it, or nothing, with no negotiation at all.
   */
  send(kind: MediaKind, track: MediaStreamTrack | null, stream: MediaStream): void {
    const sender = this.#senders.get(kind);
    if (sender) {
      sender.replaceTrack(track).catch((error: unknown) => console.warn('meshchat: could not change what a link sends', error));
      return;
    }
    if (!track) return;
    try {
      this.#peer.addTrack(track, stream);
      const added = this.#connection()
        .getSenders()
        .find((each) => each.track === track);
      if (added) this.#senders.set(kind, added);
      if (!this.#initiator) this.#peer.addTransceiver(kind === 'audio' ? 'audio' : 'video', { direction: 'recvonly' });
    } catch (error: unknown) {
      console.warn('meshchat: could not add media to a link', error);
    }
  }
}
