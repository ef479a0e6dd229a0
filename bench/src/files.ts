import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { FILE_BUFFER_HIGH_BYTES, FILE_BUFFER_LOW_BYTES, FILE_CHUNK_BYTES } from '@meshchat/protocol';
import { launchChromium } from './mesh';
import { ServerProcess, median, type BenchOptions } from './harness';

export interface FileRound {
  /** meshchat: first to last chunk on the receiver's file channel. */
  appMiBps: number;
  /** meshchat: Accept click to a checked, saveable file (includes both SHA-256 passes the receiver does). */
  appEndToEndMiBps: number;
  /** A bare RTCDataChannel between the same two pages, same chunk size and buffer marks. */
  rawMiBps: number;
  /** The most the app's file channel ever had queued right after a send. */
  appMaxBufferedBytes: number;
}

export interface FileResults {
  mebibytes: number;
  chunkBytes: number;
  rounds: FileRound[];
  appMiBps: number;
  appEndToEndMiBps: number;
  rawMiBps: number;
  /** app / raw, medians. */
  ratio: number;
  appMaxBufferedBytes: number;
}

const MiB = 1024 * 1024;

/**
 * In each page: note when bytes arrive on any data channel labelled `meshchat-files` or
 * `raw-bench`, and how much the sender has queued after each send. Plain JavaScript text:
 * tsx's name-keeping helpers do not exist in the page.
 */
const WATCH_CHANNELS = `
  window.__files = { bytes: 0, first: 0, last: 0, maxBuffered: 0 };
  const NativeConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativeConnection {
    createDataChannel(label, init) {
      const channel = super.createDataChannel(label, init);
      if (label === 'meshchat-files') {
        channel.addEventListener('message', ({ data }) => {
          const now = performance.now();
          if (window.__files.bytes === 0) window.__files.first = now;
          window.__files.bytes += data.byteLength;
          window.__files.last = now;
        });
      }
      return channel;
    }
  };
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    send.call(this, data);
    if (this.label === 'meshchat-files') window.__files.maxBuffered = Math.max(window.__files.maxBuffered, this.bufferedAmount);
  };
`;

interface FilesWindow {
  __files: { bytes: number; first: number; last: number; maxBuffered: number };
  __raw: RTCPeerConnection;
  __rawChannel: RTCDataChannel;
}

async function joinRoom(url: string, page: Page, nick: string): Promise<void> {
  await page.goto(`${url}/?room=files&lang=en`);
  await page.getByRole('textbox', { name: 'Nickname' }).fill(nick);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
}

/** Send `file` from alice to bob through the app; resolves with its figures. */
async function appRound(alice: Page, bob: Page, file: string, bytes: number) {
  for (const page of [alice, bob]) {
    await page.evaluate(() => Object.assign((window as unknown as FilesWindow).__files, { bytes: 0, first: 0, last: 0, maxBuffered: 0 }));
  }
  await alice.locator('mc-message-composer input[type=file]').setInputFiles(file);
  const offer = bob.locator('mc-message-log .line[data-kind="file"]').last();
  const accept = offer.getByRole('button', { name: 'Accept' });
  await accept.waitFor();
  const started = performance.now();
  await accept.click();
  await offer.getByRole('link', { name: /^Save / }).waitFor({ timeout: 300_000 });
  const endToEndMs = performance.now() - started;
  const received = await bob.evaluate(() => (window as unknown as FilesWindow).__files);
  const sent = await alice.evaluate(() => (window as unknown as FilesWindow).__files);
  if (received.bytes < bytes) throw new Error(`bob received ${received.bytes} of ${bytes} bytes`);
  return {
    appMiBps: bytes / MiB / ((received.last - received.first) / 1000),
    appEndToEndMiBps: bytes / MiB / (endToEndMs / 1000),
    appMaxBufferedBytes: sent.maxBuffered,
  };
}

