// From a key press to the text on another person's screen, measured from outside: the sender's
// Enter keydown (a capture-phase listener, before the app sees it) to the first time the text is
// in the receiver's DOM (a MutationObserver on every shadow root). Both ends read one clock,
// `performance.timeOrigin + performance.now()`: the pages run on one machine. One message at a
// time, so this is the app's own path (composer, room, link, parse, render), not queueing.
import type { Browser } from '@playwright/test';
import { formMesh } from './mesh';
import { percentile } from './harness';

export interface KeypressRun {
  pages: number;
  messages: number;
  /** One per receiver of each message. */
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

interface KeypressWindow {
  __keydownAt: number;
  __seenAt: (marker: string) => Promise<number>;
}

/** Plain JavaScript (tsx would wrap named functions in a helper the page lacks). */
const WATCH_KEYS_AND_DOM = `
  window.__keydownAt = 0;
  const seen = new Map();
  const waiting = new Map();
  const now = () => performance.timeOrigin + performance.now();
  addEventListener('keydown', (event) => { if (event.key === 'Enter') window.__keydownAt = now(); }, true);
  const look = (records) => {
    const at = now();
    for (const record of records) {
      for (const node of record.addedNodes) {
        const match = /key-\\d+-x/.exec(node.textContent || '');
        if (!match || seen.has(match[0])) continue;
        seen.set(match[0], at);
        waiting.get(match[0])?.(at);
      }
    }
  };
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    new MutationObserver(look).observe(root, { childList: true, subtree: true });
    return root;
  };
  window.__seenAt = (marker) => seen.has(marker) ? Promise.resolve(seen.get(marker)) : new Promise((resolve) => waiting.set(marker, resolve));
`;

/** `messages` messages, one at a time, each from the next page in turn, to everyone else. */
export async function keypressToScreen(browser: Browser, url: string, count: number, messages: number): Promise<KeypressRun> {
  const { pages } = await formMesh(browser, url, count, `keypress-${count}`, WATCH_KEYS_AND_DOM);
  const samples: number[] = [];
  for (let i = 0; i < messages; i++) {
    const sender = pages[i % count];
    if (!sender) throw new Error('no sender');
    const marker = `key-${i}-x`;
    const box = sender.locator('mc-message-composer').getByRole('textbox');
    await box.fill(marker);
    // The typing notice that filling sends has settled before the timed key press.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const receivers = pages.filter((page) => page !== sender);
    const seen = receivers.map((page) => page.evaluate((marker) => (window as unknown as KeypressWindow).__seenAt(marker), marker));
    await box.press('Enter');
    const arrivals = await Promise.all(seen);
    const pressed = await sender.evaluate(() => (window as unknown as KeypressWindow).__keydownAt);
    for (const at of arrivals) samples.push(at - pressed);
  }
  await Promise.all(pages.map((page) => page.context().close()));
  samples.sort((a, b) => a - b);
  return { pages: count, messages, samples: samples.length, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) };
}

/**
 * The floor under the figure above: two pages with a bare RTCDataChannel between them (no app),
 * the sender's keydown listener sending its timestamp, the receiver's message listener reading it.
 * Same key presses through Playwright, same clock: what any app's keydown-to-arrival costs here.
 */
export async function bareKeypressFloor(browser: Browser, url: string, presses: number): Promise<{ samples: number; p50Ms: number; p99Ms: number }> {
  const [a, b] = await Promise.all(
    [0, 1].map(async () => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(url);
      return page;
    }),
  );
  if (!a || !b) throw new Error('no pages');
  // Offers and answers go through here, whole (every candidate gathered first).
  const offer = await a.evaluate(async () => {
    const connection = new RTCPeerConnection();
    const channel = connection.createDataChannel('bare');
    addEventListener('keydown', () => channel.send(String(performance.timeOrigin + performance.now())));
    Object.assign(window, { __connection: connection, __channel: channel });
    await connection.setLocalDescription();
    await new Promise((resolve) => (connection.iceGatheringState === 'complete' ? resolve(0) : connection.addEventListener('icegatheringstatechange', () => connection.iceGatheringState === 'complete' && resolve(0))));
    return connection.localDescription?.toJSON() as RTCSessionDescriptionInit;
  });
  const answer = await b.evaluate(async (offer) => {
    const connection = new RTCPeerConnection();
    const arrivals: number[] = [];
    Object.assign(window, { __arrivals: arrivals });
    connection.addEventListener('datachannel', ({ channel }) =>
      channel.addEventListener('message', ({ data }) => arrivals.push(performance.timeOrigin + performance.now() - Number(data))),
    );
    await connection.setRemoteDescription(offer);
    await connection.setLocalDescription();
    await new Promise((resolve) => (connection.iceGatheringState === 'complete' ? resolve(0) : connection.addEventListener('icegatheringstatechange', () => connection.iceGatheringState === 'complete' && resolve(0))));
    return connection.localDescription?.toJSON() as RTCSessionDescriptionInit;
  }, offer);
  await a.evaluate(async (answer) => {
    const { __connection: connection, __channel: channel } = window as unknown as { __connection: RTCPeerConnection; __channel: RTCDataChannel };
    await connection.setRemoteDescription(answer);
    await new Promise((resolve) => (channel.readyState === 'open' ? resolve(0) : channel.addEventListener('open', resolve)));
  }, answer);
  for (let i = 0; i < presses; i++) {
    await a.keyboard.press('Enter');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const samples = await b.evaluate(() => (window as unknown as { __arrivals: number[] }).__arrivals);
  await Promise.all([a, b].map((page) => page.context().close()));
  samples.sort((x, y) => x - y);
  return { samples: samples.length, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) };
}
