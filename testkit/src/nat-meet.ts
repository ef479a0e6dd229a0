// Meeting across the NAT lab: browsers for each host, two people (and maybe a third) joining a
// room from two sites, and the matrix of every pair of site kinds under each configuration. Used by
// tests/nat.spec.ts, which checks what each pair ends as, and by the bench, which times them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS } from './chromium-flags';
import { startCoturn } from './coturn';
import { expect } from '@playwright/test';
import { SignalingProcess } from './signaling-process';
import { User, fillJoin } from './user';
import { INTERNET_ADDRESS, type LabHost, type NatLab } from './nat-lab';

/** `relayed`: through TURN; `peer relay`: through a third person in the room. */
export type Outcome = 'direct' | 'relayed' | 'peer relay' | 'failed';
export type Config = 'stun' | 'turn' | 'third';
/** What a cell ended as: an outcome, or an error of the test's own (the page never showed the message). */
export type Ended = Outcome | 'error';

export interface Pair {
  name: string;
  a: string;
  b: string;
  /** What each configuration must give. */
  expected: Record<Config, Outcome | 'not run'>;
}

/** Pairs that link directly are not run again with a third person: it changes nothing for them. */
export const PAIRS: readonly Pair[] = [
  { name: 'cone ↔ cone', a: 'cone1', b: 'cone2', expected: { stun: 'direct', turn: 'direct', third: 'not run' } },
  { name: 'cone ↔ open', a: 'cone1', b: 'open', expected: { stun: 'direct', turn: 'direct', third: 'not run' } },
  { name: 'open ↔ symmetric', a: 'open', b: 'sym1', expected: { stun: 'direct', turn: 'direct', third: 'not run' } },
  { name: 'same LAN, one NAT', a: 'lan', b: 'lan#2', expected: { stun: 'direct', turn: 'direct', third: 'not run' } },
  // No direct path: through TURN when there is one, else through a third person in the room.
  { name: 'cone ↔ symmetric', a: 'cone1', b: 'sym1', expected: { stun: 'failed', turn: 'relayed', third: 'peer relay' } },
  { name: 'symmetric ↔ symmetric', a: 'sym1', b: 'sym2', expected: { stun: 'failed', turn: 'relayed', third: 'peer relay' } },
];

/** The third person of the `third` configuration, on a public address: every site reaches it. */
const THIRD = 'open';
export const CONFIGS = ['stun', 'turn', 'third'] as const satisfies readonly Config[];

/** What one pair showed: how the link ran (or why it failed), and how long from Join to the first message. */
export interface Cell {
  outcome: Ended;
  ms: number | undefined;
  reason: string;
}

/**
 * Where the person `nick` stands in a page: their link's state and route (or who carries it), and
 * the last notice about a lost link. With `settled`, only once it has settled (else `false`).
 */
function standingIn({ nick, settled }: { nick: string; settled: boolean }) {
  // No chat session until the room's code has loaded (Join asks for it).
  const chat = (document.querySelector('mc-chat-app') as unknown as { chat?: { people: Map<string, { state: string; route?: string; via?: string }>; lines: { kind: string; text: string }[] } }).chat;
  const view = chat?.people.get(nick);
  const lost = chat?.lines.findLast((line) => line.kind === 'notice' && line.text.startsWith(`Lost the direct link to ${nick}`));
  const seen = { state: view?.state, route: view?.route, via: view?.via, lost: lost?.text };
  const done = seen.lost !== undefined || (seen.state === 'connected' && (seen.route !== undefined || seen.via !== undefined));
  return !settled || done ? seen : false;
}

export async function standing(page: Page, nick: string) {
  const seen = await page.evaluate(standingIn, { nick, settled: false });
  if (seen === false) throw new Error('unreachable: not asked to wait');
  return seen;
}

/**
 * Connected with its route known, or failed with a reason: whichever comes first. Looked at in the
 * page every 10 ms, so the time measured is the link's, not the wait's.
 */
export async function settled(page: Page, nick: string, timeout: number): Promise<void> {
  await page.waitForFunction(standingIn, { nick, settled: true }, { timeout, polling: 10 });
}

