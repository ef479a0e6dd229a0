import { css } from 'lit';

/** How the parts of a message beyond its words look: its actions, reactions, reply quote, mentions, search marks and formatting. */
export const messagePartsStyles = css`
  /* The actions on a message float over its top right corner where the reader points, focuses or
     taps; out of sight otherwise, but still in the tab order, so a keyboard finds them. */
  .line {
    position: relative;
  }
  .actions {
    position: absolute;
    right: 0.3rem;
    top: -0.9rem;
    z-index: 1;
    display: flex;
    gap: 0.15rem;
    padding: 0.1rem;
    border: 1px solid var(--border);
    border-radius: 0.4rem;
    background: var(--bg);
    opacity: 0;
    pointer-events: none;
  }
  .line:hover .actions,
  .line:focus-within .actions {
    opacity: 1;
    pointer-events: auto;
  }
  .actions button,
  .chip,
  .quote {
    font: inherit;
    font-size: 0.8rem;
    color: inherit;
    cursor: pointer;
  }
  .actions button {
    padding: 0.15rem 0.45rem;
    border: none;
    border-radius: 0.3rem;
    background: none;
  }
  .actions button:hover,
  .actions button:focus-visible {
    background: color-mix(in srgb, var(--accent) 18%, transparent);
  }
  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    margin-top: 0.2rem;
  }
  .chip {
    position: relative;
    padding: 0.05rem 0.5rem;
    border: 1px solid var(--border);
    border-radius: 1rem;
    background: var(--field);
  }
  .chip[aria-pressed='true'] {
    border-color: var(--accent);
    background: color-mix(in srgb, var(--accent) 15%, var(--field));
  }
  /* Who reacted, for the keyboard too: shown while the chip has focus (the pointer gets its title). */
  .chip:focus-visible::after {
    content: attr(data-who);
    position: absolute;
    left: 0;
    top: calc(100% + 0.2rem);
    z-index: 2;
    padding: 0.2rem 0.4rem;
    border-radius: 0.3rem;
    background: var(--fg);
    color: var(--bg);
    white-space: nowrap;
  }
  .quote {
    display: block;
    max-width: 100%;
    margin: 0.1rem 0 0.2rem;
    padding: 0.1rem 0.5rem;
    border: none;
    border-left: 3px solid var(--border);
    background: none;
    text-align: start;
    color: var(--muted);
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .quote:disabled {
    cursor: default;
    font-style: italic;
  }
  .quote-who {
    font-weight: 600;
  }
  .edited,
  .deleted {
    color: var(--muted);
    font-size: 0.85em;
  }
  .deleted {
    font-style: italic;
  }
  /* A message gone to from a quote is highlighted for a moment. */
  .line.found {
    animation: found 2s ease-out;
  }
  @keyframes found {
    from {
      background: color-mix(in srgb, var(--accent) 35%, transparent);
    }
  }
  .gone-to:empty {
    display: none;
  }
  .gone-to {
    position: absolute;
    bottom: 0.75rem;
    right: 0.75rem;
    margin: 0;
    padding: 0.3rem 0.6rem;
    border-radius: 0.3rem;
    background: var(--fg);
    color: var(--bg);
  }
  mark {
    background: light-dark(#ffe58a, #6b5a00);
    color: inherit;
  }
  mark.current {
    outline: 2px solid var(--accent);
  }
  .search-open {
    position: absolute;
    top: 0.3rem;
    right: 0.8rem;
    z-index: 2;
    font: inherit;
    font-size: 0.8rem;
    padding: 0.15rem 0.5rem;
  }
  .mention {
    font-weight: 600;
    color: var(--accent);
  }
  .mention[data-me] {
    padding: 0 0.15em;
    border-radius: 0.2em;
    background: color-mix(in srgb, var(--accent) 18%, transparent);
  }
  .line[data-mentions-me] {
    box-shadow: inset 3px 0 var(--accent);
  }
  /* Formatting: paragraphs, code, quotes and lists inside a message's words. */
  .text .para {
    display: block;
  }
  .text .para + .para,
  .text pre,
  .text blockquote,
  .text ul,
  .text ol {
    margin: 0.3em 0 0;
  }
  .text code {
    font-family: ui-monospace, monospace;
    font-size: 0.9em;
    padding: 0 0.25em;
    border-radius: 0.25em;
    background: color-mix(in srgb, var(--fg) 10%, transparent);
  }
  .text pre {
    overflow-x: auto;
    padding: 0.4em 0.6em;
    border-radius: 0.3em;
    background: color-mix(in srgb, var(--fg) 8%, transparent);
    white-space: pre;
  }
  .text pre code {
    padding: 0;
    background: none;
  }
  .text blockquote {
    padding-left: 0.6em;
    border-left: 3px solid var(--border);
    color: var(--muted);
  }
  .text ul,
  .text ol {
    padding-left: 1.4em;
    white-space: normal;
  }
`;
