import { html, svg } from 'lit';

/** The call's icons, drawn inline (nothing is fetched): each beside its control's name, or alone where a phone has no room for the name. */
const PATHS = {
  microphone: svg`<path d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3"/>`,
  'microphone-off': svg`<path d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3M3 3l18 18"/>`,
  camera: svg`<rect x="3" y="6" width="12" height="12" rx="2"/><path d="M15 10l6-3v10l-6-3"/>`,
  'camera-off': svg`<rect x="3" y="6" width="12" height="12" rx="2"/><path d="M15 10l6-3v10l-6-3M3 3l18 18"/>`,
  screen: svg`<rect x="3" y="4" width="18" height="12" rx="1"/><path d="M8 20h8M12 16v4"/>`,
  leave: svg`<path d="M4 15c5-5 11-5 16 0l-2 3-3-1v-3a9 9 0 0 0-6 0v3l-3 1z"/>`,
  join: svg`<path d="M5 4h4l2 5-3 2a11 11 0 0 0 5 5l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 6a2 2 0 0 1 2-2"/>`,
  minimize: svg`<path d="M6 9l6 6 6-6"/>`,
  expand: svg`<path d="M6 15l6-6 6 6"/>`,
} as const;
export type IconName = keyof typeof PATHS;

export function icon(name: IconName) {
  return html`<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${PATHS[name]}</svg>`;
}
