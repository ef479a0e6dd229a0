import { LitElement, css, html, nothing } from 'lit';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { registerSW } from 'virtual:pwa-register';

/**
 * "A new version is ready", with Reload: shown when a newer app has been fetched and waits. It
 * takes over only when the person chooses to (the page reloads, and a room is taken up again as on
 * any reload); Not now leaves the version in use until the next visit.
 */
export class UpdatePrompt extends LitElement {
  static override properties = { ready: { state: true } };

  declare ready: boolean;
  #update: (() => Promise<void>) | undefined;

  constructor() {
    super();
    this.ready = false;
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    section {
      position: fixed;
      inset: auto 1rem 1rem auto;
      z-index: 10;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
      max-width: min(26rem, calc(100vw - 2rem));
      padding: 0.6rem 0.8rem;
      border: 1px solid var(--border, #8a8a8a);
      border-radius: 0.5rem;
      background: var(--bg, Canvas);
      color: var(--fg, CanvasText);
      box-shadow: 0 4px 16px #0004;
    }
    p {
      margin: 0;
      flex: 1;
    }
    button {
      font: inherit;
      padding: 0.3rem 0.8rem;
    }
  `;

  /** A newer version waits; `update` lets it take over and reloads the page. */
  offer(update: () => Promise<void>): void {
    this.#update = update;
    this.ready = true;
  }

  override render() {
    if (!this.ready) return nothing;
    return html`<section role="region" aria-label=${msg('A new version is ready')}>
      <p role="status">${msg('A new version is ready')}</p>
      <button type="button" @click=${() => void this.#update?.()}>${msg('Reload')}</button>
      <button type="button" @click=${() => (this.ready = false)}>${msg('Not now')}</button>
    </section>`;
  }
}

customElements.define('mc-update-prompt', UpdatePrompt);
declare global {
  interface HTMLElementTagNameMap {
    'mc-update-prompt': UpdatePrompt;
  }
}

/** Keep the app for use without a network, and say when a new version is ready. */
export function keepTheApp(): void {
  const prompt = document.createElement('mc-update-prompt');
  document.body.append(prompt);
  // The page reloads once the new version has taken charge of it: even a page that was opened
  // before any version was kept (which the registration's own reload leaves out).
  const takeUp = async () => {
    navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
    await update();
  };
  const update = registerSW({
    onNeedRefresh: () => prompt.offer(takeUp),
    onNeedReload: () => undefined,
    onRegisterError: (error: unknown) => console.warn('meshchat: the app could not be kept for use offline', error),
  });
}
