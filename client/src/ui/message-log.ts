import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { receiptState, type ChatLine, type Receipt } from '../room';
import './file-card';
import { currentLanguage } from './i18n';
import { linkify } from './linkify';

/** Lines per rendered block; a full block is never rendered again. */
const BLOCK = 64;

interface Block {
  key: number;
  lines: ChatLine[];
}

/** Group lines into blocks by id, so a block's contents only change while it is the newest. */
function blocks(lines: readonly ChatLine[]): Block[] {
  const grouped: Block[] = [];
  for (const line of lines) {
    const key = Math.floor(line.id / BLOCK);
    const last = grouped.at(-1);
    if (last?.key === key) last.lines.push(line);
    else grouped.push({ key, lines: [line] });
  }
  return grouped;
}

/** How close to the bottom still counts as "following" the conversation, in pixels. */
const STICKY_PX = 48;

/**
 * The conversation. Follows new lines unless the reader has scrolled up; then offers a button
 * to jump to the newest ones.
 */
export class MessageLog extends LitElement {
  static override properties = {
    lines: { attribute: false },
    me: { type: String },
    dropped: { type: Number },
    view: { attribute: false },
    unseen: { state: true },
  };

  declare lines: ChatLine[];
  declare me: string;
  /** Frames from peers that failed to parse: never shown, counted for diagnostics. */
  declare dropped: number;
  /** `undefined` shows the room: everything. A nickname shows only the private conversation with them. */
  declare view: string | undefined;
  declare unseen: boolean;
  #following = true;
  /** Lines never change once written, so each is rendered once, not on every new message (nor again until the language changes). */
  #rendered = new WeakMap<ChatLine, TemplateResult>();
  #language = currentLanguage();

