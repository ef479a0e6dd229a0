import { LitElement, css, html, type PropertyValues, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatLine } from './chat-controller';
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
    unseen: { state: true },
  };

  declare lines: ChatLine[];
  declare me: string;
  /** Frames from peers that failed to parse: never shown, counted for diagnostics. */
  declare dropped: number;
  declare unseen: boolean;
  #following = true;
  /** Lines never change once written, so each is rendered once, not on every new message. */
  readonly #rendered = new WeakMap<ChatLine, TemplateResult>();

  constructor() {
    super();
    this.lines = [];
    this.me = '';
    this.dropped = 0;
    this.unseen = false;
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
      /* Lines out of view cost no layout: a long, busy log stays cheap to append to. */
      content-visibility: auto;
      contain-intrinsic-size: auto 1.5em;
    }
    .text {
      white-space: pre-wrap;
    }
    .from {
      font-weight: 600;
    }
    time {
      color: GrayText;
      font-size: 0.8em;
      margin-right: 0.5em;
    }
    [data-kind='notice'] {
      color: GrayText;
      font-style: italic;
    }
    [data-kind='private'] {
      background: color-mix(in srgb, Highlight 12%, transparent);
      border-left: 3px solid Highlight;
      padding-left: 0.4rem;
    }
    .tag {
      font-size: 0.8em;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      margin-right: 0.4em;
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
      <div role="log" aria-label="Messages" tabindex="0" data-dropped=${this.dropped} @scroll=${this.#onScroll}>
        <div class="lines">${repeat(
          blocks(this.lines),
          (block) => block.key,
          // A new message re-renders only the newest block, not the whole log.
          (block) =>
            guard([block.lines[0]?.id, block.lines.length], () => block.lines.map((line) => this.#cached(line))),
        )}</div>
      </div>
      ${this.unseen ? html`<button class="jump" @click=${this.scrollToEnd}>New messages ↓</button>` : null}
    `;
  }

  #cached(line: ChatLine): TemplateResult {
    let rendered = this.#rendered.get(line);
    if (!rendered) {
      rendered = this.#line(line);
      this.#rendered.set(line, rendered);
    }
    return rendered;
  }

  #line(line: ChatLine): TemplateResult {
    const time = html`<time datetime=${new Date(line.ts).toISOString()}>${clock(line.ts)}</time>`;
    if (line.kind === 'notice') return html`<p class="line" data-kind="notice">${time} <span class="text">${line.text}</span></p>`;
    const from = line.from ?? '';
    if (line.kind === 'public') {
      return html`<p class="line" data-kind="public" data-from=${from}>
        ${time} <span class="from">${from}</span>: <span class="text">${linked(line.text)}</span>
      </p>`;
    }
    // A private line names the other person: who it came from, or who you sent it to.
    const [direction, other] = line.to !== undefined ? ['private to', line.to] : ['private from', from];
    return html`<p class="line" data-kind="private" data-from=${from} data-to=${line.to ?? this.me}>
      ${time} <span class="tag">${direction}</span> <span class="from">${other}</span>: <span class="text">${linked(line.text)}</span>
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

/** Message text with its http(s) URLs as links; everything is bound as text, never as HTML. */
function linked(text: string) {
  return linkify(text).map((piece) =>
    'href' in piece ? html`<a href=${piece.href} target="_blank" rel="noopener noreferrer">${piece.text}</a>` : piece.text,
  );
}

function clock(ts: number): string {
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

customElements.define('mc-message-log', MessageLog);
declare global {
  interface HTMLElementTagNameMap {
    'mc-message-log': MessageLog;
  }
}
