// Calls: how long from pressing "Join call" (and Camera) until each other person's page has
// decoded a first frame of the newcomer, in calls of 2, 4 and 6 pages; and in a 4-person video call,
// the CPU each page costs and the bytes each sender sends, with the bandwidth governor and without
// (`?governor=off`). Chromium's fake camera (640×480, 30 fps) and microphone stand in for people.
import { readdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS, headlessShell } from '@meshchat/testkit/chromium-flags';
import { ServerProcess, median, type BenchOptions } from './harness';

export interface FirstFrame {
  pages: number;
  /** Join call to the first decoded frame of the newcomer, at each of the others. */
  ms: number[];
  medianMs: number;
  maxMs: number;
  /** Receivers that had no frame within 30 s. */
  missed: number;
}

export interface CallLoad {
  governor: boolean;
  /** Chromium's CPU (all its processes) over the window, per page, in % of one core. */
  cpuPercentPerPage: number;
  /** What each sender sent (audio and video, all its links), kbps. */
  sentKbpsPerSender: number[];
  /** The same, per link. */
  sentKbpsPerLink: number;
}

export interface CallResults {
  firstFrame: FirstFrame[];
  load: CallLoad[];
}

const button = (page: Page, name: string) => page.locator('mc-chat-app').getByRole('button', { name, exact: true });

const KEEP_CONNECTIONS = `
  window.__connections = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super(config);
      window.__connections.push(this);
    }
  };
`;

async function enterRoom(browser: Browser, url: string, nicks: string[]): Promise<Page[]> {
  const pages: Page[] = [];
  for (const nick of nicks) {
    // Big enough that every tile is in sight: a tile out of sight gets no video (the governor pauses it).
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    await context.addInitScript({ content: KEEP_CONNECTIONS });
    const page = await context.newPage();
    await page.goto(url);
    await page.getByRole('textbox', { name: 'Nickname' }).fill(nick);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    pages.push(page);
  }
  for (const page of pages) {
    await page.waitForFunction(
      (others) => {
        const chat = (document.querySelector('mc-chat-app') as unknown as { chat: { people: Map<string, { state: string }> } } | null)?.chat;
        return [...(chat?.people.values() ?? [])].filter(({ state }) => state === 'connected').length >= others;
      },
      nicks.length - 1,
      { timeout: 60_000, polling: 50 },
    );
  }
  return pages;
}

async function joinWithCamera(page: Page): Promise<void> {
  await button(page, 'Join call').click();
  await button(page, 'Camera').click();
}

