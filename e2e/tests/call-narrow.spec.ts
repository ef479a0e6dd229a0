// A call on a link that narrows and then frees, between Chromium and Firefox: each sees the other's
// camera drop to what the link carries, and climb back to the top once the link is free again.
// Chromium's governor steps down (Chromium says bandwidth holds the camera back) and probes back
// up; Firefox says no such thing and its congestion control keeps the link clean, so its own
// encoder scales the picture, and the governor's step stays at or returns to the top.
import { bitrates, button } from '../helpers/call-stats';
import { CAPTURE_CHANNELS, type Captured } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';
import { untilTestEnds } from '@meshchat/testkit/processes';
import { type User } from '@meshchat/testkit/user';
import { FirefoxUser, NO_FIREFOX } from '../helpers/firefox';
import { NO_SHAPER, narrow } from '../helpers/link-shaper';

test.skip(NO_FIREFOX !== '', NO_FIREFOX);
test.skip(NO_SHAPER !== '', NO_SHAPER);

/** What a narrow mobile uplink carries, each way: well under what either camera sends on a free link (Firefox's fake camera, 250–300 kbps). */
const NARROW_KBPS = 150;
/** The fake cameras' width: what the top step shows. */
const TOP = 640;

/** The width of `nick`'s camera as alice's tile shows it (0 before a frame). */
const chromiumSees = (user: User, nick: string) => user.page.locator(`[data-call-peer="${nick}"] video`).evaluate((video: HTMLVideoElement) => video.videoWidth);
/** The width of `nick`'s camera as the Firefox page's tile shows it. */
const firefoxSees = (user: FirefoxUser, nick: string) =>
  user.page.evaluate((nick) => (window.__mc.all(`[data-call-peer="${nick}"] video`)[0] as HTMLVideoElement | undefined)?.videoWidth ?? 0, nick);

/**
 * How far the governor scales the page's camera down on its link (1: the top step), read in the
 * page: the step is the governor's; the width a receiver shows may also be the encoder's own
 * choice on a busy machine (Chromium sends 3/4 of the width while its CPU is short).
 */
const SCALE = () => {
  const connection = (window as unknown as Captured).__connections.find((each) => each.connectionState === 'connected' && each.getTransceivers().length > 0);
  const sender = connection?.getSenders().find(({ track }) => track?.kind === 'video');
  return sender?.getParameters().encodings[0]?.scaleResolutionDownBy ?? 1;
};

