import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from '@playwright/test';
import { SignalingProcess } from '@meshchat/testkit/signaling-process';
import { User, fillJoin } from '@meshchat/testkit/user';
import { WATCH_CSP, cspViolations } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';
import { freePort } from '@meshchat/testkit/redis-server';
import { joinAt, newPage } from '../helpers/pages';
import { startStaticHost } from '../helpers/static-host';

const CLIENT = fileURLToPath(new URL('../../client', import.meta.url));
const VITE = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

async function openWatched(browser: Browser, url: string): Promise<Page> {
  return newPage(browser, url, WATCH_CSP);
}

test('a static build on its own origin chats through the signaling server; other origins are refused', async ({ browser }, testInfo) => {
  const dist = testInfo.outputPath('dist');
  const site = await startStaticHost(dist);
  const stranger = await startStaticHost(dist);
  const server = new SignalingProcess(['--no-static', '--cors-origin', site.origin]);
  await server.start();
  // Vite's own entry, not npx: nothing between the test and the build that could reach for a network.
  await promisify(execFile)(process.execPath, [VITE, 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: CLIENT,
    env: { ...process.env, VITE_SIGNALING_URL: server.url },
    timeout: 60_000,
  });

  const alicePage = await openWatched(browser, `${site.origin}/?room=static`);
  const response = await alicePage.request.get(`${site.origin}/`);
  const csp = response.headers()['content-security-policy'] ?? '';
  expect(csp).toContain(`connect-src 'self' ${server.url} ${server.url.replace('http:', 'ws:')}`);
  expect(csp).toContain("script-src 'self'");
  expect(response.headers()['x-content-type-options']).toBe('nosniff');
  expect(response.headers()['referrer-policy']).toBe('no-referrer');
  expect(response.headers()['permissions-policy']).toContain('camera=(self), microphone=(self)');

  await fillJoin(alicePage, 'alice');
  // A path that is not the app is a real 404 on the static host too (its 404 page); the room's link is the app.
  const missing = await fetch(`${site.origin}/some/deep/link?room=static`);
  expect(missing.status).toBe(404);
  expect(await missing.text()).toContain('Not found');
  const bobPage = await openWatched(browser, `${site.origin}/?room=static`);
  await expect(bobPage.getByRole('heading', { name: 'Join static' })).toBeVisible();
  await fillJoin(bobPage, 'bob');
  const [alice, bob] = [new User(alicePage, 'alice'), new User(bobPage, 'bob')];
  await bob.connectedTo('alice');
  await bob.say('served from a static host');
  await expect(alice.lines('public')).toHaveText([/bob: served from a static host/]);
  await alice.say('and signaled across origins');
  await expect(bob.lines('public').filter({ hasText: 'signaled across origins' })).toHaveCount(1);
  expect(await cspViolations(alicePage)).toEqual([]);
  expect(await cspViolations(bobPage)).toEqual([]);

  // The same page from an origin the server does not allow gets nowhere.
  const outcomes: string[] = [];
  const context = await browser.newContext();
  const mallory = await context.newPage();
  mallory.on('response', (reply) => {
    if (reply.url().startsWith(server.url)) outcomes.push(`answered ${reply.status()}`);
  });
  mallory.on('requestfailed', (request) => {
    if (request.url().startsWith(server.url)) outcomes.push('failed');
  });
  // The client speaks WebSocket only: its attempts are upgrades, refused before any frame.
  mallory.on('websocket', (socket) => {
    if (!socket.url().startsWith(server.url.replace('http:', 'ws:'))) return;
    socket.on('framereceived', () => outcomes.push('answered over websocket'));
    socket.on('socketerror', () => outcomes.push('failed'));
  });
  await mallory.goto(`${stranger.origin}/?room=static`);
  await fillJoin(mallory, 'mallory');
  await expect(mallory.getByRole('status')).toHaveText(/^Offline/);
  await expect(mallory.getByRole('alert')).toHaveText(/Cannot reach the meshchat server/, { timeout: 20_000 });
  // Every attempt of that page failed; the server's answer to its origin, read directly, is 403.
  expect(outcomes.length).toBeGreaterThan(0);
  expect(new Set(outcomes)).toEqual(new Set(['failed']));
  for (const path of ['/socket.io/?EIO=4&transport=polling', '/ice']) {
    expect((await fetch(`${server.url}${path}`, { headers: { Origin: stranger.origin } })).status).toBe(403);
    expect((await fetch(`${server.url}${path}`, { headers: { Origin: site.origin } })).status).toBe(200);
  }
  await expect(alice.people.locator('li[data-nick="mallory"]')).toHaveCount(0);
});

test('?signal= points the page at another signaling server and says so', async ({ browser }) => {
  // The page's server must list the other one in its CSP, and the other must admit the page's origin.
  const homePort = await freePort();
  const other = new SignalingProcess(['--no-static', '--cors-origin', `http://127.0.0.1:${homePort}`]);
  await other.start();
  const home = new SignalingProcess(['--csp-connect', other.url]);
  await home.start(homePort);
  const url = `${home.url}/?room=elsewhere&signal=${encodeURIComponent(other.url)}`;
  const ann = await joinAt(browser, url, 'ann');
  const ben = await joinAt(browser, url, 'ben');
  await expect(ann.page.getByText(`Server: ${new URL(other.url).host}`)).toBeVisible();
  await ben.connectedTo('ann');
  await ben.say('via the other server');
  await expect(ann.lines('public')).toHaveText([/ben: via the other server/]);
  const rooms = async (server: SignalingProcess) => ((await (await fetch(`${server.url}/healthz`)).json()) as { rooms: number }).rooms;
  expect(await rooms(other)).toBe(1);
  expect(await rooms(home)).toBe(0);
});
