import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '../helpers/fixtures';

const TARGET = fileURLToPath(new URL('../../docs/two-browsers.png', import.meta.url));
const FIRST_SCREEN = fileURLToPath(new URL('../../docs/first-screen.png', import.meta.url));

// Run with README_SCREENSHOT=1 to refresh the README's picture of two browsers chatting.
test('README screenshot: two browsers chatting', async ({ join, browser }) => {
  test.skip(!process.env.README_SCREENSHOT, 'set README_SCREENSHOT=1 to refresh docs/two-browsers.png');
  const alice = await join('alice', 'book-club');
  const bob = await join('bob', 'book-club');
  const carol = await join('carol', 'book-club');
  await alice.connectedTo('bob', 'carol');
  await bob.connectedTo('carol');
  for (const user of [alice, bob]) await user.page.setViewportSize({ width: 720, height: 460 });
  // One in the light scheme, one in the dark.
  await bob.page.emulateMedia({ colorScheme: 'dark' });
  await alice.say('Did everyone finish chapter 3?');
  await bob.say('Yes! That ending 😮');
  await bob.say('Did not see it coming at all');
  await carol.say('Almost, no spoilers please');
  await bob.say('/msg alice I think carol will love chapter 4');
  await alice.say('/to bob agreed, let us not spoil it');
  await expect(bob.lines('private')).toHaveCount(2);
  await expect(alice.lines('public')).toHaveCount(4);

  const shots = [];
  for (const user of [alice, bob]) shots.push((await user.page.screenshot()).toString('base64'));
  const board = await (await browser.newContext({ viewport: { width: 1480, height: 500 } })).newPage();
  await board.setContent(`<body style="margin:0;padding:20px;background:#d8dde3;display:flex;gap:20px">
    ${shots.map((shot) => `<img style="box-shadow:0 2px 8px #0004" src="data:image/png;base64,${shot}">`).join('')}
  </body>`);
  writeFileSync(TARGET, await board.screenshot());

  // The first screen, on a desktop in the light scheme and on a phone in the dark.
  const desktop = await (await browser.newContext({ viewport: { width: 720, height: 600 } })).newPage();
  await desktop.goto(bob.page.url().replace(/\?.*$/, ''));
  const phone = await (await browser.newContext({ viewport: { width: 360, height: 640 }, colorScheme: 'dark' })).newPage();
  await phone.goto(bob.page.url());
  for (const page of [desktop, phone]) await expect(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
  const firsts = [(await desktop.screenshot()).toString('base64'), (await phone.screenshot()).toString('base64')];
  await board.setViewportSize({ width: 1140, height: 680 });
  await board.setContent(`<body style="margin:0;padding:20px;background:#d8dde3;display:flex;gap:20px;align-items:flex-start">
    ${firsts.map((shot) => `<img style="box-shadow:0 2px 8px #0004" src="data:image/png;base64,${shot}">`).join('')}
  </body>`);
  writeFileSync(FIRST_SCREEN, await board.screenshot());
});
