import type { Browser as FirefoxBrowser } from 'puppeteer-core';
import { test as base, expect, type Page } from '@playwright/test';
import { stopAll } from '@meshchat/testkit/processes';
import { SignalingProcess } from '@meshchat/testkit/signaling-process';
import { User, fillJoin } from '@meshchat/testkit/user';
import { FirefoxUser, launchFirefox } from './firefox';
import { newPage, type InitScripts } from './pages';

interface Fixtures {
  /**
   * Closes every browser context a test opened, so pages of earlier tests do not go on using the
   * CPU, and stops every signaling process and helper it started, on every path (the servers' logs
   * are attached if the test failed).
   */
  cleanUp: undefined;
  /** A signaling server started for this test. */
  server: SignalingProcess;
  /**
   * Opens the page for a new person (own browser context); `join` joins a room with a nickname.
   * `init` runs in the page before the app does, e.g. to reach its data channels.
   */
  openPage: (query?: string, init?: InitScripts) => Promise<Page>;
  join: (nick: string, room?: string, init?: InitScripts) => Promise<User>;
  /** Like `join`, for a person using Firefox (in the worker's one Firefox, a window and context of their own). */
  joinFirefox: (nick: string, room?: string) => Promise<FirefoxUser>;
}

interface WorkerFixtures {
  /** One Firefox per worker, launched when a test first asks for it (it takes 5–15 s). */
  firefox: FirefoxBrowser;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  cleanUp: [
    async ({ browser }, use, testInfo) => {
      await use(undefined);
      await Promise.all(browser.contexts().map((context) => context.close()));
      const failed = testInfo.status !== testInfo.expectedStatus;
      const stopped = await stopAll();
      if (failed) {
        for (const [i, helper] of stopped.entries()) {
          const log = helper.log?.();
          if (log !== undefined) await testInfo.attach(`process-${i}.log`, { body: log, contentType: 'text/plain' });
        }
      }
    },
    { auto: true },
  ],
  // Playwright reads a fixture's dependencies from this destructuring; this one has none.
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    // Stopped by cleanUp, with every other process the test started.
    const server = new SignalingProcess();
    await server.start();
    await use(server);
  },
  openPage: async ({ browser, server }, use) => {
    await use((query = '', init) => newPage(browser, `${server.url}/${query}`, init));
  },
  join: async ({ openPage }, use) => {
    await use(async (nick, room = 'e2e', init) => {
      const page = await openPage(`?room=${room}`, init);
      await fillJoin(page, nick);
      await expect(page.getByRole('log', { name: 'Messages' })).toBeVisible();
      return new User(page, nick);
    });
  },
  firefox: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const firefox = await launchFirefox();
      await use(firefox);
      await firefox.close();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  joinFirefox: async ({ firefox, server }, use) => {
    await use((nick, room = 'e2e') => FirefoxUser.joinAt(firefox, `${server.url}/?room=${room}`, nick));
  },
});

export { expect };
