// A call across the two engines: Chromium and Firefox hear and see each other, find the call from
// its bar, see Unmute, get a screen shared twice, and chat beside it reloads no tile in either;
// then Firefox calls Chromium alone from a private conversation.
import { COUNT_RELOADS, RELOADS, button, flowing } from '../helpers/call-stats';
import { CAPTURE_CHANNELS } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';
import { FirefoxUser, NO_FIREFOX } from '../helpers/firefox';

test.skip(NO_FIREFOX !== '', NO_FIREFOX);

/** Whether the tile `selector` (inside any shadow root) plays a picture: frames of a size, and playing. */
const picture = (selector: string) => {
  const video = window.__mc.all(`${selector} video`)[0] as HTMLVideoElement | undefined;
  return video !== undefined && !video.hidden && video.videoWidth > 0 && !video.paused && video.readyState >= 2;
};

test('Chromium and Firefox in one call: found from its bar, heard and seen both ways, muted and shared; chat reloads no tile', async ({ join, firefox, server }) => {
  test.setTimeout(150_000);
  const alice = await join('alice', 'mixedcall', [CAPTURE_CHANNELS, COUNT_RELOADS]);
  const bob = await FirefoxUser.open(firefox, `${server.url}/?room=mixedcall`, 'bob', [COUNT_RELOADS]);
  await bob.join();
  await alice.connectedTo('bob');
  await bob.connectedTo('alice');

  // alice starts the call; Firefox shows its bar and joins from it.
  await button(alice, 'Join call').click();
  await bob.until('the call bar says alice is in', () => window.__mc.all('section.call .call-bar').some((bar) => /In the call since .*alice/.test(window.__mc.text(bar))));
  await bob.click('.call-bar button', 'Join call');
  await expect(alice.page.locator('[data-call-peer="bob"]')).toBeVisible();
  await button(alice, 'Camera').click();
  await bob.click('button', 'Camera');

  // Both ways: Chromium's stats, Firefox's video element.
  await expect.poll(async () => (await flowing(alice, 'bob')).frames, { message: "alice sees Firefox's camera" }).toBeGreaterThan(0);
  await expect.poll(async () => (await flowing(alice, 'bob')).energy, { message: "alice hears Firefox's microphone" }).toBeGreaterThan(0);
  await bob.until("Firefox shows alice's camera", picture, '[data-call-peer="alice"]');
  await bob.until('Firefox shows itself', picture, '[data-call-self="camera"]');

  // Muted in Firefox: its button says Unmute, and alice's tile of bob says muted.
  await bob.click('button', 'Mute');
  await bob.until('the button says Unmute', () => window.__mc.all('button[aria-pressed="true"]').some((button) => window.__mc.text(button).trim() === 'Unmute'));
  await expect(alice.page.locator('[data-call-peer="bob"]')).toHaveAttribute('data-muted', 'true');
  await bob.click('button', 'Unmute');
  await expect(alice.page.locator('[data-call-peer="bob"]')).toHaveAttribute('data-muted', 'false');

  // Chat both ways beside the call: no tile in either browser is given its stream again.
  const before = [await alice.page.evaluate(RELOADS), await bob.page.evaluate(RELOADS)];
  for (let i = 0; i < 4; i++) {
    await alice.say(`from Chromium ${i}`);
    await bob.say(`from Firefox ${i}`);
  }
  await bob.shows('public', 'from Chromium 3', 'alice');
  await expect(alice.lines('public').filter({ hasText: 'from Firefox 3' })).toBeVisible();
  expect([await alice.page.evaluate(RELOADS), await bob.page.evaluate(RELOADS)], 'media elements given their stream again (Chromium, Firefox)').toEqual(before);

  // alice shares her screen twice: Firefox shows it each time.
  for (let round = 1; round <= 2; round++) {
    await button(alice, 'Share screen').click();
    await bob.until(`Firefox shows alice's screen, share ${round}`, picture, '[data-call-screen="alice"]');
    await button(alice, 'Stop sharing').click();
    await bob.until("alice's screen tile is gone", () => window.__mc.all('[data-call-screen="alice"]').length === 0);
  }

  // A call of two, rung from Firefox's private conversation with alice, answered in Chromium.
  await button(alice, 'Leave call').click();
  await bob.click('button', 'Leave call');
  await bob.click('li[data-nick="alice"] button[title^="Private conversation"]');
  await bob.click('button', 'Call alice');
  const ringing = alice.page.locator('mc-chat-app').getByRole('group', { name: 'Call from bob' });
  await ringing.getByRole('button', { name: 'Answer' }).click();
  await bob.until('Firefox says it is in a call with alice', () => window.__mc.all('section.call .with').some((line) => window.__mc.text(line).includes('In a call with alice')));
  await expect.poll(async () => (await flowing(alice, 'bob')).energy, { message: 'alice hears bob in their call of two' }).toBeGreaterThan(0);
});
