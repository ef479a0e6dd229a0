// Pages of the real client in one room, fully linked: what the browser sections measure on.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';

const executablePath = process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export interface BenchWindow {
  __latencies: number[];
  /** The page's chat session: none until the room's code has loaded (on the first keystroke or click). */
  __chat: () => { people: Map<string, { state: string }>; composing: { submit(text: string): void } } | undefined;
}

/**
 * In every page: time each benchmark frame from its sender's clock to its arrival on a data
 * channel. Plain JavaScript text, because tsx would wrap named functions in a helper the page lacks.
 */
const RECORD_ARRIVALS = `
  window.__latencies = [];
  const Native = window.RTCPeerConnection;
  function listen(channel) {
    channel.addEventListener('message', ({ data }) => {
      const now = performance.timeOrigin + performance.now();
      if (typeof data !== 'string') return;
      const match = /"text":"bench ([\\d.]+)"/.exec(data);
      if (match) window.__latencies.push(now - Number(match[1]));
    });
  }
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super(config);
      this.addEventListener('datachannel', (event) => listen(event.channel));
    }
    createDataChannel(label, init) {
      const channel = super.createDataChannel(label, init);
      listen(channel);
      return channel;
    }
  };
`;

async function openPeers(browser: Browser, url: string, count: number, init: string): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const context = await browser.newContext({ viewport: { width: 480, height: 360 } });
    // The room's state, for knowing when the mesh is complete; then what the bench measures.
    await context.addInitScript({ content: `window.__chat = () => document.querySelector('mc-chat-app').chat;\n${init}` });
    const page = await context.newPage();
    await page.goto(url);
    await page.getByRole('textbox', { name: 'Nickname' }).fill(`peer${i}`);
    pages.push(page);
  }
  return pages;
}

/** Resolves when this page has an open link to every other of `count` peers. */
function meshComplete(page: Page, count: number): Promise<unknown> {
  return page.waitForFunction(
    (others) => {
      const chat = (window as unknown as BenchWindow).__chat();
      return chat !== undefined && chat.people.size === others && [...chat.people.values()].every((peer) => peer.state === 'connected');
    },
    count - 1,
    { timeout: 60_000, polling: 5 },
  );
}

/** `count` pages in `room`, each with `init` run before the page's own scripts, every link open. */
export async function formMesh(browser: Browser, url: string, count: number, room: string, init = RECORD_ARRIVALS) {
  const pages = await openPeers(browser, `${url}/?room=${room}`, count, init);
  for (const page of pages) await page.getByRole('button', { name: 'Join', exact: true }).click();
  const lastJoin = performance.now();
  await Promise.all(pages.map((page) => meshComplete(page, count)));
  return { pages, formationMs: performance.now() - lastJoin };
}

/** The flags every bench's Chromium runs with. */
export const BENCH_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Debian's Chromium where installed, else Playwright's own, with the flags every bench uses. */
export function launchChromium(extraFlags: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ ...(executablePath ? { executablePath } : {}), args: [...BENCH_FLAGS, ...extraFlags] });
}

/** The same Chromium with a profile of its own in `dir`, kept on disk across closing it. */
export function launchProfile(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, { ...(executablePath ? { executablePath } : {}), args: BENCH_FLAGS, viewport: { width: 480, height: 360 } });
}
