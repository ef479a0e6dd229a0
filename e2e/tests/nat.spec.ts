// Links across NATs: browsers in the NAT lab's sites (open, cone, symmetric, two on one LAN) meet
// through a signaling server on the lab's internet, with its built-in STUN and, in the second
// configuration, a coturn beside it. Every pair must end connected, as expected, or failed with a
// reason within 20 s; the matrix is printed with the time from Join to the first message.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS } from '../chromium-flags';
import { startCoturn } from '../coturn';
import { SignalingProcess, User, expect, fillJoin, test } from '../fixtures';
import { INTERNET_ADDRESS, NatLab, SITES, whyNoLab, type LabHost } from '../nat-lab';

type Outcome = 'direct' | 'relayed' | 'failed';
/** What a cell ended as: an outcome, or an error of the test's own (the page never showed the message). */
type Ended = Outcome | 'error';

interface Pair {
  name: string;
  a: string;
  b: string;
  /** What each configuration must give. */
  expected: { stun: Outcome; turn: Outcome | 'not run' };
}

const PAIRS: readonly Pair[] = [
  { name: 'cone ↔ cone', a: 'cone1', b: 'cone2', expected: { stun: 'direct', turn: 'direct' } },
  { name: 'cone ↔ open', a: 'cone1', b: 'open', expected: { stun: 'direct', turn: 'direct' } },
  { name: 'open ↔ symmetric', a: 'open', b: 'sym1', expected: { stun: 'direct', turn: 'direct' } },
  { name: 'same LAN, one NAT', a: 'lan', b: 'lan#2', expected: { stun: 'direct', turn: 'direct' } },
  // With TURN these should link through the relay; they do not yet (see the fixme below), so the
  // TURN column leaves them out rather than assert what is wrong.
  { name: 'cone ↔ symmetric', a: 'cone1', b: 'sym1', expected: { stun: 'failed', turn: 'not run' } },
  { name: 'symmetric ↔ symmetric', a: 'sym1', b: 'sym2', expected: { stun: 'failed', turn: 'not run' } },
];

/** What one pair showed: how the link ran (or why it failed), and how long from Join to the first message. */
interface Cell {
  outcome: Ended;
  ms: number | undefined;
  reason: string;
}

/** Where the person `nick` stands in this page: their link's state and route, and the last notice about a lost link. */
function standing(page: Page, nick: string) {
  return page.evaluate((nick) => {
    const chat = (document.querySelector('mc-chat-app') as unknown as { chat: { people: Map<string, { state: string; route?: string }>; lines: { kind: string; text: string }[] } }).chat;
    const view = chat.people.get(nick);
    const lost = chat.lines.findLast((line) => line.kind === 'notice' && line.text.startsWith(`Lost the direct link to ${nick}`));
    return { state: view?.state, route: view?.route, lost: lost?.text };
  }, nick);
}

/** Two people meet in a fresh room; `a` is in first, `b` joins; returns how their link ended up. */
async function meet(url: string, room: string, a: BrowserContext, b: BrowserContext): Promise<Cell> {
  const [pageA, pageB] = await Promise.all([a.newPage(), b.newPage()]);
  try {
    await Promise.all([pageA.goto(`${url}/?room=${room}`), pageB.goto(`${url}/?room=${room}`)]);
    await fillJoin(pageA, 'ann');
    await expect(pageA.getByRole('textbox', { name: 'Message' })).toBeVisible();
    const joined = Date.now();
    await fillJoin(pageB, 'bea');
    // Connected with its route known, or failed with a reason: whichever comes first.
    const settled = async () => {
      const seen = await standing(pageB, 'ann');
      return seen.lost !== undefined || (seen.state === 'connected' && seen.route !== undefined);
    };
    // Chromium gives up on ICE about 15 s after the answer; a pair must end one way or the other within 20 s.
    await expect.poll(settled, { timeout: 20_000, intervals: [100] }).toBe(true);
    const seen = await standing(pageB, 'ann');
    if (seen.lost !== undefined) return { outcome: 'failed', ms: undefined, reason: seen.lost };
    await new User(pageB, 'bea').say('first words');
    await expect(new User(pageA, 'ann').lines('public').filter({ hasText: 'first words' })).toBeVisible();
    return { outcome: seen.route === 'relayed' ? 'relayed' : 'direct', ms: Date.now() - joined, reason: '' };
  } finally {
    await Promise.all([pageA.close(), pageB.close()]);
  }
}

