import { LitElement, css, html, nothing } from 'lit';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
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
  static override properties = { chat: { attribute: false }, blocked: { state: true } };

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
  /** The browser refused to start the call's sound or pictures without the person's say. */
  declare blocked: boolean;

  readonly #ring = new RingTone();
  /** Which tiles' videos are in sight, told to their senders. */
  readonly #sight = new TileSight((nick, watching) => this.chat.calls.showing(nick, watching));
  readonly #onVisibility = () => this.#sight.tellShowing();

  constructor() {
    super();
    this.blocked = false;
    updateWhenLocaleChanges(this);
    this.addEventListener('sound-blocked', () => (this.blocked = true));
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
    return html`${callView(this.chat)}${this.blocked
      ? html`<button class="play-sound" @click=${this.#playAll}>${msg("Play the call's sound")}</button>`
      : nothing}`;
  }

  /** A press is what the browser waited for: every tile plays. */
  #playAll = () => {
    this.blocked = false;
    for (const media of this.renderRoot.querySelectorAll<HTMLMediaElement>('video, audio')) void media.play().catch(() => (this.blocked = true));
  };

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
