/** Whether the page may show desktop notifications. */
export type Permission = NotificationPermission | 'unsupported';

/**
 * Getting a person's attention while the tab is in the background: a count in the title and,
 * when they allowed it, a desktop notification. Permission is only ever asked from a click.
 */
export class Attention {
  /** Messages that arrived while the tab was hidden. */
  #missed = 0;
  readonly #title: () => string;

  constructor(title: () => string) {
    this.#title = title;
  }

  get missed(): number {
    return this.#missed;
  }

  static get supported(): boolean {
    return typeof Notification !== 'undefined';
  }

  static get permission(): Permission {
    return Attention.supported ? Notification.permission : 'unsupported';
  }

  /** Ask to show notifications; call from a click or key press, or browsers refuse to ask. */
  static async ask(): Promise<Permission> {
    if (!Attention.supported) return 'unsupported';
    return Notification.permission === 'default' ? Notification.requestPermission() : Notification.permission;
  }

  /**
   * A message arrived: while hidden, count it in the title and (`notify`: the room's setting wants
   * it) notify. `open` runs when the notification is clicked.
   */
  arrived(heading: string, body: string, tag: string, open: () => void, notify = true): void {
    if (!document.hidden) return;
    this.#missed += 1;
    this.showTitle();
    if (!notify || Attention.permission !== 'granted') return;
    try {
      const notification = new Notification(heading, { body, tag });
      notification.addEventListener('click', () => {
        window.focus();
        open();
        notification.close();
      });
    } catch (error: unknown) {
      // Some browsers only allow notifications from a service worker.
      console.warn('meshchat: could not show a notification', error);
    }
  }

  /** The tab is in view again. */
  seen(): void {
    this.#missed = 0;
    this.showTitle();
  }

  showTitle(): void {
    document.title = this.#missed > 0 ? `(${this.#missed}) ${this.#title()}` : this.#title();
  }
}
