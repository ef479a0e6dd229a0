// Calls over the mesh: three people join the room's call with Chromium's fake microphone and
// camera, and each page's getStats shows what arrives from whom (matched through the tile's
// tracks). alice joins first, and she answered both her links (the newcomer offers): the side
// simple-peer lets add media only with a request to the other side.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { violations } from '../helpers/axe';
import { button, flowing } from '../helpers/call-stats';
import { CAPTURE_CHANNELS, type Captured } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';
import { fillJoin, User } from '@meshchat/testkit/user';
import { reloadPastQuestion } from '../helpers/pages';

const tile = (user: User, nick: string) => user.page.locator(`[data-call-peer="${nick}"]`);

test('three people in a call hear and see each other; mute, camera off and leaving reach the others; the chat goes on', async ({ join }) => {
  // About 75 s beside another test on two cores: twice that as room.
  test.setTimeout(180_000);
  const alice = await join('alice', 'call', CAPTURE_CHANNELS);
  const bob = await join('bob', 'call', CAPTURE_CHANNELS);
  const carol = await join('carol', 'call', CAPTURE_CHANNELS);
  const everyone = [alice, bob, carol];
  for (const user of everyone) await user.connectedTo(...everyone.filter((other) => other !== user).map(({ nick }) => nick));

  for (const user of everyone) {
    await button(user, 'Join call').click();
    await expect(button(user, 'Mute')).toHaveAttribute('aria-pressed', 'false');
    await button(user, 'Camera').click();
    await expect(button(user, 'Camera')).toHaveAttribute('aria-pressed', 'true');
  }
  for (const user of everyone) {
    for (const other of everyone.filter((each) => each !== user)) {
      await expect(tile(user, other.nick).locator('video')).toBeVisible();
      const both = async () => {
        const flow = await flowing(user, other.nick);
        return flow.energy > 0 && flow.frames > 0;
      };
      await expect.poll(both, { message: `${user.nick} hears and sees ${other.nick}` }).toBe(true);
    }
  }

  expect(await violations(alice.page), 'the call screen').toEqual([]);

  // The chat goes on beside the call, and so do files.
  await alice.say('can you hear me?');
  for (const user of [bob, carol]) await expect(user.lines('public').filter({ hasText: 'can you hear me?' })).toBeVisible();
  const data = randomBytes(512 * 1024);
  const file = path.join(tmpdir(), `meshchat-${process.pid}-${Date.now()}-slides.bin`);
  await writeFile(file, data);
  await carol.page.locator('mc-message-composer input[type=file]').setInputFiles(file);
  const offer = alice.log.locator('.line[data-kind="file"]');
  await offer.getByRole('button', { name: 'Accept' }).click();
  const [download] = await Promise.all([alice.page.waitForEvent('download'), offer.getByRole('link', { name: /^Save / }).click()]);
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  expect(sha256(await readFile(await download.path())), 'the file arrived whole during the call').toBe(sha256(data));

  // alice shares her screen: the others get it as a tile of its own, and People says so.
  await button(alice, 'Share screen').click();
  await expect(button(alice, 'Share screen')).toHaveAttribute('aria-pressed', 'true');
  for (const user of [bob, carol]) {
    await expect(user.page.locator('[data-call-screen="alice"] video')).toBeVisible();
    await expect.poll(async () => (await flowing(user, 'alice', true)).frames, { message: `${user.nick} sees alice's screen` }).toBeGreaterThan(0);
    await expect(user.people.locator('li[data-nick="alice"] .call')).toContainText('sharing the screen');
  }
  // Who speaks shows as they speak (the fake microphone talks: see noise-video.ts).
  await expect.poll(() => bob.page.locator('[data-call-peer="alice"]').getAttribute('data-speaking'), { message: 'alice speaking, at bob' }).toBe('true');
  await button(alice, 'Share screen').click();
  for (const user of [bob, carol]) await expect(user.page.locator('[data-call-screen="alice"]')).toHaveCount(0);

  // By keyboard, as every control.
  await button(bob, 'Mute').focus();
  await bob.page.keyboard.press('Enter');
  await expect(button(bob, 'Unmute'), 'muted, the button says what it does now').toHaveAttribute('aria-pressed', 'true');
  await expect(bob.page.locator('[data-call-self="camera"]')).toHaveAttribute('data-muted', 'true');
  await expect(tile(alice, 'bob')).toHaveAttribute('data-muted', 'true');
  await expect.poll(async () => (await flowing(alice, 'bob')).energy, { message: 'bob muted: no more sound from him' }).toBeLessThan(1e-6);

  await button(carol, 'Camera').click();
  await expect(tile(alice, 'carol')).toHaveAttribute('data-camera', 'false');
  await expect(tile(alice, 'carol').locator('video')).toBeHidden();
  await expect.poll(async () => (await flowing(alice, 'carol')).frames, { message: 'carol turned her camera off: no more frames' }).toBe(0);
  expect((await flowing(alice, 'carol')).energy, 'carol is still heard').toBeGreaterThan(0);

  await button(bob, 'Leave call').click();
  await expect(button(bob, 'Join call')).toBeVisible();
  for (const user of [alice, carol]) await expect(tile(user, 'bob')).toHaveCount(0);
  await bob.say('still here, in the chat');
  for (const user of [alice, carol]) await expect(user.lines('public').filter({ hasText: 'still here, in the chat' })).toBeVisible();
});

