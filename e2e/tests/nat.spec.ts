// Links across NATs: browsers in the NAT lab's sites (open, cone, symmetric, two on one LAN) meet
// through a signaling server on the lab's internet, with its built-in STUN and, in the second
// configuration, a coturn beside it; in the third, a third person on an open host is in the room
// too, who can carry what a pair says when its own link does not form. Every pair must end
// connected, as expected, or failed with a reason within 20 s; the matrix is printed with the time
// from Join to the first message. Then a pair behind two symmetric NATs talks through a third
// person, who records every frame it carries and never sees their words, and a third person who
// tampers with what it carries is caught.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS } from '../chromium-flags';
import { startCoturn } from '../coturn';
import { SignalingProcess, User, expect, fillJoin, test } from '../fixtures';
import { INTERNET_ADDRESS, NatLab, SITES, whyNoLab, type LabHost } from '../nat-lab';

/** `relayed`: through TURN; `peer relay`: through a third person in the room. */
type Outcome = 'direct' | 'relayed' | 'peer relay' | 'failed';
type Config = 'stun' | 'turn' | 'third';
/** What a cell ended as: an outcome, or an error of the test's own (the page never showed the message). */
type Ended = Outcome | 'error';

interface Pair {
  name: string;
  a: string;
  b: string;
  /** What each configuration must give. */
  expected: Record<Config, Outcome | 'not run'>;
}

/** Pairs that link directly are not run again with a third person: it changes nothing for them. */
const PAIRS: readonly Pair[] = [
  { name: 'cone ↔ cone', a: 'cone1', b: 'cone2', expected: { stun: 'direct', turn: 'direct', third: 'not run' } },
  { name: 'cone ↔ open', a: 'cone1', b: 'open', expected: { stun: 'direct', turn: 'direct', third: 'not run' } },
  { name: 'open ↔ symmetric', a: 'open', b: 'sym1', expected: { stun: 'direct', turn: 'direct', third: 'not run' } },
  { name: 'same LAN, one NAT', a: 'lan', b: 'lan#2', expected: { stun: 'direct', turn: 'direct', third: 'not run' } },
  // With TURN these should link through the relay; they do not yet (see the fixme below), so the
  // TURN column leaves them out rather than assert what is wrong.
  { name: 'cone ↔ symmetric', a: 'cone1', b: 'sym1', expected: { stun: 'failed', turn: 'not run', third: 'peer relay' } },
  { name: 'symmetric ↔ symmetric', a: 'sym1', b: 'sym2', expected: { stun: 'failed', turn: 'not run', third: 'peer relay' } },
];

/** The third person of the `third` configuration, on a public address: every site reaches it. */
const THIRD = 'open';
const CONFIGS = ['stun', 'turn', 'third'] as const satisfies readonly Config[];

/** What one pair showed: how the link ran (or why it failed), and how long from Join to the first message. */
interface Cell {
  outcome: Ended;
  ms: number | undefined;
  reason: string;
}

/**
 * Where the person `nick` stands in this page: their link's state and route (or who carries it),
 * and the last notice about a lost link.
 */
function standing(page: Page, nick: string) {
  return page.evaluate((nick) => {
    const chat = (document.querySelector('mc-chat-app') as unknown as { chat: { people: Map<string, { state: string; route?: string; via?: string }>; lines: { kind: string; text: string }[] } }).chat;
    const view = chat.people.get(nick);
    const lost = chat.lines.findLast((line) => line.kind === 'notice' && line.text.startsWith(`Lost the direct link to ${nick}`));
    return { state: view?.state, route: view?.route, via: view?.via, lost: lost?.text };
  }, nick);
}

/** Connected with its route known, or failed with a reason: whichever comes first. */
async function settled(page: Page, nick: string): Promise<boolean> {
  const seen = await standing(page, nick);
  return seen.lost !== undefined || (seen.state === 'connected' && (seen.route !== undefined || seen.via !== undefined));
}

