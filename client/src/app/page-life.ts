/**
 * How long a page that fired beforeunload withholds acknowledgements: a reload or a closed tab is
 * gone well within it; a page still here after it was not left after all (say, a download).
 */
const LEAVING_MS = 10_000;
/** What shows the user is back at a page that began to be left. */
const BACK_EVENTS = ['pointerdown', 'keydown'] as const;

/** What the page's life means for the chat. */
export interface PageLifeHooks {
  /** Whether we are in a room, and whether anyone else is in it. */
  inRoom(): boolean;
  othersHere(): boolean;
  /** Withhold acknowledgements (`true`: the page is being left), or give what waited (it stayed). */
  holdAcks(holding: boolean): void;
  /** The page is going away: say goodbye to the people here and to the server. */
  goodbye(): void;
  /** Back from the back/forward cache: connect again. */
  restored(): void;
  /** The page is shown again (its tab in front): what arrived meanwhile is seen. */
  visible(): void;
}

/**
 * The page's own life, as the chat sees it: being left (a reload, a link followed, the tab
 * closed), staying after all, saying goodbye as it goes, coming back from the back/forward cache,
 * and being looked at again.
 */
export class PageLife {
  readonly #hooks: PageLifeHooks;
  #leaving: ReturnType<typeof setTimeout> | undefined;

  constructor(hooks: PageLifeHooks) {
    this.#hooks = hooks;
  }

  /** Whether the page began to be left and has not turned out to stay. */
  get leaving(): boolean {
    return this.#leaving !== undefined;
  }

  start(): void {
    // No page at all (the app layer run by Node, in tests): nothing to watch.
    if (typeof window === 'undefined') return;
    document.addEventListener('visibilitychange', this.#onVisibility);
    window.addEventListener('pagehide', this.#onPageHide);
    window.addEventListener('pageshow', this.#onPageShow);
    window.addEventListener('beforeunload', this.#onLeaving);
    for (const event of BACK_EVENTS) window.addEventListener(event, this.#stay, { capture: true });
  }

  stop(): void {
    if (typeof window === 'undefined') return;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.removeEventListener('pagehide', this.#onPageHide);
    window.removeEventListener('pageshow', this.#onPageShow);
    window.removeEventListener('beforeunload', this.#onLeaving);
    for (const event of BACK_EVENTS) window.removeEventListener(event, this.#stay, { capture: true });
  }

  readonly #onVisibility = () => {
    if (document.hidden) return;
    this.#stay();
    this.#hooks.visible();
  };

  /**
   * The page is being left. What arrives from now on may never be seen, so it is not
   * acknowledged: its senders keep it and give it to the page that comes next (a reload resumes the
   * seat) or to this one if it stays after all. With others here, the browser first asks whether
   * to leave: what was said is kept nowhere.
   */
  readonly #onLeaving = (event: BeforeUnloadEvent) => {
    if (this.#hooks.inRoom() && this.#hooks.othersHere()) event.preventDefault();
    clearTimeout(this.#leaving);
    this.#leaving = setTimeout(this.#stay, LEAVING_MS);
    this.#hooks.holdAcks(true);
  };

  /** The page stayed (the user is back at it, or it was a download): acknowledge what waited. */
  readonly #stay = () => {
    if (this.#leaving === undefined) return;
    clearTimeout(this.#leaving);
    this.#leaving = undefined;
    this.#hooks.holdAcks(false);
  };

  /**
   * The page is going away for good or for a reload: say goodbye, so the others see us leave within
   * seconds (not after a drop's long grace) and a reload still takes the seat back.
   */
  readonly #onPageHide = () => {
    if (this.#hooks.inRoom()) this.#hooks.goodbye();
  };

  readonly #onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) this.#hooks.restored();
  };
}
