import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Socket as TcpSocket } from 'node:net';
import type { Logger } from 'pino';

export interface GuardOptions {
  /** socket.io connections one address may hold, counted from the first request of each. */
  maxPerAddress: number;
  /** socket.io connections the server holds at once. */
  maxTotal: number;
  /** Behind a reverse proxy: the address is the first `X-Forwarded-For` hop. */
  trustProxy: boolean;
  /** How long a handshake may take before its reserved slot is given back. */
  handshakeMs: number;
  log: Logger;
}

/** The engine.io socket as its `connection` event hands it over. */
export interface EngineSocket {
  request: IncomingMessage | null;
  once(event: 'close', listener: () => void): void;
  close(): void;
}

/**
 * Admission below socket.io. Every engine.io connection is counted against its address and the
 * server's total from its very first request (`allowRequest`), before any namespace or handler
 * sees it, and given back when it closes or when its handshake never completes. Raw TCP
 * connections are capped per address too (unless behind a proxy, where they all come from it), so
 * sockets that never speak HTTP cannot take every descriptor either.
 */
export class ConnectionGuard {
  readonly #options: GuardOptions;
  readonly #open = new Map<string, number>();
  #total = 0;
  /** Reservations made by `allowRequest`, until the connection is up or the handshake gave up. */
  readonly #reserved = new WeakMap<IncomingMessage, { address: string; timer: NodeJS.Timeout }>();
  readonly #tcp = new Map<string, number>();

  constructor(options: GuardOptions) {
    this.#options = options;
  }

  addressOf(request: IncomingMessage): string {
    return addressFrom(request.headers['x-forwarded-for'], request.socket.remoteAddress ?? 'unknown', this.#options.trustProxy);
  }

  /** engine.io's `allowRequest` for a new connection: reserve a slot for it, or refuse it. */
  admit(request: IncomingMessage): boolean {
    const address = this.addressOf(request);
    const open = this.#open.get(address) ?? 0;
    if (open >= this.#options.maxPerAddress || this.#total >= this.#options.maxTotal) {
      this.#options.log.warn({ event: 'refused-connection', code: 'RATE_LIMITED', total: this.#total }, 'connection refused: over the cap');
      return false;
    }
    this.#count(this.#open, address, +1);
    this.#total += 1;
    // Released here unless the handshake completes and the connection takes the slot over.
    const timer = setTimeout(() => {
      this.#reserved.delete(request);
      this.#release(address);
    }, this.#options.handshakeMs);
    timer.unref();
    this.#reserved.set(request, { address, timer });
    return true;
  }

  /**
   * engine.io's `connection`: the reservation now lasts as long as the connection. `false` for a
   * connection whose handshake outlasted its reservation; it holds no slot and should be closed.
   */
  established(socket: EngineSocket): boolean {
    const reservation = socket.request && this.#reserved.get(socket.request);
    if (!reservation || !socket.request) return false;
    this.#reserved.delete(socket.request);
    clearTimeout(reservation.timer);
    socket.once('close', () => this.#release(reservation.address));
    return true;
  }

  /** Cap raw TCP connections per peer address: generous, since browsers open several for a page. */
  watchTcp(server: HttpServer): void {
    if (this.#options.trustProxy) return;
    const max = this.#options.maxPerAddress * 4;
    server.on('connection', (socket: TcpSocket) => {
      const address = socket.remoteAddress ?? 'unknown';
      if ((this.#tcp.get(address) ?? 0) >= max) {
        socket.destroy();
        return;
      }
      this.#count(this.#tcp, address, +1);
      socket.once('close', () => this.#count(this.#tcp, address, -1));
    });
  }

  #release(address: string): void {
    this.#count(this.#open, address, -1);
    this.#total -= 1;
  }

  #count(counts: Map<string, number>, address: string, by: number): void {
    const next = (counts.get(address) ?? 0) + by;
    if (next <= 0) counts.delete(address);
    else counts.set(address, next);
  }
}

/** The client's address: the socket's peer, or behind a trusted proxy the first X-Forwarded-For hop. */
export function addressFrom(forwarded: string | string[] | undefined, peer: string, trustProxy: boolean): string {
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  return trustProxy && first ? first : peer;
}