/** Open the room in `context` and join it as `nick`. */
async function enter(context: BrowserContext, url: string, room: string, nick: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/?room=${room}`);
  await fillJoin(page, nick);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  return page;
}

/**
 * Two people meet in a fresh room; `a` is in first, `b` joins (after `third`, in first of all, if
 * given); returns how their link ended up.
 */
async function meet(url: string, room: string, a: BrowserContext, b: BrowserContext, third?: BrowserContext): Promise<Cell> {
  const pages: Page[] = [];
  try {
    if (third) pages.push(await enter(third, url, room, 'cy'));
    const pageA = await enter(a, url, room, 'ann');
    pages.push(pageA);
    const joined = Date.now();
    const pageB = await b.newPage();
    pages.push(pageB);
    await pageB.goto(`${url}/?room=${room}`);
    await fillJoin(pageB, 'bea');
    // Chromium gives up on ICE about 15 s after the answer; a pair must end one way or the other within 20 s.
    await expect.poll(() => settled(pageB, 'ann'), { timeout: 20_000, intervals: [100] }).toBe(true);
    const seen = await standing(pageB, 'ann');
    if (seen.lost !== undefined && seen.state !== 'connected') return { outcome: 'failed', ms: undefined, reason: seen.lost };
    await new User(pageB, 'bea').say('first words');
    await expect(new User(pageA, 'ann').lines('public').filter({ hasText: 'first words' })).toBeVisible();
    const outcome = seen.via !== undefined ? 'peer relay' : seen.route === 'relayed' ? 'relayed' : 'direct';
    return { outcome, ms: Date.now() - joined, reason: seen.via === undefined ? '' : `via ${seen.via}` };
  } finally {
    await Promise.all(pages.map((page) => page.close()));
  }
}

/**
 * An init script that keeps every text frame this page's data channels carry, both ways, in
 * `window.__wire`; with `tamper`, it changes one character of every sealed frame it passes on.
 */
const WIRE = (tamper: boolean) => {
  const wire: string[] = ((window as unknown as { __wire: string[] }).__wire = []);
  const keep = (channel: RTCDataChannel) =>
    channel.addEventListener('message', ({ data }: MessageEvent<unknown>) => {
      if (typeof data === 'string') wire.push(data);
    });
  const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
    let frame = data;
    if (typeof frame === 'string') {
      wire.push(frame);
      if (tamper && frame.includes('"type":"relayed"')) {
        const parsed = JSON.parse(frame) as { box: string };
        parsed.box = (parsed.box.startsWith('A') ? 'B' : 'A') + parsed.box.slice(1);
        frame = JSON.stringify(parsed);
      }
    }
    send.call(this, frame);
  } as RTCDataChannel['send'];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      this.addEventListener('datachannel', ({ channel }) => keep(channel));
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit) {
      const channel = super.createDataChannel(label, init);
      keep(channel);
      return channel;
    }
  };
};

/** The lab's browsers, one per host (`site`, or `site#2` for a second host on a LAN), for pages from these servers. */
async function labBrowsers(lab: NatLab, servers: readonly SignalingProcess[]): Promise<Map<string, BrowserContext>> {
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

test.describe('links across NATs', () => {
  test.skip(whyNoLab() !== '', whyNoLab());
  // Each test builds a lab and a browser per host: two at once would starve each other's timings.
  test.describe.configure({ mode: 'serial' });

  test('every pair of sites ends connected as expected, or failed with a reason, within 20 s', async () => {
    test.setTimeout(300_000);
    const lab = NatLab.create(SITES);
    let browsers = new Map<string, BrowserContext>();
    try {
      const secret = 'lab-turn-secret';
      const turn = await startCoturn(secret, INTERNET_ADDRESS, lab.internet);
      const servers = {
        stun: new SignalingProcess(['--host', INTERNET_ADDRESS, '--stun-port', '3478'], { netns: lab.internet }),
        turn: new SignalingProcess(['--host', INTERNET_ADDRESS, '--stun-port', '3479', '--turn-url', turn.url, '--turn-secret', secret], { netns: lab.internet }),
      };
      await Promise.all([servers.stun.start(), servers.turn.start()]);
      browsers = await labBrowsers(lab, [servers.stun, servers.turn]);

      const matrix: Record<string, Partial<Record<Config, Cell>>> = {};
      for (const config of CONFIGS) {
        for (const [index, pair] of PAIRS.entries()) {
          if (pair.expected[config] === 'not run') continue;
          const [a, b, third] = [browsers.get(pair.a), browsers.get(pair.b), config === 'third' ? browsers.get(THIRD) : undefined];
          if (!a || !b) throw new Error(`no browser for ${pair.name}`);
          const url = servers[config === 'turn' ? 'turn' : 'stun'].url;
          // A pair that breaks the test's own expectations is recorded, and the rest still run: the table shows all of them.
          const cell = await test.step(`${config}: ${pair.name}`, () =>
            meet(url, `lab-${config}-${index}`, a, b, third).catch((error: unknown): Cell => ({
              outcome: 'error',
              ms: undefined,
              reason: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error),
            })),
          );
          (matrix[pair.name] ??= {})[config] = cell;
        }
      }

      const show = (cell: Cell | undefined) =>
        cell === undefined
          ? 'not run'
          : cell.ms === undefined
            ? `${cell.outcome}: ${cell.reason}`
            : `${cell.outcome}${cell.reason ? ` ${cell.reason}` : ''}, ${cell.ms} ms`;
      const table = [
        `| pair | built-in STUN (default) | with TURN | default, a third person on an open host in the room |`,
        '| --- | --- | --- | --- |',
        ...PAIRS.map((pair) => `| ${pair.name} | ${CONFIGS.map((config) => show(matrix[pair.name]?.[config])).join(' | ')} |`),
      ].join('\n');
      console.log(`NAT matrix (time from Join to the first message):\n${table}`);
      await test.info().attach('nat-matrix.md', { body: table, contentType: 'text/markdown' });

      for (const pair of PAIRS) {
        for (const config of CONFIGS) {
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

  test('a pair behind two symmetric NATs talks through a third person, who reads nothing of it; a third who tampers is caught', async () => {
    test.setTimeout(180_000);
    const lab = NatLab.create(SITES.filter(({ name }) => ['open', 'sym1', 'sym2'].includes(name)));
    let browsers = new Map<string, BrowserContext>();
    try {
      const server = new SignalingProcess(['--host', INTERNET_ADDRESS, '--stun-port', '3478'], { netns: lab.internet });
      await server.start();
      browsers = await labBrowsers(lab, [server]);
      const context = (name: string) => {
        const found = browsers.get(name);
        if (!found) throw new Error(`no browser for ${name}`);
        return found;
      };

      await test.step('sealed: private messages, receipts, typing and room messages go through cy, who sees none of their words', async () => {
        const third = await context('open').newPage();
        await third.addInitScript(WIRE, false);
        const cy = new User(third, 'cy');
        await third.goto(`${server.url}/?room=sealed`);
        await fillJoin(third, 'cy');
        const ann = new User(await enter(context('sym1'), server.url, 'sealed', 'ann'), 'ann');
        const bea = new User(await enter(context('sym2'), server.url, 'sealed', 'bea'), 'bea');
        // Their own link cannot form (two symmetric NATs, no TURN); both reach cy, on a public address.
        for (const [user, other] of [[ann, 'bea'], [bea, 'ann']] as const) {
          await expect(user.people.locator(`li[data-nick="${other}"]`)).toHaveAttribute('data-via', 'cy', { timeout: 20_000 });
          await expect(user.people.locator(`li[data-nick="${other}"]`)).toContainText('relayed via cy');
        }
        await ann.say('/msg bea the cake is in the oven');
        await expect(bea.lines('private').filter({ hasText: 'the cake is in the oven' })).toBeVisible();
        await expect(ann.receipt('the cake is in the oven')).toHaveAttribute('data-receipt', 'delivered');
        await bea.conversation(/ann/).click();
        await ann.conversation(/bea/).click();
        await bea.page.locator('mc-message-composer').getByRole('textbox').pressSequentially('typing back');
        await expect(ann.typing).toContainText('bea');
        await bea.page.locator('mc-message-composer').getByRole('textbox').press('Enter');
        await expect(ann.lines('private').filter({ hasText: 'typing back' })).toBeVisible();
        await expect(bea.receipt('typing back')).toHaveAttribute('data-receipt', 'delivered');
        await Promise.all([ann, bea].map((user) => user.conversation('Everyone').click()));
        await bea.say('hello everyone');
        await expect(ann.lines('public').filter({ hasText: 'hello everyone' })).toBeVisible();
        await expect(cy.lines('public').filter({ hasText: 'hello everyone' })).toBeVisible();

        const wire = await third.evaluate(() => (window as unknown as { __wire: string[] }).__wire);
        expect(wire.filter((frame) => frame.includes('"type":"relayed"')).length, 'frames went through cy').toBeGreaterThan(4);
        for (const words of ['the cake is in the oven', 'typing back']) {
          expect(wire.filter((frame) => frame.includes(words)), `cy never sees "${words}"`).toEqual([]);
        }
        await Promise.all([third, ann.page, bea.page].map((page) => page.close()));
      });

      await test.step('a third person who changes what it carries is caught, and nothing it changed is shown', async () => {
        const third = await context('open').newPage();
        await third.addInitScript(WIRE, true);
        await third.goto(`${server.url}/?room=tampered`);
        await fillJoin(third, 'cy');
        const ann = new User(await enter(context('sym1'), server.url, 'tampered', 'ann'), 'ann');
        const bea = new User(await enter(context('sym2'), server.url, 'tampered', 'bea'), 'bea');
        // bea (the answerer) is warned when ann's first sealed frame arrives changed; neither shows a working link through cy.
        await expect(bea.lines('notice').filter({ hasText: 'Warning: cy changed, dropped or replayed messages' })).toBeVisible({ timeout: 20_000 });
        await ann.say('/msg bea are you there');
        for (const [user, other] of [[ann, 'bea'], [bea, 'ann']] as const) {
          await expect(user.people.locator(`li[data-nick="${other}"]`)).not.toHaveAttribute('data-via', 'cy');
        }
        await expect(ann.receipt('are you there')).not.toHaveAttribute('data-receipt', 'delivered');
        await expect(bea.lines('private')).toHaveCount(0);
        await Promise.all([third, ann.page, bea.page].map((page) => page.close()));
      });
    } finally {
      await Promise.all([...browsers.values()].map((browser) => browser.close()));
      lab.close();
    }
  });

  test('a page whose network goes away and comes back has its link back within 10 s', async () => {
    test.setTimeout(120_000);
    const lab = NatLab.create(SITES.filter(({ name }) => ['cone1', 'cone2'].includes(name)));
    let browsers = new Map<string, BrowserContext>();
    try {
      const server = new SignalingProcess(['--host', INTERNET_ADDRESS, '--stun-port', '3478'], { netns: lab.internet });
      await server.start();
      browsers = await labBrowsers(lab, [server]);
      const [annContext, beaContext] = [browsers.get('cone1'), browsers.get('cone2')];
      if (!annContext || !beaContext) throw new Error('no browsers');
      const ann = new User(await enter(annContext, server.url, 'moving', 'ann'), 'ann');
      const bea = new User(await enter(beaContext, server.url, 'moving', 'bea'), 'bea');
      await bea.connectedTo('ann');
      await ann.say('before the move');
      await expect(bea.lines('public').filter({ hasText: 'before the move' })).toBeVisible();

      const host = lab.site('cone2').hosts[0];
      if (!host) throw new Error('no host');
      lab.uplink(host, false);
      // Long enough for both ends to notice: the link's consent checks go unanswered.
      await expect(ann.people.locator('li[data-nick="bea"]')).not.toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
      lab.uplink(host, true);
      const back = Date.now();
      await ann.say('after the move');
      await expect(bea.lines('public').filter({ hasText: 'after the move' })).toBeVisible({ timeout: 10_000 });
      console.log(`the link was back and carried a message ${Date.now() - back} ms after the network came back`);
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
