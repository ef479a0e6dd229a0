// A call as people live it: found from outside, joined from its bar, heard about in a live region,
// shared again and again, left and joined again, folded away on a phone; and chat beside it never
// restarts anyone's picture or sound.
import { violations } from '../helpers/axe';
import { COUNT_RELOADS, RELOADS, button, flowing } from '../helpers/call-stats';
import { CAPTURE_CHANNELS, type Captured } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';
import { type User } from '@meshchat/testkit/user';

const region = (user: User) => user.page.locator('mc-chat-app').getByRole('region', { name: 'Call', exact: true });
const announced = (user: User) => region(user).getByRole('status');
const callLines = (user: User, text: string | RegExp) => user.lines('notice').filter({ hasText: text });

test('a call found from outside, joined from its bar, shared three times, left and joined again; chat never reloads a tile', async ({ join }) => {
  // About 60 s alone on two cores; three times that beside another test.
  test.setTimeout(180_000);
  const [alice, bob, carol] = [await join('alice', 'life', [CAPTURE_CHANNELS, COUNT_RELOADS]), await join('bob', 'life', [CAPTURE_CHANNELS, COUNT_RELOADS]), await join('carol', 'life', [CAPTURE_CHANNELS, COUNT_RELOADS])];
  for (const user of [alice, bob, carol]) await user.connectedTo(...[alice, bob, carol].filter((other) => other !== user).map(({ nick }) => nick));

  // bob starts a call: the others see a bar saying who is in, and since when, and one line in the log.
  await button(bob, 'Join call').click();
  await expect(region(bob).locator('[data-call-self="camera"]'), 'bob sees his own tile').toBeVisible();
  for (const user of [alice, carol]) {
    await expect(region(user)).toContainText(/In the call since \d{1,2}:\d\d.*: bob\./);
    await expect(callLines(user, 'bob started a call.')).toHaveCount(1);
  }

  // alice joins from the bar; bob hears of it.
  await region(alice).getByRole('button', { name: 'Join call' }).click();
  await expect(announced(bob)).toHaveText('alice joined the call');
  await expect(region(carol)).toContainText(/: alice and bob\./);
  await button(alice, 'Camera').click();
  await expect(announced(alice)).toHaveText('Camera on');
  // Her own camera, mirrored, played silently; not sent back to her.
  const self = alice.page.locator('[data-call-self="camera"] video');
  await expect(self).toBeVisible();
  expect(await self.evaluate((video: HTMLVideoElement) => ({ muted: video.muted, mirrored: getComputedStyle(video).transform !== 'none', live: (video.srcObject as MediaStream).getVideoTracks()[0]?.readyState })))
    .toEqual({ muted: true, mirrored: true, live: 'live' });
  await expect(alice.page.locator('[data-call-peer="alice"]')).toHaveCount(0);

  // Muted, the button says Unmute, the tile says so, and so does the live region.
  await button(alice, 'Mute').click();
  await expect(button(alice, 'Unmute')).toHaveAttribute('aria-pressed', 'true');
  await expect(announced(alice)).toHaveText('Microphone off');
  await expect(bob.page.locator('[data-call-peer="alice"] figcaption')).toContainText('muted');
  await alice.page.keyboard.press('Alt+KeyM');
  await expect(button(alice, 'Mute')).toHaveAttribute('aria-pressed', 'false');
  await expect(announced(alice)).toHaveText('Microphone on');

  // Share, stop and share again, three times: bob gets frames of the screen each time.
  for (let round = 1; round <= 3; round++) {
    await button(alice, 'Share screen').click();
    await expect(region(alice).getByText('You are presenting', { exact: true })).toBeVisible();
    await expect(announced(alice)).toHaveText('You are sharing your screen');
    await expect(alice.page.locator('[data-call-self="screen"] video'), 'alice sees what she presents').toBeVisible();
    await expect(bob.page.locator('[data-call-screen="alice"] video')).toBeVisible();
    await expect.poll(async () => (await flowing(bob, 'alice', true)).frames, { message: `bob sees alice's screen, share ${round}` }).toBeGreaterThan(0);
    await region(alice).getByRole('button', { name: 'Stop sharing' }).click();
    await expect(bob.page.locator('[data-call-screen="alice"]')).toHaveCount(0);
    await expect(region(alice).getByText('You are presenting', { exact: true })).toHaveCount(0);
  }
  // Camera off and on again: her picture comes back each time.
  for (let round = 1; round <= 2; round++) {
    await button(alice, 'Camera').click();
    await expect(bob.page.locator('[data-call-peer="alice"]')).toHaveAttribute('data-camera', 'false');
    await button(alice, 'Camera').click();
    await expect.poll(async () => (await flowing(bob, 'alice')).frames, { message: `bob sees alice's camera again, round ${round}` }).toBeGreaterThan(0);
  }

  // A burst of chat, typing, speaking and someone joining the call: no tile is given its stream again.
  const before = await Promise.all([alice, bob].map((user) => user.page.evaluate(RELOADS)));
  for (let i = 0; i < 4; i++) {
    await alice.say(`chat beside the call ${i}`);
    await bob.say(`and back ${i}`);
  }
  await carol.page.locator('mc-message-composer').getByRole('textbox').pressSequentially('typing…');
  await region(carol).getByRole('button', { name: 'Join call' }).click();
  await expect(bob.page.locator('[data-call-peer="carol"]')).toBeVisible();
  await expect(bob.lines('public').filter({ hasText: 'chat beside the call 3' })).toBeVisible();
  await expect.poll(() => bob.page.locator('[data-call-peer="alice"]').getAttribute('data-speaking'), { message: 'alice speaking, at bob' }).toBe('true');
  expect(await Promise.all([alice, bob].map((user) => user.page.evaluate(RELOADS))), 'media elements given their stream again').toEqual(before);

  // bob leaves and joins again: alice hears him again, on the link's same sender.
  await button(bob, 'Leave call').click();
  await expect(announced(alice)).toHaveText('bob left the call');
  await button(bob, 'Join call').click();
  await expect.poll(async () => (await flowing(alice, 'bob')).energy, { message: 'alice hears bob after he joined again' }).toBeGreaterThan(0);

  // Folded away, the call keeps its controls and gives the chat its room back.
  await button(alice, 'Minimize call').click();
  await expect(button(alice, 'Expand call')).toHaveAttribute('aria-expanded', 'false');
  await expect(alice.page.locator('.tiles')).toHaveCount(0);
  await button(alice, 'Expand call').click();
  await expect(alice.page.locator('.tiles')).toBeVisible();

  expect(await violations(alice.page), 'the call screen, presenting and in a call').toEqual([]);

  // Everyone leaves: one line says the call ended, and how long it lasted.
  for (const user of [alice, bob, carol]) await button(user, 'Leave call').click();
  for (const user of [alice, bob, carol]) {
    await expect(callLines(user, /The call ended after \d+ (sec|min)/)).toHaveCount(1);
    await expect(button(user, 'Join call')).toBeVisible();
  }
});

