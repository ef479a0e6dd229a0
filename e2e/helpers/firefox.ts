import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type ElementHandle, type Page } from 'puppeteer-core';
import { untilTestEnds } from '@meshchat/testkit/processes';
import { EXPECT_TIMEOUT_MS } from './limits';

/**
 * Firefox, driven over WebDriver BiDi by puppeteer-core. Playwright's own Firefox is a patched
 * build that does not install here, and its BiDi mode needs commands (network.addDataCollector)
 * that Debian's Firefox ESR 140 lacks; puppeteer-core is pinned to the release made for Firefox 140.
 */
export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

/** Why the Firefox specs cannot run here, or '' when they can. */
export const NO_FIREFOX = existsSync(FIREFOX_PATH)
  ? ''
  : `Firefox is not installed at ${FIREFOX_PATH} (Debian: apt-get install firefox-esr; elsewhere set FIREFOX_PATH)`;

/** Where this worker's Firefox saves downloads (a Save link clicked saves there, with no dialog). */
export const FIREFOX_DOWNLOADS = mkdtempSync(path.join(tmpdir(), 'meshchat-firefox-downloads-'));
process.once('exit', () => rmSync(FIREFOX_DOWNLOADS, { recursive: true, force: true }));

/** A headless Firefox; with `userDataDir`, its profile is kept there, for a browser closed and opened again. */
export function launchFirefox(userDataDir?: string): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    ...(userDataDir === undefined ? {} : { userDataDir }),
    extraPrefsFirefox: {
      // The test run's own processes: no update checks or telemetry reaching for the network.
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      // Calls: a fake microphone (a tone) and camera, and no permission prompt for them.
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'browser.download.dir': FIREFOX_DOWNLOADS,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.start_downloads_in_tmp_dir': false,
    },
  });
}

/**
 * Functions the page gets before the app runs: queries that reach into every shadow root, since
 * the app is made of web components. The tests call them by name inside `waitForFunction`.
 */
const PAGE_HELPERS = () => {
  const all = (selector: string): Element[] => {
    const found: Element[] = [];
    const roots: (Document | ShadowRoot)[] = [document];
    for (let i = 0; i < roots.length; i++) {
      const root = roots[i];
      if (!root) continue;
      found.push(...root.querySelectorAll(selector));
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
    }
    return found;
  };
  /** The element that has focus, through shadow roots. */
  const focused = (): Element | null => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return element;
  };
  /** An element's text, with what its components show in their shadow roots. */
  const text = (node: Node): string => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
    const shadow = node instanceof Element ? node.shadowRoot : null;
    return [...(shadow ?? node).childNodes].map(text).join('');
  };
  Object.assign(window, { __mc: { all, focused, text } });
};

declare global {
  interface Window {
    /** PAGE_HELPERS, in a Firefox test page: `all` matches a selector inside each shadow root (not across them). */
    __mc: { all(selector: string): Element[]; focused(): Element | null; text(node: Node): string };
  }
}

/**
 * A person using Firefox: a browser context of their own, its page in a window of its own (a tab
 * behind another would be hidden and have its timers slowed to once a second, as in a real browser).
 */
export class FirefoxUser {
  private constructor(
    readonly page: Page,
    readonly nick: string,
  ) {}

  /** `init` runs in the page before the app does, as with Chromium pages. */
  static async open(browser: Browser, url: string, nick: string, init: readonly (() => void)[] = []): Promise<FirefoxUser> {
    const context = await browser.createBrowserContext();
    const page = await windowIn(context);
    for (const script of [PAGE_HELPERS, ...init]) await page.evaluateOnNewDocument(script);
    const report = (error: unknown) => console.error(`[firefox page error] ${String(error)}`);
    page.on('pageerror', report);
    untilTestEnds({
      stop: () => {
        // Firefox pages now and then report 'Permission denied to access property "length"' with no
        // stack (around link setup, and as a window closes); what a closing window says is not news.
        page.off('pageerror', report);
        return context.close();
      },
    });
    await page.goto(url);
    return new FirefoxUser(page, nick);
  }

  /** A person with a Firefox of their own (its profile kept on disk), in its first window: what the profile keeps is theirs. */
  static async alone(browser: Browser, url: string, nick: string): Promise<FirefoxUser> {
    const page = (await browser.pages())[0] ?? (await browser.newPage());
    await page.evaluateOnNewDocument(PAGE_HELPERS);
    await page.goto(url);
    return new FirefoxUser(page, nick);
  }

  /** A person who opens `url` and joins as `nick` (in the room the link names, or the default one). */
  static async joinAt(browser: Browser, url: string, nick: string): Promise<FirefoxUser> {
    const user = await FirefoxUser.open(browser, url, nick);
    await user.join();
    await user.until('the room is shown', () => window.__mc.all('[role=log]').length > 0);
    return user;
  }

