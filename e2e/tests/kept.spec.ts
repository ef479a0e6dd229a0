// What outlives the tab: a reload keeps private conversations, their unread marks and received
// files; "Keep this room on this device" keeps the room across closing the browser, sealed for a
// private room, and Forget erases it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium as playwright, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS, headlessShell } from '@meshchat/testkit/chromium-flags';
import { User, fillJoin } from '@meshchat/testkit/user';
import { untilTestEnds } from '@meshchat/testkit/processes';
import { expect, test } from '../helpers/fixtures';
import { FirefoxUser, NO_FIREFOX, launchFirefox } from '../helpers/firefox';
import { reloadPastQuestion } from '../helpers/pages';

const fileInput = (user: User) => user.page.locator('mc-message-composer input[type=file]');
const keepSwitch = (page: Page) => page.getByRole('switch', { name: 'Keep this room on this device' });

/** Every room and entry this page's origin keeps in IndexedDB, raw: keys, and the values as JSON (bytes as text). Run in the page. */
const readKept = async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('meshchat-kept');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = (store: string) =>
      new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const text = (value: unknown): string =>
      value instanceof ArrayBuffer || ArrayBuffer.isView(value)
        ? new TextDecoder().decode(value instanceof ArrayBuffer ? value : value.buffer)
        : value instanceof Blob
          ? '(blob)'
          : typeof value === 'object' && value !== null
            ? `{${Object.entries(value).map(([key, each]) => `${key}:${text(each)}`).join(',')}}`
            : JSON.stringify(value);
    const rooms = (await all('rooms')) as { key: string }[];
    const entries = (await all('entries')) as { room: string }[];
    const states = (await all('states')) as { key: string }[];
    db.close();
    return {
      rooms: rooms.map(({ key }) => key),
      entries: entries.map((entry) => ({ room: entry.room, text: text(entry) })),
      states: states.map((state) => ({ key: state.key, text: text(state) })),
    };
};
const rawKept = (page: Page) => page.evaluate(readKept);

test('a reload keeps the private conversation, its unread mark and the file received in it, each once', async ({ join }) => {
  const alice = await join('alice', 'reload-keeps');
  const bob = await join('bob', 'reload-keeps');
  await alice.connectedTo('bob');
  await bob.say('/msg alice a private word');
  await bob.conversation(/Private: alice/).click();
  const scratch = await mkdtemp(path.join(tmpdir(), 'meshchat-kept-'));
  untilTestEnds({ stop: () => rm(scratch, { recursive: true, force: true }) });
  const file = path.join(scratch, 'notes.txt');
  await writeFile(file, 'kept across a reload\n');
  await fileInput(bob).setInputFiles(file);
  await alice.conversation(/Private: bob/).click();
  const offer = alice.log.locator('.line[data-kind="file"]');
  await offer.getByRole('button', { name: 'Accept' }).click();
  await expect(offer.getByRole('link', { name: /^Save / })).toBeVisible();
  await alice.conversation(/Everyone/).click();
  await bob.say('/msg alice and one more, unread');
  await expect(alice.conversation(/Private: bob/)).toHaveAccessibleName(/\(1 unread\)/);
  // What is unread is written as it changes (a few milliseconds): a reload in that instant would find the state before.
  await expect.poll(async () => (await rawKept(alice.page)).states.some(({ text }) => text.includes('unread:{bob:1}'))).toBe(true);
  // So are the lines and the file, one after another.
  await expect.poll(async () => (await rawKept(alice.page)).entries.filter(({ text }) => text.includes('and one more, unread') || text.includes('(blob)')).length).toBe(2);

  await reloadPastQuestion(alice.page);
  await expect(alice.log).toBeVisible();
  await expect(alice.conversation(/Private: bob/)).toHaveAccessibleName(/\(1 unread\)/);
  await alice.conversation(/Private: bob/).click();
  await expect(alice.lines('private').filter({ hasText: 'a private word' })).toHaveCount(1);
  await expect(alice.lines('private').filter({ hasText: 'and one more, unread' })).toHaveCount(1);
  const kept = alice.log.locator('.line[data-kind="file"]');
  await expect(kept.getByRole('link', { name: /^Save / })).toBeVisible();
  const [download] = await Promise.all([alice.page.waitForEvent('download'), kept.getByRole('link', { name: /^Save / }).click()]);
  expect(download.suggestedFilename()).toBe('notes.txt');
  // And the conversation goes on after the reload.
  await bob.conversation(/Everyone/).click();
  await bob.say('after the reload');
  await alice.conversation(/Everyone/).click();
  await expect(alice.lines('public').filter({ hasText: 'after the reload' })).toHaveCount(1);
});

