import { LitElement, css, html } from 'lit';
import { PrivateToEvent } from './events';
import type { PeerView } from './chat-controller';

/**
 * Everyone in the room: you first, then each peer with the state of your direct link to them.
 * Picking a peer starts a private message.
 * @fires private-to
 */
const VERIFICATION_WORDS: Record<string, string> = {
  '': '',
  verifying: 'verifying',
  verified: 'verified',
  failed: 'NOT VERIFIED',
};

export class PeopleList extends LitElement {
  static override properties = {
    me: { type: String },
    people: { attribute: false },
  };

  declare me: string;
  declare people: ReadonlyMap<string, PeerView>;

  constructor() {
    super();
    this.me = '';
    this.people = new Map();
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
    .safety {
      font-size: 0.8em;
      color: GrayText;
    }
    .code {
      font-family: ui-monospace, monospace;
    }
    [data-verification='failed'] .state {
      color: #b00020;
      font-weight: 600;
    }
    button {
      font: inherit;
      background: none;
      border: none;
      padding: 0;
      text-align: left;
      cursor: pointer;
      text-decoration: underline dotted;
    }
    .state {
      font-size: 0.85em;
      color: GrayText;
    }
    [data-state='connected'] .state {
      color: #1b7f3b;
    }
    [data-state='failed'] .state {
      color: #b00020;
    }
  `;

  override render() {
    const sorted = [...this.people].sort(([a], [b]) => a.localeCompare(b));
    return html`
      <ul aria-label="People">
        <li data-nick=${this.me}><span>${this.me} (you)</span></li>
        ${sorted.map(
          ([nick, { state, route, safety, verification }]) => html`
            <li data-nick=${nick} data-state=${state} data-route=${route ?? ''} data-verification=${verification ?? ''}>
              <div class="row">
                <button title="Send ${nick} a private message" @click=${() => this.dispatchEvent(new PrivateToEvent(nick))}>
                  ${nick}
                </button>
                <span class="state">${[state, route, VERIFICATION_WORDS[verification ?? '']].filter(Boolean).join(' · ')}</span>
              </div>
              ${safety
                ? html`<div class="safety" title="Compare this code with ${nick} by other means: if it matches, nobody is in between.">
                    Safety code <span class="code">${safety}</span>
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