test('on a 360 px phone the call is one row of controls, and minimized it leaves the chat at least half the screen', async ({ join }) => {
  test.setTimeout(90_000);
  const alice = await join('alice', 'phonecall', CAPTURE_CHANNELS);
  const bob = await join('bob', 'phonecall', CAPTURE_CHANNELS);
  await alice.connectedTo('bob');
  await alice.page.setViewportSize({ width: 360, height: 740 });
  for (const user of [alice, bob]) {
    await button(user, 'Join call').click();
    await button(user, 'Camera').click();
  }
  await expect(alice.page.locator('[data-call-peer="bob"] video')).toBeVisible();
  // One row: every control shares a band of height with every other, and the row needs no scrolling.
  const row = await region(alice)
    .locator('.call-controls')
    .evaluate((controls) => {
      const boxes = [...controls.children].map((child) => child.getBoundingClientRect());
      return { overlap: Math.min(...boxes.map(({ bottom }) => bottom)) - Math.max(...boxes.map(({ top }) => top)), overflow: controls.scrollWidth - controls.clientWidth };
    });
  expect(row.overlap, 'the controls share one row').toBeGreaterThan(0);
  expect(row.overflow, 'the row fits the width').toBeLessThanOrEqual(0);
  for (const name of ['Mute', 'Camera', 'Share screen', 'Leave call', 'Minimize call']) await expect(button(alice, name)).toBeVisible();
  expect(await violations(alice.page), 'the call screen on a phone').toEqual([]);

  await button(alice, 'Minimize call').click();
  const log = await alice.log.boundingBox();
  expect(log?.height ?? 0, 'the chat keeps at least half of the screen').toBeGreaterThanOrEqual(740 / 2);
  await alice.say('still chatting on the phone');
  await expect(bob.lines('public').filter({ hasText: 'still chatting on the phone' })).toBeVisible();
});

