import { LitElement, css, html } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { PrivateToEvent } from './events';
import { linkWords } from './words';
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
  };

  declare me: string;
  declare people: ReadonlyMap<string, PeerView>;
  /** Who is in the call, and how. */
  declare call: ReadonlyMap<string, CallPeer>;

  constructor() {
    super();
    this.me = '';
    this.people = new Map();
    this.call = new Map();
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
    .code {
      font-family: ui-monospace, monospace;
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
              ${view.safety
                ? html`<div class="safety" title=${msg(str`Compare this code with ${nick} by other means: if it matches, nobody is in between.`)}>
                    ${msg('Safety code')} <span class="code">${view.safety}</span>
                  </div>`
                : null}
            </li>
          `,
        )}
      </ul>
    `;
  }
}

customElements.define('mc-people-list', PeopleList);
declare global {
  interface HTMLElementTagNameMap {
    'mc-people-list': PeopleList;
  }
}
