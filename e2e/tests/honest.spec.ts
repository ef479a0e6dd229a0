// What the page says is true and said once: a closed tab leaves in seconds, an outage is one line,
// a link that drops and recovers is one line, a link goes where it points, and the small things.
import { CAPTURE_CHANNELS, type Captured } from '../helpers/capture';
import { SignalingProcess } from '@meshchat/testkit/signaling-process';
import { User, fillJoin } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { joinAt, newPage, reloadPastQuestion } from '../helpers/pages';
import { FirefoxUser, NO_FIREFOX } from '../helpers/firefox';

/** Every line the log shows, as text. */
const shownLines = (user: User) => user.log.locator('.line').allTextContents();

/** In a page: its socket never sends its goodbye (as when a closing Firefox tab drops its last frames): the beacon must do. */
const SOCKET_SAYS_NO_GOODBYE = () => {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket["send"]>[0]) {
    if (typeof data === 'string' && data.startsWith('42["bye"')) return;
    send.call(this, data);
  };
};

/** In a page: it sends no beacon (its socket's goodbye must do). */
const NO_BEACON = () => {
  navigator.sendBeacon = () => true;
};

// Each goodbye is tested on its own: bob sends no beacon (his socket's goodbye must do), carol's
// socket drops its goodbye (her beacon must do). Firefox's page is left for another site rather than
// its window closed: a Firefox window closed through WebDriver BiDi on a busy machine now and then
// runs no `pagehide` at all (no goodbye on the links, the socket or a beacon: 2 fresh-clone runs in
// 4), which no page can help.
test('a closed tab (Chromium) or a page left for another (Firefox) leaves within seconds as "left", receipts stop waiting for it; a reload keeps the seat', async ({ join, firefox, server }) => {
  test.skip(NO_FIREFOX !== '', NO_FIREFOX);
  const alice = await join('alice', 'bye');
  const bob = await join('bob', 'bye', NO_BEACON);
  const carol = await FirefoxUser.open(firefox, `${server.url}/?room=bye`, 'carol', [SOCKET_SAYS_NO_GOODBYE]);
  await carol.join();
  await alice.connectedTo('bob', 'carol');
  await bob.connectedTo('carol');

  // A reload says goodbye too, and still takes the seat back: nobody sees bob leave.
  const reloading = Date.now();
  await reloadPastQuestion(bob.page);
  // The seat is back once the room shows again (the join screen never does in between).
  await expect(bob.page.getByRole('log', { name: 'Messages' })).toBeVisible();
  const seatMs = Date.now() - reloading;
  await expect(bob.page.getByRole('button', { name: 'Join', exact: true })).toHaveCount(0);
  await bob.connectedTo('alice', 'carol');
  const reloadMs = Date.now() - reloading;
  await alice.connectedTo('bob');
  await expect(alice.lines('notice').filter({ hasText: /bob (left|lost)/ })).toHaveCount(0);

  // bob closes his tab: alice sees him leave (not lose his connection), well before a dropped connection's 30 s grace.
  const closing = Date.now();
  await bob.page.close();
  await expect(alice.lines('notice').filter({ hasText: 'bob left the room' })).toHaveCount(1);
  const goneMs = Date.now() - closing;
  await expect(alice.people.locator('li[data-nick="bob"]')).toHaveCount(0);
  await carol.shows('notice', 'bob left the room.');
  await expect(alice.lines('notice').filter({ hasText: /Lost the direct link to bob|bob lost their connection/ })).toHaveCount(0);

  // carol leaves for another site in Firefox: the same, at alice's; and what alice says next waits for nobody who left.
  // With others here the page asks first whether to leave; carol says yes.
  carol.page.on('dialog', (dialog) => void dialog.accept());
  const closingFirefox = Date.now();
  await carol.page.goto('about:blank');
  await expect(alice.lines('notice').filter({ hasText: 'carol left the room' })).toHaveCount(1);
  const firefoxGoneMs = Date.now() - closingFirefox;
  await alice.say('anyone?');
  await expect(alice.receipt('anyone?')).toHaveCount(0);
  await expect(alice.lines('notice').filter({ hasText: 'Nobody else is connected yet' })).toHaveCount(1);
  console.log(`[measure] goodbye: reload → seat back ${seatMs} ms, linked ${reloadMs} ms; Chromium tab closed → "left" at the others ${goneMs} ms; Firefox page left ${firefoxGoneMs} ms`);
  expect(goneMs, 'left by its goodbye, not after the 30 s grace').toBeLessThan(15_000);
});

test('a 20 s signaling outage adds at most one line to each log, and the status says offline meanwhile', async ({ browser }) => {
  test.setTimeout(90_000);
  const server = new SignalingProcess(['--reconnect-grace', '30000']);
  await server.start();
  const users = await Promise.all(['ana', 'ben', 'cy'].map((nick) => joinAt(browser, `${server.url}/?room=outage`, nick)));
  for (const user of users) await user.connectedTo(...['ana', 'ben', 'cy'].filter((nick) => nick !== user.nick));
  const before = await Promise.all(users.map(shownLines));

  const port = server.port;
  await server.stop('SIGTERM');
  for (const user of users) await expect(user.page.getByRole('status').and(user.page.locator('.status'))).toHaveAttribute('data-state', 'offline');
  await users[0]?.say('while the server is away');
  await new Promise((resolve) => setTimeout(resolve, 20_000));
  await server.start(port);
  for (const user of users) {
    await expect(user.page.locator('p.status')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
    await expect(user.lines('notice').filter({ hasText: /Back after/ })).toHaveCount(1);
  }
  // Settled: a moment more brings no new line.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  for (const [index, user] of users.entries()) {
    const after = await shownLines(user);
    const added = after.filter((line) => !before[index]?.includes(line) && !line.includes('while the server is away'));
    expect(added, `${user.nick}: one line for the outage`).toHaveLength(1);
    expect(added[0]).toMatch(/The signaling server is shutting down\. Back after \d+ sec\.$/);
  }
});