  /** Fill in the join screen as a person would (typing, not setting values), then press Join. */
  async join(room?: string, button = 'Join'): Promise<void> {
    await (await this.find('input[name=nick]')).type(this.nick);
    if (room !== undefined) {
      const box = await this.find('input[name=room]');
      await box.click({ count: 3 });
      await box.type(room);
    }
    await this.click('button', button);
  }

  /** The first `selector` on the page (inside any shadow root), whose text is `text` if given, once there is one. */
  async find(selector: string, text?: string): Promise<ElementHandle<Element>> {
    const deadline = Date.now() + EXPECT_TIMEOUT_MS;
    for (;;) {
      const handle = await this.page.evaluateHandle(
        (selector, text) => window.__mc.all(selector).find((element) => text === '' || window.__mc.text(element).trim() === text),
        selector,
        text ?? '',
      );
      const element = handle.asElement() as ElementHandle<Element> | null;
      if (element) return element;
      await handle.dispose();
      if (Date.now() > deadline) throw new Error(`${this.nick} (Firefox): no ${selector}${text ? ` "${text}"` : ''} within ${EXPECT_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async click(selector: string, text?: string): Promise<void> {
    await (await this.find(selector, text)).click();
  }

  /** Type into the Message box and press Enter. */
  async say(text: string): Promise<void> {
    await (await this.find('textarea')).type(text);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Wait until `check`, run in the page with `args`, returns true; fails saying `what` after
   * EXPECT_TIMEOUT_MS. (puppeteer's waitForFunction builds its poller with `new Function`, which
   * the app's Content-Security-Policy rightly refuses; each `evaluate` here is a BiDi call, which it does not.)
   */
  async until<A extends (string | number | string[])[]>(what: string, check: (...args: A) => boolean, ...args: A): Promise<void> {
    const deadline = Date.now() + EXPECT_TIMEOUT_MS;
    while (!(await this.page.evaluate(check as (...args: unknown[]) => boolean, ...args))) {
      if (Date.now() > deadline) throw new Error(`${this.nick} (Firefox): ${what}, not within ${EXPECT_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Wait until this user's direct links to `nicks` are open. */
  async connectedTo(...nicks: string[]): Promise<void> {
    await this.until(
      `links open to ${nicks.join(', ')}`,
      (nicks) => nicks.every((nick) => window.__mc.all(`li[data-nick="${nick}"]`).some((li) => li.getAttribute('data-state') === 'connected')),
      nicks,
    );
  }

  /** Wait until the log shows exactly `count` lines of `kind` containing `text` (from `from`, if given). */
  async shows(kind: string, text: string, from?: string, count = 1): Promise<void> {
    const wanted = this.until(
      `${count} ${kind} line(s) "${text}"${from ? ` from ${from}` : ''}`,
      (kind, text, from, count) =>
        window.__mc
          .all(`.line[data-kind="${kind}"]`)
          .filter((line) => window.__mc.text(line).includes(text) && (from === '' || line.getAttribute('data-from') === from)).length === count,
      kind,
      text,
      from ?? '',
      count,
    );
    // On failure, say what it showed instead.
    await wanted.catch(async (error: unknown) => {
      throw new Error(`${String(error)}; its ${kind} lines: ${JSON.stringify(await this.lines(kind))}`, { cause: error });
    });
  }

  /** The texts of the log's lines of `kind`, now. */
  lines(kind: string): Promise<string[]> {
    return this.page.evaluate(
      (kind) =>
        window.__mc
          .all(`.line[data-kind="${kind}"]`)
          .map((line) => window.__mc.text(line).replace(/\s+/g, ' ').trim()),
      kind,
    );
  }

  /** An attribute of this user's entry for `nick` in People. */
  person(nick: string, attribute: string): Promise<string | null> {
    return this.page.evaluate((nick, attribute) => window.__mc.all(`li[data-nick="${nick}"]`)[0]?.getAttribute(attribute) ?? null, nick, attribute);
  }
}

/** A page of `context` in a window of its own. */
async function windowIn(context: BrowserContext): Promise<Page> {
  // puppeteer-core 24.12 only opens tabs; its BiDi layer can open a window (pinned version, checked here).
  const userContext = (context as unknown as { userContext?: { createBrowsingContext(type: 'window'): Promise<unknown> } }).userContext;
  if (!userContext) throw new Error('puppeteer-core no longer exposes userContext: open a window another way');
  await userContext.createBrowsingContext('window');
  const [page] = await context.pages();
  if (!page) throw new Error('the new Firefox window has no page');
  return page;
}

export { AXE_SOURCE } from './axe';
