import { isPairRoom, type JoinedRoom, type Result, type SignalData } from '@meshchat/protocol';
import type { LinkFactory } from '../net';
import { Room, type Arrival, type CallSettings, type Log, type Notice, type SigningKeys } from '../room';
import { CHAIN_KEY, keepTabSettingSoon, keptChain } from './tab-storage';

/** What a room is opened with, beyond the seat the server gave us. */
export interface RoomSetup {
  proofKey: CryptoKey | undefined;
  links: LinkFactory;
  /** The signaling session: signals go through it, and a silent link makes it check itself. */
  session: { signal(to: string, data: SignalData, answered: (result: Result) => void): void; checkAlive(): void };
  log: Log;
  words(notice: Notice): string;
  arrived(arrival: Arrival): void;
  dropped(): void;
  changed(): void;
  callSettings: CallSettings | undefined;
  signing: Promise<SigningKeys | undefined>;
  /** Whether the room's history is shared (the page's address says), and how much of it. */
  history: { shared: boolean; limits: { count: number; ms: number } };
  /** Whether our own messages may be kept by the others (this tab's choice, asked each time). */
  shareMine(): boolean;
  /** Whether we tell people our page showed their messages (this tab's choice). */
  tellSeen(): boolean;
}

/** The room the server seated us in, with its history kept as this tab keeps it. */
export function openRoom(joined: JoinedRoom, setup: RoomSetup): Room {
  const { session } = setup;
  return new Room({
    me: joined.nick,
    proofKey: setup.proofKey,
    links: setup.links,
    relay: (to, data, answered) => session.signal(to, data, answered),
    log: setup.log,
    words: setup.words,
    arrived: setup.arrived,
    dropped: setup.dropped,
    changed: setup.changed,
    silent: () => session.checkAlive(),
    callSettings: setup.callSettings,
    signing: setup.signing,
    tellSeen: setup.tellSeen,
    // A room with a stranger has no before: nobody is asked, nothing is kept.
    history: {
      room: joined.room,
      shared: setup.history.shared && !isPairRoom(joined.room),
      limits: setup.history.limits,
      shareMine: setup.shareMine,
      chain: keptChain(joined.room),
      // Not kept where storage is refused: after a reload the chain starts again, under the same key.
      saveChain: (state) => keepTabSettingSoon(CHAIN_KEY(joined.room), JSON.stringify(state)),
    },
  });
}
