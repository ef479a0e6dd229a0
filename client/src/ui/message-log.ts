import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { continuations, isRasterImage, privateWith, shownIn, visibleName, type ChatLine } from '../room';
import type { MessageActionEvent, OpenPictureEvent } from './events';
import { currentLanguage } from './i18n';
import { messageLogStyles } from './message-log.styles';
import { messagePartsStyles } from './message-parts.styles';
import { amendedMark, linked, matches, messageActions, reactionChips, receiptMark, replyQuote, timeOf } from './message-parts';
import { formatted, loadFormatting, mayBeFormatted } from './formatted';
import { LogSearch } from './log-search';
import './picture-viewer';
import './delete-question';
import type { Picture } from './picture-viewer';
import './react-row';
import { provenanceText } from './words';
import { blocks, sheet, viewRule } from './log-view';

/** How close to the bottom still counts as "following" the conversation, in pixels. */
const STICKY_PX = 48;

/** The file card's code, fetched once, when the first file shows. */
let fileCard: Promise<unknown> | undefined;
const loadFileCard = () => (fileCard ??= import('./file-card'));

/**
 * The conversation. Follows new lines unless the reader has scrolled up; then offers a button
 * to jump to the newest ones.
 */
export class MessageLog extends LitElement {
  static override properties = {
    lines: { attribute: false },
    earlier: { attribute: false },
    keptUntil: { type: Number },
    me: { type: String },
    dropped: { type: Number },
    view: { attribute: false },
    unseen: { state: true },
    status: { state: true },
  };

  declare lines: ChatLine[];
  /** The room's history, said before we came, as the people here gave it: above the live lines, in the room's view. */
  declare earlier: readonly ChatLine[];
  /** The last line brought back from what this browser kept: the room's history shows after it. */
  declare keptUntil: number;
  declare me: string;
  /** Frames from peers that failed to parse: never shown, counted for diagnostics. */
  declare dropped: number;
  /** `undefined` shows the room: everything. A nickname shows only the private conversation with them. */
  declare view: string | undefined;
  declare unseen: boolean;
  /** What going to a quoted message found, said once to the screen reader and shown briefly. */
  declare status: string;
  /** Search in the conversation on screen. */
  readonly search = new LogSearch(this);
  #following = true;
  /** Counts the parser's loading: lines drawn before it are drawn again after. */
  #formatting = 0;
  /** Lines never change once written, so each is rendered once, not on every new message (nor again until the language changes). */
  #rendered = new WeakMap<ChatLine, TemplateResult>();
  #language = currentLanguage();
  /** Hides what is not in the conversation on screen. */
  readonly #viewSheet = sheet(viewRule(undefined));

  constructor() {
    super();
    this.lines = [];
    this.earlier = [];
    this.keptUntil = 0;
    this.me = '';
    this.dropped = 0;
    this.view = undefined;
    this.unseen = false;
    this.status = '';
    updateWhenLocaleChanges(this);
  }

  static override styles = [messageLogStyles, messagePartsStyles];

