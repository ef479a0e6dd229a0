import { NOTIFY_KEY, SHARE_MINE_KEY, TELL_SEEN_KEY, keepTabSetting, tabSetting, type NotifyOf } from './tab-storage';

/**
 * What this tab chose about what it shares and what it is told: kept for the tab, each on (or
 * "every message") until turned off.
 */
export class Choices {
  /** Whether our own messages may be kept by the others and given to people who join later. */
  #shareMine = tabSetting(SHARE_MINE_KEY) !== 'no';
  /** Whether people are told when our page showed their messages ("seen by"). */
  #tellSeen = tabSetting(TELL_SEEN_KEY) !== 'no';

  constructor(
    private readonly room: () => string,
    private readonly changed: () => void,
  ) {}

  get shareMine(): boolean {
    return this.#shareMine;
  }

  set shareMine(on: boolean) {
    this.#shareMine = on;
    keepTabSetting(SHARE_MINE_KEY, on ? 'yes' : 'no');
    this.changed();
  }

  get tellSeen(): boolean {
    return this.#tellSeen;
  }

  set tellSeen(on: boolean) {
    this.#tellSeen = on;
    keepTabSetting(TELL_SEEN_KEY, on ? 'yes' : 'no');
    this.changed();
  }

  /** What this tab notifies of in the room it is in (every message unless said otherwise). */
  get notifyOf(): NotifyOf {
    const kept = tabSetting(NOTIFY_KEY(this.room()));
    return kept === 'mentions' || kept === 'none' ? kept : 'all';
  }

  set notifyOf(what: NotifyOf) {
    keepTabSetting(NOTIFY_KEY(this.room()), what);
    this.changed();
  }
}
