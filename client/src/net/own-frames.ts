import { PROTOCOL_VERSION, type PeerMessage } from '@meshchat/protocol';
import type { LinkFailure } from './link';

/** What a link does with the frames that are about the link itself. */
export interface OwnFrameLink {
  send(message: PeerMessage): boolean;
  fail(reason: LinkFailure): void;
  /** Their answer to our probe came. */
  ponged(): void;
}

/**
 * Handle a frame about the link itself, on any kind of link: `hello` checks the protocol version,
 * `ping` is answered, `pong` ends a probe. `true` if it was one (the link's owner never sees it).
 */
export function ownFrame(message: PeerMessage, link: OwnFrameLink): boolean {
  switch (message.type) {
    case 'hello':
      if (message.version !== PROTOCOL_VERSION) link.fail({ why: 'version', theirs: message.version, ours: PROTOCOL_VERSION });
      return true;
    case 'ping':
      link.send({ type: 'pong' });
      return true;
    case 'pong':
      link.ponged();
      return true;
    default:
      return false;
  }
}
