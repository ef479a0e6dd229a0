import { LitElement, css, html, nothing } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { FileActionEvent, OpenPictureEvent } from './events';
import { isRasterImage, realExtension, saveName, visibleName } from '../room';
import { PAPERCLIP } from './icons';
import type { Transfer } from '../room';
import { sizeText } from './words';

/**
 * A file in the conversation: the offer with Accept and Decline, progress while it flows, then a
 * Save link and, for images, a preview. The sender sees one row per recipient.
 * Re-renders on its transfers' own `change` events, not with the whole log.
 * @fires file-action
 */
export class FileCard extends LitElement {
  static override properties = { transfers: { attribute: false } };

  declare transfers: readonly Transfer[];
  readonly #onChange = () => this.requestUpdate();
  #watched: readonly Transfer[] = [];

  constructor() {
    super();
    this.transfers = [];
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    :host {
      display: inline-grid;
      gap: 0.3rem;
      max-width: min(100%, 28rem);
      padding: 0.4rem 0.6rem;
      border: 1px solid color-mix(in srgb, currentColor 25%, transparent);
      border-radius: 0.4rem;
      vertical-align: top;
    }
    .type {
      font-weight: 600;
    }
    .name {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .size,
    .state {
      color: var(--muted);
      font-size: 0.9em;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.4rem;
    }
    progress {
      flex: 1;
      min-width: 6rem;
    }
    button,
    a {
      font: inherit;
    }
    button {
      padding: 0.2rem 0.7rem;
    }
    a {
      color: var(--link);
    }
    .picture {
      display: block;
      padding: 0;
      border: none;
      background: none;
      cursor: zoom-in;
    }
    img {
      display: block;
      max-width: 100%;
      max-height: 16rem;
      border-radius: 0.3rem;
    }
    [data-state='failed'] .state {
      color: var(--danger);
    }
    [data-state='done'] .state {
      color: var(--ok);
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#watch(this.transfers);
  }

  override disconnectedCallback(): void {
    this.#watch([]);
    super.disconnectedCallback();
  }

  protected override willUpdate(): void {
    if (this.transfers !== this.#watched) this.#watch(this.transfers);
  }

  #watch(transfers: readonly Transfer[]): void {
    for (const transfer of this.#watched) transfer.removeEventListener('change', this.#onChange);
    this.#watched = transfers;
    for (const transfer of transfers) transfer.addEventListener('change', this.#onChange);
  }

  override render() {
    const first = this.transfers[0];
    if (!first) return nothing;
    const { name, size } = first.file;
    const extension = realExtension(name);
    return html`
      <span class="name">${PAPERCLIP} ${visibleName(name)}</span>
      <span class="size"
        >${sizeText(size)}${extension ? html` · <span class="type" data-extension=${extension}>${msg(str`.${extension} file`)}</span>` : nothing}</span
      >
      ${this.transfers.map((transfer) => (transfer.direction === 'in' ? this.#incoming(transfer) : this.#outgoing(transfer)))}
      ${first.direction === 'out' ? this.#preview(first) : nothing}
    `;
  }

  #incoming(transfer: Transfer) {
    const name = visibleName(transfer.file.name);
    const state = html`<span class="state">${this.#stateText(transfer)}</span>`;
    switch (transfer.state) {
      case 'offered':
        return html`<div class="row" data-state=${transfer.state}>
          <button @click=${() => this.#act(transfer, 'accept')}>${msg('Accept')}</button>
          <button @click=${() => this.#act(transfer, 'decline')}>${msg('Decline')}</button>
        </div>`;
      case 'receiving':
        return html`<div class="row" data-state=${transfer.state}>
          ${this.#progress(transfer, msg(str`Receiving ${name}`))} ${state}
          <button @click=${() => this.#act(transfer, 'cancel')}>${msg('Cancel')}</button>
        </div>`;
      case 'done':
        return html`<div class="row" data-state=${transfer.state}>
            ${state}
            <a href=${transfer.url ?? ''} download=${saveName(transfer.file.name)}>${msg(str`Save ${name}`)}</a>
          </div>
          ${this.#preview(transfer)}`;
      default:
        return html`<div class="row" data-state=${transfer.state}>${state}</div>`;
    }
  }

  /** A picture received and checked, or one we sent, shown inline; activating it opens it large. */
  #preview(transfer: Transfer) {
    const url = transfer.url;
    if (!isRasterImage(transfer.file.mime) || !url) return nothing;
    const name = visibleName(transfer.file.name);
    return html`<button type="button" class="picture" aria-label=${msg(str`Open ${name} larger`)} @click=${() => this.dispatchEvent(new OpenPictureEvent(url))}>
      <img src=${url} alt=${msg(str`Preview of ${name}`)} />
    </button>`;
  }

  #outgoing(transfer: Transfer) {
    const who = html`<span>${msg(str`To ${transfer.peer}:`)}</span>`;
    const cancel = html`<button @click=${() => this.#act(transfer, 'cancel')}>${msg(str`Cancel for ${transfer.peer}`)}</button>`;
    return html`<div class="row" data-state=${transfer.state} data-peer=${transfer.peer}>
      ${who}
      ${transfer.state === 'sending' ? this.#progress(transfer, msg(str`Sending ${visibleName(transfer.file.name)} to ${transfer.peer}`)) : nothing}
      <span class="state">${this.#stateText(transfer)}</span>
      ${transfer.state === 'waiting' || transfer.state === 'sending' ? cancel : nothing}
    </div>`;
  }

  #progress(transfer: Transfer, label: string) {
    return html`<progress aria-label=${label} max=${transfer.file.size} .value=${transfer.bytes}></progress>`;
  }

  #stateText(transfer: Transfer): string {
    const percent = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: 'percent' }).format(
      Math.floor(transfer.progress * 100) / 100,
    );
    switch (transfer.state) {
      case 'offered':
        return '';
      case 'waiting':
        return msg('waiting for them to accept');
      case 'sending':
      case 'receiving':
        return percent;
      case 'verifying':
        return msg('checking the SHA-256…');
      case 'done':
        return transfer.direction === 'in' ? msg('✓ received and checked') : msg('✓✓ delivered and checked');
      case 'declined':
        return transfer.direction === 'in' ? msg('you declined') : msg('declined');
      case 'cancelled':
        return transfer.cancelledBy === 'us' ? msg('you cancelled') : msg('cancelled by the other side');
      case 'failed':
        switch (transfer.reason) {
          case 'corrupt':
            return msg('failed: the file arrived damaged (SHA-256 mismatch) and was discarded');
          case 'too-long':
            return msg('failed: more data arrived than offered, so it was discarded');
          case 'unreadable':
            return msg('failed: the file could not be read');
          case 'peer-left':
            return msg('failed: they left the room');
          default:
            return msg('failed: the direct link was lost');
        }
    }
  }

  #act(transfer: Transfer, action: FileActionEvent['action']): void {
    this.dispatchEvent(new FileActionEvent(transfer, action));
  }
}

customElements.define('mc-file-card', FileCard);
declare global {
  interface HTMLElementTagNameMap {
    'mc-file-card': FileCard;
  }
}