  constructor() {
    super();
    this.lines = [];
    this.me = '';
    this.dropped = 0;
    this.view = undefined;
    this.unseen = false;
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    :host {
      position: relative;
      display: block;
      min-height: 0;
    }
    /* column-reverse keeps the view pinned to the newest line as lines arrive, with no script
       scrolling and no forced layout per message; scrollTop 0 is the bottom. */
    [role='log'] {
      display: flex;
      flex-direction: column-reverse;
      height: 100%;
      overflow-y: auto;
      padding: 0.5rem;
      box-sizing: border-box;
    }
    .line {
      margin: 0.15rem 0;
      overflow-wrap: anywhere;
    }
    /* Blocks out of view cost no layout, paint or visibility check: a long, busy log stays cheap
       to append to (one block of 64 lines to skip, not 64 lines). */
    .block {
      content-visibility: auto;
      contain-intrinsic-size: auto 40em;
    }
    .text {
      white-space: pre-wrap;
    }
    .from {
      font-weight: 600;
    }
    time {
      color: var(--muted);
      font-size: 0.8em;
      margin-right: 0.5em;
    }
    [data-kind='notice'],
    [data-kind='broken'] {
      color: var(--muted);
      font-style: italic;
    }
    [data-kind='warning'] {
      color: var(--danger);
      font-weight: 600;
    }
    [data-kind='private'] {
      background: color-mix(in srgb, var(--accent) 12%, transparent);
      border-left: 3px solid var(--accent);
      padding-left: 0.4rem;
    }
    .tag {
      font-size: 0.8em;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      margin-right: 0.4em;
    }
    .receipt {
      margin-left: 0.4em;
      font-size: 0.85em;
      color: var(--muted);
      white-space: nowrap;
    }
    [data-receipt='delivered'] {
      color: var(--ok);
    }
    a {
      color: var(--link);
    }
    .jump {
      position: absolute;
      bottom: 0.75rem;
      left: 50%;
      transform: translateX(-50%);
      font: inherit;
      padding: 0.3rem 0.8rem;
      border-radius: 1rem;
    }
  `;

  override render() {
    return html`
      <div role="log" aria-label=${msg('Messages')} aria-live="off" tabindex="0" data-dropped=${this.dropped} @scroll=${this.#onScroll}>
        <div class="lines">${repeat(
          blocks(this.#shown()),
          (block) => block.key,
          // A new message re-renders only the block it lands in; a line replaced (a receipt
          // moved on) re-renders only its own block: blocks compare their lines by identity.
          (block) => html`<div class="block">${guard([this.#language, ...block.lines], () => block.lines.map((line) => this.#cached(line)))}</div>`,
        )}</div>
      </div>
      ${this.unseen ? html`<button class="jump" @click=${this.scrollToEnd}>${msg('New messages ↓')}</button>` : null}
    `;
  }

  protected override willUpdate(): void {
    if (this.#language === currentLanguage()) return;
    this.#language = currentLanguage();
    this.#rendered = new WeakMap();
  }

  /** The lines of the conversation on screen. */
  #shown(): readonly ChatLine[] {
    const view = this.view;
    if (view === undefined) return this.lines;
    return this.lines.filter(
      (line) => (line.kind === 'private' || line.kind === 'file' || line.kind === 'warning') && (line.from === view || line.to === view),
    );
  }

  #cached(line: ChatLine): TemplateResult {
    let rendered = this.#rendered.get(line);
    if (!rendered) {
      rendered = this.#safely(line);
      this.#rendered.set(line, rendered);
    }
    return rendered;
  }

  /** Rendering is total: a line that cannot be drawn shows as a marked line, and the rest go on. */
  #safely(line: ChatLine): TemplateResult {
    try {
      return this.#line(line);
    } catch (error: unknown) {
      console.warn('meshchat: a line could not be shown', error);
      return html`<p class="line" data-kind="broken">${msg('(a message that could not be shown)')}</p>`;
    }
  }

  #line(line: ChatLine): TemplateResult {
    const time = timeOf(line.ts);
    if (line.kind === 'notice') return html`<p class="line" data-kind="notice">${time} <span class="text">${line.text}</span></p>`;
    if (line.kind === 'warning') {
      return html`<p class="line" data-kind="warning" data-from=${line.from ?? ''} role="alert">${time} ⚠ <span class="text">${line.text}</span></p>`;
    }
    const from = line.from ?? '';
    const mine = from === this.me;
    const receipt = line.receipt ? receiptMark(line.receipt, line.kind === 'public') : nothing;
    if (line.kind === 'file') {
      const tag = line.to === undefined ? nothing : html`<span class="tag">${mine ? msg('private to') : msg('private from')}</span> `;
      const who = mine && line.to !== undefined ? line.to : from;
      return html`<div class="line" data-kind="file" data-from=${from} data-to=${line.to ?? ''}>
        ${time} ${tag}<span class="from">${who}</span>: <mc-file-card .transfers=${line.transfers ?? []}></mc-file-card>
      </div>`;
    }
    if (line.kind === 'public') {
      return html`<p class="line" data-kind="public" data-from=${from}>
        ${time} <span class="from">${from}</span>: <span class="text">${linked(line.text)}</span>${receipt}
      </p>`;
    }
    // A private line names the other person: who it came from, or who you sent it to.
    const direction = mine ? msg('private to') : msg('private from');
    const other = mine ? (line.to ?? '') : from;
    return html`<p class="line" data-kind="private" data-from=${from} data-to=${line.to ?? this.me}>
      ${time} <span class="tag">${direction}</span> <span class="from">${other}</span>: <span class="text">${linked(line.text)}</span>${receipt}
    </p>`;
  }

  get #scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('[role=log]');
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('lines')) return;
    const newest = this.lines.at(-1);
    if (changed.get('lines')?.at(-1)?.id === newest?.id || this.#following) return;
    // Scrolled up: your own message brings you back down; anyone else's shows the jump button.
    if (newest?.from === this.me && newest.kind !== 'notice') this.scrollToEnd();
    else this.unseen = true;
  }

  scrollToEnd(): void {
    const scroller = this.#scroller;
    if (scroller) scroller.scrollTop = 0;
    this.unseen = false;
  }

  /** Whether the reader follows the conversation is known from scrolling, not measured on every message. */
  #onScroll() {
    const scroller = this.#scroller;
    if (!scroller) return;
    this.#following = scroller.scrollTop >= -STICKY_PX;
    if (this.#following) this.unseen = false;
  }
}

/**
 * ✓ sent, ✓✓ delivered, 🕓 waiting for a link. Public messages say how many of the room have it;
 * the words are in the label, so screen readers hear them too.
 */
function receiptMark(receipt: Receipt, isPublic: boolean): TemplateResult {
  const state = receiptState(receipt);
  const k = receipt.delivered.length;
  const n = receipt.to.length;
  const count = msg(str`delivered to ${k}/${n}`);
  const words: Record<typeof state, string> = {
    queued: msg('waiting for the link to come back'),
    sent: msg('sent'),
    delivered: msg('delivered'),
    partial: msg(str`not delivered to ${receipt.lost.join(', ')}: they left`),
  };
  const label = isPublic && state !== 'partial' ? `${words[state]}, ${count}` : words[state];
  const mark = { queued: '🕓', sent: '✓', delivered: '✓✓', partial: '✓!' }[state];
  return html`<span class="receipt" data-receipt=${state} data-delivered=${`${k}/${n}`} title=${label} aria-label=${label} role="img">${mark}</span>`;
}

/** Message text with its http(s) URLs as links; everything is bound as text, never as HTML. */
function linked(text: string) {
  return linkify(text).map((piece) =>
    'href' in piece ? html`<a href=${piece.href} target="_blank" rel="noopener noreferrer">${piece.text}</a>` : piece.text,
  );
}

/** One clock format per language: making one costs far more than using it (toLocaleTimeString makes one on every call). */
const clocks = new Map<string, Intl.DateTimeFormat>();
function clock(language: string): Intl.DateTimeFormat {
  let format = clocks.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' });
    clocks.set(language, format);
  }
  return format;
}

function timeOf(ts: number) {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return nothing;
  return html`<time datetime=${date.toISOString()}>${clock(currentLanguage()).format(date)}</time>`;
}

customElements.define('mc-message-log', MessageLog);
declare global {
  interface HTMLElementTagNameMap {
    'mc-message-log': MessageLog;
  }
}
