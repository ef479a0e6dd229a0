import { LitElement, css, html } from 'lit';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { LeaveRoomEvent } from './events';
import { confirmStyles } from './confirm.styles';

/**
 * Leave, asking first when others are here (what was said is kept only in their browsers, or
 * nowhere): the question takes the focus on Stay; Stay or Escape gives it back to Leave.
 */
export class LeaveRoom extends LitElement {
  static override properties = {
    others: { type: Number },
    historyShared: { type: Boolean },
    asking: { state: true },
  };

  /** How many other people are in the room: with none, Leave leaves at once. */
  declare others: number;
  /** Whether the room's recent messages are kept by the people here for those who join later. */
  declare historyShared: boolean;
  declare asking: boolean;

  constructor() {
    super();
    this.others = 0;
    this.historyShared = false;
    this.asking = false;
    updateWhenLocaleChanges(this);
  }

  static override styles = [
    confirmStyles,
    css`
      button {
        font: inherit;
        padding: 0.4rem 0.8rem;
      }
    `,
  ];

  override render() {
    if (!this.asking) return html`<button class="leave" @click=${() => this.#ask()}>${msg('Leave')}</button>`;
    return html`<div
      class="confirm"
      role="alertdialog"
      aria-labelledby="leave-question"
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape') this.#stay(event);
      }}
    >
      <p id="leave-question">
        ${this.historyShared
          ? msg('Leave the room? What was said here is kept only in the browsers of the people still here.')
          : msg('Leave the room? What was said here is kept nowhere, so you will not see it again.')}
      </p>
      <button class="danger" @click=${() => this.#leave()}>${msg('Leave')}</button>
      <button class="stay" @click=${(event: Event) => this.#stay(event)}>${msg('Stay')}</button>
    </div>`;
  }

  #ask(): void {
    if (this.others === 0) {
      this.#leave();
      return;
    }
    this.asking = true;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('.stay')?.focus());
  }

  #stay(event: Event): void {
    // Escape here must not also close the phone drawer around it.
    event.stopPropagation();
    this.asking = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('button.leave')?.focus());
  }

  #leave(): void {
    this.asking = false;
    this.dispatchEvent(new LeaveRoomEvent());
  }
}

customElements.define('mc-leave-room', LeaveRoom);
declare global {
  interface HTMLElementTagNameMap {
    'mc-leave-room': LeaveRoom;
  }
}
