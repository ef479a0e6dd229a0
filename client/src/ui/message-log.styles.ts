import { css } from 'lit';
import { visuallyHidden } from './visually-hidden';

/** How the conversation looks: lines in a grid of time, name and text; runs under one name; receipts. */
export const messageLogStyles = css`
  :host {
    position: relative;
    display: flex;
    flex-direction: column;
    min-height: 0;
  }
  /* column-reverse keeps the view pinned to the newest line as lines arrive, with no script
     scrolling and no forced layout per message; scrollTop 0 is the bottom. */
  [role='log'] {
    display: flex;
    flex-direction: column-reverse;
    flex: 1 1 0;
    min-height: 0;
    overflow-y: auto;
    padding: 0.5rem;
    box-sizing: border-box;
  }
  /* Each line: its time in a narrow left column, the rest in the right one, so wrapped text
     never runs under the times. The first line of a run has the name on a row of its own. */
  .line {
    display: grid;
    grid-template-columns: 3.6rem minmax(0, 1fr);
    column-gap: 0.4rem;
    align-items: baseline;
    margin: 0;
    padding: 0.05rem 0.3rem;
    overflow-wrap: anywhere;
  }
  .line > time {
    grid-column: 1;
    text-align: right;
  }
  .body,
  .who {
    grid-column: 2;
  }
  .line[data-run='head'] {
    margin-top: 0.5rem;
  }
  .line[data-run='head'] .body {
    grid-row: 2;
  }
  .line[data-run='head'] .sep,
  .line[data-run='more'] .who {
    ${visuallyHidden}
  }
  /* A continued line's time shows only where the reader points or focuses. */
  .line[data-run='more'] > time {
    visibility: hidden;
  }
  .line[data-run='more']:hover > time,
  .line[data-run='more']:focus-within > time {
    visibility: visible;
  }
  .line[data-mine] {
    background: color-mix(in srgb, var(--accent) 7%, transparent);
  }
  .line[data-mine] .from {
    color: var(--accent);
  }
  /* Blocks out of view cost no layout, paint or visibility check: a long, busy log stays cheap
     to append to (one block of 64 lines to skip, not 64 lines). */
  .block {
    content-visibility: auto;
    contain-intrinsic-size: auto 40em;
  }
  .block[hidden] {
    display: none;
  }
  .text {
    white-space: pre-wrap;
  }
  .from {
    font-weight: 600;
  }
  time {
    color: var(--muted);
    font-size: 0.75em;
  }
  [data-kind='notice'],
  [data-kind='broken'] {
    color: var(--muted);
    font-style: italic;
  }
  [data-kind='warning'] {
    color: var(--danger);
    font-weight: 600;
  }
  [data-echo] {
    border-left: 3px solid var(--accent);
    padding-left: calc(0.3rem - 3px);
  }
  .tag {
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.05em;
    margin-right: 0.2em;
    color: var(--muted);
  }
  .receipt {
    margin-left: 0.4em;
    font-size: 0.85em;
    color: var(--muted);
    white-space: nowrap;
  }
  [data-receipt='delivered'] {
    color: var(--ok);
  }
  [data-receipt='delivered'][data-seen-all] {
    color: var(--accent);
    font-weight: bold;
  }
  .known {
    margin-left: 0.4em;
    font-size: 0.8em;
    color: var(--muted);
  }
  [data-known='verified'] .known {
    color: var(--ok);
  }
  [data-known='conflict'] .known {
    color: var(--danger);
    font-weight: 600;
  }
  /* The room's history lands all at once, above what is on screen: out of view, it costs no layout. */
  .earlier {
    content-visibility: auto;
    contain-intrinsic-size: auto 40em;
  }
  .earlier[hidden] {
    display: none;
  }
  .divider {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0.6rem 0;
    color: var(--muted);
    font-size: 0.85em;
  }
  .divider::before,
  .divider::after {
    content: '';
    flex: 1;
    border-top: 1px solid var(--border);
  }
  a {
    color: var(--link);
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
