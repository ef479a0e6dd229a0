import { isPairRoom } from '@meshchat/protocol';
import type { Keepable } from '../room';
import { Keeper, type KeeperHooks } from './keeper';
import { keptRoom } from './first-look';

/**
 * The session's keeping: the room's `Keeper` once it is open (IndexedDB answers in milliseconds;
 * what the log tells meanwhile waits for it), the choice made on the first screen to keep the next
 * room on this device, and that choice for the room we are in.
 */
export class Keeping {
  readonly #hooks: KeeperHooks;
  #keeper: Keeper | undefined;
  /** What the log told before the keeper was open. */
  #waiting: Keepable[] = [];
  /** The room whose keeper is opening or open. */
  #room: string | undefined;
  /** Chosen on the first screen (or found kept): keep the room about to be entered on this device. */
  #wanted = false;
  /** The person turned the first screen's switch: what is found kept no longer overrides it. */
  #chosen = false;
  /** The name we used in the room the first screen invites to, when it is kept on this device. */
  keptNick = '';
  /** The room the first screen last looked up (its name, or its secret). */
  #lookedFor: string | undefined;
  /** The page's first look has not been made: the room its link opens may be entered at once. */
  #firstLook = true;
  readonly #open: (nick: string, room: string, secret: string | undefined) => void;

  /** `open` enters a room kept on this device, as the name used in it, when the page was opened at its link. */
  constructor(hooks: KeeperHooks, open: (nick: string, room: string, secret: string | undefined) => void) {
    this.#hooks = hooks;
    this.#open = open;
    hooks.log.keep = (kept) => {
      if (this.#keeper) this.#keeper.kept(kept);
      else if (this.#room !== undefined) this.#waiting.push(kept);
    };
  }

  get wanted(): boolean {
    return this.#wanted;
  }

  set wanted(on: boolean) {
    this.#wanted = on;
    this.#chosen = true;
  }

  /** Whether the room we are in is kept on this device. */
  get onDevice(): boolean {
    return this.#keeper?.onDevice ?? false;
  }

  async setOnDevice(on: boolean): Promise<void> {
    await this.#keeper?.setOnDevice(on);
  }

  /**
   * The first screen invites to `room` (or the private room of `secret`): if it is kept on this
   * device, its switch starts on and the name we used in it is offered. Looked up once a room. The
   * page's first look, at the link it was opened with, opens a kept room at once.
   */
  lookFor(room: string, secret: string | undefined): void {
    const looking = secret ?? room;
    if (this.#lookedFor === looking) return;
    this.#lookedFor = looking;
    const first = this.#firstLook;
    this.#firstLook = false;
    void (async () => {
      const kept = await keptRoom(room, secret);
      if (this.#lookedFor !== looking) return;
      if (!this.#chosen) this.#wanted = kept !== undefined;
      this.keptNick = kept?.nick ?? '';
      if (first && kept?.nick && this.#wanted) this.#open(kept.nick, kept.room, secret);
      this.#hooks.changed();
    })();
  }

  /**
   * We entered `room` (a private one's `secret` seals what is kept): bring back what was kept of
   * it, then keep what happens. `shown` is told the room's messages brought back.
   */
  async entered(room: string, secret: string | undefined, shown: (refs: { by: string; id: string }[]) => void): Promise<void> {
    this.#close();
    this.#room = room;
    // A room with a stranger is kept for the tab's reloads only, never on the device.
    const wanted = this.#wanted && !isPairRoom(room);
    this.#wanted = this.#chosen = false;
    this.#lookedFor = undefined;
    try {
      const keeper = await Keeper.open(room, secret, wanted, this.#hooks);
      if (this.#room !== room || this.#keeper) {
        keeper.dispose();
        return;
      }
      shown(await keeper.restore());
      this.#keeper = keeper;
      for (const kept of this.#waiting.splice(0)) keeper.kept(kept);
    } catch (error: unknown) {
      // Where IndexedDB is refused (some private modes), nothing is kept and the chat goes on.
      console.warn('meshchat: nothing of this room can be kept here', error);
      this.#waiting = [];
    }
  }

  /** The conversations changed: kept soon. */
  touched(): void {
    this.#keeper?.conversationsChanged();
  }

  /** We left the room on purpose: what the tab kept of it goes (what is on this device stays). */
  left(): void {
    const keeper = this.#keeper;
    this.#close();
    void keeper?.leave();
  }

  #close(): void {
    this.#keeper?.dispose();
    this.#keeper = undefined;
    this.#room = undefined;
    this.#waiting = [];
  }
}
