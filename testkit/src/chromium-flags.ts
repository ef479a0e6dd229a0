import { existsSync } from 'node:fs';

/** What every Chromium in the tests is started with: no sandbox (root), no GPU, and nothing that calls home. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Calls: a fake camera and microphone (a test pattern and a beep), granted without a prompt.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
] as const;

/** Debian's Chromium where installed (no browser download needed); else Playwright's own. */
const installed = (path: string) => (existsSync(path) ? path : undefined);
export const chromium = process.env.CHROMIUM_PATH || installed('/usr/bin/chromium');
/**
 * Chromium's headless shell (Debian's `chromium-headless-shell`): the same Blink and WebRTC without
 * the desktop browser around them. A page costs half the CPU, so a room of four forms twice as
 * fast on two cores. It has no notification permission prompt, so that spec runs in the full browser.
 */
export const headlessShell = process.env.CHROMIUM_PATH || installed('/usr/bin/chromium-headless-shell') || chromium;

