import { FILE_MAX_BYTES, FILE_NAME_MAX_LENGTH, type FileOffer, type FileReply, type PeerMessage, type Scope } from '@meshchat/protocol';
import { blobType, isRasterImage } from './file-names';

export type TransferState =
  /** Incoming: waiting for us to accept or decline. */
  | 'offered'
  /** Outgoing: waiting for the peer to accept or decline. */
  | 'waiting'
  | 'sending'
  | 'receiving'
  /** Incoming: all bytes are here, the SHA-256 is being checked. */
  | 'verifying'
  /** Incoming: checked and ready to save. Outgoing: the peer checked it. */
  | 'done'
  | 'declined'
  | 'cancelled'
  | 'failed';

export type FailReason = 'link-lost' | 'peer-left' | 'corrupt' | 'too-long' | 'unreadable';

const PROGRESS_EVERY_MS = 100;

const FINAL: ReadonlySet<TransferState> = new Set(['done', 'declined', 'cancelled', 'failed']);

/** What the offer says about the file. */
export type FileFacts = Pick<FileOffer, 'name' | 'size' | 'mime' | 'sha256' | 'scope'>;

/**
 * One file going to or coming from one peer. Fires `change` whenever its state or progress moves,
 * so the card showing it re-renders alone, not the whole log.
 */
export class Transfer extends EventTarget {
  state: TransferState;
  /** Bytes sent (outgoing) or received (incoming) so far. */
  bytes = 0;
  reason: FailReason | undefined;
  /** Incoming and checked: an object URL to save or preview the file. Outgoing images: one for the sender's own preview. */
  url: string | undefined;
  /** Who cancelled, when it was cancelled. */
  cancelledBy: 'us' | 'them' | undefined;
  /** Incoming and checked: the file itself (what `url` shows), to keep. */
  blob: Blob | undefined;

  constructor(
    readonly id: string,
    readonly direction: 'in' | 'out',
    /** The other end: who sends it to us, or who we send it to. */
    readonly peer: string,
    readonly file: FileFacts,
  ) {
    super();
    this.state = direction === 'in' ? 'offered' : 'waiting';
  }

  get final(): boolean {
    return FINAL.has(this.state);
  }

  /** 0 to 1. */
  get progress(): number {
    return this.file.size === 0 ? (this.state === 'done' ? 1 : 0) : this.bytes / this.file.size;
  }

  #told = 0;

  update(change: Partial<Pick<Transfer, 'state' | 'bytes' | 'reason' | 'url' | 'cancelledBy' | 'blob'>>): void {
    Object.assign(this, change);
    this.#told = performance.now();
    this.dispatchEvent(new Event('change'));
  }

