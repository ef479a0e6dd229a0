import { LitElement, css } from 'lit';
import { updateWhenLocaleChanges } from '@lit/localize';
import type { ChatController } from './chat-controller';
import { callView, TileSight } from './call-view';
import { callStyles } from './call-view.styles';
import { RingTone } from './ring-tone';
import { visuallyHidden } from './visually-hidden';

/**
 * The call's own screen: its bars, controls and tiles, which tiles are in sight, and the ring.
 * Loaded only once a call is joined, answered, rung or seen in the room (see `callNeeded`): the
 * first screen does without it. Drawn again whenever the chat app is.
 */
export class CallPanel extends LitElement {
  static override properties = { chat: { attribute: false } };

  static override styles = [
    callStyles,
    css`
      :host {
        display: block;
      }
      .sr-only {
        ${visuallyHidden}
      }
    `,
  ];

  declare chat: ChatController;

  readonly #ring = new RingTone();
  /** Which tiles' videos are in sight, told to their senders. */
  readonly #sight = new TileSight((nick, watching) => this.chat.calls.showing(nick, watching));
  readonly #onVisibility = () => this.#sight.tellShowing();

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#sight.disconnect();
    this.#ring.stop();
  }

  protected override render() {
    return callView(this.chat);
  }

  protected override updated(): void {
    // Each tile's video is watched for being in sight from when it appears.
    this.#sight.watch(this.renderRoot.querySelectorAll('.tiles video'));
    this.#ring.ring((this.chat.calls.call?.ringing().length ?? 0) > 0);
  }
}

customElements.define('mc-call', CallPanel);

declare global {
  interface HTMLElementTagNameMap {
    'mc-call': CallPanel;
  }
}