test('kept on this device: the browser closed and its link opened with the server stopped shows the room at once, then what is new, each once; Forget erases it', async ({ server, join }) => {
  const profile = await mkdtemp(path.join(tmpdir(), 'meshchat-profile-'));
  const browsers: BrowserContext[] = [];
  // The profile goes once every browser using it has closed.
  untilTestEnds({
    stop: async () => {
      for (const context of browsers) await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  });
  const launch = async () => {
    const context = await playwright.launchPersistentContext(profile, { ...(headlessShell ? { executablePath: headlessShell } : {}), args: [...CHROMIUM_FLAGS] });
    browsers.push(context);
    return { context, page: context.pages()[0] ?? (await context.newPage()) };
  };

  const first = await launch();
  await first.page.goto(`${server.url}/?room=kept`);
  await keepSwitch(first.page).check();
  await fillJoin(first.page, 'alice');
  const alice = new User(first.page, 'alice');
  const bob = await join('bob', 'kept');
  await alice.connectedTo('bob');
  await bob.say('hello alice');
  await alice.say('hi bob');
  await bob.say('/msg alice just between us');
  await expect(alice.conversation(/Private: bob/)).toBeVisible();
  await expect.poll(async () => (await rawKept(first.page)).entries.filter(({ room }) => room === 'device|kept').length).toBeGreaterThanOrEqual(3);
  // One copy: kept on the device, it serves the tab's reloads too.
  expect((await rawKept(first.page)).entries.filter(({ room }) => room.startsWith('tab:'))).toEqual([]);
  // The app shell is installed by now: the page opens again with no server.
  await first.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await first.context.close();
  // A closed browser may say no goodbye: the server then holds her name for its grace period.
  await expect(bob.people.locator('li[data-nick="alice"]')).toHaveCount(0);
  await bob.say('while alice was away');
  const port = Number(new URL(server.url).port);
  await server.stop('SIGKILL');

  // Opened at the room's link with the server gone: the room as she kept it, at once, as alice.
  const second = await launch();
  const opened = Date.now();
  await second.page.goto(`${server.url}/?room=kept`);
  const again = new User(second.page, 'alice');
  await again.lines('public').filter({ hasText: 'hello alice' }).waitFor();
  console.log(`[measure] the link opened (server stopped) → the kept lines on screen: ${Date.now() - opened} ms`);
  await expect(again.lines('public').filter({ hasText: 'hi bob' })).toHaveCount(1);
  await expect(again.conversation(/Private: bob/)).toBeVisible();
  await expect(again.lines('notice').filter({ hasText: 'The signaling server is out of reach.' })).toHaveCount(1);

  // The server back: she takes her seat by name, and what was said while she was away comes from
  // bob's history, once; what she kept is not given twice.
  await server.start(port);
  // Each page tries the server again at most every 3 s (4.5 s with socket.io's jitter), as in the outage tests.
  await expect(again.lines('notice').filter({ hasText: 'Back after' })).toHaveCount(1, { timeout: 20_000 });
  await again.connectedTo('bob');
  await expect(again.log.getByText('while alice was away')).toHaveCount(1);
  await expect(again.log.getByText('hello alice')).toHaveCount(1);
  await expect(keepSwitch(again.page)).toBeChecked();

  await again.page.getByRole('button', { name: 'Forget this room on this device' }).click();
  await expect(keepSwitch(again.page)).not.toBeChecked();
  // Nothing of the room is left, on the device or for the tab.
  await expect.poll(async () => (await rawKept(again.page)).rooms.filter((key) => key.endsWith('|kept'))).toEqual([]);
  const left = await rawKept(again.page);
  expect(left.entries.filter(({ room }) => room.endsWith('|kept'))).toEqual([]);
  expect(left.states.filter(({ key }) => key.startsWith('device|'))).toEqual([]);
});

test('a private room kept on this device is sealed: its stored records hold none of its words', async ({ openPage, browser }) => {
  const page = await openPage();
  await keepSwitch(page).check();
  await page.getByRole('textbox', { name: 'Nickname' }).fill('alice');
  await page.getByRole('button', { name: 'Create private room' }).click();
  const alice = new User(page, 'alice');
  await expect(alice.log).toBeVisible();
  const link = page.url();
  const other = await browser.newContext();
  untilTestEnds({ stop: () => other.close() });
  const bobPage = await other.newPage();
  await bobPage.goto(link);
  await fillJoin(bobPage, 'bob');
  const bob = new User(bobPage, 'bob');
  await alice.connectedTo('bob');
  await bob.say('the sealed words');
  await expect(alice.lines('public').filter({ hasText: 'the sealed words' })).toHaveCount(1);
  await expect.poll(async () => (await rawKept(page)).entries.filter(({ room }) => room.startsWith('device|p-')).length).toBeGreaterThanOrEqual(1);
  const raw = await rawKept(page);
  const sealed = raw.entries.filter(({ room }) => room.startsWith('device|p-') || room.includes('|p-'));
  expect(sealed.length).toBeGreaterThanOrEqual(1);
  expect(raw.entries.filter(({ room }) => room.startsWith('tab:'))).toEqual([]);
  for (const { text } of sealed) {
    expect(text).toContain('iv:');
    expect(text).not.toContain('sealed words');
    expect(text).not.toContain('bob');
  }
});

test('Firefox: a reload keeps the private conversation with a Chromium friend', async ({ join, joinFirefox }) => {
  test.skip(NO_FIREFOX !== '', NO_FIREFOX);
  const carol = await joinFirefox('carol', 'kept-mixed');
  const alice = await join('alice', 'kept-mixed');
  await alice.connectedTo('carol');
  await carol.connectedTo('alice');
  await alice.say('/msg carol kept in firefox');
  await carol.until('the private conversation with alice', () => window.__mc.all('button[data-view="alice"]').length > 0);
  // Kept a moment after it shows (an IndexedDB write): a reload before that would not have it.
  await expect.poll(async () => (await carol.page.evaluate(readKept)).entries.some(({ text }) => text.includes('kept in firefox'))).toBe(true);
  carol.page.on('dialog', (dialog) => void dialog.accept());
  await carol.page.reload();
  await carol.until('the room again, with the private conversation with alice', () => window.__mc.all('button[data-view="alice"]').length > 0);
  await carol.click('button[data-view="alice"]');
  await carol.shows('private', 'kept in firefox', 'alice');
});

test('Firefox: kept on this device, the browser closed and the link opened with the server stopped shows the room at once; then what a Chromium friend said meanwhile', async ({ server, join }) => {
  test.skip(NO_FIREFOX !== '', NO_FIREFOX);
  const profile = await mkdtemp(path.join(tmpdir(), 'meshchat-firefox-profile-'));
  let firefox = await launchFirefox(profile);
  untilTestEnds({
    stop: async () => {
      await firefox.close();
      // Firefox's own processes may still be writing the profile as the browser reports it closed.
      await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  });
  const link = `${server.url}/?room=kept-firefox`;
  const carol = await FirefoxUser.alone(firefox, link, 'carol');
  await carol.click('input[name=keep]');
  await carol.join();
  const alice = await join('alice', 'kept-firefox');
  await carol.connectedTo('alice');
  await alice.say('hello carol');
  await carol.say('hi alice');
  await alice.say('/msg carol between us');
  await carol.shows('public', 'hello carol', 'alice');
  await carol.until('the private conversation with alice', () => window.__mc.all('button[data-view="alice"]').length > 0);
  await expect.poll(async () => (await carol.page.evaluate(readKept)).entries.filter(({ room }) => room === 'device|kept-firefox').length).toBeGreaterThanOrEqual(3);
  await carol.until('the service worker is in charge of the page', () => navigator.serviceWorker.controller !== null);
  await firefox.close();
  await expect(alice.people.locator('li[data-nick="carol"]')).toHaveCount(0);
  await alice.say('while carol was away');
  const port = server.port;
  await server.stop('SIGKILL');

  firefox = await launchFirefox(profile);
  const opened = Date.now();
  const again = await FirefoxUser.alone(firefox, link, 'carol');
  await again.shows('public', 'hello carol', 'alice');
  console.log(`[measure] Firefox: the link opened (server stopped) → the kept lines on screen: ${Date.now() - opened} ms`);
  await again.shows('public', 'hi alice', 'carol');
  await again.shows('notice', 'The signaling server is out of reach.');
  await again.until('the private conversation with alice', () => window.__mc.all('button[data-view="alice"]').length > 0);

  await server.start(port);
  // Each page tries the server again at most every 3 s (4.5 s with socket.io's jitter), as in the outage tests.
  await expect.poll(() => again.lines('notice'), { timeout: 20_000 }).toContainEqual(expect.stringContaining('Back after'));
  await again.connectedTo('alice');
  await again.shows('public', 'while carol was away', 'alice');
  await again.shows('public', 'hello carol', 'alice');
});
