// How long a late joiner waits for the room's history, and what it costs the people who give it:
// three pages say 200 messages between them, a fourth joins, and the time from its first open
// link to 200 earlier messages on its screen is measured, with the bytes of history sent to it.
import type { Browser, Page } from '@playwright/test';
import { ServerProcess, median, type BenchOptions } from './harness';
import { formMesh, launchChromium, type BenchWindow } from './mesh';

export interface HistoryRun {
  messages: number;
  holders: number;
  /** From the late joiner's first open link until every earlier message is on its screen. */
  firstLinkToScreenMs: number;
  /** From its first open link until the first and the last part of an answer arrived. */
  firstLinkToFirstFrameMs: number;
  firstLinkToLastFrameMs: number;
  /** History frames the holders sent it, in characters of JSON (UTF-16 code units). */
  bytesSent: number;
}

export interface HistoryResults {
  runs: HistoryRun[];
  medianMs: number;
  bytesPerMessage: number;
}

/** In every page: the characters of every history frame it sends. Plain JavaScript text (see mesh.ts). */
const COUNT_HISTORY = `
  window.__historyBytes = 0;
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    if (typeof data === 'string' && data.includes('"type":"history"')) window.__historyBytes += data.length;
    return send.call(this, data);
  };
`;

/**
 * In the late joiner's page: when its first link opened, when the first and last history frames
 * arrived, and when `count` earlier lines were on screen.
 */
const WATCH_ARRIVAL = `
  window.__history = {};
  const Native = window.RTCPeerConnection;
  const listen = (channel) => channel.addEventListener('message', ({ data }) => {
    if (typeof data !== 'string' || !data.includes('"type":"history"')) return;
    window.__history.firstFrame ??= performance.now();
    window.__history.lastFrame = performance.now();
  });
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
  const tick = () => {
    const state = window.__history;
    const chat = document.querySelector('mc-chat-app')?.chat;
    const now = performance.now();
    if (state.firstLink === undefined && chat && [...chat.people.values()].some((peer) => peer.state === 'connected')) state.firstLink = now;
    const log = document.querySelector('mc-chat-app')?.shadowRoot?.querySelector('mc-message-log')?.shadowRoot;
    if (state.firstLink !== undefined && log && log.querySelectorAll('.earlier .line[data-known]').length >= window.__historyWanted) {
      state.onScreen = now;
      return;
    }
    setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
`;

async function say(pages: readonly Page[], messages: number): Promise<void> {
  // In rounds, each page one message: well within what each receiver accepts from one person.
  for (let i = 0; i < messages; i += pages.length) {
    await Promise.all(pages.slice(0, messages - i).map((page, j) => page.evaluate((text) => (window as unknown as BenchWindow).__chat()?.composing.submit(text), `message ${i + j} from page ${j}`)));
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  await Promise.all(
    pages.map((page) =>
      page.waitForFunction((count) => document.querySelector('mc-chat-app')?.shadowRoot?.querySelector('mc-message-log')?.shadowRoot?.querySelectorAll('.line[data-kind="public"]').length === count, messages, { timeout: 60_000 }),
    ),
  );
}

async function lateJoiner(browser: Browser, url: string, room: string, messages: number, holders: readonly Page[]): Promise<HistoryRun> {
  const context = await browser.newContext({ viewport: { width: 480, height: 360 } });
  await context.addInitScript({ content: `window.__historyWanted = ${messages};\n${WATCH_ARRIVAL}` });
  const page = await context.newPage();
  await page.goto(`${url}/?room=${room}`);
  await page.getByRole('textbox', { name: 'Nickname' }).fill('late');
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await page.waitForFunction(() => (window as unknown as { __history: { onScreen?: number } }).__history.onScreen !== undefined, undefined, { timeout: 60_000 });
  const { firstLink, onScreen, firstFrame, lastFrame } = await page.evaluate(
    () => (window as unknown as { __history: { firstLink: number; onScreen: number; firstFrame: number; lastFrame: number } }).__history,
  );
  const bytes = await Promise.all(holders.map((holder) => holder.evaluate(() => (window as unknown as { __historyBytes: number }).__historyBytes)));
  await context.close();
  return {
    messages,
    holders: holders.length,
    firstLinkToScreenMs: onScreen - firstLink,
    firstLinkToFirstFrameMs: firstFrame - firstLink,
    firstLinkToLastFrameMs: lastFrame - firstLink,
    bytesSent: bytes.reduce((sum, each) => sum + each, 0),
  };
}

export async function historyBench({ smoke }: BenchOptions, log: (line: string) => void): Promise<HistoryResults> {
  const server = await ServerProcess.start('ours');
  const browser = await launchChromium();
  const messages = smoke ? 10 : 200;
  try {
    const runs: HistoryRun[] = [];
    for (let round = 0; round < (smoke ? 1 : 3); round++) {
      const room = `history-${round}`;
      const { pages } = await formMesh(browser, server.url, 3, room, COUNT_HISTORY);
      await say(pages, messages);
      const run = await lateJoiner(browser, server.url, room, messages, pages);
      runs.push(run);
      log(
        `history: ${messages} messages from ${pages.length} holders on the late joiner's screen ${run.firstLinkToScreenMs.toFixed(0)} ms after its first link (answers arrived from ${run.firstLinkToFirstFrameMs.toFixed(0)} to ${run.firstLinkToLastFrameMs.toFixed(0)} ms); ${(run.bytesSent / 1024).toFixed(1)} KB of history sent`,
      );
      await Promise.all(pages.map((page) => page.context().close()));
    }
    const medianMs = median(runs.map((run) => run.firstLinkToScreenMs));
    const bytesPerMessage = median(runs.map((run) => run.bytesSent / run.messages));
    return { runs, medianMs, bytesPerMessage };
  } finally {
    await browser.close();
    await server.stop();
  }
}
