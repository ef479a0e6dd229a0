import WebSocket from 'ws';

/**
 * Lightweight load-generator clients: one `ws` socket each, speaking just enough of each server's
 * protocol. Tens of thousands fit in one process, which full socket.io clients would not.
 */

function open(url: string, localAddress?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, ...(localAddress ? { localAddress } : {}) });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** socket.io v4 over engine.io v4, websocket transport: connect, emit, emit with ack, answer pings. */
export class SocketIoWire {
  #nextAck = 0;
  readonly #acks = new Map<number, (result: unknown) => void>();
  readonly #handlers = new Map<string, (payload: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw: Buffer) => this.#receive(raw.toString()));
  }

  static async connect(baseUrl: string, localAddress?: string): Promise<SocketIoWire> {
    const socket = await open(`${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, localAddress);
    const wire = new SocketIoWire(socket);
    await new Promise<void>((resolve, reject) => {
      wire.#handlers.set('__connected', () => resolve());
      wire.#handlers.set('__refused', (reason) => reject(new Error(String(reason))));
      socket.send('40');
    });
    return wire;
  }

  on(event: string, handler: (payload: unknown) => void): void {
    this.#handlers.set(event, handler);
  }

  emit(event: string, payload: unknown): void {
    this.socket.send(`42${JSON.stringify([event, payload])}`);
  }

  request(event: string, payload: unknown): Promise<unknown> {
    const id = this.#nextAck++;
    return new Promise((resolve) => {
      this.#acks.set(id, resolve);
      this.socket.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  /** Join a room; a refusal stops the bench, since its figures would be about errors. */
  async join(nick: string, room: string): Promise<void> {
    const result = (await this.request('join', { nick, room })) as { ok: boolean; code?: string };
    if (!result.ok) throw new Error(`bench client could not join ${room} as ${nick}: ${result.code}`);
  }

  close(): void {
    this.socket.terminate();
  }

  #receive(frame: string): void {
    if (frame === '2') {
      this.socket.send('3');
    } else if (frame.startsWith('40')) {
      this.#handlers.get('__connected')?.(undefined);
    } else if (frame.startsWith('44')) {
      this.#handlers.get('__refused')?.(frame.slice(2));
    } else if (frame.startsWith('43')) {
      const bracket = frame.indexOf('[');
      const id = Number(frame.slice(2, bracket));
      const [result] = JSON.parse(frame.slice(bracket)) as [unknown];
      this.#acks.get(id)?.(result);
      this.#acks.delete(id);
    } else if (frame.startsWith('42')) {
      const [event, payload] = JSON.parse(frame.slice(2)) as [string, unknown];
      this.#handlers.get(event)?.(payload);
    }
  }
}

/** A PeerJS client as the PeerJS server sees one: a websocket with an id, sending typed frames. */
export class PeerJsWire {
  private constructor(private readonly socket: WebSocket) {}

  static async connect(baseUrl: string, id: string, localAddress?: string): Promise<PeerJsWire> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/peerjs?key=peerjs&id=${id}&token=t${id}`;
    const socket = new WebSocket(url, { perMessageDeflate: false, ...(localAddress ? { localAddress } : {}) });
    // The server says OPEN as soon as the socket is up: listen before that can happen.
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('message', (raw: Buffer) => {
        const { type } = JSON.parse(raw.toString()) as { type: string };
        if (type === 'OPEN') resolve();
        else reject(new Error(`PeerJS answered ${type}`));
      });
    });
    return new PeerJsWire(socket);
  }

  onMessage(handler: (message: { type: string; src?: string; payload?: unknown }) => void): void {
    this.socket.on('message', (raw: Buffer) => handler(JSON.parse(raw.toString()) as { type: string }));
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): void {
    this.socket.terminate();
  }
}
