import SimplePeer from 'simple-peer';
import {
  FILE_BUFFER_HIGH_BYTES,
  FILE_BUFFER_LOW_BYTES,
  FILE_CHUNK_BYTES,
  HELLO,
  encodeFileChunk,
  encodePeerMessage,
  fileChunkHeaderBytes,
  parseFileChunk,
  parsePeerFrame,
  type PeerMessage,
  type SignalData,
} from '@meshchat/protocol';
import { Heartbeat, type HeartbeatTimes } from './heartbeat';
import { sdpFingerprint } from './fingerprint';
import { withDtx } from './sdp';
import { ownFrame } from './own-frames';
import type { InboundBudget } from './inbound-budget';
import type { Link, LinkFactory, LinkFailure, LinkHooks, LinkState, MediaKind, VideoShape } from './link';

export interface PeerLinkOptions extends LinkHooks {
  /** The remote peer's nickname: every frame on this link is attributed to it. */
  nick: string;
  initiator: boolean;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** This tab's certificate, so the fingerprint stays the same on every link. */
  certificate?: RTCCertificate | undefined;
  /** Give up on a link that has not opened within this time. */
  connectTimeoutMs?: number;
}

/**
 * File data has a data channel of its own, so a long transfer never queues chat messages behind
 * it. Both ends create it with the same id once the link is up (`negotiated`), which needs no
 * further offer and answer. The id is far from the ones simple-peer's own channel gets (0 or 1),
 * and below 256: between Firefox and Chromium the SCTP association has 256 streams, and a channel
 * on a higher one reports "open" but throws OperationError on every send (it was 1000, and no file
 * from Firefox reached Chromium).
 */
const FILE_CHANNEL = { label: 'meshchat-files', id: 64 } as const;

const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
/** An open link whose peer does not answer a ping within this time is taken for dead. */
const PROBE_TIMEOUT_MS = 3_000;
/**
 * An open link whose ICE turned "disconnected" (its consent checks went unanswered: a network went
 * away, or changed under it) and is not back within this time is failed, so it is re-made at once
 * instead of lingering as "connected" until ICE gives up on it half a minute later.
 */
const DISCONNECTED_GRACE_MS = 2_000;
/**
 * Chromium takes 6 s or more to call a link whose network changed "disconnected". So an open link
 * that has brought nothing for 2 s asks, and one that has brought nothing for 4.5 s is failed and re-made.
 */
const HEARTBEAT: HeartbeatTimes = { quietMs: 2_000, silentMs: 4_500 };
/** Places for media the answering side may ask for on one link: a microphone, a camera and a screen, with room to spare. */
const MAX_TRANSCEIVER_REQUESTS = 4;

/** simple-peer 9.11 has `negotiate()` (a new offer, or the answering side asking for one); its types leave it out. */
type Negotiating = SimplePeer.Instance & { negotiate(): void };

/**
 * One WebRTC data-channel link to one remote peer: owns its simple-peer instance, its state and
 * its teardown. The only file that touches simple-peer.
 */
