import type { Browser, Page } from '@playwright/test';
import { ServerProcess, median, percentile, type BenchOptions } from './harness';
import { bareKeypressFloor, keypressToScreen, type KeypressRun } from './keypress';
import { formMesh, launchChromium, type BenchWindow } from './mesh';

export interface MeshRun {
  peers: number;
  links: number;
  /** From the last Join click until every page has every link open. */
  formationMs: number;
  msPerLink: number;
}

export interface Broadcast {
  pages: number;
  messages: number;
  expectedArrivals: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

export interface BrowserResults {
  mesh: MeshRun[];
  /** One raw RTCPeerConnection pair in one page, offer to open data channel, median of runs. */
  rawPairMs: number;
  broadcast: Broadcast;
  broadcastTwoPages: Broadcast;
  /** Enter keydown on one page to the text in the others' DOM, one message at a time. */
  keypress: KeypressRun[];
  /** The same key presses over a bare data channel between two pages: the floor under `keypress`. */
  keypressFloor: { samples: number; p50Ms: number; p99Ms: number };
}

async function rawPair(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const started = performance.now();
    const [a, b] = [new RTCPeerConnection({ iceServers: [] }), new RTCPeerConnection({ iceServers: [] })];
    a.onicecandidate = ({ candidate }) => candidate && void b.addIceCandidate(candidate);
    b.onicecandidate = ({ candidate }) => candidate && void a.addIceCandidate(candidate);
    const channel = a.createDataChannel('raw');
    const opened = new Promise((resolve) => (channel.onopen = resolve));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription as RTCSessionDescriptionInit);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription as RTCSessionDescriptionInit);
    await opened;
    const took = performance.now() - started;
    a.close();
    b.close();
    return took;
  });
}

async function measureBroadcast(
  browser: Browser,
  url: string,
  count: number,
  seconds: number,
  smoke: boolean,
  log: (line: string) => void,
): Promise<Broadcast> {
    const { pages } = await formMesh(browser, url, count, `broadcast-${count}`);
    // Each page sends 10 messages a second; the first 2 s warm up and are not counted.
    const sent = await Promise.all(
      pages.map((page) =>
        page.evaluate(
          // No named helpers in here: the bench runs under tsx, whose name-keeping wrappers do not exist in the page.
          async ([warmupMs, measureMs]) => {
            const chat = (window as unknown as BenchWindow).__chat();
            if (!chat) throw new Error('no chat session on the page');
            let sent = 0;
            for (const [prefix, duration] of [['warm', warmupMs], ['bench', measureMs]] as const) {
              const start = performance.now();
              // On a fixed schedule, 10 a second, however long each send takes.
              for (let i = 0; start + i * 100 < start + duration; i++) {
                await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + i * 100 - performance.now())));
                chat.composing.submit(`${prefix} ${performance.timeOrigin + performance.now()}`);
                if (prefix === 'bench') sent += 1;
              }
            }
            return sent;
          },
          [smoke ? 200 : 2_000, seconds * 1_000] as const,
        ),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const samples = (await Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as BenchWindow).__latencies)))).flat();
    samples.sort((a, b) => a - b);
    const messages = sent.reduce((sum, n) => sum + n, 0);
    const broadcast = {
      pages: count,
      messages,
      expectedArrivals: messages * (count - 1),
      samples: samples.length,
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
    };
    log(`broadcast ${count} pages × 10 msg/s × ${seconds} s: ${samples.length}/${broadcast.expectedArrivals} arrivals, one-way p50 ${broadcast.p50Ms.toFixed(2)} ms, p99 ${broadcast.p99Ms.toFixed(2)} ms`);
    await Promise.all(pages.map((page) => page.context().close()));
    return broadcast;
}

export async function browserBench({ smoke }: BenchOptions, log: (line: string) => void): Promise<BrowserResults> {
  const server = await ServerProcess.start('ours');
  const browser = await launchChromium();
  try {
    const mesh: MeshRun[] = [];
    for (const peers of smoke ? [2] : [2, 4, 8, 12]) {
      const { pages, formationMs } = await formMesh(browser, server.url, peers, `mesh-${peers}`);
      const links = (peers * (peers - 1)) / 2;
      mesh.push({ peers, links, formationMs, msPerLink: formationMs / links });
      log(`mesh ${peers} peers: ${links} links open ${formationMs.toFixed(0)} ms after the last Join (${(formationMs / links).toFixed(1)} ms a link)`);
      await Promise.all(pages.map((page) => page.context().close()));
    }

    const scratch = await (await browser.newContext()).newPage();
    await scratch.goto(server.url);
    const raw: number[] = [];
    for (let i = 0; i < 5; i++) raw.push(await rawPair(scratch));
    const rawPairMs = median(raw);
    log(`raw RTCPeerConnection pair in one page: ${rawPairMs.toFixed(1)} ms to an open data channel`);

    const broadcast = await measureBroadcast(browser, server.url, smoke ? 2 : 8, smoke ? 1 : 10, smoke, log);
    // The same with two pages: how much of the above is eight renderers sharing two cores.
    const broadcastTwoPages = smoke ? broadcast : await measureBroadcast(browser, server.url, 2, 10, smoke, log);

    const keypress: KeypressRun[] = [];
    for (const pages of smoke ? [2] : [2, 8]) {
      const run = await keypressToScreen(browser, server.url, pages, smoke ? 4 : 80);
      keypress.push(run);
      log(`Enter keydown to the receivers' DOM, ${pages} pages, one message at a time: ${run.samples} samples, p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms`);
    }
    const keypressFloor = await bareKeypressFloor(browser, server.url, smoke ? 4 : 80);
    log(`the same key press over a bare data channel (no app), 2 pages: p50 ${keypressFloor.p50Ms.toFixed(2)} ms, p99 ${keypressFloor.p99Ms.toFixed(2)} ms`);
    return { mesh, rawPairMs, broadcast, broadcastTwoPages, keypress, keypressFloor };
  } finally {
    await browser.close();
    await server.stop();
  }
}
