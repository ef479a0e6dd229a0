import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { FirefoxUser, launchFirefox } from './firefox';
import { stopAll, untilTestEnds, whenReady, type Helper } from './processes';
import type { Browser as FirefoxBrowser } from 'puppeteer-core';
import { test as base, expect, type Browser, type BrowserContextOptions, type Dialog, type Locator, type Page } from '@playwright/test';

const CLI = fileURLToPath(new URL('../signaling/src/cli.ts', import.meta.url));
const DIST = fileURLToPath(new URL('../client/dist', import.meta.url));

export { freePort } from '@meshchat/signaling/test/redis-server';
export { untilTestEnds, whenReady, type Helper } from './processes';

/** The CLI forces its own exit 4.5 s after a SIGTERM; this leaves room for a busy machine. */
const STOP_DEADLINE_MS = 8_000;

/** The real signaling CLI in its own process, serving the built client. */
export class SignalingProcess {
  url = '';
  #child: ChildProcess | undefined;
  /** All it has written, across restarts, and where the current run's part begins. */
  #log = '';
  #runStart = 0;

  /** `netns`: run inside that network namespace (the NAT lab's internet), not the test's own. */
  constructor(
    readonly extraArgs: string[] = [],
    readonly options: { netns?: string } = {},
  ) {}

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Start on `port` (0 picks one; a restart passes the old one), resolve once it listens. */
  async start(port = 0): Promise<void> {
    // A restart's output (what `output` shows) begins here, after the previous process's.
    this.#runStart = this.#log.length;
    // No built-in STUN unless a test asks (--stun-port): the port is shared by every server on the machine.
    const stun = this.extraArgs.includes('--stun-port') ? [] : ['--no-stun'];
    const command = [process.execPath, '--import', 'tsx', CLI, '--port', String(port), '--static', DIST, '--reconnect-grace', '5000', ...stun, ...this.extraArgs];
    const [program = '', ...args] = this.options.netns ? ['ip', 'netns', 'exec', this.options.netns, ...command] : command;
    const child = spawn(program, args, { env: { ...process.env, LOG_LEVEL: process.env.E2E_SERVER_LOG_LEVEL ?? 'info' }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    untilTestEnds(this.#asHelper);
    child.stdout?.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    const [, url = ''] = await whenReady(child, /running at (http:\/\/\S+)/, 'the signaling server');
    this.url = url;
  }

  /** How the test's clean-up sees it: stopped with SIGKILL (a test that wants SIGTERM says so), every run's log. */
  readonly #asHelper: Helper = {
    stop: () => this.stop('SIGKILL'),
    kill: () => this.kill(),
    log: () => this.log,
  };

  /** What the process has written since it last started (its log, at `E2E_SERVER_LOG_LEVEL`, default info). */
  get output(): string {
    return this.#log.slice(this.#runStart);
  }

  /** Everything every run of it has written. */
  get log(): string {
    return this.#log;
  }

  /** SIGKILL, now, without waiting (for a worker on its way out). */
  kill(): void {
    this.#child?.kill('SIGKILL');
  }

  /** Type a line on the operator console. */
  type(line: string): void {
    this.#child?.stdin?.write(`${line}\n`);
  }

  /**
   * Stop it; SIGKILL stands for a crash. Resolves with the exit code. A server that has not gone
   * STOP_DEADLINE_MS after SIGTERM or SIGINT is killed, and the test fails saying so.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = once(child, 'exit');
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_DEADLINE_MS)));
    const outcome = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`the signaling server was still running ${STOP_DEADLINE_MS} ms after ${signal}:\n${this.output}`);
    }
    return outcome[0] as number | null;
  }

  /** Resolves with the exit code once the process ends by itself. */
  async exited(): Promise<number | null> {
    const child = this.#child;
    if (!child) return null;
    if (child.exitCode !== null) return child.exitCode;
    const [code] = await once(child, 'exit');
    return code as number | null;
  }
}

/** One person: a browser context of their own with the chat page open. */
export class User {
  constructor(
    readonly page: Page,
    readonly nick: string,
  ) {}

  // Found by role and component, not by their English names, so they work in every language.
  get log(): Locator {
    return this.page.locator('mc-message-log').getByRole('log');
  }

  get people(): Locator {
    return this.page.locator('mc-people-list').getByRole('list');
  }

  lines(kind: 'public' | 'private' | 'notice'): Locator {
    return this.log.locator(`[data-kind="${kind}"]`);
  }

  /** The ✓ / ✓✓ mark of our own line that contains `text`. */
  receipt(text: string): Locator {
    return this.log.locator('.line').filter({ hasText: text }).locator('.receipt');
  }

  /** "bob is typing…", under the conversation. */
  get typing(): Locator {
    return this.page.locator('mc-chat-app .typing');
  }

  /** A conversation's tab, "Everyone" or "Private: bob" (not the button that closes a private one). */
  conversation(name: string | RegExp): Locator {
    return this.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name }).and(this.page.locator('[data-view]'));
  }

  /** Type into the Message box and press Enter. */
  async say(text: string): Promise<void> {
    const box = this.page.locator('mc-message-composer').getByRole('textbox');
    await box.fill(text);
    await box.press('Enter');
  }

  /** Wait until this user's direct links to `nicks` are open. */
  async connectedTo(...nicks: string[]): Promise<void> {
    for (const nick of nicks) {
      await expect(this.people.locator(`li[data-nick="${nick}"]`)).toHaveAttribute('data-state', 'connected');
    }
  }
}

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

export async function fillJoin(page: Page, nick: string, room?: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Nickname' }).fill(nick);
  if (room !== undefined) await page.getByRole('textbox', { name: 'Room' }).fill(room);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
}

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

export async function newPage(browser: Browser, url: string, init?: InitScripts, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
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

export interface Captured {
  __channels: RTCDataChannel[];
  __connections: RTCPeerConnection[];
  /** When each of `__connections` was made (performance.now()). */
  __madeAt: number[];
}

/** Keeps every peer connection and data channel a page makes, so a test can act on them directly. */
export const CAPTURE_CHANNELS = () => {
  const Native = window.RTCPeerConnection;
  const captured = window as unknown as Captured;
  const channels: RTCDataChannel[] = (captured.__channels = []);
  const connections: RTCPeerConnection[] = (captured.__connections = []);
  const madeAt: number[] = (captured.__madeAt = []);
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      connections.push(this);
      madeAt.push(performance.now());
      this.addEventListener('datachannel', (event) => channels.push(event.channel));
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit) {
      const channel = super.createDataChannel(label, init);
      channels.push(channel);
      return channel;
    }
  };
};

/** An init script that collects the Content-Security-Policy violations a page reports. */
export const WATCH_CSP = () => {
  const seen: string[] = [];
  (window as unknown as { __csp: string[] }).__csp = seen;
  document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
};

/** What WATCH_CSP collected so far. */
export const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

/** A person who opens `url` in a browser context of their own and joins as `nick`. */
export async function joinAt(browser: Browser, url: string, nick: string): Promise<User> {
  const page = await newPage(browser, url);
  await fillJoin(page, nick);
  return new User(page, nick);
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
