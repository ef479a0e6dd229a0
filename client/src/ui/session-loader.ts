import type { ReactiveControllerHost } from 'lit';
import { firstLook } from '../app';
import { secretFromHash } from '../room';
import type { ChatController } from './chat-controller';
import { roomFromLocation } from './config';
import type { FirstScreen } from './join-view';

/**
 * The chat session and the room's code (`session.ts`), loaded once: at once for a reload (the tab
 * holds a seat) or a room kept on this device (it opens itself), else when the person starts on
 * the first screen (typing, a click), so it is here by the time they ask to join. Until then the
 * first screen is drawn from what `first` holds.
 */
export class SessionLoader {
  chat: ChatController | undefined;
  readonly first: FirstScreen = { chat: undefined, keptNick: '', kept: false, keep: undefined, loading: false, failed: false, session: () => this.load(true) };
  #loading: Promise<ChatController> | undefined;
  readonly #host: ReactiveControllerHost & HTMLElement;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
  }

  /** The page is up: look at what the tab and this device hold, and watch for someone starting. */
  begin(): void {
    for (const intent of ['input', 'pointerdown', 'keydown']) this.#host.addEventListener(intent, () => void this.load().catch(() => undefined), { once: true, capture: true });
    void firstLook(roomFromLocation(), secretFromHash(location.hash)).then(({ seat, kept }) => {
      this.first.kept = kept !== undefined;
      this.first.keptNick = kept?.nick ?? '';
      if (seat || kept?.nick) void this.load().catch(() => undefined);
      this.#host.requestUpdate();
    });
  }

  /** The session, loaded if it is not yet; `asked`: a request waits for it, and the form says so. */
  load(asked = false): Promise<ChatController> {
    if (asked && !this.chat) {
      this.first.loading = true;
      this.first.failed = false;
      this.#host.requestUpdate();
    }
    this.#loading ??= import('./session').then(
      ({ openSession }) => {
        const chat = openSession(this.#host);
        // The switch as the first screen showed it (turned, or on for a room kept here) is the choice made.
        if (this.first.keep !== undefined || this.first.kept) chat.keeping.wanted = this.first.keep ?? this.first.kept;
        this.first.keep = undefined;
        this.chat = this.first.chat = chat;
        this.first.loading = false;
        this.#host.requestUpdate();
        return chat;
      },
      (error: unknown) => {
        // Offline before the app was kept for it: said on the form, and the next request tries again.
        console.warn('meshchat: could not load the room\'s code', error);
        this.#loading = undefined;
        // Said only if someone asked (the form waits on it, perhaps on a load begun by a keystroke).
        this.first.failed = this.first.loading;
        this.first.loading = false;
        this.#host.requestUpdate();
        throw error;
      },
    );
    return this.#loading;
  }
}
