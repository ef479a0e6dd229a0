// The installable app: a manifest and icons Chromium accepts, a service worker that opens the page
// with no network after one visit (Chromium and Firefox), and "A new version is ready" with Reload
// when a new version is deployed, never a swap on its own.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { SignalingProcess } from '@meshchat/testkit/signaling-process';
import { expect, test } from '../helpers/fixtures';
import { NO_FIREFOX, FirefoxUser } from '../helpers/firefox';
import { newPage } from '../helpers/pages';
import { fillJoin } from '@meshchat/testkit/user';

const DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));

/** Once the page's service worker is in charge of it (the first visit's worker takes over its pages). */
const controlled = (page: Page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null);

/** A page whose service worker runs (the suite's pages block it). */
const WITH_WORKER = { serviceWorkers: 'allow' } as const;

test('the first screen loads only itself: the room\'s code and the server connection come once someone starts on it', async ({ browser, server }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const scripts: string[] = [];
  const sockets: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.js')) scripts.push(new URL(request.url()).pathname);
  });
  page.on('websocket', (socket) => sockets.push(socket.url()));
  const roomCode = () => scripts.filter((script) => /\/assets\/session-[\w-]+\.js$/.test(script));
  await page.goto(`${server.url}/?room=light`);
  await expect(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(roomCode()).toEqual([]);
  expect(sockets).toEqual([]);
  // A first key in the form fetches it; Join waits for it if it has not come yet.
  await page.getByRole('textbox', { name: 'Nickname' }).pressSequentially('ann');
  await expect.poll(() => roomCode().length).toBe(1);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('log', { name: 'Messages' })).toBeVisible();
  expect(sockets).toHaveLength(1);
  await context.close();
});

test('the room\'s code out of reach (no network, and the app not kept yet): Join says so, and works once the server is back', async ({ browser, server }) => {
  const page = await newPage(browser, `${server.url}/?room=unreached`);
  await expect(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
  const port = server.port;
  await server.stop();
  await fillJoin(page, 'ann');
  await expect(page.getByRole('alert')).toHaveText(/Cannot reach the meshchat server/);
  await server.start(port);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('log', { name: 'Messages' })).toBeVisible();
});

test('installable: a manifest with icons, a favicon and robots.txt of its own, and nothing Chromium finds missing', async ({ browser, server }) => {
  const page = await newPage(browser, `${server.url}/`, undefined, WITH_WORKER);
  const manifestUrl = await page.locator('link[rel="manifest"]').getAttribute('href');
  const response = await page.request.get(`${server.url}${manifestUrl ?? ''}`);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = (await response.json()) as { name: string; short_name: string; display: string; icons: { src: string; sizes: string; purpose?: string }[] };
  expect(manifest).toMatchObject({ name: 'meshchat', short_name: 'meshchat', display: 'standalone' });
  expect(manifest.icons.map(({ sizes, purpose }) => `${sizes}${purpose ? ` ${purpose}` : ''}`)).toEqual(expect.arrayContaining(['192x192', '512x512', '512x512 maskable']));
  for (const { src } of manifest.icons) expect((await page.request.get(`${server.url}/${src}`)).status(), src).toBe(200);
  const favicon = await page.request.get(`${server.url}/favicon.ico`);
  expect(favicon.headers()['content-type']).toContain('image/');
  expect((await page.request.get(`${server.url}/robots.txt`)).headers()['content-type']).toContain('text/plain');
  expect((await page.request.get(`${server.url}/sw.js`)).headers()['cache-control']).toBe('no-cache');
  await controlled(page);
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
  expect(installabilityErrors).toEqual([]);
});

test('after one visit the page opens with no network, and joins once the server is back', async ({ browser, server }) => {
  const page = await newPage(browser, `${server.url}/?room=offline`, undefined, WITH_WORKER);
  await controlled(page);
  const port = server.port;
  await server.stop();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Nickname' })).toBeVisible();
  await server.start(port);
  await page.getByRole('textbox', { name: 'Nickname' }).fill('alice');
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('log', { name: 'Messages' })).toBeVisible();
});

