import { LitElement, css, html } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { ComparedEvent, PrivateToEvent } from './events';
import { linkFailureText, linkWords } from './words';
import type { CallPeer, PeerView } from '../room';

/**
 * Everyone in the room: you first, then each peer with the state of your direct link to them.
 * Picking a peer opens the private conversation with them.
 * @fires private-to
 */
export class PeopleList extends LitElement {
  static override properties = {
    me: { type: String },
    people: { attribute: false },
    call: { attribute: false },
    compared: { attribute: false },
  };

  declare me: string;
  declare people: ReadonlyMap<string, PeerView>;
  /** Who is in the call, and how. */
  declare call: ReadonlyMap<string, CallPeer>;
  /** Safety codes the user said they compared, as `ComparedEvent.key(nick, code)`. */
  declare compared: ReadonlySet<string>;

  constructor() {
    super();
    this.me = '';
    this.people = new Map();
    this.call = new Map();
    this.compared = new Set();
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      padding: 0.25rem 0;
    }
    .row {
      display: flex;
      justify-content: space-between;
      gap: 0.5rem;
    }
    .call {
      font-size: 0.8em;
    }
    .call[data-speaking='true'] {
      color: var(--ok);
      font-weight: 600;
    }
    .safety {
      font-size: 0.8em;
      color: var(--muted);
    }
    .safety summary {
      cursor: pointer;
    }
    .safety p {
      margin: 0.3rem 0;
    }
    .safety .compare {
      text-decoration: none;
      border: 1px solid var(--border);
      border-radius: 0.3rem;
      padding: 0.15rem 0.5rem;
    }
    .compared {
      color: var(--ok);
      font-weight: 600;
    }
    .code,
    .details dd {
      font-family: ui-monospace, monospace;
    }
    .details {
      margin-top: 0.75rem;
      font-size: 0.8em;
    }
    .details summary {
      cursor: pointer;
      color: var(--muted);
    }
    .details dl {
      margin: 0.3rem 0;
    }
    .details dt {
      font-weight: 600;
      margin-top: 0.4rem;
    }
    .details dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    [data-verification='failed'] .state {
      color: var(--danger);
      font-weight: 600;
    }
    button {
      font: inherit;
      color: inherit;
      background: none;
      border: none;
      padding: 0;
      text-align: left;
      cursor: pointer;
      text-decoration: underline dotted;
    }
    .state {
      font-size: 0.85em;
      color: var(--muted);
    }
    [data-state='connected'] .state {
      color: var(--ok);
    }
    [data-state='failed'] .state {
      color: var(--danger);
    }
  `;

  /** Where they stand in the call, in a few words: in it, muted, camera, sharing, speaking. */
  #inCall(peer: CallPeer | undefined) {
    if (!peer) return null;
    const words = [
      msg('in the call'),
      peer.muted ? msg('muted') : undefined,
      peer.camera ? msg('camera on') : undefined,
      peer.screen !== undefined ? msg('sharing the screen') : undefined,
      peer.speaking ? msg('speaking') : undefined,
    ].filter(Boolean);
    return html`<div class="call" data-speaking=${peer.speaking ? 'true' : 'false'}>${words.join(' · ')}</div>`;
  }

  /**
   * The safety code of the link to `nick`, explained where it is (a tap opens it; hover is not
   * needed): compared codes prove nobody is in between. "I compared it" marks it for the session.
   */
  #safety(nick: string, code: string) {
    const compared = this.compared.has(ComparedEvent.key(nick, code));
    return html`<details class="safety">
      <summary>
        ${msg('Safety code')} <span class="code">${code}</span>
        ${compared ? html`<span class="compared">${msg('✓ compared')}</span>` : null}
      </summary>
      <p>
        ${msg(str`${nick} sees the same code for you. Compare the two in person or on a call: if they match, nobody sits between your browsers, and you are talking to ${nick}'s browser itself.`)}
      </p>
      ${compared
        ? html`<p class="compared">${msg(str`You compared it with ${nick}.`)}</p>`
        : html`<button class="compare" @click=${() => this.dispatchEvent(new ComparedEvent(nick, code))}>${msg('I compared it: it matches')}</button>`}
    </details>`;
  }

  /**
   * The technical side of each link, for whoever wants it (or is asked for it when helping):
   * its state, way (`direct`, `relayed`, via whom) and ICE candidate types, the room proof, and why
   * it last broke (its words, and its code).
   */
  #details(sorted: readonly (readonly [string, PeerView])[]) {
    if (sorted.length === 0) return null;
    return html`<details class="details">
      <summary>${msg('Connection details')}</summary>
      <dl>
        ${sorted.map(
          ([nick, view]) => html`<dt>${nick}</dt>
            <dd data-details=${nick}>
              ${linkWords(view)} · ${view.via === undefined ? (view.route ?? '…') : `via ${view.via}`}${view.candidates
                ? html` · <code>ICE ${view.candidates}</code>`
                : null}
              ${view.problem ? html`<br />${msg(str`last problem: ${linkFailureText(view.problem)}`)} <code>(${view.problem.why})</code>` : null}
            </dd>`,
        )}
      </dl>
    </details>`;
  }

  /** Focus goes to the first person you can talk to. */
  override focus(): void {
    this.renderRoot.querySelector('button')?.focus();
  }

  override render() {
    const sorted = [...this.people].sort(([a], [b]) => a.localeCompare(b));
    return html`
      <ul aria-label=${msg('People')}>
        <li data-nick=${this.me}><span>${msg(str`${this.me} (you)`)}</span></li>
        ${sorted.map(
          ([nick, view]) => html`
            <li data-nick=${nick} data-state=${view.state} data-route=${view.route ?? ''} data-via=${view.via ?? ''} data-verification=${view.verification ?? ''}>
              <div class="row">
                <button title=${msg(str`Private conversation with ${nick}`)} @click=${() => this.dispatchEvent(new PrivateToEvent(nick))}>
                  ${nick}
                </button>
                <span class="state">${linkWords(view)}</span>
              </div>
              ${this.#inCall(this.call.get(nick))}
              ${view.safety ? this.#safety(nick, view.safety) : null}
            </li>
          `,
        )}
      </ul>
      ${this.#details(sorted)}
    `;
  }
}

customElements.define('mc-people-list', PeopleList);
declare global {
  interface HTMLElementTagNameMap {
    'mc-people-list': PeopleList;
  }
}