/** What each sees of the other once both show the top width, or after 20 s if one does not (a busy machine's encoder sends less). */
async function settled(alice: User, bob: FirefoxUser): Promise<string> {
  const deadline = Date.now() + 20_000;
  let widths: number[];
  do {
    widths = [await chromiumSees(alice, 'bob'), await firefoxSees(bob, 'alice')];
    if (widths.every((width) => width >= TOP)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  } while (Date.now() < deadline);
  return seenText(widths);
}

/** What each sees of the other, in words for the figures. */
const seenText = ([atAlice, atBob]: number[]) => `alice sees Firefox's camera ${atAlice} wide, bob sees Chromium's ${atBob} wide`;

/**
 * The UDP ports of every candidate on both ends of the connection carrying the call, and which of
 * them the selected pair uses. All are narrowed: a pair that loses packets may be dropped for
 * another (ICE picks again when its checks go unanswered), and the call must not escape the
 * narrowing that way.
 */
const callPorts = (user: User) =>
  user.page.evaluate(async () => {
    type Report = { type: string; kind?: string; bytesSent?: number; port?: number; selectedCandidatePairId?: string; localCandidateId?: string; remoteCandidateId?: string };
    // The connection that sends our camera: the one with the most video sent (an older link to
    // the same person, not yet closed, would carry none).
    let reports = new Map<string, Report>();
    let most = 0;
    for (const connection of (window as unknown as Captured).__connections.filter((each) => each.connectionState === 'connected')) {
      const each = new Map<string, Report>();
      (await connection.getStats()).forEach((report: Report & { id: string }) => each.set(report.id, report));
      const video = [...each.values()].filter((report) => report.type === 'outbound-rtp' && report.kind === 'video').reduce((sum, report) => sum + (report.bytesSent ?? 0), 0);
      if (video > most) [reports, most] = [each, video];
    }
    if (most === 0) throw new Error('no connection carries the call');
    const transport = [...reports.values()].find((report) => report.type === 'transport' && report.selectedCandidatePairId);
    const pair = reports.get(transport?.selectedCandidatePairId ?? '');
    const selected = [reports.get(pair?.localCandidateId ?? '')?.port, reports.get(pair?.remoteCandidateId ?? '')?.port];
    if (selected.some((port) => port === undefined)) throw new Error('no candidate pair is selected');
    const all = [...reports.values()].filter((report) => report.type === 'local-candidate' || report.type === 'remote-candidate').map((report) => report.port);
    return { selected: selected as number[], all: [...new Set(all.filter((port): port is number => port !== undefined))] };
  });

test('a narrowed link lowers each camera to what it carries, and a freed one brings both back to the top (Chromium and Firefox)', async ({ join, firefox, server }) => {
  test.setTimeout(240_000);
  const alice = await join('alice', 'narrow', CAPTURE_CHANNELS);
  const bob = await FirefoxUser.open(firefox, `${server.url}/?room=narrow`, 'bob', [CAPTURE_CHANNELS]);
  await bob.join();
  await alice.connectedTo('bob');
  await button(alice, 'Join call').click();
  await bob.click('.call-bar button', 'Join call');
  await button(alice, 'Camera').click();
  await bob.click('button', 'Camera');

  const steps = async () => `Chromium's camera scaled down ${await alice.page.evaluate(SCALE)}×, Firefox's ${await bob.page.evaluate(SCALE)}×`;
  const seen = async () => seenText([await chromiumSees(alice, 'bob'), await firefoxSees(bob, 'alice')]);
  const top = "Chromium's camera scaled down 1×, Firefox's 1×";
  await expect.poll(steps, { message: 'both cameras at the top step on a free link', timeout: 30_000 }).toBe(top);
  await expect.poll(async () => (await chromiumSees(alice, 'bob')) * (await firefoxSees(bob, 'alice')) > 0, { message: 'both see the other' }).toBe(true);
  // A figure, not a test: a new link's congestion control takes some seconds to reach the top width.
  const free = await settled(alice, bob);
  // Both senders keep to the governor's budget for one receiver, each way: the upload (2.5 Mbps by
  // default) shared among the receivers, but never more than 1.5 Mbps to one (docs/using.md).
  const budget = 1_500_000;
  // One link each: its camera sender's maxBitrate and what it sent over three seconds.
  const sending = [(await bitrates(alice.page))[0] ?? { bps: 0, maxBitrate: 0 }, (await bitrates(bob.page))[0] ?? { bps: 0, maxBitrate: 0 }];
  expect(sending.map(({ maxBitrate }) => maxBitrate), 'each sender is given the budget (Chromium, Firefox)').toEqual([budget, budget]);
  for (const { bps } of sending) expect(bps, 'and sends within it').toBeLessThanOrEqual(budget * 1.2);

  // Still at the top just before the link narrows, so what follows is the narrowing's doing.
  await expect.poll(steps, { message: 'both cameras at the top step before the link narrows', timeout: 30_000 }).toBe(top);
  const ports = await callPorts(alice);
  const shaper = narrow(ports.all, NARROW_KBPS);
  untilTestEnds({ stop: async () => shaper.close() });
  const narrowed = Date.now();
  await expect.poll(() => alice.page.evaluate(SCALE), { message: `Chromium's governor steps its camera down on a ${NARROW_KBPS} kbps link (narrowed ports ${ports.all.join(', ')}; selected pair ${ports.selected.join('↔')})`, timeout: 60_000, intervals: [500] }).toBeGreaterThan(1);
  const downMs = Date.now() - narrowed;
  const pairNow = (await callPorts(alice)).selected;
  const low = `${await steps()}; ${await seen()}`;
  // What bob sees follows: a smaller picture of alice, not a frozen one. (What alice sees of Firefox's
  // camera on so narrow a link is a figure: Firefox's encoder shrinks it, or holds frames back.)
  await expect.poll(async () => { const width = await firefoxSees(bob, 'alice'); return width > 0 && width < TOP; }, { message: "bob sees alice's camera smaller", timeout: 30_000, intervals: [500] }).toBe(true);
  // The call goes on meanwhile: chat still crosses the narrow link.
  await alice.say('still with me?');
  await bob.shows('public', 'still with me?', 'alice');

  shaper.free();
  const freed = Date.now();
  await expect.poll(steps, { message: 'both cameras climb back to the top step once the link is free', timeout: 90_000, intervals: [500] }).toBe(top);
  const upMs = Date.now() - freed;
  await expect.poll(async () => (await chromiumSees(alice, 'bob')) >= TOP && (await firefoxSees(bob, 'alice')) >= TOP, { message: 'each sees the other at the top width again', timeout: 60_000, intervals: [500] }).toBe(true);
  const backMs = Date.now() - freed;
  console.log(`[measure] free link: ${free}, sending ${sending.map(({ bps }) => Math.round(bps / 1000)).join(' and ')} kbps of a ${budget / 1000} kbps budget; narrowed to ${NARROW_KBPS} kbps each way: lower after ${downMs} ms (${low}; candidate ports ${ports.all.join(', ')}, selected pair ${ports.selected.join('↔')}, then ${pairNow.join('↔')}); freed: top step both ways after ${upMs} ms, each sees the other ${TOP} wide after ${backMs} ms`);
});
