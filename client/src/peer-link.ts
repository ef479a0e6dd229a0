import SimplePeer from 'simple-peer/simplepeer.min.js';
import {
  HELLO,
  PROTOCOL_VERSION,
  encodePeerMessage,
  parsePeerFrame,
  type PeerMessage,
  type SignalData,
} from '@meshchat/protocol';

/** What the UI shows about one peer's link. */
export type LinkState = 'connecting' | 'connected' | 'failed' | 'closed';

export interface PeerLinkOptions {
  /** The remote peer's nickname: every frame on this link is attributed to it. */
  nick: string;
  initiator: boolean;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Give up on a link that has not opened within this time. */
  connectTimeoutMs?: number;
  onSignal(data: SignalData): void;
  onMessage(message: PeerMessage): void;
  onState(state: LinkState, reason?: string): void;
  /** A frame that failed to parse: dropped, counted, never shown. */
  onDropped(): void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

/**
 * One WebRTC data-channel link to one remote peer: owns its simple-peer instance, its state and
 * its teardown. The only file that touches simple-peer.
 */
export class PeerLink {
  readonly nick: string;
  readonly initiator: boolean;
  #state: LinkState = 'connecting';
  #peer: SimplePeer.Instance;
  #options: PeerLinkOptions;
  #timer: ReturnType<typeof setTimeout>;

  constructor(options: PeerLinkOptions) {
    this.nick = options.nick;
    this.initiator = options.initiator;
    this.#options = options;
    const config: RTCConfiguration = { iceServers: options.iceServers };
    if (options.iceTransportPolicy) config.iceTransportPolicy = options.iceTransportPolicy;
    this.#peer = new SimplePeer({ initiator: options.initiator, trickle: true, config });
    this.#peer.on('signal', (data: SimplePeer.SignalData) => options.onSignal(data as SignalData));
    this.#peer.on('connect', () => {
      clearTimeout(this.#timer);
      this.#peer.send(encodePeerMessage(HELLO));
      this.#setState('connected');
    });
    this.#peer.on('data', (raw: Uint8Array | string) => this.#receive(raw));
    this.#peer.on('error', (error: Error) => this.#fail(error.message));
    this.#peer.on('close', () => this.#fail('the link closed'));
    this.#timer = setTimeout(() => this.#fail('timed out connecting'), options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  }

  get state(): LinkState {
    return this.#state;
  }

  get open(): boolean {
    return this.#state === 'connected';
  }

  /** Feed an offer, answer or candidate that the signaling server relayed from this peer. */
  signal(data: SignalData): void {
    if (this.#state === 'connecting' || this.#state === 'connected') this.#peer.signal(data as SimplePeer.SignalData);
  }

  /** Send one message; `false` when the link is not open (the caller tells the user). */
  send(message: PeerMessage): boolean {
    if (!this.open) return false;
    try {
      this.#peer.send(encodePeerMessage(message));
      return true;
    } catch (error: unknown) {
      this.#fail(error instanceof Error ? error.message : String(error));
      return false;
    }
  }

  /** Tear the link down on purpose (the peer left, or we did). */
  close(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#timer);
    this.#state = 'closed';
    this.#peer.destroy();
  }

  #receive(raw: Uint8Array | string): void {
    const parsed = parsePeerFrame(raw);
    if (!parsed.ok) {
      this.#options.onDropped();
      return;
    }
    const { message } = parsed;
    if (message.type === 'hello') {
      if (message.version !== PROTOCOL_VERSION) this.#fail(`speaks protocol version ${message.version}, we speak ${PROTOCOL_VERSION}`);
      return;
    }
    this.#options.onMessage(message);
  }

  #fail(reason: string): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    clearTimeout(this.#timer);
    this.#state = 'failed';
    this.#peer.destroy();
    this.#options.onState('failed', reason);
  }

  #setState(state: LinkState): void {
    this.#state = state;
    this.#options.onState(state);
  }
}
