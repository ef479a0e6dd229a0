import type { Browser, BrowserContextOptions, Dialog, Page } from '@playwright/test';
import { User, fillJoin } from '@meshchat/testkit/user';

/**
 * Reload `page`, answering "Leave" to the question a room with others in it asks first (the
 * browser's beforeunload prompt); other dialogs are dismissed meanwhile. Resolves with whether
 * the question was asked.
 */
export async function reloadPastQuestion(page: Page): Promise<boolean> {
  let asked = false;
  const answer = (dialog: Dialog) => {
    asked ||= dialog.type() === 'beforeunload';
    void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss());
  };
  page.on('dialog', answer);
  try {
    await page.reload();
  } finally {
    page.off('dialog', answer);
  }
  return asked;
}

/** Scripts that run in a page before the app does; each is sent as source, so it must not use names from outside. */
export type InitScripts = (() => void) | readonly (() => void)[];

/**
 * A page of its own (a new browser context) at `url`. The app's service worker is blocked unless
 * `options` allow it: each new context would install it afresh, fetching the whole app shell
 * beside the test (about 15 % of a chat test's time on this machine); `app-shell.spec.ts` and the
 * Firefox pages run with it.
 */
export async function newPage(browser: Browser, url: string, init?: InitScripts, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ serviceWorkers: 'block', ...options });
  for (const script of typeof init === 'function' ? [init] : (init ?? [])) await context.addInitScript(script);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(url);
  return page;
}

/**
 * Everything a page exchanges with servers, as text: websocket frames both ways, every request's
 * URL and body, and the bodies of socket.io polling responses. Attach before the page loads.
 */
export function recordSignalingTraffic(page: Page): string[] {
  const seen: string[] = [];
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => seen.push(payload.toString()));
    socket.on('framereceived', ({ payload }) => seen.push(payload.toString()));
  });
  page.on('request', (request) => seen.push(`${request.url()} ${request.postData() ?? ''}`));
  page.on('response', (response) => {
    if (response.url().includes('/socket.io/')) {
      response.text().then(
        (body) => seen.push(body),
        () => undefined,
      );
    }
  });
  return seen;
}

/** A page whose signaling traffic is recorded from before it loads. */
export async function recordedPage(browser: Browser, url: string): Promise<{ page: Page; traffic: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const traffic = recordSignalingTraffic(page);
  await page.goto(url);
  return { page, traffic };
}

/** A person who opens `url` in a browser context of their own and joins as `nick`. */
export async function joinAt(browser: Browser, url: string, nick: string): Promise<User> {
  const page = await newPage(browser, url);
  await fillJoin(page, nick);
  return new User(page, nick);
}
