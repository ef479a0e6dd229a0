import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '../helpers/fixtures';

const README_PICTURE = fileURLToPath(new URL('../../docs/phone-360.png', import.meta.url));

test('at 360 px the room fits, People is a drawer, and the colours follow the system', async ({ join }, testInfo) => {
  const bob = await join('bob', 'phone');
  const carol = await join('carol', 'phone');
  const alice = await join('alice', 'phone');
  // While People is still a list beside the log: at 360 px it folds into a drawer, and a wait
  // for its items there failed after 10 s every time (it was swallowed).
  await alice.connectedTo('bob', 'carol');
  const page = alice.page;
  await page.setViewportSize({ width: 360, height: 740 });
  await page.emulateMedia({ colorScheme: 'dark' });

  // People is closed into a button in the header; the conversation takes the whole width.
  const toggle = page.getByRole('button', { name: 'People (3)' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('list', { name: 'People' })).toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  // The header is one row: the connection is a dot that still says its words to screen readers.
  expect((await page.getByRole('banner').boundingBox())?.height).toBeLessThanOrEqual(56);
  await expect(page.getByRole('status')).toHaveText('Online');
  await expect(page.getByRole('combobox', { name: 'Language' })).toBeVisible();

  await bob.say('Anyone up for a walk at six?');
  await carol.say('Yes! Meet at the bridge');
  await alice.say('On my way');
  await bob.say('/msg alice bring the umbrella');
  await expect(alice.receipt('On my way')).toHaveAttribute('data-receipt', 'delivered');
  await expect(alice.lines('private')).toHaveCount(1);

  // Dark scheme: light text on a dark page.
  const [background, text] = await page.evaluate(() => {
    const style = getComputedStyle(document.querySelector('mc-chat-app') ?? document.body);
    return [style.backgroundColor, style.color];
  });
  expect(background).toBe('rgb(21, 23, 26)');
  expect(text).toBe('rgb(232, 233, 235)');

  const shot = await page.screenshot();
  await testInfo.attach('room at 360 px', { body: shot, contentType: 'image/png' });
  if (process.env.README_SCREENSHOT) writeFileSync(README_PICTURE, shot);

  // The drawer opens with focus inside it, and Escape closes it with focus back on its button.
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const people = page.getByRole('list', { name: 'People' });
  await expect(people).toBeVisible();
  await expect(people).toContainText('carol');
  await page.keyboard.press('Escape');
  await expect(people).toHaveCount(0);
  await expect(toggle).toBeFocused();

  // Picking someone in the drawer opens the conversation with them and closes the drawer.
  await toggle.click();
  await people.getByRole('button', { name: 'bob' }).click();
  await expect(people).toHaveCount(0);
  await expect(alice.conversation('Private: bob')).toHaveAttribute('aria-current', 'true');
  await expect(alice.lines('private')).toHaveText([/bring the umbrella/]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  // Light scheme: dark text on a light page.
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('mc-chat-app') ?? document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
});