  override render() {
    const lines = this.lines;
    const runs = continuations(lines, this.me);
    const view = this.view;
    const earlier = this.earlier;
    const earlierRuns = continuations(earlier, this.me);
    const query = this.search.query;
    // What was kept in this browser comes first; the room's history from the people here after it.
    const after = this.keptUntil === 0 ? 0 : lines.findIndex((line) => line.id > this.keptUntil);
    const kept = after === -1 ? lines.length : after;
    return html`
      ${this.search.render()}
      <div
        role="log"
        aria-label=${msg('Messages')}
        aria-live="off"
        tabindex="0"
        data-dropped=${this.dropped}
        @scroll=${this.#onScroll}
        @click=${this.#onClick}
        @message-action=${this.#onAction}
        @open-picture=${this.#onPicture}
      >
        <div class="lines">${this.#blocks(lines.slice(0, kept), runs, query)}${kept === 0
          ? nothing
          : html`<p class="divider" role="separator">${msg('↑ Kept in this browser from before')}</p>`}${earlier.length === 0
          ? nothing
          : html`<div class="earlier" ?hidden=${view !== undefined}>
              ${earlier.map((line) => this.#cached(line, earlierRuns.has(line)))}
              <p class="divider" role="separator">${msg('↑ Earlier messages, from the people here')}</p>
            </div>`}${this.#blocks(lines.slice(kept), runs, query)}</div>
      </div>
      ${this.unseen ? html`<button class="jump" @click=${this.scrollToEnd}>${msg('New messages ↓')}</button>` : null}
      <mc-react-row></mc-react-row>
      <mc-picture-viewer></mc-picture-viewer>
      <mc-delete-question @close=${() => this.#scroller?.focus()}></mc-delete-question>
      <p class="gone-to" role="status">${this.status}</p>
    `;
  }

  /**
   * Lines in blocks: a new message re-renders only the block it lands in; a line replaced (a
   * receipt moved on) re-renders only its own block: blocks compare their lines by identity.
   * Which conversation shows is a style sheet, so switching renders no line again; a block with
   * nothing of it is hidden whole, not left as a blank placeholder.
   */
  #blocks(lines: readonly ChatLine[], runs: ReadonlySet<ChatLine>, query: string) {
    return repeat(
      blocks(lines),
      (block) => block.key,
      (block) =>
        html`<div class="block" ?hidden=${!block.lines.some((line) => shownIn(line, this.view, this.me))}>
          ${guard([this.#language, query, this.#formatting, ...block.lines], () => block.lines.map((line) => this.#cached(line, runs.has(line))))}
        </div>`,
    );
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('view')) this.#viewSheet.replaceSync(viewRule(this.view));
    if (this.#language === currentLanguage()) return;
    this.#language = currentLanguage();
    this.#rendered = new WeakMap();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const root = this.renderRoot as ShadowRoot;
    if (!root.adoptedStyleSheets.includes(this.#viewSheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.#viewSheet];
  }

  #cached(line: ChatLine, continues: boolean): TemplateResult {
    // A line that holds what a search looks for is drawn with its matches marked, and not kept so.
    if (matches(line.text, this.search.query)) return this.#safely(line, continues);
    let rendered = this.#rendered.get(line);
    if (!rendered) {
      rendered = this.#safely(line, continues);
      this.#rendered.set(line, rendered);
    }
    return rendered;
  }

  /** Rendering is total: a line that cannot be drawn shows as a marked line, and the rest go on. */
  #safely(line: ChatLine, continues: boolean): TemplateResult {
    try {
      return this.#line(line, continues);
    } catch (error: unknown) {
      console.warn('meshchat: a line could not be shown', error);
      return html`<p class="line" data-kind="broken"><span></span><span class="body">${msg('(a message that could not be shown)')}</span></p>`;
    }
  }

  /**
   * One line: its time in the left column, then who said it and what. A line that continues a run
   * shows no name and a time only on hover or focus; its name stays in the text for screen
   * readers ("bob: …"), and wrapped text stays in the right column.
   */
  #line(line: ChatLine, continues: boolean): TemplateResult {
    const time = timeOf(line.ts);
    if (line.kind === 'notice') return html`<p class="line" data-kind="notice">${time} <span class="body text">${line.text}</span></p>`;
    if (line.kind === 'warning') {
      return html`<p class="line" data-kind="warning" data-from=${line.from ?? ''} role="alert">${time} <span class="body">⚠ <span class="text">${line.text}</span></span></p>`;
    }
    const from = line.from ?? '';
    const mine = from === this.me;
    const other = privateWith(line, this.me);
    const receipt = line.receipt ? receiptMark(line.receipt, line.kind === 'public') : nothing;
    // A private line names the other person: who it came from, or who you sent it to.
    // Each binding is a node in every line: parts a line does not have are left out of its template, not bound as nothing.
    const who =
      other === undefined
        ? html`<span class="who"><span class="from">${from}</span><span class="sep">: </span></span>`
        : html`<span class="who"><span class="tag">${mine ? msg('private to') : msg('private from')}</span> <span class="from">${other}</span><span class="sep">: </span></span>`;
    const run = continues ? 'more' : 'head';
    const known = line.known ? html` <span class="known">${provenanceText(line.known)}</span>` : nothing;
    if (line.kind === 'file') {
      // The card's code loads with the room's first file; the element takes its transfers once defined.
      void loadFileCard();
      return html`<div class="line" data-kind="file" data-run=${run} data-from=${from} data-to=${line.to ?? ''} data-private=${other ?? nothing} ?data-mine=${mine}>
        ${time} ${who}<span class="body"><mc-file-card .transfers=${line.transfers ?? []}></mc-file-card></span>
      </div>`;
    }
    const quote = replyQuote(line);
    const text = line.deleted
      ? html`<span class="text deleted">${msg('message deleted')}</span>`
      : line.ref && line.text === ''
        ? html`<span class="text deleted">${msg('(edited; its latest words were not given)')}</span>`
        : this.#plainText(line);
    const words = quote === nothing ? text : html`${quote}${text}`;
    const chips = reactionChips(line, this.me);
    const actions = messageActions(line, this.me);
    const after =
      known !== nothing || chips !== nothing ? html`${receipt}${known}${chips}${actions}` : receipt === nothing ? actions : html`${receipt}${actions}`;
    return html`<p
      class="line"
      data-kind=${line.kind}
      data-run=${run}
      data-from=${from}
      data-to=${line.kind === 'private' ? (line.to ?? this.me) : nothing}
      data-private=${other ?? nothing}
      ?data-echo=${line.echo === true}
      ?data-mine=${mine}
      ?data-deleted=${line.deleted === true}
      ?data-mentions-me=${line.from !== this.me && (line.mentions?.includes(this.me) ?? false)}
      data-known=${line.known?.how ?? nothing}
      data-ref-by=${line.ref?.by ?? nothing}
      data-ref-id=${line.ref?.id ?? nothing}
    >${time} ${who}<span class="body">${words}${after}</span></p>`;
  }

