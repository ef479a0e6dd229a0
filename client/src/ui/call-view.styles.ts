import { css } from 'lit';
import { visuallyHidden } from './visually-hidden';

/** The call: its bars, its controls in one row, and its tiles. */
export const callStyles = css`
  .call-bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    padding: 0.3rem 0.5rem;
    margin: 0.3rem 0;
    border: 1px solid var(--ok);
    border-radius: 0.3rem;
  }
  .call-bar .who {
    flex: 1 1 12rem;
    min-width: 0;
  }
  .play-sound {
    display: block;
    margin: 0.3rem 0;
    padding: 0.5rem 1rem;
    font: inherit;
    font-weight: bold;
  }
  .call-controls {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4rem;
    padding: 0.3rem 0;
  }
  .call-controls button {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
  }
  .call-controls button[aria-pressed='true'] {
    outline: 2px solid var(--accent);
  }
  .call-controls svg {
    width: 1.1em;
    height: 1.1em;
    flex: none;
  }
  .call-controls details {
    position: relative;
  }
  .call-controls .devices {
    position: absolute;
    z-index: 2;
    inset-inline-end: 0;
    top: 100%;
    display: grid;
    gap: 0.4rem;
    padding: 0.5rem;
    width: max-content;
    max-width: min(20rem, 90vw);
    background: var(--bg);
    border: 1px solid var(--border);
    border-radius: 0.3rem;
  }
  .call-controls .device {
    display: grid;
    gap: 0.2rem;
  }
  .call-controls select {
    max-width: 12rem;
    min-width: 0;
  }
  /* Tiles reflow to the width: one column on a phone, more on a desktop. */
  .tiles {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 9rem), 1fr));
    gap: 0.4rem;
    max-height: 40vh;
    overflow: auto;
    container-type: inline-size;
  }
  /* Whoever speaks gets a larger tile where there is room for two columns. */
  @container (min-width: 20rem) {
    .tiles [data-speaking='true'] {
      grid-column: span 2;
    }
  }
  .tiles figure {
    margin: 0;
    border: 1px solid var(--border);
    border-radius: 0.3rem;
    padding: 0.2rem;
    position: relative;
  }
  .tiles video {
    width: 100%;
    aspect-ratio: 4 / 3;
    background: #000;
  }
  /* We see ourselves as in a mirror; what the others see is not mirrored. */
  .tiles [data-call-self='camera'] video {
    transform: scaleX(-1);
  }
  /* A shared screen comes first, across the whole width; the others' tiles move aside into a row beneath. */
  .tiles .screen {
    grid-column: 1 / -1;
  }
  .tiles .screen video {
    aspect-ratio: 16 / 9;
    object-fit: contain;
  }
  .tiles .screen:fullscreen video {
    height: 100%;
    aspect-ratio: auto;
  }
  .tiles [data-speaking='true'] {
    border-color: var(--ok);
    box-shadow: 0 0 0 2px var(--ok);
  }
  .tiles figcaption {
    font-size: 0.85em;
    display: flex;
    align-items: center;
    gap: 0.3rem;
    flex-wrap: wrap;
  }
  .tiles figcaption svg {
    width: 1em;
    height: 1em;
  }
  .tiles .apart {
    font-size: 0.85em;
    color: var(--muted);
    margin: 0.2rem 0;
  }
  /* On a phone the controls are a row of icons (their names stay for screen readers). */
  @media (max-width: 40rem) {
    .call-controls {
      flex-wrap: nowrap;
      overflow-x: auto;
      gap: 0.25rem;
    }
    .call-controls button .label {
      ${visuallyHidden}
    }
    .tiles {
      max-height: 30vh;
    }
  }
`;