test('a microphone the browser will not give says so, and the chat goes on', async ({ join }) => {
  const deny = () => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  };
  const alice = await join('alice', 'nomic', deny);
  const bob = await join('bob', 'nomic');
  await alice.connectedTo('bob');
  await button(alice, 'Join call').click();
  await expect(alice.lines('notice').filter({ hasText: 'The browser was not allowed to use your microphone' })).toBeVisible();
  await expect(button(alice, 'Join call')).toBeVisible();
  await alice.say('typing instead');
  await expect(bob.lines('public').filter({ hasText: 'typing instead' })).toBeVisible();
});

/** The label of the microphone `user` sends (on any of their links). */
const microphoneSent = (user: User) =>
  user.page.evaluate(() =>
    (window as unknown as Captured).__connections.flatMap((connection) =>
      connection.connectionState === 'connected' ? connection.getSenders().flatMap(({ track }) => (track?.kind === 'audio' ? [track.label] : [])) : [],
    )[0],
  );

test('the call by keyboard shortcuts; the microphone chosen is kept for the next call and after a reload; no more cameras than the cap', async ({ openPage }) => {
  test.setTimeout(120_000);
  // A cap of one camera, so the second person is the one turned away.
  const enter = async (nick: string) => {
    const page = await openPage('?room=keys&cameras=1', CAPTURE_CHANNELS);
    await fillJoin(page, nick);
    return new User(page, nick);
  };
  const alice = await enter('alice');
  const bob = await enter('bob');
  await alice.connectedTo('bob');
  await bob.connectedTo('alice');

  // Alt+J joins, Alt+V turns the camera on, Alt+M mutes: from the message box, where the focus is.
  for (const user of [alice, bob]) {
    await user.page.locator('mc-message-composer').getByRole('textbox').focus();
    await user.page.keyboard.press('Alt+KeyJ');
    await expect(button(user, 'Mute')).toHaveAttribute('aria-keyshortcuts', 'Alt+M');
  }
  await expect(button(alice, 'Leave call')).toHaveAttribute('aria-keyshortcuts', 'Alt+L');
  await alice.page.keyboard.press('Alt+KeyV');
  await expect(button(alice, 'Camera')).toHaveAttribute('aria-pressed', 'true');
  await expect(tile(bob, 'alice').locator('video')).toBeVisible();
  await expect(bob.people.locator('li[data-nick="alice"] .call')).toContainText('camera on');

  // bob is the second camera of a call that carries one: he is told, and his camera stays off.
  await bob.page.keyboard.press('Alt+KeyV');
  await expect(bob.lines('notice').filter({ hasText: 'A call carries at most 1 cameras at once' })).toBeVisible();
  await expect(button(bob, 'Camera')).toHaveAttribute('aria-pressed', 'false');
  // alice's camera off: bob's may go on.
  await alice.page.keyboard.press('Alt+KeyV');
  await expect(tile(bob, 'alice').locator('video')).toBeHidden();
  await bob.page.keyboard.press('Alt+KeyV');
  await expect(button(bob, 'Camera')).toHaveAttribute('aria-pressed', 'true');
  await expect(tile(alice, 'bob').locator('video')).toBeVisible();

  await alice.page.keyboard.press('Alt+KeyM');
  await expect(button(alice, 'Unmute')).toHaveAttribute('aria-pressed', 'true');
  await expect(tile(bob, 'alice')).toHaveAttribute('data-muted', 'true');
  await alice.page.keyboard.press('Alt+KeyM');
  await expect(tile(bob, 'alice')).toHaveAttribute('data-muted', 'false');

  // alice picks another microphone (Chromium's fake devices: a default one, 1 and 2): it is what bob hears from now on.
  const picker = alice.page.locator('mc-chat-app').getByRole('combobox', { name: 'Microphone' });
  const devices = alice.page.locator('mc-chat-app').getByText('Devices', { exact: true });
  await devices.click();
  // Changed mid-call again and again: each time it is what goes out, and bob hears it.
  for (const label of ['Fake Audio Input 2', 'Fake Audio Input 1', 'Fake Audio Input 2']) {
    await picker.selectOption({ label });
    await expect.poll(() => microphoneSent(alice)).toBe(label);
    await expect.poll(async () => (await flowing(bob, 'alice')).energy, { message: `bob hears ${label}` }).toBeGreaterThan(0);
  }

  // Leaving and joining again, and reloading the page (where the browser gives devices new ids), keep the choice.
  await alice.page.keyboard.press('Alt+KeyL');
  await expect(button(alice, 'Join call')).toBeVisible();
  await button(alice, 'Join call').click();
  await expect.poll(() => microphoneSent(alice)).toBe('Fake Audio Input 2');
  await devices.click();
  await expect(picker.locator('option:checked')).toHaveText('Fake Audio Input 2');

  await reloadPastQuestion(alice.page);
  await expect(alice.log).toBeVisible();
  await alice.connectedTo('bob');
  await button(alice, 'Join call').click();
  await expect.poll(() => microphoneSent(alice)).toBe('Fake Audio Input 2');
  await devices.click();
  await expect(picker.locator('option:checked')).toHaveText('Fake Audio Input 2');
});
