// What JavaScript a person's browser loads at each stage, measured in the page (not read from the
// build's graph): the first screen, left alone until the network is idle; a room without a call
// (after typing a nickname and Join); and a call. Each file counted once, at its gzipped size.
import type { Page } from '@playwright/test';
import { ServerProcess } from './harness';
import { launchChromium } from './mesh';
import { kb, type BundleFile } from './bundle';

export interface StageResults {
  /** Gzipped JS an English reader's page loads before anyone touches it. */
  firstScreenGzip: number;
  /** ... and once in a room, without a call. */
  roomGzip: number;
  /** ... and once in a call. */
  callGzip: number;
  /** The files of each stage, as loaded. */
  files: { firstScreen: string[]; room: string[]; call: string[] };
}

/** The page's scripts requested so far, by their path in the build (`assets/…`). */
function scriptsOf(page: Page): () => string[] {
  const seen = new Set<string>();
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.endsWith('.js')) seen.add(pathname.slice(1));
  });
  return () => [...seen];
}

/** Until no request has been under way for `quietMs`. */
async function idle(page: Page, quietMs = 500): Promise<void> {
  let last = Date.now();
  const touch = () => (last = Date.now());
  page.on('request', touch);
  page.on('requestfinished', touch);
  while (Date.now() - last < quietMs) await new Promise((resolve) => setTimeout(resolve, 50));
  page.off('request', touch);
  page.off('requestfinished', touch);
}

export async function stagesBench(files: readonly BundleFile[], log: (line: string) => void): Promise<StageResults> {
  const size = new Map(files.map((file) => [file.file, file.gzip]));
  const gzip = (list: readonly string[]) => list.reduce((sum, file) => sum + (size.get(file) ?? 0), 0);
  const server = await ServerProcess.start('ours');
  // A call needs a camera and a microphone: Chromium's fake ones, with no prompt.
  const browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  try {
    const context = await browser.newContext({ serviceWorkers: 'block', locale: 'en-US', permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    const scripts = scriptsOf(page);
    await page.goto(`${server.url}/?room=stages`);
    await page.getByRole('button', { name: 'Join', exact: true }).waitFor();
    await idle(page);
    const firstScreen = scripts();
    await page.getByRole('textbox', { name: 'Nickname' }).fill('ann');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.getByRole('log', { name: 'Messages' }).waitFor();
    await idle(page);
    const room = scripts();
    await page.getByRole('button', { name: 'Join call' }).click();
    await page.getByRole('region', { name: 'Call' }).waitFor();
    await idle(page);
    const call = scripts();
    const results = { firstScreenGzip: gzip(firstScreen), roomGzip: gzip(room), callGzip: gzip(call), files: { firstScreen, room, call } };
    log(`stages: first screen ${kb(results.firstScreenGzip)} gzip JS (${firstScreen.length} files), in a room ${kb(results.roomGzip)} (${room.length}), in a call ${kb(results.callGzip)} (${call.length})`);
    for (const [stage, list] of Object.entries(results.files)) log(`stages: ${stage}: ${list.map((file) => `${file} ${kb(size.get(file) ?? 0)}`).join(', ')}`);
    return results;
  } finally {
    await browser.close();
    await server.stop();
  }
}