  /**
   * Progress, told to whoever watches at most every `PROGRESS_EVERY_MS` (and always at the end):
   * a bar needs no more, and a render per 64 KiB chunk would cost more than the transfer.
   */
  progressed(bytes: number): void {
    this.bytes = bytes;
    if (bytes === this.file.size || performance.now() - this.#told >= PROGRESS_EVERY_MS) this.update({});
  }
}

/** The parts of a link a file transfer uses. */
export interface FileLink {
  readonly open: boolean;
  sendChunk(id: string, data: Uint8Array): Promise<void>;
  chunkBytes(id: string): number;
}

export interface FilePorts {
  /** Send a control frame to a peer we trust; `false` when it could not go. */
  send(nick: string, message: PeerMessage): boolean;
  link(nick: string): FileLink | undefined;
}

/** How much of a file the sender reads at once; it goes out in chunks of `chunkBytes`. */
const READ_BYTES = 1024 * 1024;

export async function sha256Hex(data: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Every file transfer of this page, both ways. Nothing flows before the receiver accepts; the
 * sender then streams chunks with the link's backpressure, and the receiver checks the whole
 * file's SHA-256 against the offer before it can be saved.
 */
export class FileTransfers {
  readonly #ports: FilePorts;
  /** Keyed by direction, peer and id: ids come from senders, so one peer cannot touch another's. */
  readonly #transfers = new Map<string, Transfer>();
  readonly #outgoing = new Map<Transfer, Blob>();
  readonly #incoming = new Map<Transfer, Uint8Array[]>();

  constructor(ports: FilePorts) {
    this.#ports = ports;
  }

  /**
   * Offer `file` to each of `to`; one transfer per peer, all with the same id. Throws a
   * `RangeError` for a file over `FILE_MAX_BYTES`, before reading any of it.
   */
  async offer(file: File, to: readonly string[], scope: Scope): Promise<Transfer[]> {
    if (file.size > FILE_MAX_BYTES) throw new RangeError('file too large');
    const sha256 = await sha256Hex(await file.arrayBuffer());
    const facts: FileFacts = { name: file.name.slice(0, FILE_NAME_MAX_LENGTH) || 'file', size: file.size, mime: file.type.slice(0, 255), sha256, scope };
    const id = crypto.randomUUID();
    // The sender sees the picture they sent, as its recipients will (one URL for all their rows).
    const url = isRasterImage(facts.mime) ? URL.createObjectURL(file) : undefined;
    return to.map((nick) => {
      const transfer = new Transfer(id, 'out', nick, facts);
      transfer.url = url;
      this.#transfers.set(key('out', nick, id), transfer);
      this.#outgoing.set(transfer, file);
      if (!this.#ports.send(nick, { type: 'file-offer', id, ...facts })) this.#fail(transfer, 'link-lost');
      return transfer;
    });
  }

  /** A peer offers us a file. A repeated offer of an id we know is ignored. */
  offered(from: string, offer: FileOffer): Transfer | undefined {
    const id = key('in', from, offer.id);
    if (this.#transfers.has(id)) return undefined;
    const { name, size, mime, sha256, scope } = offer;
    const transfer = new Transfer(offer.id, 'in', from, { name, size, mime, sha256, scope });
    this.#transfers.set(id, transfer);
    return transfer;
  }

  accept(transfer: Transfer): void {
    if (transfer.direction !== 'in' || transfer.state !== 'offered') return;
    if (!this.#ports.send(transfer.peer, { type: 'file-accept', id: transfer.id })) {
      this.#fail(transfer, 'link-lost');
      return;
    }
    this.#incoming.set(transfer, []);
    transfer.update({ state: 'receiving' });
    if (transfer.file.size === 0) void this.#verify(transfer);
  }

  decline(transfer: Transfer): void {
    if (transfer.direction !== 'in' || transfer.state !== 'offered') return;
    this.#ports.send(transfer.peer, { type: 'file-decline', id: transfer.id });
    transfer.update({ state: 'declined' });
  }

  /** Stop a transfer either side of it; the peer hears of it. */
  cancel(transfer: Transfer): void {
    if (transfer.final || transfer.state === 'verifying') return;
    this.#ports.send(transfer.peer, { type: 'file-cancel', id: transfer.id });
    this.#end(transfer, { state: 'cancelled', cancelledBy: 'us' });
  }

  /** A peer answered about a transfer: accepted, declined, cancelled, or received and checked. */
  replied(from: string, reply: FileReply): void {
    const transfer =
      reply.type === 'file-cancel'
        ? (this.#transfers.get(key('out', from, reply.id)) ?? this.#transfers.get(key('in', from, reply.id)))
        : this.#transfers.get(key('out', from, reply.id));
    if (!transfer || transfer.final) return;
    switch (reply.type) {
      case 'file-accept':
        if (transfer.state === 'waiting') void this.#pump(transfer);
        break;
      case 'file-decline':
        if (transfer.state === 'waiting') this.#end(transfer, { state: 'declined' });
        break;
      case 'file-cancel':
        this.#end(transfer, { state: 'cancelled', cancelledBy: 'them' });
        break;
      case 'file-done':
        if (reply.ok) this.#end(transfer, { state: 'done', bytes: transfer.file.size });
        else this.#fail(transfer, 'corrupt');
        break;
    }
  }

  /** A chunk arrived. Chunks for a transfer we did not accept, or no longer want, are dropped. */
  chunk(from: string, id: string, data: Uint8Array): void {
    const transfer = this.#transfers.get(key('in', from, id));
    const parts = transfer && this.#incoming.get(transfer);
    if (!transfer || !parts || transfer.state !== 'receiving') return;
    const bytes = transfer.bytes + data.byteLength;
    if (bytes > transfer.file.size) {
      this.#ports.send(from, { type: 'file-done', id, ok: false });
      this.#fail(transfer, 'too-long');
      return;
    }
    parts.push(data);
    transfer.progressed(bytes);
    if (bytes === transfer.file.size) void this.#verify(transfer);
  }

  /** The link to `nick` went down, or `nick` left: every transfer with them that is not over fails. */
  lost(nick: string, reason: FailReason): void {
    for (const transfer of this.#transfers.values()) {
      if (transfer.peer === nick && !transfer.final) this.#fail(transfer, reason);
    }
  }

  /** Forget everything: free the received files' memory. */
  clear(): void {
    for (const transfer of this.#transfers.values()) {
      if (!transfer.final) transfer.update({ state: 'cancelled', cancelledBy: 'us' });
      if (transfer.url) URL.revokeObjectURL(transfer.url);
    }
    this.#transfers.clear();
    this.#outgoing.clear();
    this.#incoming.clear();
  }

  async #pump(transfer: Transfer): Promise<void> {
    const file = this.#outgoing.get(transfer);
    const link = this.#ports.link(transfer.peer);
    if (!file || !link?.open) {
      this.#fail(transfer, 'link-lost');
      return;
    }
    transfer.update({ state: 'sending' });
    const chunkBytes = link.chunkBytes(transfer.id);
    try {
      for (let offset = 0; offset < file.size; offset += READ_BYTES) {
        const block = new Uint8Array(await file.slice(offset, offset + READ_BYTES).arrayBuffer());
        for (let start = 0; start < block.byteLength; start += chunkBytes) {
          if (transfer.state !== 'sending') return;
          const chunk = block.subarray(start, start + chunkBytes);
          await link.sendChunk(transfer.id, chunk);
          transfer.progressed(transfer.bytes + chunk.byteLength);
        }
      }
    } catch (error: unknown) {
      console.warn('meshchat: file transfer stopped', error);
      // The link is the likeliest cause only if it is gone; otherwise the file could not be read.
      this.#fail(transfer, link.open ? 'unreadable' : 'link-lost');
    }
  }

  async #verify(transfer: Transfer): Promise<void> {
    const parts = this.#incoming.get(transfer) ?? [];
    this.#incoming.delete(transfer);
    transfer.update({ state: 'verifying' });
    const blob = new Blob(parts as BlobPart[], { type: blobType(transfer.file.mime) });
    const ok = (await sha256Hex(await blob.arrayBuffer())) === transfer.file.sha256;
    if (transfer.state !== 'verifying') return;
    this.#ports.send(transfer.peer, { type: 'file-done', id: transfer.id, ok });
    if (ok) this.#end(transfer, { state: 'done', url: URL.createObjectURL(blob), blob });
    else this.#fail(transfer, 'corrupt');
  }

  #fail(transfer: Transfer, reason: FailReason): void {
    this.#end(transfer, { state: 'failed', reason });
  }

  #end(transfer: Transfer, change: Parameters<Transfer['update']>[0]): void {
    this.#outgoing.delete(transfer);
    this.#incoming.delete(transfer);
    transfer.update(change);
  }
}

function key(direction: 'in' | 'out', nick: string, id: string): string {
  return `${direction}\n${nick}\n${id}`;
}