test("Call bob from a private conversation: it rings for bob alone and carries media between the two alone, beside the room's call; hanging up and declining say so", async ({ join }) => {
  test.setTimeout(120_000);
  const [alice, bob, carol] = [await join('alice', 'ring', CAPTURE_CHANNELS), await join('bob', 'ring', CAPTURE_CHANNELS), await join('carol', 'ring', CAPTURE_CHANNELS)];
  for (const user of [alice, bob, carol]) await user.connectedTo(...[alice, bob, carol].filter((other) => other !== user).map(({ nick }) => nick));
  // The room has a call of its own: carol's.
  await button(carol, 'Join call').click();
  await expect(region(alice)).toContainText('In the call since');

  await alice.people.locator('li[data-nick="bob"] button[title^="Private conversation"]').click();
  await expect(button(alice, 'Join call'), 'in a private conversation, the call is with that person').toHaveCount(0);
  await button(alice, 'Call bob').click();
  await expect(region(alice)).toContainText('Calling bob…');
  const ringing = bob.page.locator('mc-chat-app').getByRole('group', { name: 'Call from alice' });
  await expect(ringing).toContainText('alice is calling you.');
  await expect(carol.page.locator('.ringing'), 'it rings for bob alone').toHaveCount(0);
  await ringing.getByRole('button', { name: 'Answer' }).click();
  await expect(region(alice)).toContainText('In a call with bob');
  await expect.poll(async () => (await flowing(alice, 'bob')).energy, { message: 'alice hears bob' }).toBeGreaterThan(0);
  await expect.poll(async () => (await flowing(bob, 'alice')).energy, { message: 'bob hears alice' }).toBeGreaterThan(0);
  // carol, in the room's call, gets nothing from either, and sees neither in it.
  await expect(carol.page.locator('[data-call-peer]')).toHaveCount(0);
  const inbound = () =>
    carol.page.evaluate(async () => {
      let bytes = 0;
      for (const connection of (window as unknown as Captured).__connections) {
        (await connection.getStats()).forEach((report: { type: string; bytesReceived?: number }) => {
          if (report.type === 'inbound-rtp') bytes += report.bytesReceived ?? 0;
        });
      }
      return bytes;
    });
  const before = await inbound();
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await inbound(), 'no media reaches carol').toBe(before);

  // alice's own link to bob breaks: his tile says why nothing comes, and his sound is back once a new link forms.
  const cut = await alice.page.evaluate(() => {
    const tile = document.querySelector('mc-chat-app')?.shadowRoot?.querySelector('mc-call')?.shadowRoot?.querySelector('[data-call-peer="bob"] video') as HTMLVideoElement | null;
    const ids = new Set((tile?.srcObject as MediaStream | null)?.getTracks().map(({ id }) => id));
    const link = (window as unknown as Captured).__connections.find((connection) => connection.getReceivers().some(({ track }) => ids.has(track.id)));
    link?.close();
    return link !== undefined;
  });
  expect(cut, "the link that carried bob's sound").toBe(true);
  await expect(alice.page.locator('[data-call-peer="bob"] .apart')).toHaveText('No direct link: no sound or video from them for now.');
  await alice.connectedTo('bob');
  await expect(alice.page.locator('[data-call-peer="bob"] .apart')).toHaveCount(0);
  await expect.poll(async () => (await flowing(alice, 'bob')).energy, { message: 'alice hears bob again on the new link' }).toBeGreaterThan(0);

  // bob hangs up: the call ends for alice too, with a line.
  await button(bob, 'Leave call').click();
  await expect(alice.lines('notice').filter({ hasText: 'bob hung up: the call with them ended.' })).toHaveCount(1);
  await expect(button(alice, 'Call bob')).toBeVisible();
  // Called again, bob declines: alice is told, and is out of the call.
  await button(alice, 'Call bob').click();
  await ringing.getByRole('button', { name: 'Decline' }).click();
  await expect(alice.lines('notice').filter({ hasText: 'bob declined the call.' })).toHaveCount(1);
  await expect(button(alice, 'Call bob')).toBeVisible();
  await expect(ringing).toHaveCount(0);
});