test.describe('links across NATs', () => {
  test.skip(whyNoLab() !== '', whyNoLab());

  test('every pair of sites ends connected as expected, or failed with a reason, within 20 s', async () => {
    test.setTimeout(300_000);
    const lab = NatLab.create(SITES);
    const browsers = new Map<string, BrowserContext>();
    try {
      const secret = 'lab-turn-secret';
      const turn = await startCoturn(secret, INTERNET_ADDRESS, lab.internet);
      const servers = {
        stun: new SignalingProcess(['--host', INTERNET_ADDRESS, '--stun-port', '3478'], { netns: lab.internet }),
        turn: new SignalingProcess(['--host', INTERNET_ADDRESS, '--stun-port', '3479', '--turn-url', turn.url, '--turn-secret', secret], { netns: lab.internet }),
      };
      const hosts = new Map<string, LabHost>();
      for (const site of lab.sites) site.hosts.forEach((host, index) => hosts.set(index === 0 ? site.name : `${site.name}#${index + 1}`, host));
      await Promise.all([servers.stun.start(), servers.turn.start()]);
      // The lab's servers are plain http on a public address, which is no secure context (a real
      // deployment is https): the browsers treat just these origins as secure, which needs a
      // profile directory (a persistent context). Raw addresses instead of mDNS names: mDNS does
      // not cross the lab's routers, and the two on one LAN use host candidates.
      const args = [
        ...CHROMIUM_FLAGS,
        `--unsafely-treat-insecure-origin-as-secure=${servers.stun.url},${servers.turn.url}`,
        '--disable-features=WebRtcHideLocalIpsWithMdns',
      ];
      await Promise.all(
        [...hosts].map(async ([name, host]) => {
          const profile = mkdtempSync(path.join(tmpdir(), 'meshchat-lab-profile-'));
          browsers.set(name, await chromium.launchPersistentContext(profile, { executablePath: host.chromium, args }));
        }),
      );

      const matrix: Record<string, Partial<Record<'stun' | 'turn', Cell>>> = {};
      for (const config of ['stun', 'turn'] as const) {
        for (const [index, pair] of PAIRS.entries()) {
          if (pair.expected[config] === 'not run') continue;
          const [a, b] = [browsers.get(pair.a), browsers.get(pair.b)];
          if (!a || !b) throw new Error(`no browser for ${pair.name}`);
          // A pair that breaks the test's own expectations is recorded, and the rest still run: the table shows all of them.
          const cell = await test.step(`${config}: ${pair.name}`, () =>
            meet(servers[config].url, `lab-${config}-${index}`, a, b).catch((error: unknown): Cell => ({
              outcome: 'error',
              ms: undefined,
              reason: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error),
            })),
          );
          (matrix[pair.name] ??= {})[config] = cell;
        }
      }

      const show = (cell: Cell | undefined) =>
        cell === undefined ? 'not run' : cell.ms === undefined ? `${cell.outcome}: ${cell.reason}` : `${cell.outcome}, ${cell.ms} ms`;
      const table = [
        '| pair | built-in STUN (default) | with TURN |',
        '| --- | --- | --- |',
        ...PAIRS.map((pair) => `| ${pair.name} | ${show(matrix[pair.name]?.stun)} | ${show(matrix[pair.name]?.turn)} |`),
      ].join('\n');
      console.log(`NAT matrix (time from Join to the first message):\n${table}`);
      await test.info().attach('nat-matrix.md', { body: table, contentType: 'text/markdown' });

      for (const pair of PAIRS) {
        for (const config of ['stun', 'turn'] as const) {
          const cell = matrix[pair.name]?.[config];
          if (pair.expected[config] === 'not run') continue;
          expect(cell?.outcome, `${pair.name}, ${config}`).toBe(pair.expected[config]);
          // A pair that cannot link says why, in words.
          if (cell?.outcome === 'failed') expect(cell.reason).toMatch(/^Lost the direct link to ann \(.+\)/);
        }
      }
    } finally {
      await Promise.all([...browsers.values()].map((browser) => browser.close()));
      lab.close();
    }
  });

  // Found by this lab, not fixed yet: with TURN configured, a pair behind a symmetric NAT (with a
  // cone or another symmetric NAT) reports connected, "relayed", but carries nothing. Chromium
  // selects a pair from one side's peer-reflexive address straight to the other side's TURN relay
  // port; the DTLS handshake crosses it (about 2.4 KB each way), then the direction into the relay
  // goes silent, ICE turns disconnected and fails after about 20 s, and the re-made link works.
  // Seen 6 times in 6 (cone ↔ symmetric and symmetric ↔ symmetric, three rounds each).
  test.fixme('a pair behind symmetric NATs links through TURN within 20 s', () => undefined);
});
