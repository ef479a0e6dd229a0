// What a call sends and receives, read from outside through getStats: shared by the call specs
// (the governor's with two to six people, and those of calls people see).
import type { Page } from '@playwright/test';
import { expect } from './fixtures';
import { type Captured } from './capture';
import { type User } from '@meshchat/testkit/user';

/** What each receiver should get from a camera with `cameras` people in the call and `uploadKbps` to share (the governor's rule, with its 1.5 Mbps ceiling). */
export const budget = (uploadKbps: number, cameras: number) => Math.min(1_500_000, (uploadKbps * 1000) / (cameras - 1));

interface Sent {
  bytes: number;
  at: number;
  maxBitrate: number | undefined;
  active: boolean | undefined;
}

/** A page either driver opened: Playwright's (Chromium) or puppeteer's (Firefox); both evaluate a function in it. */
type AnyPage = { evaluate<R>(fn: () => Promise<R>): Promise<R> };

/** Each open link's camera sender on `page`: bytes sent so far, and its encoding's parameters. */
export const sentOn = (page: AnyPage): Promise<Sent[]> =>
  page.evaluate(async () => {
    const out: Sent[] = [];
    for (const connection of (window as unknown as Captured).__connections) {
      if (connection.connectionState !== 'connected') continue;
      const sender = connection.getSenders().find(({ track }) => track?.kind === 'video');
      if (!sender) continue;
      const stats = await sender.getStats();
      let bytes = 0;
      let at = 0;
      stats.forEach((report: { type: string; bytesSent?: number; timestamp: number }) => {
        if (report.type !== 'outbound-rtp') return;
        bytes += report.bytesSent ?? 0;
        at = report.timestamp;
      });
      const [encoding] = sender.getParameters().encodings;
      out.push({ bytes, at, maxBitrate: encoding?.maxBitrate, active: encoding?.active });
    }
    return out;
  });

/** Each link's video bitrate out of `page` over three seconds, with the maxBitrate it was given. */
export async function bitrates(page: AnyPage): Promise<{ bps: number; maxBitrate: number | undefined }[]> {
  const before = await sentOn(page);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const after = await sentOn(page);
  return after.map((end, i) => {
    const start = before[i];
    const seconds = start ? (end.at - start.at) / 1000 : 0;
    return { bps: start && seconds > 0 ? ((end.bytes - start.bytes) * 8) / seconds : 0, maxBitrate: end.maxBitrate };
  });
}

/** Video bytes that arrived at `page` in the tile of `nick` over two seconds. */
export const videoBytesFrom = (page: Page, nick: string) =>
  page.evaluate(async (nick) => {
    const call = document.querySelector('mc-chat-app')?.shadowRoot?.querySelector('mc-call')?.shadowRoot;
    const video = call?.querySelector(`[data-call-peer="${nick}"] video`) as HTMLVideoElement | null;
    const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.id;
    const bytes = async () => {
      let sum = 0;
      for (const connection of (window as unknown as Captured).__connections) {
        if (connection.connectionState !== 'connected') continue;
        (await connection.getStats()).forEach((report: { type: string; trackIdentifier?: string; bytesReceived?: number }) => {
          if (report.type === 'inbound-rtp' && report.trackIdentifier === track) sum += report.bytesReceived ?? 0;
        });
      }
      return sum;
    };
    const before = await bytes();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return (await bytes()) - before;
  }, nick);

/** Whether every offer and answer between two people in the call asks Opus for DTX (on all their pages). */
export async function dtx(users: User[]): Promise<boolean> {
  for (const user of users) {
    const all = await user.page.evaluate(() =>
      (window as unknown as Captured).__connections
        .filter((connection) => connection.connectionState === 'connected' && connection.getTransceivers().length > 0)
        .every((connection) => [connection.localDescription?.sdp ?? '', connection.remoteDescription?.sdp ?? ''].every((sdp) => sdp.includes('usedtx=1'))),
    );
    if (!all) return false;
  }
  return true;
}

export const button = (user: User, name: string) => user.page.locator('mc-chat-app').getByRole('button', { name, exact: true });

/**
 * Waits until each of `user`'s links carries its camera at `expected` bps within 20 %, with that
 * maxBitrate asked of the sender. Each link's congestion control takes a few seconds to find room
 * for the budget: measured until it has.
 */
export async function followsBudget(user: User, receivers: number, expected: number, timeout = 45_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const links = await bitrates(user.page);
        const ok = links.length === receivers && links.every(({ bps, maxBitrate }) => maxBitrate === expected && Math.abs(bps / expected - 1) <= 0.2);
        if (ok) console.log(`[measure] ${receivers + 1} cameras, ${user.nick}: ${links.map(({ bps }) => Math.round(bps / 1000)).join(', ')} kbps per link (budget ${expected / 1000})`);
        return ok ? 'within 20%' : JSON.stringify(links.map(({ bps, maxBitrate }) => [Math.round(bps / 1000), (maxBitrate ?? 0) / 1000]));
      },
      { message: `${user.nick}'s video to each of ${receivers} receivers follows ${expected / 1000} kbps`, timeout, intervals: [0] },
    )
    .toBe('within 20%');
}

/** What has arrived in a tile so far (`nick`'s, or with `screen` their shared screen's): audio energy and decoded video frames. */
export function received(page: Page, nick: string, screen = false) {
  return page.evaluate(async ([nick, screen]) => {
    const app = document.querySelector('mc-chat-app');
    const where = screen ? `[data-call-screen="${nick}"]` : `[data-call-peer="${nick}"]`;
    const tile = app?.shadowRoot?.querySelector('mc-call')?.shadowRoot?.querySelector(`${where} video, ${where} audio`) as HTMLMediaElement | null;
    const tracks = (tile?.srcObject as MediaStream | null)?.getTracks().map(({ id }) => id) ?? [];
    let energy = 0;
    let frames = 0;
    for (const connection of (window as unknown as Captured).__connections) {
      if (connection.connectionState !== 'connected') continue;
      (await connection.getStats()).forEach((report: { type: string; kind?: string; trackIdentifier?: string; totalAudioEnergy?: number; framesDecoded?: number }) => {
        if (report.type !== 'inbound-rtp' || !tracks.includes(report.trackIdentifier ?? '')) return;
        if (report.kind === 'audio') energy += report.totalAudioEnergy ?? 0;
        else frames += report.framesDecoded ?? 0;
      });
    }
    return { energy, frames };
  }, [nick, screen] as const);
}

/** How much more arrives from `nick` (or their screen) at `user` over a second and a half. */
export async function flowing(user: User, nick: string, screen = false) {
  const before = await received(user.page, nick, screen);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const after = await received(user.page, nick, screen);
  return { energy: after.energy - before.energy, frames: after.frames - before.frames };
}

/** Counts every source given to a media element that already had one: each is a reload, a gap in picture and sound. */
export const COUNT_RELOADS = () => {
  const counted = window as unknown as { __reloads: number; __sources: number };
  counted.__reloads = 0;
  counted.__sources = 0;
  const property = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  if (!property?.set || !property.get) return;
  const { get, set } = property;
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...property,
    set(this: HTMLMediaElement, value: MediaProvider | null) {
      counted.__sources++;
      if (get.call(this) !== null) counted.__reloads++;
      set.call(this, value);
    },
  });
};
/** What COUNT_RELOADS counted so far, read in the page (Playwright's or puppeteer's `evaluate`). */
export const RELOADS = () => (window as unknown as { __reloads: number }).__reloads;