  /** The words of a message still standing, and "(edited)" after them where they were. */
  #plainText(line: ChatLine): TemplateResult {
    const words = html`<span class="text">${this.#words(line)}</span>`;
    return line.edited ? html`${words}${amendedMark(line)}` : words;
  }

  /** A message's words: formatted where they ask for it (once the parser has loaded), with mentions, links and search marks. */
  #words(line: ChatLine) {
    const words = (text: string) => linked(text, this.search.query, line.mentions, this.me);
    const shown = formatted(line.text, words);
    if (shown) return shown;
    // The parser loads the first time a message looks formatted; every line is drawn again then.
    if (mayBeFormatted(line.text)) {
      loadFormatting(() => {
        this.#rendered = new WeakMap();
        this.#formatting += 1;
        this.requestUpdate();
      });
    }
    return words(line.text);
  }

  /** A picture opens large, among the other pictures of the conversation on screen. */
  #onPicture(event: OpenPictureEvent) {
    const viewer = this.renderRoot.querySelector('mc-picture-viewer');
    if (!viewer) return;
    viewer.pictures = this.lines
      .filter((line) => line.kind === 'file' && shownIn(line, this.view, this.me))
      .flatMap((line): Picture[] => {
        const transfer = line.transfers?.[0];
        return transfer?.url && isRasterImage(transfer.file.mime) ? [{ url: transfer.url, name: visibleName(transfer.file.name) }] : [];
      });
    viewer.current = event.url;
  }

  /** A quote goes to the message it quotes, highlighted, where it is shown; where it is not, says so. */
  #onClick(event: Event) {
    const quote = (event.target as HTMLElement).closest<HTMLElement>('.quote');
    if (!quote) return;
    const { reBy = '', reId = '' } = quote.dataset;
    const found = [...this.renderRoot.querySelectorAll<HTMLElement>('.line[data-ref-id]')].find(
      (line) => line.dataset.refBy === reBy && line.dataset.refId === reId && line.checkVisibility(),
    );
    if (!found) {
      this.status = msg('That message is not shown here any more.');
      setTimeout(() => (this.status = ''), 4_000);
      return;
    }
    this.status = '';
    found.scrollIntoView({ block: 'center' });
    found.classList.remove('found');
    void found.offsetWidth;
    found.classList.add('found');
    found.tabIndex = -1;
    found.focus({ preventScroll: true });
  }

  /** React opens the quick reactions beside its button; the other actions go on up to the app. */
  /** Reactions without an emoji yet open the quick row; a deletion is asked first. */
  #onAction(event: MessageActionEvent) {
    if (event.action === 'delete' && !event.confirmed) {
      event.stopPropagation();
      void this.renderRoot.querySelector('mc-delete-question')?.ask(event.line);
      return;
    }
    if (event.action !== 'react' || event.emoji !== undefined) return;
    event.stopPropagation();
    const anchor = event.composedPath()[0];
    if (anchor instanceof HTMLElement) void this.renderRoot.querySelector('mc-react-row')?.open(event.line, anchor);
  }

  get #scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('[role=log]');
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.search.drawn(changed.has('lines') || changed.has('earlier') || changed.has('view'));
    if (!changed.has('lines')) return;
    const newest = this.lines.at(-1);
    if (changed.get('lines')?.at(-1)?.id === newest?.id || this.#following) return;
    if (newest && !shownIn(newest, this.view, this.me)) return;
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

customElements.define('mc-message-log', MessageLog);
declare global {
  interface HTMLElementTagNameMap {
    'mc-message-log': MessageLog;
  }
}
