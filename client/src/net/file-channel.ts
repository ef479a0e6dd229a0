import { FILE_BUFFER_HIGH_BYTES, FILE_BUFFER_LOW_BYTES, FILE_CHUNK_BYTES, encodeFileChunk, fileChunkHeaderBytes, parseFileChunk } from '@meshchat/protocol';

/**
 * File data has a data channel of its own, so a long transfer never queues chat messages behind
 * it. Both ends create it with the same id once the link is up (`negotiated`), which needs no
 * further offer and answer. The id is far from the ones simple-peer's own channel gets (0 or 1),
 * and below 256: between Firefox and Chromium the SCTP association has 256 streams, and a channel
 * on a higher one reports "open" but throws OperationError on every send (it was 1000, and no file
 * from Firefox reached Chromium).
 */
const FILE_CHANNEL = { label: 'meshchat-files', id: 64 } as const;

/** One link's file channel: chunks out, paced by its buffer, and chunks in, checked before they count. */
export class FileChannel {
  readonly #channel: RTCDataChannel;

  /** `heard`: anything arrived (the link is alive); `chunk` / `dropped`: a chunk that parsed, or one that did not. */
  constructor(connection: RTCPeerConnection, hooks: { heard(): void; chunk(id: string, data: Uint8Array): void; dropped(): void }) {
    const channel = connection.createDataChannel(FILE_CHANNEL.label, { negotiated: true, id: FILE_CHANNEL.id, ordered: true });
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = FILE_BUFFER_LOW_BYTES;
    channel.addEventListener('message', ({ data }: MessageEvent<ArrayBuffer | string>) => {
      const parsed = typeof data === 'string' ? undefined : parseFileChunk(data);
      hooks.heard();
      if (parsed?.ok) hooks.chunk(parsed.id, parsed.data);
      else hooks.dropped();
    });
    this.#channel = channel;
  }

  /** Send one chunk; resolves once the channel can take more (its buffer under the high mark). */
  async send(id: string, data: Uint8Array): Promise<void> {
    const channel = this.#channel;
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

}

/** Most file bytes one chunk of transfer `id` may carry on `connection`: within the SCTP message size the peers agreed. */
export function chunkBytes(connection: RTCPeerConnection, id: string): number {
  const agreed = connection.sctp?.maxMessageSize || FILE_CHUNK_BYTES;
  return Math.min(FILE_CHUNK_BYTES, agreed) - fileChunkHeaderBytes(id);
}