/** When (ms since the epoch) `page` first has a decoded frame of `nick`'s camera on screen. */
const firstFrameOf = (page: Page, nick: string) =>
  page.evaluate(
    // No named helpers in here: the bench runs under tsx, whose name-keeping wrappers do not exist in the page.
    async (nick) => {
      const give = performance.now() + 30_000;
      while (performance.now() < give) {
        const video = document.querySelector('mc-chat-app')?.shadowRoot?.querySelector('mc-call')?.shadowRoot?.querySelector(`[data-call-peer="${nick}"] video`) as HTMLVideoElement | null;
        if (video && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) return performance.timeOrigin + performance.now();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // None within the limit: counted as missed (a machine with too many pages for its cores).
      return Number.NaN;
    },
    nick,
  );

async function firstFrame(browser: Browser, url: string, count: number, round: number): Promise<FirstFrame> {
  const nicks = Array.from({ length: count }, (_, i) => `p${i}`);
  // A room of its own each round: a closed page's seat is held for a while.
  const pages = await enterRoom(browser, `${url}/?room=call-${count}-${round}`, nicks);
  try {
    for (const page of pages.slice(0, -1)) await joinWithCamera(page);
    const newcomer = pages.at(-1);
    const nick = nicks.at(-1) ?? '';
    if (!newcomer) throw new Error('no pages');
    // Everyone else's call has settled before the newcomer presses Join call.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const waits = pages.slice(0, -1).map((page) => firstFrameOf(page, nick));
    const pressed = Date.now();
    await joinWithCamera(newcomer);
    const all = (await Promise.all(waits)).map((at) => at - pressed);
    const ms = all.filter(Number.isFinite);
    return { pages: count, ms, medianMs: median(ms), maxMs: Math.max(...ms), missed: all.length - ms.length };
  } finally {
    await Promise.all(pages.map((page) => page.context().close()));
  }
}

/** CPU seconds used so far by every Chromium process on the machine (the bench runs them alone). */
function chromiumCpuSeconds(): number {
  const tick = 100;
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!/chrom|headless/i.test(comm)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

/** Bytes each page has sent on its media senders so far. */
const bytesSent = (page: Page) =>
  page.evaluate(async () => {
    const connections = (window as unknown as { __connections: RTCPeerConnection[] }).__connections;
    let bytes = 0;
    let links = 0;
    for (const connection of connections) {
      if (connection.connectionState !== 'connected') continue;
      links += 1;
      (await connection.getStats()).forEach((report: { type: string; bytesSent?: number }) => {
        if (report.type === 'outbound-rtp') bytes += report.bytesSent ?? 0;
      });
    }
    return { bytes, links };
  });

async function callLoad(browser: Browser, url: string, governor: boolean, seconds: number, settleMs: number, log: (line: string) => void): Promise<CallLoad> {
  const nicks = ['a', 'b', 'c', 'd'];
  const room = `load-${governor ? 'on' : 'off'}`;
  const pages = await enterRoom(browser, `${url}/?room=${room}${governor ? '' : '&governor=off'}`, nicks);
  try {
    for (const page of pages) await joinWithCamera(page);
    // Congestion control ramps up and the governor settles.
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const before = await Promise.all(pages.map(bytesSent));
    const cpuBefore = chromiumCpuSeconds();
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    const cpu = chromiumCpuSeconds() - cpuBefore;
    const elapsed = (Date.now() - started) / 1000;
    const after = await Promise.all(pages.map(bytesSent));
    const sentKbpsPerSender = after.map((end, i) => ((end.bytes - (before[i]?.bytes ?? 0)) * 8) / elapsed / 1000);
    const links = after.reduce((sum, { links }) => sum + links, 0);
    const load = {
      governor,
      cpuPercentPerPage: (cpu / elapsed / pages.length) * 100,
      sentKbpsPerSender,
      sentKbpsPerLink: sentKbpsPerSender.reduce((sum, kbps) => sum + kbps, 0) / Math.max(1, links),
    };
    log(
      `call of 4 with camera, governor ${governor ? 'on' : 'off'}: Chromium CPU ${load.cpuPercentPerPage.toFixed(0)}% of a core per page; each sender ${sentKbpsPerSender.map((kbps) => kbps.toFixed(0)).join(', ')} kbps (${load.sentKbpsPerLink.toFixed(0)} kbps a link)`,
    );
    return load;
  } finally {
    await Promise.all(pages.map((page) => page.context().close()));
  }
}

export async function callBench({ smoke }: BenchOptions, log: (line: string) => void): Promise<CallResults> {
  const server = await ServerProcess.start('ours');
  const browser = await chromium.launch({ ...(headlessShell ? { executablePath: headlessShell } : {}), args: [...CHROMIUM_FLAGS] });
  try {
    const firstFrames: FirstFrame[] = [];
    for (const count of smoke ? [2] : [2, 4, 6]) {
      const runs: FirstFrame[] = [];
      for (let round = 0; round < (smoke ? 1 : 3); round++) runs.push(await firstFrame(browser, server.url, count, round));
      const ms = runs.flatMap((run) => run.ms);
      const missed = runs.reduce((sum, run) => sum + run.missed, 0);
      const result = { pages: count, ms, medianMs: median(ms), maxMs: Math.max(...ms), missed };
      firstFrames.push(result);
      log(
        `call of ${count}: Join call to the newcomer's first decoded frame at the others, median ${result.medianMs.toFixed(0)} ms, slowest ${result.maxMs.toFixed(0)} ms (${ms.length} receivers${missed ? `; ${missed} had none within 30 s` : ''})`,
      );
    }
    const load: CallLoad[] = [];
    // The smoke run measures the governed call only: enough that the code cannot rot.
    for (const governor of smoke ? [true] : [true, false]) load.push(await callLoad(browser, server.url, governor, smoke ? 2 : 15, smoke ? 3_000 : 10_000, log));
    return { firstFrame: firstFrames, load };
  } finally {
    await browser.close();
    await server.stop();
  }
}
