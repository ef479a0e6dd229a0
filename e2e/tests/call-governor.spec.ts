// The bandwidth governor, measured from outside: each page's getStats says what its video sender
// sends on each link (bytesSent over time) and what it was asked to send (the encoding's
// maxBitrate), as the call grows from 2 to 4 cameras and a fifth person. The camera shows noise, which does not
// compress: what goes out is what was allowed.
import { budget as budgetOf, button, dtx, followsBudget, sentOn, videoBytesFrom } from '../helpers/call-stats';
import { CHROMIUM_FLAGS, headlessShell } from '@meshchat/testkit/chromium-flags';
import { CAPTURE_CHANNELS } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';
import { fillJoin, User } from '@meshchat/testkit/user';
import { noiseCameraFlags } from '../helpers/noise-video';

test.use({ launchOptions: { ...(headlessShell ? { executablePath: headlessShell } : {}), args: [...CHROMIUM_FLAGS, ...noiseCameraFlags()] } });

/** The upload the pages are given for video (kbps), shared between the people receiving it. */
const UPLOAD_KBPS = 900;

const budget = (cameras: number) => budgetOf(UPLOAD_KBPS, cameras);

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
      await followsBudget(user, cameras - 1, expected);
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
