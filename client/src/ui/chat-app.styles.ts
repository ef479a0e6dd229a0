import { css } from 'lit';
import { confirmStyles } from './confirm.styles';
import { visuallyHidden } from './visually-hidden';

/** The app's layout and its colours for light and dark. */
const layout = css`
  :host {
    /* Colours for light and dark, each with at least 4.5:1 contrast on its background. */
    color-scheme: light dark;
    --bg: light-dark(#ffffff, #15171a);
    --fg: light-dark(#1b1d21, #e8e9eb);
    --muted: light-dark(#595d66, #a9adb5);
    --border: light-dark(#c4c7cc, #4a4e55);
    --field: light-dark(#ffffff, #1f2226);
    --accent: light-dark(#1f5fbf, #7fb0ff);
    --link: light-dark(#1a56b0, #8cb8ff);
    --ok: light-dark(#1b7a3a, #6fd08f);
    --danger: light-dark(#b00020, #ff8a8a);
    --badge-bg: light-dark(#1f5fbf, #7fb0ff);
    --badge-fg: light-dark(#ffffff, #0b1220);
    display: flex;
    flex-direction: column;
    height: 100vh;
    height: 100dvh;
    font-family: system-ui, sans-serif;
    background: var(--bg);
    color: var(--fg);
  }
  header {
    display: flex;
    align-items: center;
    gap: 0.5rem 1rem;
    flex-wrap: wrap;
    padding: 0.5rem 1rem;
    border-bottom: 1px solid var(--border);
  }
  h1 {
    font-size: 1.2rem;
    margin: 0;
  }
  .status {
    margin: 0 0 0 auto;
    font-size: 0.85em;
    color: var(--muted);
  }
  .via {
    font-size: 0.85em;
  }
  .status[data-state='offline'] {
    color: var(--danger);
  }
  select,
  button {
    font: inherit;
  }
  main {
    flex: 1;
    min-height: 0;
  }
  .room {
    display: grid;
    grid-template-columns: 1fr minmax(10rem, 16rem);
    height: 100%;
  }
  .chat {
    display: grid;
    /* Nothing inside (a field's default size, a long word) may widen the conversation past the screen. */
    grid-template-columns: minmax(0, 1fr);
    grid-template-rows: auto auto 1fr auto auto;
    min-height: 0;
    min-width: 0;
    padding: 0 0.5rem 0.5rem;
  }
  .chat[data-dragging] {
    outline: 3px dashed var(--accent);
    outline-offset: -6px;
  }
  nav {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    padding: 0.4rem 0 0.2rem;
    border-bottom: 1px solid var(--border);
  }
  nav button {
    background: none;
    color: inherit;
    border: 1px solid transparent;
    border-radius: 0.3rem 0.3rem 0 0;
    padding: 0.25rem 0.6rem;
    cursor: pointer;
  }
  .private-tab {
    display: inline-flex;
  }
  nav button.close {
    padding: 0.25rem 0.4rem;
    color: var(--muted);
  }
  nav button[aria-current='true'] {
    border-color: var(--border);
    border-bottom: 3px solid var(--accent);
    font-weight: 600;
  }
  .badge {
    display: inline-block;
    min-width: 1.2em;
    margin-left: 0.3em;
    padding: 0 0.3em;
    border-radius: 1em;
    background: var(--badge-bg);
    color: var(--badge-fg);
    font-size: 0.8em;
    text-align: center;
  }
  .typing {
    min-height: 1.3em;
    margin: 0.1rem 0.5rem;
    font-size: 0.85em;
    font-style: italic;
    color: var(--muted);
  }
  .waiting button {
    padding: 0.4rem 0.8rem;
  }
  button.primary {
    font: inherit;
    font-weight: 600;
    padding: 0.4rem 0.9rem;
    color: var(--badge-fg);
    background: var(--accent);
    border: 1px solid var(--accent);
    border-radius: 0.25rem;
  }
  .waiting .hint {
    max-width: 32rem;
    opacity: 0.85;
  }
  .alone {
    display: flex;
    gap: 0.75rem;
    align-items: center;
    flex-wrap: wrap;
    margin: 0.25rem 0;
  }
  .previous {
    max-width: 32rem;
    margin: 1rem auto 0;
    padding: 0.5rem;
    border: 1px solid var(--accent);
    border-radius: 0.25rem;
  }
  .copy-by-hand {
    display: grid;
    gap: 0.25rem;
    flex-basis: 100%;
  }
  .confirm.move {
    border-color: var(--accent);
  }
  .waiting {
    text-align: center;
    margin-top: 3rem;
  }
  .sr-only {
    ${visuallyHidden}
  }
  @media (max-width: 40rem) {
    /* One row on a phone: the room's name gives way (ellipsis), the language is its menu alone,
       and the connection is a dot whose words stay for screen readers, except when offline. */
    header {
      padding: 0.4rem 0.5rem;
      gap: 0.4rem;
      flex-wrap: nowrap;
    }
    h1 {
      font-size: 1rem;
    }
    .where {
      flex: 1;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    /* In a room, its name matters more than ours. */
    header:has(.where) h1,
    .language .label-text,
    .where .word,
    .status:not([data-state='offline']) .words {
      ${visuallyHidden}
    }
    .status {
      margin: 0 0 0 auto;
    }
    .status:not([data-state='offline'], [data-state='idle'])::before {
      content: '';
      display: inline-block;
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      background: currentColor;
    }
    .status[data-state='online'] {
      color: var(--ok);
    }
    header:has(.status[data-state='offline']) {
      flex-wrap: wrap;
    }
    .status[data-state='offline'] {
      flex-basis: 100%;
      margin: 0;
    }
    .room {
      grid-template-columns: 1fr;
    }
  }
`;

export const chatAppStyles = [layout, confirmStyles];