export class PeerLink implements Link {
  readonly nick: string;
  readonly initiator: boolean;
  #state: LinkState = 'connecting';
  #peer: SimplePeer.Instance;
  #options: PeerLinkOptions;
  #timer: ReturnType<typeof setTimeout>;
  #localCandidates = 0;
  /** Why a TURN server refused us, if one did: the likeliest reason a relay-only link fails. */
  #turnError: LinkFailure | undefined;
  #files: RTCDataChannel | undefined;
  readonly #budget: InboundBudget;
  #probe: ReturnType<typeof setTimeout> | undefined;
  #silent: ReturnType<typeof setTimeout> | undefined;
  readonly #heartbeat = new Heartbeat(HEARTBEAT, {
    ping: () => this.open && this.send({ type: 'ping' }),
    silent: () => this.open && this.#fail({ why: 'silent' }),
  });
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

  constructor(options: PeerLinkOptions) {
    this.nick = options.nick;
    this.initiator = options.initiator;
    this.#options = options;
    this.#budget = options.budget;
    const config: RTCConfiguration = { iceServers: options.iceServers };
    if (options.iceTransportPolicy) config.iceTransportPolicy = options.iceTransportPolicy;
    if (options.certificate) config.certificates = [options.certificate];
    this.#peer = new SimplePeer({ initiator: options.initiator, trickle: true, config, sdpTransform: (sdp: string) => (this.#dtx ? withDtx(sdp) : sdp) });
    this.#peer.on('signal', (data: SimplePeer.SignalData) => {
      // Firefox ends gathering with a candidate whose text is empty (end of candidates): no way in.
      if (data.type === 'candidate' && data.candidate.candidate !== '') this.#localCandidates += 1;
      options.onSignal(data as SignalData);
    });
    this.#peer.on('connect', () => {
      clearTimeout(this.#timer);
      this.#peer.send(encodePeerMessage(HELLO));
      this.#openFileChannel();
      this.#heartbeat.start();
      this.#setState('connected');
      void this.#reportRoute();
    });
    this.#watchGathering();
    this.#watchConsent();
    this.#watchNegotiation();
    this.#peer.on('data', (raw: Uint8Array | string) => this.#receive(raw));
    this.#peer.on('track', (track: MediaStreamTrack, stream: MediaStream) => options.onTrack?.(track, stream));
    this.#peer.on('error', (error: Error) => this.#fail({ why: 'error', detail: error.message }));
    this.#peer.on('close', () => this.#fail({ why: 'closed' }));
    this.#timer = setTimeout(() => this.#fail({ why: 'timeout' }), options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  }

  get state(): LinkState {
    return this.#state;
  }

  get open(): boolean {
    return this.#state === 'connected';
  }

  /** Feed an offer, answer or candidate that the signaling server relayed from this peer. */
  signal(data: SignalData): void {
    if (this.#state !== 'connecting' && this.#state !== 'connected') return;
    // Each request makes a transceiver here and grows every offer: a few per link, no more.
    if (data.type === 'transceiverRequest' && (!this.initiator || ++this.#transceiverRequests > MAX_TRANSCEIVER_REQUESTS)) return;
    // An answer to no offer of ours (one that crossed a newer negotiation, or came twice) is stale: applied, it would break the link.
    if (data.type === 'answer' && this.#connection.signalingState !== 'have-local-offer') return;
    this.#peer.signal(data as SimplePeer.SignalData);
  }

  audioLevel(): number | undefined {
    const levels = this.#connection
      .getReceivers()
      .filter(({ track }) => track.kind === 'audio')
      .flatMap((receiver) => receiver.getSynchronizationSources().flatMap(({ audioLevel }) => (audioLevel === undefined ? [] : [audioLevel])));
    return levels.length > 0 ? Math.max(...levels) : undefined;
  }

  shapeVideo(kind: 'video' | 'screen', shape: VideoShape): void {
    this.#wantedShapes.set(kind, shape);
    const sender = this.#senders.get(kind);
    const key = JSON.stringify(shape);
    if (!sender || this.#shapes.get(kind) === key) return;
    this.#shapes.set(kind, key);
    // setParameters takes the parameters of the latest getParameters: changes go one after the other.
    this.#shaping = this.#shaping.then(async () => {
      const parameters = sender.getParameters();
      // Before its negotiation ends the sender has no encodings yet: shaped when it ends (see #watchNegotiation).
      if (parameters.encodings.length === 0 || !this.open) {
        this.#shapes.delete(kind);
        return;
      }
      for (const encoding of parameters.encodings) {
        encoding.active = shape.active;
        encoding.scaleResolutionDownBy = shape.scaleResolutionDownBy;
        encoding.priority = shape.priority;
        encoding.networkPriority = shape.priority;
        if (shape.maxBitrate === undefined) delete encoding.maxBitrate;
        else encoding.maxBitrate = shape.maxBitrate;
        if (shape.maxFramerate === undefined) delete encoding.maxFramerate;
        else encoding.maxFramerate = shape.maxFramerate;
      }
      // A shared screen keeps its resolution (text stays legible) and loses frames instead.
      if (kind === 'screen') parameters.degradationPreference = 'maintain-resolution';
      try {
        await sender.setParameters(parameters);
      } catch (error: unknown) {
        this.#shapes.delete(kind);
        console.warn('meshchat: could not shape what a link sends', error);
      }
    });
  }

  async outgoingBitrate(): Promise<number | undefined> {
    if (!this.open) return undefined;
    const stats = await this.#connection.getStats();
    let bitrate: number | undefined;
    stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
      if (report.type !== 'transport' || !report.selectedCandidatePairId) return;
      const pair = stats.get(report.selectedCandidatePairId) as RTCIceCandidatePairStats | undefined;
      bitrate = pair?.availableOutgoingBitrate;
    });
    return bitrate;
  }

  quietAudio(on: boolean): void {
    if (this.#dtx === on) return;
    this.#dtx = on;
    // A connection that carries media negotiates again (the answering side asks the offering side to), so both ends hear of it.
    if (this.open && this.#connection.getTransceivers().length > 0) (this.#peer as Negotiating).negotiate();
  }

  renegotiates(sdp: string): boolean {
    const ufrag = (text: string | undefined) => /^a=ice-ufrag:(\S+)/m.exec(text ?? '')?.[1];
    const current = ufrag(this.#connection.remoteDescription?.sdp);
    return current !== undefined && current === ufrag(sdp);
  }

  /**
   * Media goes on the connection the link already has. The first track of a kind is added, which
   * needs a new offer: simple-peer lets only the offering side offer, so the answering side also
   * asks the offering side for a place for it (without one, its track would never be sent). After
   * that the same sender carries whatever replaces it, or nothing, with no negotiation at all.
   */
  sendMedia(kind: MediaKind, track: MediaStreamTrack | null, stream: MediaStream): void {
    if (!this.open) return;
    const sender = this.#senders.get(kind);
    if (sender) {
      sender.replaceTrack(track).catch((error: unknown) => console.warn('meshchat: could not change what a link sends', error));
      return;
    }
    if (!track) return;
    try {
      this.#peer.addTrack(track, stream);
      const added = this.#connection.getSenders().find((each) => each.track === track);
      if (added) this.#senders.set(kind, added);
      if (!this.initiator) this.#peer.addTransceiver(kind === 'audio' ? 'audio' : 'video', { direction: 'recvonly' });
    } catch (error: unknown) {
      console.warn('meshchat: could not add media to a link', error);
    }
  }

  /** Send one message; `false` when the link is not open (the caller tells the user). */
  send(message: PeerMessage): boolean {
    if (!this.open) return false;
    try {
      this.#peer.send(encodePeerMessage(message));
      return true;
    } catch (error: unknown) {
      this.#fail({ why: 'error', detail: error instanceof Error ? error.message : String(error) });
      return false;
    }
  }

  /**
   * Send `data` as one chunk of transfer `id` on the file channel. Resolves once the chunk is
   * queued and the channel's buffer is below its high mark again, so a sender that awaits each
   * chunk never holds more than `FILE_BUFFER_HIGH_BYTES` in the browser. Rejects if the link goes.
   */
  async sendChunk(id: string, data: Uint8Array): Promise<void> {
    const channel = this.#files;
    if (!this.open || !channel) throw new Error('the link is not open');
    if (channel.readyState === 'connecting') await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
    if (channel.readyState !== 'open') throw new Error('the file channel closed');
    channel.send(encodeFileChunk(id, data));
    if (channel.bufferedAmount <= FILE_BUFFER_HIGH_BYTES) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        channel.removeEventListener('bufferedamountlow', done);
        channel.removeEventListener('close', done);
        if (channel.readyState === 'open') resolve();
        else reject(new Error('the file channel closed'));
      };
      channel.addEventListener('bufferedamountlow', done);
      channel.addEventListener('close', done);
    });
  }

  /** Most file bytes one chunk of transfer `id` may carry: within the SCTP message size the peers agreed. */
  chunkBytes(id: string): number {
    const agreed = this.#connection.sctp?.maxMessageSize || FILE_CHUNK_BYTES;
    return Math.min(FILE_CHUNK_BYTES, agreed) - fileChunkHeaderBytes(id);
  }

  /** Ask the peer whether this link still reaches it; without a pong in time, the link fails. */
  probe(): void {
    if (!this.open || this.#probe !== undefined) return;
    this.#probe = setTimeout(() => this.#fail({ why: 'timeout' }), PROBE_TIMEOUT_MS);
    this.send({ type: 'ping' });
  }

  buffered(): number {
    return this.#peer.bufferSize;
  }

  fail(reason: LinkFailure): void {
    this.#fail(reason);
  }

  /** Tear the link down on purpose (the peer left, or we did). */
  close(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#timer);
    clearTimeout(this.#probe);
    clearTimeout(this.#silent);
    this.#heartbeat.stop();
    this.#state = 'closed';
    this.#peer.destroy();
  }

  /** The DTLS fingerprints of both ends, as the SDPs announced them; known once the link is open. */
  get fingerprints(): { local: string; remote: string } | undefined {
    const connection = this.#connection;
    const local = sdpFingerprint(connection.localDescription?.sdp);
    const remote = sdpFingerprint(connection.remoteDescription?.sdp);
    return local && remote ? { local, remote } : undefined;
  }

  /** simple-peer's RTCPeerConnection; read here only, for stats and ICE errors it does not surface. */
  get #connection(): RTCPeerConnection {
    return (this.#peer as unknown as { _pc: RTCPeerConnection })._pc;
  }

  #openFileChannel(): void {
    const channel = this.#connection.createDataChannel(FILE_CHANNEL.label, { negotiated: true, id: FILE_CHANNEL.id, ordered: true });
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = FILE_BUFFER_LOW_BYTES;
    channel.addEventListener('message', ({ data }: MessageEvent<ArrayBuffer | string>) => {
      const parsed = typeof data === 'string' ? undefined : parseFileChunk(data);
      this.#heartbeat.heard();
      if (parsed?.ok) this.#options.onChunk(parsed.id, parsed.data);
      else this.#options.onDropped();
    });
    this.#files = channel;
  }

  get #usesTurn(): boolean {
    return this.#options.iceServers.some(({ urls }) => [urls].flat().some((url) => /^turns?:/.test(url)));
  }

  /**
   * Fail at once, with the reason, when gathering ends with no way to reach the peer. Chromium
   * says why a TURN server failed (`icecandidateerror`); Firefox says nothing, and only the missing
   * candidates tell.
   */
  #watchGathering(): void {
    const connection = this.#connection;
    connection.addEventListener('icecandidateerror', (event) => {
      const { errorCode, errorText, url } = event as RTCPeerConnectionIceErrorEvent;
      if (!url?.startsWith('turn')) return;
      this.#turnError =
        errorCode === 401 ? { why: 'turn-refused' } : { why: 'turn-error', detail: `${errorCode} ${errorText}`.trim() };
    });
    connection.addEventListener('icegatheringstatechange', () => {
      if (connection.iceGatheringState === 'complete' && this.#localCandidates === 0 && this.#state === 'connecting') {
        this.#fail(this.#turnError ?? (this.#usesTurn ? { why: 'turn-silent' } : { why: 'no-route' }));
      }
    });
  }

  /** A sender added since the last negotiation takes its shape as soon as the negotiation ends, not at the governor's next round. */
  #watchNegotiation(): void {
    const connection = this.#connection;
    connection.addEventListener('signalingstatechange', () => {
      if (connection.signalingState !== 'stable') return;
      for (const [kind, shape] of this.#wantedShapes) if (!this.#shapes.has(kind)) this.shapeVideo(kind, shape);
    });
  }

  #watchConsent(): void {
    const connection = this.#connection;
    connection.addEventListener('iceconnectionstatechange', () => {
      const state = connection.iceConnectionState;
      if (state === 'disconnected' && this.open) {
        this.#silent ??= setTimeout(() => this.#fail({ why: 'silent' }), DISCONNECTED_GRACE_MS);
      } else if (state === 'connected' || state === 'completed') {
        clearTimeout(this.#silent);
        this.#silent = undefined;
      }
    });
  }

  async #reportRoute(): Promise<void> {
    try {
      const stats = await this.#connection.getStats();
      let pair: RTCIceCandidatePairStats | undefined;
      stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
        if (report.type === 'transport' && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId);
      });
      pair ??= [...stats.values()].find(
        (report: RTCIceCandidatePairStats) => report.type === 'candidate-pair' && report.nominated && report.state === 'succeeded',
      );
      if (!pair) return;
      const types = [pair.localCandidateId, pair.remoteCandidateId].map((id) => stats.get(id)?.candidateType);
      this.#options.onRoute(types.includes('relay') ? 'relayed' : 'direct', types.map((type) => type ?? '?').join(' ↔ '));
    } catch (error: unknown) {
      console.warn('meshchat: could not read link stats', error);
    }
  }

  #receive(raw: Uint8Array | string): void {
    // Frames can arrive before simple-peer says "connect" (it waits for stats first): they count.
    if (this.#state === 'failed' || this.#state === 'closed') return;
    this.#heartbeat.heard();
    if (!this.#budget.take('frame', performance.now())) {
      this.#fail({ why: 'flood' });
      return;
    }
    const parsed = parsePeerFrame(raw);
    if (!parsed.ok) {
      // History nobody can read is not a slip: it is a flood of another shape.
      if (parsed.type === 'history') this.#fail({ why: 'flood' });
      else this.#options.onDropped();
      return;
    }
    const { message } = parsed;
    if (ownFrame(message, this.#own)) return;
    if ((message.type === 'file-offer' || message.type === 'relay') && !this.#budget.take(message.type, performance.now())) {
      this.#fail({ why: 'flood' });
      return;
    }
    this.#options.onMessage(message);
  }

  readonly #own = {
    send: (message: PeerMessage) => this.send(message),
    fail: (reason: LinkFailure) => this.#fail(reason),
    ponged: () => {
      clearTimeout(this.#probe);
      this.#probe = undefined;
    },
  };

  #fail(reason: LinkFailure): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    clearTimeout(this.#timer);
    clearTimeout(this.#probe);
    clearTimeout(this.#silent);
    this.#heartbeat.stop();
    this.#state = 'failed';
    this.#peer.destroy();
    this.#options.onState('failed', reason);
  }

  #setState(state: LinkState): void {
    this.#state = state;
    this.#options.onState(state);
  }
}

/** What every link this tab makes is made with, read when each link is made (TURN credentials are refreshed). */
export interface LinkSettings {
  iceServers(): RTCIceServer[];
  certificate(): RTCCertificate | undefined;
  /** `relay` sends everything through TURN. */
  iceTransportPolicy?: RTCIceTransportPolicy | undefined;
}

/** Makes real WebRTC links with these settings. */
export function peerLinks(settings: LinkSettings): LinkFactory {
  const policy = settings.iceTransportPolicy;
  return (nick, initiator, hooks) =>
    new PeerLink({ nick, initiator, iceServers: settings.iceServers(), certificate: settings.certificate(), ...(policy ? { iceTransportPolicy: policy } : {}), ...hooks });
}
