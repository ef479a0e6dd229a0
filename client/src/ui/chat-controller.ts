import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { msg, str } from '@lit/localize';
import { ChatSession, type Arrival, type CallSettings, type Command } from '../app';
import { Attention } from './attention';
import { historyLimits, historyShared, pointsAtSeat } from './config';
import { ComparedEvent } from './events';
import { commandLines, linkWords, noticeText, outageText, refusedText } from './words';

export type { Screen, SignalingState } from '../app';

export interface ChatOptions {
  signalingUrl: string;
  /** `relay` sends everything through TURN. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** How calls are governed. */
  callSettings?: CallSettings;
}

/**
 * The chat session (`app/`) adapted to Lit: components read its fields and call its methods, and
 * every change asks the host to render again. What only a screen has lives here: the words, the
 * screen reader's announcements, the title and notifications, and the safety codes compared.
 */
export class ChatController extends ChatSession implements ReactiveController {
  /** The newest message from someone else, for the screen reader's live region. */
  announcement = '';
  /** Safety codes the user compared with their people, this session (see `ComparedEvent.key`). */
  compared: ReadonlySet<string> = new Set();
  readonly attention = new Attention(() => (this.screen === 'room' ? `${this.#roomName()} · meshchat` : 'meshchat'));
  readonly #host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost, options: ChatOptions) {
    super({
      ...options,
      words: { notice: noticeText, outage: outageText, refused: refusedText, announcement: (text) => msg(str`Announcement: ${text}`) },
      pointsAt: pointsAtSeat,
      history: () => ({ shared: historyShared(), limits: historyLimits() }),
    });
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.start();
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** The user compared the safety code `code` with `nick`, and it matched: say so beside it, this session. */
  markCompared(nick: string, code: string): void {
    this.compared = new Set([...this.compared, ComparedEvent.key(nick, code)]);
    this.announcement = msg(str`Safety code with ${nick} marked as compared.`);
    this.changed();
  }

  /** Say something to a screen reader only, politely (what the screen shows of it is shown elsewhere). */
  announce(text: string): void {
    this.announcement = text;
    this.changed();
  }

  protected override changed(): void {
    this.#host.requestUpdate();
  }

  /** Someone else's message arrived: tell a screen reader, and call for attention where the page is not in front. */
  protected override arrived({ from, private: isPrivate, text, file, mentioned }: Arrival): void {
    const body = file ? msg(str`${from} offers a file: ${text}`) : text;
    this.announcement = isPrivate ? msg(str`Private message from ${from}: ${body}`) : msg(str`${from}: ${body}`);
    const heading = isPrivate ? msg(str`${from} (private)`) : mentioned ? msg(str`${from} mentioned you in ${this.#roomName()}`) : msg(str`${from} in ${this.#roomName()}`);
    // "Mentions" notifies of what is for us: a mention, or a private message.
    const notify = this.choices.notifyOf === 'all' || (this.choices.notifyOf === 'mentions' && (isPrivate || mentioned === true));
    this.attention.arrived(heading, body, isPrivate ? `private:${from}` : 'room', () => this.openView(isPrivate ? from : undefined), notify);
  }

  protected override answer(command: Command): void {
    for (const line of commandLines(command, () => this.#users()) ?? []) this.notice(line);
  }

  protected override moved(inRoom: boolean): void {
    if (!inRoom) this.compared = new Set();
    this.attention.showTitle();
  }

  protected override shownAgain(): void {
    this.attention.seen();
  }

  /** Who is here, in words: what /users says. */
  #users(): string {
    const others = [...this.people].map(([nick, view]) => `${nick} (${linkWords(view)})`);
    const summary = [msg(str`${this.nick} (you)`), ...others].join(', ');
    return msg(str`In ${this.#roomName()} (${this.people.size + 1} of ${this.capacity}): ${summary}`);
  }

  #roomName(): string {
    return this.secret ? msg('Private room') : this.withStranger ? msg('Stranger') : this.room;
  }
}