/** Open the room in `context` and join it as `nick`. */
export async function enter(context: BrowserContext, url: string, room: string, nick: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/?room=${room}`);
  await fillJoin(page, nick);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  return page;
}

/**
 * Two people meet in a fresh room; `a` is in first, `b` joins (after `third`, in first of all, if
 * given); returns how their link ended up. `directPath`: the lab has a path between them that
 * needs no relay, so a link that began on a TURN relay (its checks came first, on a busy machine)
 * is given the pair's time to move to it, as ICE does once its checks succeed.
 */
export async function meet(url: string, room: string, a: BrowserContext, b: BrowserContext, third?: BrowserContext, directPath = false): Promise<Cell> {
  const pages: Page[] = [];
  try {
    if (third) pages.push(await enter(third, url, room, 'cy'));
    const pageA = await enter(a, url, room, 'ann');
    pages.push(pageA);
    const pageB = await b.newPage();
    pages.push(pageB);
    await pageB.goto(`${url}/?room=${room}`);
    await pageB.getByRole('textbox', { name: 'Nickname' }).fill('bea');
    const joined = Date.now();
    await pageB.getByRole('button', { name: 'Join', exact: true }).click();
    // Chromium gives up on ICE about 15 s after the answer; a pair must end one way or the other within 20 s.
    await settled(pageB, 'ann', 20_000);
    const seen = await standing(pageB, 'ann');
    if (seen.lost !== undefined && seen.state !== 'connected') return { outcome: 'failed', ms: undefined, reason: seen.lost };
    await new User(pageB, 'bea').say('first words');
    await expect(new User(pageA, 'ann').lines('public').filter({ hasText: 'first words' })).toBeVisible();
    const ms = Date.now() - joined;
    if (directPath && seen.route === 'relayed') {
      const left = Math.max(0, joined + 20_000 - Date.now());
      await expect.poll(async () => (await standing(pageB, 'ann')).route, { timeout: left, intervals: [100] }).not.toBe('relayed').catch(() => undefined);
      seen.route = (await standing(pageB, 'ann')).route;
    }
    const outcome = seen.via !== undefined ? 'peer relay' : seen.route === 'relayed' ? 'relayed' : 'direct';
    return { outcome, ms, reason: seen.via === undefined ? '' : `via ${seen.via}` };
  } finally {
    await Promise.all(pages.map((page) => page.close()));
  }
}

/** The lab's browsers, one per host (`site`, or `site#2` for a second host on a LAN), for pages from these servers. */
export async function labBrowsers(lab: NatLab, servers: readonly SignalingProcess[]): Promise<Map<string, BrowserContext>> {
  const hosts = new Map<string, LabHost>();
  for (const site of lab.sites) site.hosts.forEach((host, index) => hosts.set(index === 0 ? site.name : `${site.name}#${index + 1}`, host));
  // The lab's servers are plain http on a public address, which is no secure context (a real
  // deployment is https): the browsers treat just these origins as secure, which needs a profile
  // directory (a persistent context). Raw addresses instead of mDNS names: mDNS does not cross the
  // lab's routers, and the two on one LAN use host candidates.
  const args = [
    ...CHROMIUM_FLAGS,
    `--unsafely-treat-insecure-origin-as-secure=${servers.map(({ url }) => url).join(',')}`,
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ];
  const browsers = new Map<string, BrowserContext>();
  await Promise.all(
    [...hosts].map(async ([name, host]) => {
      const profile = mkdtempSync(path.join(tmpdir(), 'meshchat-lab-profile-'));
      browsers.set(name, await chromium.launchPersistentContext(profile, { executablePath: host.chromium, args }));
    }),
  );
  return browsers;
}


/** The lab's servers on its internet: one with the built-in STUN alone, one with coturn beside it. */
export interface LabServers {
  stun: SignalingProcess;
  turn: SignalingProcess;
  stop(): Promise<void>;
}

export async function startLabServers(lab: NatLab): Promise<LabServers> {
  const secret = 'lab-turn-secret';
  const turn = await startCoturn(secret, INTERNET_ADDRESS, lab.internet);
  const servers = {
    stun: new SignalingProcess(['--host', INTERNET_ADDRESS, '--stun-port', '3478'], { netns: lab.internet }),
    turn: new SignalingProcess(['--host', INTERNET_ADDRESS, '--stun-port', '3479', '--turn-url', turn.url, '--turn-secret', secret], { netns: lab.internet }),
  };
  await Promise.all([servers.stun.start(), servers.turn.start()]);
  return {
    ...servers,
    stop: async () => {
      await Promise.all([servers.stun.stop(), servers.turn.stop(), turn.stop()]);
    },
  };
}

export type Matrix = Record<string, Partial<Record<Config, Cell>>>;

export interface MatrixOptions {
  /** Names the rooms: a bench runs the matrix again in fresh rooms. */
  round?: number;
  /** Wraps each cell (a test step in the spec). */
  step?: (name: string, run: () => Promise<Cell>) => Promise<Cell>;
  /** Which cells to run (all by default). */
  pick?: (pair: Pair, config: Config) => boolean;
  /**
   * How many cells run at once (1 by default: a bench's timings are each cell alone). A pair that
   * cannot link spends about 15 s waiting for Chromium to give up on ICE, doing nothing: the test
   * runs those first, beside the others.
   */
  lanes?: number;
}

/** Pairs expected to wait longest first: the ones that fail, then those a third person carries. */
const WAITS: Record<Outcome | 'not run', number> = { failed: 0, 'peer relay': 1, relayed: 2, direct: 2, 'not run': 3 };

/**
 * Every pair under every configuration it is run in, in rooms named after the round. A cell that
 * breaks the caller's expectations is recorded as it ended, and the rest still run: the table
 * shows all of them.
 */
export async function runMatrix(
  servers: LabServers,
  browsers: ReadonlyMap<string, BrowserContext>,
  { round = 0, step = (_name, run) => run(), pick = () => true, lanes = 1 }: MatrixOptions = {},
): Promise<Matrix> {
  const matrix: Matrix = {};
  const cells = CONFIGS.flatMap((config) =>
    PAIRS.flatMap((pair, index) => (pair.expected[config] === 'not run' || !pick(pair, config) ? [] : [{ config, pair, index }])),
  ).sort((one, other) => WAITS[one.pair.expected[one.config]] - WAITS[other.pair.expected[other.config]]);
  const run = async ({ config, pair, index }: (typeof cells)[number]) => {
    const [a, b, third] = [browsers.get(pair.a), browsers.get(pair.b), config === 'third' ? browsers.get(THIRD) : undefined];
    if (!a || !b) throw new Error(`no browser for ${pair.name}`);
    const url = servers[config === 'turn' ? 'turn' : 'stun'].url;
    const cell = await step(`${config}: ${pair.name}`, () =>
      meet(url, `lab-${round}-${config}-${index}`, a, b, third, pair.expected[config] === 'direct').catch((error: unknown): Cell => ({
        outcome: 'error',
        ms: undefined,
        reason: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
      })),
    );
    (matrix[pair.name] ??= {})[config] = cell;
  };
  const lane = async () => {
    for (let next = cells.shift(); next; next = cells.shift()) await run(next);
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return matrix;
}

/** The matrix as a Markdown table; `show` puts one cell in words. */
export function matrixTable(show: (pair: Pair, config: Config) => string): string {
  return [
    '| pair | built-in STUN (default) | with TURN | default, a third person on an open host in the room |',
    '| --- | --- | --- | --- |',
    ...PAIRS.map((pair) => `| ${pair.name} | ${CONFIGS.map((config) => show(pair, config)).join(' | ')} |`),
  ].join('\n');
}

/** One cell in words: how it ended, through whom, and how long from Join to the first message. */
export function cellText(cell: Cell | undefined): string {
  if (cell === undefined) return 'not run';
  if (cell.ms === undefined) return `${cell.outcome}: ${cell.reason}`;
  return `${cell.outcome}${cell.reason ? ` ${cell.reason}` : ''}, ${cell.ms} ms`;
}
