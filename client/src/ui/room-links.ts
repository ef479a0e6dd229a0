import { html, nothing, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import { newRoomSecret, secretFromHash } from '../room';
import { historyShared, roomLink } from './config';
import type { CreatePrivateEvent, JoinRequestEvent } from './events';
import type { Lobby } from '../app';

/** The room a link is for: its name, or a private room's secret (which goes in the fragment only). */
interface Where {
  room: string;
  secret: string | undefined;
}

/** The link that brings someone here: a private room's carries its secret in the fragment only. */
export function inviteLink({ room, secret }: Where): string {
  return secret ? new URL(`/${historyShared() ? '' : '?history=off'}#${secret}`, location.origin).href : roomLink(room);
}

/** The room's link for this tab's address bar: the invite, keeping a `?lang=` the page was opened with, so a reload keeps it. */
export function ownLink(where: Where): string {
  const link = new URL(inviteLink(where));
  const lang = new URLSearchParams(location.search).get('lang');
  if (lang) link.searchParams.set('lang', lang);
  return link.href;
}

/** The page's address says whether the room shares its history, so its invite link and a reload carry that. */
export function keepHistoryChoice(shared: boolean): void {
  const url = new URL(location.href);
  if (shared) url.searchParams.delete('history');
  else url.searchParams.set('history', 'off');
  history.replaceState(null, '', url.href);
}

/** Join as the form asks: the private room the address's fragment holds, or the room named. */
export function joinFromForm(lobby: Lobby, event: JoinRequestEvent): Promise<void> {
  const secret = secretFromHash(location.hash);
  keepHistoryChoice(event.history);
  return secret ? lobby.joinPrivate(event.nick, secret) : lobby.join(event.nick, event.room);
}

/** Make a private room: a fresh secret, in the address's fragment only, and join it. */
export function createPrivate(lobby: Lobby, event: CreatePrivateEvent): Promise<void> {
  const secret = newRoomSecret();
  history.replaceState(null, '', `/#${secret}`);
  keepHistoryChoice(event.history);
  return lobby.joinPrivate(event.nick, secret);
}

/**
 * Copying the invite link: said beside the button for a moment (and to a screen reader); where the
 * clipboard is refused, the link is shown there to copy by hand. Never written into the log.
 */
export class InviteCopy {
  #state: 'copied' | 'failed' | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #changed: () => Promise<unknown>;
  readonly #announce: (text: string) => void;
  readonly #root: () => ParentNode;

  /** `changed`: render again (resolves once rendered); `root`: where the rendered input is found. */
  constructor(changed: () => Promise<unknown>, announce: (text: string) => void, root: () => ParentNode) {
    this.#changed = changed;
    this.#announce = announce;
    this.#root = root;
  }

  render(link: () => string, kind = ''): TemplateResult {
    const state = this.#state;
    return html`<button class=${kind} @click=${() => void this.#copy(link())}>${msg('Copy the invite link')}</button>
      ${state === 'copied' ? html`<span class="copied">${msg('Link copied.')}</span>` : nothing}
      ${state === 'failed'
        ? html`<label class="copy-by-hand"
            ><span>${msg('Copy this link to invite people:')}</span>
            <input readonly .value=${link()} @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()}
          /></label>`
        : nothing}`;
  }

  async #copy(link: string): Promise<void> {
    clearTimeout(this.#timer);
    try {
      await navigator.clipboard.writeText(link);
      this.#state = 'copied';
      this.#announce(msg('Link copied.'));
      this.#timer = setTimeout(() => {
        this.#state = undefined;
        void this.#changed();
      }, 4_000);
      void this.#changed();
    } catch {
      this.#state = 'failed';
      await this.#changed();
      this.#root().querySelector<HTMLInputElement>('.copy-by-hand input')?.focus();
    }
  }
}
