// The bandwidth governor, measured from outside: each page's getStats says what its video sender
// sends on each link (bytesSent over time) and what it was asked to send (the encoding's
// maxBitrate), as the call grows from 2 to 4 cameras and a fifth person. The camera shows noise, which does not
// compress: what goes out is what was allowed.
import type { Page } from '@playwright/test';
import { CHROMIUM_FLAGS, headlessShell } from '../chromium-flags';
import { CAPTURE_CHANNELS, expect, fillJoin, test, User, type Captured } from '../fixtures';
import { noiseCameraFlags } from '../noise-video';

test.use({ launchOptions: { ...(headlessShell ? { executablePath: headlessShell } : {}), args: [...CHROMIUM_FLAGS, ...noiseCameraFlags()] } });

/** The upload the pages are given for video (kbps), shared between the people receiving it. */
const UPLOAD_KBPS = 900;
/** What each receiver should get with `cameras` people in the call (the governor's rule, with its 1.5 Mbps ceiling). */
const budget = (cameras: number) => Math.min(1_500_000, (UPLOAD_KBPS * 1000) / (cameras - 1));

interface Sent {
  bytes: number;
  at: number;
  maxBitrate: number | undefined;
  active: boolean | undefined;
}

/** Each open link's camera sender on `page`: bytes sent so far, and its encoding's parameters. */
const sentOn = (page: Page) =>
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
async function bitrates(page: Page): Promise<{ bps: number; maxBitrate: number | undefined }[]> {
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
const videoBytesFrom = (page: Page, nick: string) =>
  page.evaluate(async (nick) => {
    const video = document.querySelector('mc-chat-app')?.shadowRoot?.querySelector(`[data-call-peer="${nick}"] video`) as HTMLVideoElement | null;
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
async function dtx(users: User[]): Promise<boolean> {
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

const button = (user: User, name: string) => user.page.locator('mc-chat-app').getByRole('button', { name, exact: true });

test('each camera sends every receiver its share of the upload as the call grows to 2, 4 and 5; a tile out of sight gets no video; DTX above four', async ({ openPage }) => {
  // Five pages, four cameras, on two cores: about 2 min beside another test.
  test.setTimeout(300_000);
  // Everyone is in the room first (links forming while video flows cost more CPU); the call then grows.
  const room: User[] = [];
  for (const nick of ['alice', 'bob', 'carol', 'dan', 'erin']) {
    const page = await openPage(`?room=governed&upload=${UPLOAD_KBPS}`, CAPTURE_CHANNELS);
    await fillJoin(page, nick);
    room.push(new User(page, nick));
  }
  for (const user of room) await user.connectedTo(...room.filter((other) => other !== user).map(({ nick }) => nick));

  const everyone: User[] = [];
  for (const cameras of [2, 4]) {
    for (const user of room.slice(everyone.length, cameras)) {
      await button(user, 'Join call').click();
      await button(user, 'Camera').click();
      await expect(button(user, 'Camera')).toHaveAttribute('aria-pressed', 'true');
      everyone.push(user);
    }
    const expected = budget(cameras);
    for (const user of everyone) {
      for (const other of everyone.filter((each) => each !== user)) await expect(user.page.locator(`[data-call-peer="${other.nick}"] video`)).toBeVisible();
      // Each link's congestion control takes a few seconds to find room for the budget: measured until it has.
      await expect
        .poll(
          async () => {
            const links = await bitrates(user.page);
            const ok = links.length === cameras - 1 && links.every(({ bps, maxBitrate }) => maxBitrate === expected && Math.abs(bps / expected - 1) <= 0.2);
            if (ok) console.log(`[measure] ${cameras} cameras, ${user.nick}: ${links.map(({ bps }) => Math.round(bps / 1000)).join(', ')} kbps per link (budget ${expected / 1000})`);
            return ok ? 'within 20%' : JSON.stringify(links.map(({ bps, maxBitrate }) => [Math.round(bps / 1000), (maxBitrate ?? 0) / 1000]));
          },
          { message: `${user.nick}'s video to each of ${cameras - 1} receivers follows ${expected / 1000} kbps`, timeout: 45_000, intervals: [0] },
        )
        .toBe('within 20%');
    }
    expect(await dtx(everyone), `no DTX with ${cameras} people in the call`).toBe(false);
  }

  // erin joins without a camera: five people receive, so each camera's share is a quarter of the
  // upload, and above four people every microphone saves silence.
  const erin = room[4];
  if (!erin) throw new Error('erin is missing');
  await button(erin, 'Join call').click();
  everyone.push(erin);
  for (const user of everyone.slice(0, 4)) {
    await expect
      .poll(async () => JSON.stringify((await sentOn(user.page)).map(({ maxBitrate }) => maxBitrate)), { message: `${user.nick}'s camera shares its upload between four` })
      .toBe(JSON.stringify([budget(5), budget(5), budget(5), budget(5)]));
  }
  await expect.poll(() => dtx(everyone), { message: 'DTX with five people in the call' }).toBe(true);

  // On a phone, alice's tiles do not all fit: scrolled to the end, the first ones are out of sight,
  // and their senders stop sending her video; scrolled back, it comes again.
  const alice = everyone[0];
  if (!alice) throw new Error('nobody in the call');
  await alice.page.setViewportSize({ width: 360, height: 300 });
  const tiles = alice.page.locator('mc-chat-app .tiles');
  await tiles.evaluate((element) => element.scrollTo(0, element.scrollHeight));
  const hidden = await alice.page.locator('mc-chat-app [data-call-peer]').evaluateAll((figures) => {
    const box = figures[0]?.parentElement?.getBoundingClientRect();
    return figures.filter((figure) => box && figure.getBoundingClientRect().bottom <= box.top).map((figure) => figure.getAttribute('data-call-peer') ?? '');
  });
  expect(hidden.length, 'some tiles are out of sight').toBeGreaterThan(0);
  for (const nick of hidden) await expect.poll(() => videoBytesFrom(alice.page, nick), { message: `no video from ${nick}, out of sight` }).toBe(0);
  const shown = everyone.find(({ nick }) => nick !== 'alice' && !hidden.includes(nick));
  if (shown) expect(await videoBytesFrom(alice.page, shown.nick), `${shown.nick}, in sight, still comes`).toBeGreaterThan(0);
  await tiles.evaluate((element) => element.scrollTo(0, 0));
  for (const nick of hidden) await expect.poll(() => videoBytesFrom(alice.page, nick), { message: `${nick}'s video back in sight` }).toBeGreaterThan(0);
});
