import SimplePeer from 'simple-peer';
import {
  HELLO,
  encodePeerMessage,
  parsePeerFrame,
  type PeerMessage,
  type SignalData,
} from '@meshchat/protocol';
import { routeOf, sendStatsOf } from './connection-stats';
import { LinkWatch } from './link-watch';
import { FileChannel, chunkBytes } from './file-channel';
import { sdpFingerprint } from './fingerprint';
import { LinkMedia } from './link-media';
import { ownFrame } from './own-frames';
import { watchStall } from './stall-watch';
import type { InboundBudget } from './inbound-budget';
import type { DirectLink, LinkFactory, LinkFailure, LinkHooks, LinkState, MediaKind, SendStats, VideoShape } from './link';

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

const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
/**
 * One WebRTC data-channel link to one remote peer: owns its simple-peer instance, its state and
 * its teardown. With `link-media.ts` (what it carries of a call), the only file that touches simple-peer.
 */
export class PeerLink implements DirectLink {
  readonly nick: string;
  readonly initiator: boolean;
  #state: LinkState = 'connecting';
  #peer: SimplePeer.Instance;
  #options: PeerLinkOptions;
  #timer: ReturnType<typeof setTimeout>;
  #localCandidates = 0;
  /** Why a TURN server refused us, if one did: the likeliest reason a relay-only link fails. */
  #turnError: LinkFailure | undefined;
  #files: FileChannel | undefined;
  readonly #budget: InboundBudget;
  readonly #watch = new LinkWatch({
    open: () => this.open,
    ping: () => this.send({ type: 'ping' }),
    fail: (reason) => this.#fail(reason),
    stats: () => this.#connection.getStats(),
  });
  /** What this link sends and receives of a call. */
  readonly #media: LinkMedia;
  /** Stops looking for a sign that the link's own way failed (it opened, or ended). */
  readonly #stopWatching: () => void;

  constructor(options: PeerLinkOptions) {
    this.nick = options.nick;
    this.initiator = options.initiator;
    this.#options = options;
    this.#budget = options.budget;
    const config: RTCConfiguration = { iceServers: options.iceServers };
    if (options.iceTransportPolicy) config.iceTransportPolicy = options.iceTransportPolicy;
    if (options.certificate) config.certificates = [options.certificate];
    this.#peer = new SimplePeer({ initiator: options.initiator, trickle: true, config, sdpTransform: (sdp: string) => this.#media.transform(sdp) });
    this.#media = new LinkMedia(this.#peer, () => this.#connection, options.initiator, () => this.open);
    this.#peer.on('signal', (data: SimplePeer.SignalData) => {
      // Firefox ends gathering with a candidate whose text is empty (end of candidates): no way in.
      if (data.type === 'candidate' && data.candidate.candidate !== '') this.#localCandidates += 1;
      options.onSignal(data as SignalData);
    });
    this.#peer.on('connect', () => {
      clearTimeout(this.#timer);
      this.#stopWatching();
      this.#peer.send(encodePeerMessage(HELLO));
      this.#files = new FileChannel(this.#connection, {
        heard: () => this.#watch.heard(),
        chunk: (id, data) => this.#options.onChunk(id, data),
        dropped: () => this.#options.onDropped(),
      });
      this.#watch.start();
      this.#setState('connected');
      void this.#reportRoute();
      // ICE may move the link to a better pair once more checks succeed (from a relay to a direct
      // path): the route shown follows it. Where the event is missing (Firefox), ICE coming back
      // to "connected" after a change says so too.
      this.#connection.sctp?.transport.iceTransport.addEventListener('selectedcandidatepairchange', () => void this.#reportRoute());
    });
    this.#watchGathering();
    this.#watchConsent();
    this.#media.watchNegotiation();
    this.#peer.on('data', (raw: Uint8Array | string) => this.#receive(raw));
    this.#peer.on('track', (track: MediaStreamTrack, stream: MediaStream) => options.onTrack?.(track, stream));
    this.#peer.on('error', (error: Error) => this.#fail({ why: 'error', detail: error.message }));
    this.#peer.on('close', () => this.#fail({ why: 'closed' }));
    this.#timer = setTimeout(() => this.#fail({ why: 'timeout' }), options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    this.#stopWatching = watchStall(this.#connection, () => options.onStalled?.());
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
    if (data.type === 'transceiverRequest' && !this.#media.grantsTransceiver()) return;
    // An answer to no offer of ours (one that crossed a newer negotiation, or came twice) is stale: applied, it would break the link.
    if (data.type === 'answer' && this.#connection.signalingState !== 'have-local-offer') return;
    this.#peer.signal(data as SimplePeer.SignalData);
  }

  audioLevel(): number | undefined {
    return this.#media.audioLevel();
  }

  shapeVideo(kind: 'video' | 'screen', shape: VideoShape): void {
    this.#media.shape(kind, shape);
  }

  async sendStats(): Promise<SendStats | undefined> {
    return this.open ? sendStatsOf(await this.#connection.getStats()) : undefined;
  }

  quietAudio(on: boolean): void {
    this.#media.quietAudio(on);
  }

  renegotiates(sdp: string): boolean {
    const ufrag = (text: string | undefined) => /^a=ice-ufrag:(\S+)/m.exec(text ?? '')?.[1];
    const current = ufrag(this.#connection.remoteDescription?.sdp);
    return current !== undefined && current === ufrag(sdp);
  }

  sendMedia(kind: MediaKind, track: MediaStreamTrack | null, stream: MediaStream): void {
    if (this.open) this.#media.send(kind, track, stream);
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
    if (!this.open || !this.#files) throw new Error('the link is not open');
    await this.#files.send(id, data);
  }

  chunkBytes(id: string): number {
    return chunkBytes(this.#connection, id);
  }

  /** Ask the peer whether this link still reaches it; without a pong in time, the link fails. */
  probe(): void {
    this.#watch.probe();
  }

  buffered(): number {
    return this.#peer.bufferSize;
  }

  fail(reason: LinkFailure): void {
    this.#fail(reason);
  }

  /** Tear the link down on purpose (the peer left, or we did). */
  close(): void {
    if (this.#state !== 'closed') this.#end('closed');
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

  #watchConsent(): void {
    const connection = this.#connection;
    connection.addEventListener('iceconnectionstatechange', () => {
      const state = connection.iceConnectionState;
      if (state === 'disconnected') this.#watch.iceDisconnected(true);
      else if (state === 'connected' || state === 'completed') {
        this.#watch.iceDisconnected(false);
        if (this.open) void this.#reportRoute();
      }
    });
  }

  async #reportRoute(): Promise<void> {
    try {
      const route = routeOf(await this.#connection.getStats());
      if (route) this.#options.onRoute(route.route, route.candidates);
    } catch (error: unknown) {
      console.warn('meshchat: could not read link stats', error);
    }
  }

  #receive(raw: Uint8Array | string): void {
    // Frames can arrive before simple-peer says "connect" (it waits for stats first): they count.
    if (this.#state === 'failed' || this.#state === 'closed') return;
    this.#watch.heard();
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
    ponged: () => this.#watch.ponged(),
  };

  #fail(reason: LinkFailure): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#end('failed');
    this.#options.onState('failed', reason);
  }

  /** The one way a link ends, on purpose or by a fault: no timer runs on, and the connection goes. */
  #end(state: 'closed' | 'failed'): void {
    clearTimeout(this.#timer);
    this.#stopWatching();
    this.#watch.stop();
    this.#state = state;
    this.#peer.destroy();
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
