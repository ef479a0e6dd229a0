import { FILE_MAX_BYTES, type PeerMessage, type Scope } from '@meshchat/protocol';
import { FileTransfers } from './files';
import type { Log } from './log';
import type { Arrival, Notice } from './notices';
import type { Peer } from './peer';

/** What files in a room need from it. */
export interface RoomFilesHooks {
  me: string;
  log: Log;
  /** The person `nick`, if they are here. */
  peer(nick: string): Peer | undefined;
  /** Who a file to the room is for. */
  audience(): Peer[];
  tell(notice: Notice): void;
  /** Someone else's file offer was shown. */
  arrived(arrival: Arrival): void;
  /** A file offer ends its sender's typing notice, as a message does. */
  stoppedTyping(nick: string): void;
}

/**
 * Files in the room: offering ours to everyone or one person (on our own links only: a relayed
 * link carries no file channel), showing what others offer, and the transfers themselves.
 */
export class RoomFiles {
  readonly transfers: FileTransfers;
  readonly #hooks: RoomFilesHooks;

  constructor(hooks: RoomFilesHooks) {
    this.#hooks = hooks;
    this.transfers = new FileTransfers({
      send: (nick, message) => hooks.peer(nick)?.sendDirect(message) ?? false,
      link: (nick) => hooks.peer(nick)?.direct,
    });
  }

  /** Offer files to everyone in the room (`view` undefined), or to one person. */
  async send(files: readonly File[], view: string | undefined): Promise<void> {
    const { tell, log, me } = this.#hooks;
    const scope: Scope = view === undefined ? 'room' : 'private';
    const one = view === undefined ? undefined : this.#hooks.peer(view);
    const wanted = view === undefined ? this.#hooks.audience() : one?.trusted ? [one] : [];
    // A file goes only on a link of our own; someone we reach through another person is told why not.
    const relayed = wanted.filter((peer) => !peer.direct && peer.view.via !== undefined);
    const to = wanted.filter((peer) => !relayed.includes(peer)).map(({ nick }) => nick);
    for (const file of files) {
      for (const peer of relayed) tell({ type: 'file-relayed', name: file.name, nick: peer.nick, via: peer.view.via ?? '' });
      if (to.length === 0 && relayed.length > 0) continue;
      if (file.size > FILE_MAX_BYTES) {
        tell({ type: 'file-too-large', name: file.name });
        continue;
      }
      if (to.length === 0) {
        tell({ type: 'file-nobody', name: file.name });
        continue;
      }
      try {
        const transfers = await this.transfers.offer(file, to, scope);
        log.add({ kind: 'file', from: me, ...(view === undefined ? {} : { to: view }), text: file.name, ts: Date.now(), transfers });
      } catch (error: unknown) {
        console.warn('meshchat: could not read a file to send', error);
        tell({ type: 'file-unreadable', name: file.name });
      }
    }
  }

  /** `peer` offers a file: shown where it belongs, to accept or decline. */
  offered(peer: Peer, offer: Extract<PeerMessage, { type: 'file-offer' }>): void {
    const transfer = this.transfers.offered(peer.nick, offer);
    if (!transfer) return;
    const isPrivate = offer.scope === 'private';
    this.#hooks.log.add({ kind: 'file', from: peer.nick, ...(isPrivate ? { to: this.#hooks.me } : {}), text: offer.name, ts: Date.now(), transfers: [transfer] });
    this.#hooks.stoppedTyping(peer.nick);
    this.#hooks.arrived({ from: peer.nick, private: isPrivate, text: offer.name, file: true });
  }
}