/** The same bytes over a bare data channel between the same two pages, with the app's chunk size and buffer marks. */
async function rawRound(alice: Page, bob: Page, bytes: number, chunkBytes: number): Promise<number> {
  const open = (page: Page, offer?: string) =>
    page.evaluate(
      async ([remote]) => {
        const state = window as unknown as FilesWindow;
        state.__raw?.close();
        const connection = new RTCPeerConnection({ iceServers: [] });
        const channel = connection.createDataChannel('raw-bench', { negotiated: true, id: 0, ordered: true });
        channel.binaryType = 'arraybuffer';
        state.__raw = connection;
        state.__rawChannel = channel;
        if (remote) {
          await connection.setRemoteDescription({ type: 'offer', sdp: remote });
          await connection.setLocalDescription(await connection.createAnswer());
        } else {
          await connection.setLocalDescription(await connection.createOffer());
        }
        await new Promise((resolve) => {
          if (connection.iceGatheringState === 'complete') resolve(undefined);
          connection.addEventListener('icegatheringstatechange', () => connection.iceGatheringState === 'complete' && resolve(undefined));
          setTimeout(resolve, 3_000);
        });
        return connection.localDescription?.sdp ?? '';
      },
      [offer] as const,
    );
  const offer = await open(alice);
  const answer = await open(bob, offer);
  await alice.evaluate(async (sdp) => (window as unknown as FilesWindow).__raw.setRemoteDescription({ type: 'answer', sdp }), answer);
  const whenOpen = (page: Page) =>
    page.evaluate(
      () =>
        new Promise((resolve) => {
          const channel = (window as unknown as FilesWindow).__rawChannel;
          if (channel.readyState === 'open') resolve(undefined);
          else channel.addEventListener('open', resolve, { once: true });
        }),
    );
  await Promise.all([whenOpen(alice), whenOpen(bob)]);
  const received = bob.evaluate(
    (total) =>
      new Promise<number>((resolve) => {
        const channel = (window as unknown as FilesWindow).__rawChannel;
        let got = 0;
        let first = 0;
        channel.addEventListener('message', ({ data }: MessageEvent<ArrayBuffer>) => {
          const now = performance.now();
          if (got === 0) first = now;
          got += data.byteLength;
          if (got >= total) resolve(now - first);
        });
      }),
    bytes,
  );
  await alice.evaluate(
    async ([total, chunk, high, low]) => {
      const channel = (window as unknown as FilesWindow).__rawChannel;
      channel.bufferedAmountLowThreshold = low;
      const data = new Uint8Array(chunk);
      crypto.getRandomValues(data.subarray(0, Math.min(chunk, 65_536)));
      for (let sent = 0; sent < total; sent += chunk) {
        channel.send(sent + chunk <= total ? data : data.subarray(0, total - sent));
        if (channel.bufferedAmount > high) await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
      }
    },
    [bytes, chunkBytes, FILE_BUFFER_HIGH_BYTES, FILE_BUFFER_LOW_BYTES] as const,
  );
  const ms = await received;
  for (const page of [alice, bob]) await page.evaluate(() => (window as unknown as FilesWindow).__raw.close());
  return bytes / MiB / (ms / 1000);
}

/**
 * File throughput between two real Chromium pages: meshchat's transfer (chunks, backpressure,
 * progress, SHA-256) against a bare RTCDataChannel moving the same bytes in the same chunk size,
 * interleaved round by round in one run.
 */
export async function filesBench({ smoke }: BenchOptions, log: (line: string) => void): Promise<FileResults> {
  const mebibytes = smoke ? 4 : 200;
  const bytes = mebibytes * MiB;
  const file = path.join(tmpdir(), `meshchat-bench-${process.pid}.bin`);
  await writeFile(file, randomBytes(bytes));
  const server = await ServerProcess.start('ours');
  const browser = await launchChromium();
  try {
    const pages: Page[] = [];
    for (const nick of ['alice', 'bob']) {
      const context = await browser.newContext();
      await context.addInitScript({ content: WATCH_CHANNELS });
      const page = await context.newPage();
      await joinRoom(server.url, page, nick);
      pages.push(page);
    }
    const [alice, bob] = pages as [Page, Page];
    await alice.locator('mc-people-list li[data-nick="bob"][data-state="connected"]').waitFor({ timeout: 30_000 });
    // The app's frames: its chunk payload plus a 37-byte header (a UUID), FILE_CHUNK_BYTES in all.
    const chunkBytes = FILE_CHUNK_BYTES;
    const rounds: FileRound[] = [];
    for (let round = 0; round < (smoke ? 1 : 3); round++) {
      const app = await appRound(alice, bob, file, bytes);
      const rawMiBps = await rawRound(alice, bob, bytes, chunkBytes);
      rounds.push({ ...app, rawMiBps });
      log(
        `files ${mebibytes} MiB round ${round + 1}: meshchat ${app.appMiBps.toFixed(1)} MiB/s on the wire, ${app.appEndToEndMiBps.toFixed(1)} MiB/s accept to checked; raw RTCDataChannel ${rawMiBps.toFixed(1)} MiB/s; app buffer peak ${(app.appMaxBufferedBytes / MiB).toFixed(2)} MiB`,
      );
    }
    const pick = (key: keyof FileRound) => median(rounds.map((round) => round[key]));
    const results: FileResults = {
      mebibytes,
      chunkBytes,
      rounds,
      appMiBps: pick('appMiBps'),
      appEndToEndMiBps: pick('appEndToEndMiBps'),
      rawMiBps: pick('rawMiBps'),
      ratio: pick('appMiBps') / pick('rawMiBps'),
      appMaxBufferedBytes: Math.max(...rounds.map((round) => round.appMaxBufferedBytes)),
    };
    log(`files: meshchat / raw RTCDataChannel throughput ${results.ratio.toFixed(2)} (medians of ${rounds.length})`);
    return results;
  } finally {
    await browser.close();
    await server.stop();
    await rm(file, { force: true });
  }
}