test('a new version deployed: "A new version is ready", and Reload takes it up', async ({ browser }) => {
  const root = await mkdtemp(path.join(tmpdir(), 'meshchat-dist-'));
  try {
    await cp(DIST, root, { recursive: true });
    const server = new SignalingProcess(['--static', root]);
    await server.start();
    const page = await newPage(browser, `${server.url}/?room=versions`, undefined, WITH_WORKER);
    await controlled(page);
    await expect(page.getByRole('region', { name: 'A new version is ready' })).toHaveCount(0);

    const worker = path.join(root, 'sw.js');
    await writeFile(worker, `${await readFile(worker, 'utf8')}\n// the next version\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page.getByRole('region', { name: 'A new version is ready' });
    await expect(prompt).toBeVisible();
    // It waits for the person: the page is still the old version's until Reload.
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null)).toBe(true);
    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await page.waitForFunction(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return registration?.waiting === null && registration.active !== null && navigator.serviceWorker.controller !== null;
    });
    await expect(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
    await expect(page.getByRole('region', { name: 'A new version is ready' })).toHaveCount(0);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('Firefox: after one visit the page opens with no network', async ({ firefox, server }) => {
  test.skip(NO_FIREFOX !== '', NO_FIREFOX);
  const alice = await FirefoxUser.open(firefox, `${server.url}/?room=offline`, 'alice');
  await alice.until('the service worker is in charge of the page', () => navigator.serviceWorker.controller !== null);
  await server.stop();
  await alice.page.reload();
  await alice.find('button', 'Join');
});

test('Firefox: a new version deployed asks first ("A new version is ready"), and Reload takes it up', async ({ firefox }) => {
  test.skip(NO_FIREFOX !== '', NO_FIREFOX);
  const root = await mkdtemp(path.join(tmpdir(), 'meshchat-dist-'));
  try {
    await cp(DIST, root, { recursive: true });
    const server = new SignalingProcess(['--static', root]);
    await server.start();
    const alice = await FirefoxUser.open(firefox, `${server.url}/?room=versions`, 'alice');
    await alice.until('the service worker is in charge of the page', () => navigator.serviceWorker.controller !== null);
    const worker = path.join(root, 'sw.js');
    await writeFile(worker, `${await readFile(worker, 'utf8')}\n// the next version\n`);
    await alice.page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    await alice.find('section[aria-label="A new version is ready"]');
    // It waits for the person: the page is still the old version's until Reload.
    expect(await alice.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null)).toBe(true);
    await alice.click('section[aria-label="A new version is ready"] button', 'Reload');
    await alice.until('the new version in charge, nothing waiting', () => window.__mc.all('section[aria-label="A new version is ready"]').length === 0 && window.__mc.all('input[name=nick]').length > 0);
    expect(await alice.page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return registration?.waiting === null && registration.active !== null && navigator.serviceWorker.controller !== null;
    })).toBe(true);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

/** Every script of the page over 1 KB, and whether it came compressed (fewer bytes on the wire than it holds). */
const scriptsOnTheWire = () =>
  (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
    .filter((entry) => entry.name.endsWith('.js') && entry.decodedBodySize > 1024)
    .map((entry) => ({ name: entry.name.split('/').pop() ?? '', compressed: entry.encodedBodySize < entry.decodedBodySize }));

test('served well, Chromium and Firefox: the page\'s code arrives compressed, and a wrong address says "Not found" with a 404', async ({ join, joinFirefox, server }) => {
  test.skip(NO_FIREFOX !== '', NO_FIREFOX);
  const alice = await join('alice', 'served');
  const page = alice.page;
  const chromiumScripts = await page.evaluate(scriptsOnTheWire);
  expect(chromiumScripts.length).toBeGreaterThan(2);
  expect(chromiumScripts.filter((script) => !script.compressed)).toEqual([]);
  const bob = await joinFirefox('bob', 'served');
  await bob.connectedTo('alice');
  const firefoxScripts = await bob.page.evaluate(scriptsOnTheWire);
  expect(firefoxScripts.length).toBeGreaterThan(2);
  expect(firefoxScripts.filter((script) => !script.compressed)).toEqual([]);
  const missing = await page.goto(`${server.url}/rooms/served`);
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Open meshchat' }).click();
  await expect(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible();

  // A tab of its own: the room's tab asks before it leaves.
  const stray = await bob.page.browserContext().newPage();
  const fromFirefox = await stray.goto(`${server.url}/rooms/served`);
  expect(fromFirefox?.status()).toBe(404);
  expect(await stray.evaluate(() => document.querySelector('h1')?.textContent)).toBe('Not found');
  await stray.close();
});