test('a link that drops and comes back is one line, kept up to date', async ({ join }) => {
  const alice = await join('alice', 'flap');
  const bob = await join('bob', 'flap', CAPTURE_CHANNELS);
  await alice.connectedTo('bob');
  await bob.page.evaluate(() => (window as unknown as Captured).__connections.forEach((connection) => connection.close()));
  const aboutBob = alice.lines('notice').filter({ hasText: 'link to bob' });
  await expect(aboutBob).toHaveCount(1);
  await alice.connectedTo('bob');
  await expect(aboutBob).toHaveText(/Lost the direct link to bob.*Linked directly after \d+ sec/);
  await bob.say('still here');
  await expect(alice.lines('public').filter({ hasText: 'still here' })).toHaveCount(1);
  // Besides "bob joined", the incident is all the log says of him.
  await expect(alice.lines('notice').filter({ hasText: 'bob' }).filter({ hasNotText: 'bob joined' })).toHaveCount(1);
});

test('a room link opened in a tab that is in another room goes where it points; the old room is offered, never resumed unasked', async ({ browser, join, server }) => {
  const alice = await join('alice', 'one');
  const bob = await join('bob', 'one');
  await alice.connectedTo('bob');

  // A link to team, opened in alice's tab (typed, pasted or followed).
  alice.page.once('dialog', (dialog) => void dialog.accept());
  await alice.page.goto(`${server.url}/?room=team`);
  await expect(alice.page.getByRole('heading', { name: 'Join team' })).toBeVisible();
  await expect(alice.page.getByText('This tab was in one.')).toBeVisible();
  await expect(alice.page.getByRole('textbox', { name: 'Nickname' })).toHaveValue('alice');
  await expect(bob.lines('notice').filter({ hasText: 'alice left the room' })).toHaveCount(1);
  // What is typed next goes nowhere until she chooses: Enter joins team.
  await alice.page.getByRole('textbox', { name: 'Nickname' }).press('Enter');
  await expect(alice.page.getByRole('banner')).toContainText('Room team');
  await alice.say('ALICE');
  await expect(bob.lines('public')).toHaveCount(0);

  // A private room's link pasted into the address bar of a tab in a private room changes only the fragment: asked first.
  const carolPage = await newPage(browser, server.url);
  await carolPage.getByRole('textbox', { name: 'Nickname' }).fill('carol');
  await carolPage.getByRole('button', { name: 'Create private room' }).click();
  await expect(carolPage.getByRole('banner').getByText('Private room', { exact: true })).toBeVisible();
  const otherSecret = new URL(carolPage.url()).hash;
  const davePage = await newPage(browser, server.url);
  await davePage.getByRole('textbox', { name: 'Nickname' }).fill('dave');
  await davePage.getByRole('button', { name: 'Create private room' }).click();
  await expect(davePage.getByRole('banner').getByText('Private room', { exact: true })).toBeVisible();
  const own = davePage.url();
  await davePage.evaluate((hash) => (location.hash = hash), otherSecret);
  const question = davePage.getByRole('alertdialog');
  await expect(question).toContainText('This link is for another private room');
  await question.getByRole('button', { name: 'Stay in this private room' }).click();
  expect(davePage.url()).toBe(own);
  await davePage.evaluate((hash) => (location.hash = hash), otherSecret);
  await davePage.getByRole('alertdialog').getByRole('button', { name: 'Leave and join' }).click();
  await expect(new User(carolPage, 'carol').people.locator('li[data-nick="dave"]')).toHaveAttribute('data-verification', 'verified');
});

test('the small things: one "nobody here", the invite link never in the log, "391 bytes", files grouped, "Join" for a typed address', async ({ browser, server }) => {
  const alicePage = await newPage(browser, server.url, undefined, { permissions: ['clipboard-read', 'clipboard-write'] });
  await fillJoin(alicePage, 'alice');
  await expect(alicePage.getByText(/Nobody else is here yet/)).toHaveCount(1);
  await alicePage.locator('.alone').getByRole('button', { name: 'Copy the invite link' }).click();
  await expect(alicePage.locator('.alone .copied')).toHaveText('Link copied.');
  const alice = new User(alicePage, 'alice');
  await expect(alice.log).not.toContainText('http');

  const bob = await joinAt(browser, alicePage.url(), 'bob');
  await alice.connectedTo('bob');
  const files = alicePage.locator('mc-message-composer input[type=file]');
  await files.setInputFiles({ name: 'small.txt', mimeType: 'text/plain', buffer: Buffer.alloc(391, 'x') });
  await files.setInputFiles({ name: 'second.txt', mimeType: 'text/plain', buffer: Buffer.alloc(1, 'y') });
  const offers = bob.log.locator('.line[data-kind="file"]');
  await expect(offers).toHaveCount(2);
  await expect(offers.first()).toContainText('391 bytes');
  await expect(offers.nth(1)).toContainText('1 byte');
  await expect(offers.nth(1)).toHaveAttribute('data-run', 'more');
});
