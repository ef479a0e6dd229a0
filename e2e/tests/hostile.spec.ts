// The attack pass against pages, replayed from the attacker's side: a hostile peer's page writes
// straight onto its data channel (no app code in the way), and raw sockets speak to the server.
// Each test asserts what the victim would notice: their page keeps working and nothing is lost.
import { io } from 'socket.io-client';
import { CAPTURE_CHANNELS, type Captured } from '../helpers/capture';
import { SignalingProcess } from '@meshchat/testkit/signaling-process';
import { User, fillJoin } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { newPage, reloadPastQuestion, type InitScripts } from '../helpers/pages';

/** In the victim's page: the longest the main thread went without running a 10 ms timer. */
const WATCH_STALLS = () => {
  const state = { longest: 0, last: performance.now() };
  (window as unknown as { __stalls: typeof state }).__stalls = state;
  setInterval(() => {
    const now = performance.now();
    state.longest = Math.max(state.longest, now - state.last);
    state.last = now;
  }, 10);
};
const longestStall = (user: User) => user.page.evaluate(() => (window as unknown as { __stalls: { longest: number } }).__stalls.longest);
const resetStalls = (user: User) =>
  user.page.evaluate(() => Object.assign((window as unknown as { __stalls: { longest: number; last: number } }).__stalls, { longest: 0, last: performance.now() }));

/**
 * In the attacker's page: send raw frames on its first open chat channel, as a modified client would.
 * That is the link to the first person it linked with: with three in a room, the attacker joins
 * second and links with the victim before the third person joins (on a fast machine the third
 * person's link can open first otherwise, and the frames go to the wrong page).
 */
function sendRaw(attacker: User, frames: string[]): Promise<void> {
  return attacker.page.evaluate((all) => {
    const channel = (window as unknown as Captured).__channels.find((each) => each.label !== 'meshchat-files' && each.readyState === 'open');
    if (!channel) throw new Error('no open chat channel');
    for (const frame of all) channel.send(frame);
  }, frames);
}

/** Lets a test cut a page off the signaling server (its new websockets go nowhere) while its peer links stay up. */
const CUT_SIGNALING = () => {
  const state = window as unknown as { __cut: boolean };
  state.__cut = false;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      // Port 9 (discard) on loopback refuses at once, as a dead network would, eventually.
      super(state.__cut ? 'ws://127.0.0.1:9/' : url, protocols);
    }
  };
};

const chat = (id: string, seq: number, text: string, ts = Date.now()) => JSON.stringify({ type: 'chat', id, seq, ts, text });

test('a frame with an absurd timestamp shows at its arrival time, and the log goes on', async ({ join }) => {
  const alice = await join('alice', 'clock');
  const mallory = await join('mallory', 'clock', CAPTURE_CHANNELS);
  await mallory.connectedTo('alice');
  await sendRaw(mallory, [chat('far-future', 1, 'from the year 318857', 1e16), chat('epoch', 2, 'from 1970', 0)]);
  await mallory.say('an ordinary line after them');
  await expect(alice.lines('public')).toHaveText([/from the year 318857/, /from 1970/, /an ordinary line after them/]);
  const years = await alice.lines('public').locator('time').evaluateAll((times) => times.map((time) => new Date(time.getAttribute('datetime') ?? '').getFullYear()));
  expect(years).toEqual([new Date().getFullYear(), new Date().getFullYear(), new Date().getFullYear()]);
  await alice.say('still here');
  await expect(mallory.lines('public').filter({ hasText: 'still here' })).toHaveCount(1);
});

for (const flood of ['file offers', 'chat frames'] as const) {
  test(`5,000 ${flood} from one peer close that link, and the victim's page stays responsive`, async ({ join }) => {
    const alice = await join('alice', `flood-${flood.split(' ')[0]}`, WATCH_STALLS);
    const carol = await join('carol', `flood-${flood.split(' ')[0]}`);
    const mallory = await join('mallory', `flood-${flood.split(' ')[0]}`, CAPTURE_CHANNELS);
    await alice.connectedTo('carol', 'mallory');
    await resetStalls(alice);
    const frames = Array.from({ length: 5_000 }, (_, i) =>
      flood === 'file offers'
        ? JSON.stringify({ type: 'file-offer', id: `f${i}`, name: `invoice${i}.pdf`, size: 1000, mime: 'application/pdf', sha256: 'a'.repeat(64), scope: 'room' })
        : chat(`m${i}`, i + 1, `spam ${i}`),
    );
    await sendRaw(mallory, frames);
    await expect(alice.lines('notice').filter({ hasText: 'Lost the direct link to mallory' })).toContainText('far more than a chat does');
    // Alice's page answers at once: she writes to carol, and carol gets it.
    await alice.say('are you there, carol?');
    await expect(carol.lines('public').filter({ hasText: 'are you there, carol?' })).toHaveCount(1);
    const stall = await longestStall(alice);
    const shown = await alice.log.locator(flood === 'file offers' ? '[data-kind="file"]' : '[data-from="mallory"]').count();
    console.log(`[measure] 5,000 ${flood}: the victim's longest stall ${Math.round(stall)} ms; ${shown} shown before the link closed`);
    // The work the flood can cause is bounded by the budget: its burst, plus what refills while the
    // frames trickle in on a busy machine (the stall is a figure, not a test: it depends on the
    // machine's load; before the budget it was 35 s and 4.5 s).
    expect(shown, 'the link closed within the budget, long before 5,000').toBeLessThan(flood === 'file offers' ? 50 : 1_000);
  });
}

test('5,000 frames to pass on (and absurd reach and call frames) close the asker\'s link only: the person they were for hears nothing of it', async ({ join }) => {
  const alice = await join('alice', 'flood-relay', WATCH_STALLS);
  const mallory = await join('mallory', 'flood-relay', CAPTURE_CHANNELS);
  await mallory.connectedTo('alice');
  const carol = await join('carol', 'flood-relay');
  await alice.connectedTo('carol', 'mallory');
  const session = 'A'.repeat(22);
  await sendRaw(mallory, [
    JSON.stringify({ type: 'reach', nicks: Array.from({ length: 65 }, (_, i) => `n${i}`) }),
    JSON.stringify({ type: 'reach', nicks: ['carol', 'x'.repeat(500)] }),
    JSON.stringify({ type: 'call', inCall: true, muted: false, camera: true, screen: 'not an id with spaces' }),
    JSON.stringify({ type: 'relay', to: 'nobody', session, n: 0, box: 'AAAA' }),
    JSON.stringify({ type: 'relayed', from: 'carol', session, n: 0, box: 'AAAA' }),
  ]);
  await resetStalls(alice);
  await sendRaw(
    mallory,
    Array.from({ length: 5_000 }, (_, n) => JSON.stringify({ type: 'relay', to: 'carol', session, n, box: 'B'.repeat(400) })),
  );
  await expect(alice.lines('notice').filter({ hasText: 'Lost the direct link to mallory' })).toContainText('far more than a chat does');
  // The link that was to carry them stays, and carol was never told anything about it.
  await alice.say('still linked, carol?');
  await expect(carol.lines('public').filter({ hasText: 'still linked, carol?' })).toHaveCount(1);
  await expect(carol.people.locator('li[data-nick="alice"]')).toHaveAttribute('data-state', 'connected');
  await expect(carol.lines('notice').filter({ hasText: 'changed, dropped or replayed' })).toHaveCount(0);
  console.log(`[measure] 5,000 frames to pass on: the asker's longest stall ${Math.round(await longestStall(alice))} ms`);
});

// Within the link's frame budget (200 at once, INBOUND_RATES): a bigger burst closes the link, as
// the floods above show, and then the rings would not be what the test watched.
test('a peer that rings and hangs up 120 times, declines calls never made and sends absurd call frames costs the victim one ring bar, no log lines and no stall', async ({ join }) => {
  const alice = await join('alice', 'ring-flood', WATCH_STALLS);
  const mallory = await join('mallory', 'ring-flood', CAPTURE_CHANNELS);
  await mallory.connectedTo('alice');
  const carol = await join('carol', 'ring-flood');
  await alice.connectedTo('carol', 'mallory');
  await resetStalls(alice);
  const ring = (inCall: boolean) => JSON.stringify({ type: 'call', inCall, muted: false, camera: false, scope: 'private' });
  await sendRaw(mallory, [
    ...Array.from({ length: 120 }, (_, i) => ring(i % 2 === 0)),
    ...Array.from({ length: 30 }, () => JSON.stringify({ type: 'call-decline' })),
    JSON.stringify({ type: 'call', inCall: true, muted: false, camera: false, scope: 'everyone' }),
    JSON.stringify({ type: 'call-decline', extra: 'x'.repeat(10_000) }),
    ring(true),
  ]);
  const ringing = alice.page.locator('mc-chat-app').getByRole('group', { name: 'Call from mallory' });
  await expect(ringing).toHaveCount(1);
  await expect(alice.lines('notice').filter({ hasText: 'Lost the direct link to mallory' })).toHaveCount(0);
  await alice.say('still here, carol?');
  await expect(carol.lines('public').filter({ hasText: 'still here, carol?' })).toHaveCount(1);
  await expect(alice.lines('notice').filter({ hasText: /call/ })).toHaveCount(0);
  await ringing.getByRole('button', { name: 'Decline' }).click();
  await expect(ringing).toHaveCount(0);
  console.log(`[measure] 120 rings and hang-ups, 30 stray declines: the victim's longest stall ${Math.round(await longestStall(alice))} ms`);
});

test('a long backlog after a lost link is not a flood: 250 waiting messages all arrive, in order', async ({ join }) => {
  const alice = await join('alice', 'backlog');
  const bob = await join('bob', 'backlog', CAPTURE_CHANNELS);
  await alice.connectedTo('bob');
  await bob.page.evaluate(() => (window as unknown as Captured).__connections.forEach((connection) => connection.close()));
  await expect(alice.lines('notice').filter({ hasText: 'Lost the direct link to bob' })).toHaveCount(1);
  await alice.page.evaluate(() => {
    const app = document.querySelector('mc-chat-app') as unknown as { chat: { composing: { submit(text: string): void } } };
    for (let i = 1; i <= 250; i++) app.chat.composing.submit(`backlog ${i}`);
  });
  await expect(bob.lines('public')).toHaveCount(250, { timeout: 30_000 });
  const texts = await bob.lines('public').locator('.text').allTextContents();
  expect(texts).toEqual(Array.from({ length: 250 }, (_, i) => `backlog ${i + 1}`));
  await expect(alice.receipt('backlog 250')).toHaveAttribute('data-receipt', 'delivered');
  for (const user of [alice, bob]) await expect(user.lines('notice').filter({ hasText: 'far more than a chat does' })).toHaveCount(0);
});

test('300 offers from one member: at most one negotiation at a time, no page error, chat goes on', async ({ join, server }) => {
  const alice = await join('alice', 'offers', [CAPTURE_CHANNELS, WATCH_STALLS]);
  const carol = await join('carol', 'offers');
  await alice.connectedTo('carol');
  const errors: string[] = [];
  alice.page.on('pageerror', (error) => errors.push(error.message));
  const before = await alice.page.evaluate(() => performance.now());
  const mallory = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    await new Promise<void>((resolve) => mallory.once('connect', () => resolve()));
    expect((await mallory.emitWithAck('join', { nick: 'mallory', room: 'offers' })).ok).toBe(true);
    const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
    await Promise.all(Array.from({ length: 300 }, () => mallory.timeout(5_000).emitWithAck('signal', { to: 'alice', data: { type: 'offer', sdp } }).catch(() => undefined)));
  } finally {
    mallory.disconnect();
  }
  await alice.say('still chatting');
  await expect(carol.lines('public').filter({ hasText: 'still chatting' })).toHaveCount(1);
  // Offers that would build a connection have a budget of their own per person: four at once, then
  // one every five seconds, over the time the flood took to arrive (a busy machine stretches it).
  const NEW_LINK_OFFERS = { burst: 4, perSecond: 1 / 5 };
  const madeAt = (await alice.page.evaluate(() => (window as unknown as Captured).__madeAt)).filter((at) => at > before);
  const spanMs = Math.max(...madeAt) - Math.min(...madeAt);
  const allowed = Math.floor(NEW_LINK_OFFERS.burst + (spanMs / 1000) * NEW_LINK_OFFERS.perSecond) + 1;
  console.log(
    `[measure] 300 relayed offers built ${madeAt.length} RTCPeerConnections in the victim's page over ${Math.round(spanMs)} ms (budget ${allowed}); longest stall ${Math.round(await longestStall(alice))} ms`,
  );
  expect(madeAt.length).toBeLessThanOrEqual(allowed);
  expect(errors).toEqual([]);
});

test('offers with 282 media sections build nothing in the victim\'s page, and chat goes on', async ({ join, server }) => {
  const alice = await join('alice', 'sections', [CAPTURE_CHANNELS, WATCH_STALLS]);
  const carol = await join('carol', 'sections');
  await alice.connectedTo('carol');
  await resetStalls(alice);
  const before = await alice.page.evaluate(() => performance.now());
  const mallory = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  const section = (i: number) => `m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:${i}\r\na=recvonly\r\na=rtpmap:96 VP8/90000\r\n`;
  const sdp = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\n${Array.from({ length: 282 }, (_, i) => section(i)).join('')}`;
  try {
    await new Promise<void>((resolve) => mallory.once('connect', () => resolve()));
    expect((await mallory.emitWithAck('join', { nick: 'mallory', room: 'sections' })).ok).toBe(true);
    for (let i = 0; i < 60; i++) await mallory.timeout(5_000).emitWithAck('signal', { to: 'alice', data: { type: 'offer', sdp } }).catch(() => undefined);
  } finally {
    mallory.disconnect();
  }
  await alice.say('still chatting');
  await expect(carol.lines('public').filter({ hasText: 'still chatting' })).toHaveCount(1);
  const made = (await alice.page.evaluate(() => (window as unknown as Captured).__madeAt)).filter((at) => at > before).length;
  console.log(`[measure] 60 offers of ${Math.round(sdp.length / 1024)} KB with 282 media sections built ${made} RTCPeerConnections; longest stall ${Math.round(await longestStall(alice))} ms`);
  expect(made).toBe(0);
});

test('after a server restart, an impostor with the same nickname cannot take over the open link', async ({ browser }) => {
  // The restarted server gives a forgotten member their seat back within the reconnect grace: 30 s here, as by default.
  const server = new SignalingProcess(['--reconnect-grace', '30000']);
  await server.start();
  const enter = async (nick: string, init?: InitScripts) => {
    const page = await newPage(browser, `${server.url}/?room=takeover`, init);
    await fillJoin(page, nick);
    await expect(page.getByRole('log', { name: 'Messages' })).toBeVisible();
    return new User(page, nick);
  };
  const alice = await enter('alice', CUT_SIGNALING);
  const bob = await enter('bob');
  await bob.connectedTo('alice');
  // Alice's signaling connection stays down a while (her network), so the impostor gets there first.
  await alice.page.evaluate(() => ((window as unknown as { __cut: boolean }).__cut = true));
  const port = server.port;
  await server.stop('SIGKILL');
  await server.start(port);
  await expect(bob.lines('notice').filter({ hasText: 'Back after' })).toHaveCount(1, { timeout: 20_000 });
  const impostor = await enter('alice');
  await expect(impostor.log).toContainText('with bob');
  // The impostor's offer reaches bob while his link to the real alice is open: it waits, the link stays.
  await alice.say('it is still me');
  await expect(bob.lines('public').filter({ hasText: 'it is still me' })).toHaveCount(1);
  await alice.page.evaluate(() => ((window as unknown as { __cut: boolean }).__cut = false));
  // The real alice resumes with her signed token; the impostor is put out of the room.
  await expect(alice.lines('notice').filter({ hasText: 'Back after' })).toHaveCount(1, { timeout: 20_000 });
  await expect(impostor.page.getByRole('alert')).toContainText('removed you');
  await alice.say('and still me after');
  await expect(bob.lines('public')).toHaveText([/alice: it is still me/, /alice: and still me after/]);
  await expect(bob.lines('notice').filter({ hasText: 'Lost the direct link to alice' })).toHaveCount(0);
  await expect(bob.log.locator('[data-kind="warning"]')).toHaveCount(0);
});

test('someone else answering to a nickname is shown as a changed safety code', async ({ join }) => {
  const alice = await join('alice', 'identity');
  const bob = await join('bob', 'identity');
  await bob.connectedTo('alice');
  await alice.say('/quit');
  await expect(bob.lines('notice').filter({ hasText: 'alice left' })).toHaveCount(1);
  const other = await join('alice', 'identity');
  await bob.connectedTo('alice');
  const warning = bob.log.locator('[data-kind="warning"][data-from="alice"]');
  await expect(warning).toContainText("alice's safety code changed");
  await other.say('hi, it is the new alice');
  await bob.people.locator('li[data-nick="alice"]').click();
  await expect(bob.log.locator('[data-kind="warning"]'), 'also in the conversation with alice').toHaveCount(1);
});

test('a reload keeps the nickname, and messages written meanwhile arrive once, with no identity warning', async ({ join }) => {
  const alice = await join('alice', 'reload');
  const bob = await join('bob', 'reload');
  await bob.connectedTo('alice');
  await bob.say('before the reload');
  await expect(alice.lines('public').filter({ hasText: 'before the reload' })).toHaveCount(1);
  // Alice reloads; Bob writes once her page has begun to go (beforeunload). The new page is held
  // back until the old one has taken all of Bob's messages: they must not be acknowledged there,
  // where nobody will see them, but re-sent to the page that comes next.
  const signal = () => {
    let fire: (() => void) | undefined;
    return { fired: new Promise<void>((resolve) => (fire = resolve)), fire: () => fire?.() };
  };
  const [leaving, tookAll] = [signal(), signal()];
  await alice.page.exposeFunction('__leaving', leaving.fire);
  await alice.page.exposeFunction('__tookAll', tookAll.fire);
  await alice.page.evaluate(() => {
    const page = window as unknown as { __leaving(): void; __tookAll(): void };
    addEventListener('beforeunload', () => page.__leaving());
    const chat = (document.querySelector('mc-chat-app') as unknown as { chat: { lines: { text: string }[] } }).chat;
    const watch = setInterval(() => {
      if (!chat.lines.some((line) => line.text === 'meanwhile 7')) return;
      clearInterval(watch);
      page.__tookAll();
    }, 20);
  });
  await alice.page.route(
    (url) => url.pathname === '/',
    async (route) => {
      await tookAll.fired;
      await route.continue();
    },
  );
  const reloading = reloadPastQuestion(alice.page);
  await leaving.fired;
  for (let i = 1; i <= 7; i++) await bob.say(`meanwhile ${i}`);
  await reloading;
  await expect(alice.page.getByRole('log', { name: 'Messages' })).toBeVisible();
  await expect(alice.log).toContainText('You joined reload as alice');
  for (let i = 1; i <= 7; i++) await expect(alice.lines('public').filter({ hasText: `meanwhile ${i}` })).toHaveCount(1);
  for (let i = 1; i <= 7; i++) await expect(bob.receipt(`meanwhile ${i}`)).toHaveAttribute('data-receipt', 'delivered');
  await expect(alice.page.getByRole('alert')).toHaveCount(0);
  await expect(bob.log.locator('[data-kind="warning"]')).toHaveCount(0);
});

test('a file name with bidi controls shows them and its real extension; a received SVG is only ever downloaded', async ({ join }) => {
  const alice = await join('alice', 'names');
  const bob = await join('bob', 'names');
  await alice.connectedTo('bob');
  const input = bob.page.locator('mc-message-composer input[type=file]');
  await input.setInputFiles({ name: 'invoice\u202Efdp.exe', mimeType: 'application/pdf', buffer: Buffer.from('MZ not really a program') });
  const card = alice.log.locator('mc-file-card').last();
  await expect(card.locator('.name')).toContainText('invoice⟨U+202E⟩fdp.exe');
  await expect(card.locator('.type')).toHaveText('.exe file');
  await card.getByRole('button', { name: 'Accept' }).click();
  await expect(card.getByRole('link')).toHaveAttribute('download', 'invoicefdp.exe');

  const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>localStorage.setItem("pwned", "yes")</script></svg>';
  await input.setInputFiles({ name: 'cat.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
  const svgCard = alice.log.locator('mc-file-card').last();
  await svgCard.getByRole('button', { name: 'Accept' }).click();
  const save = svgCard.getByRole('link');
  await expect(save).toHaveAttribute('download', 'cat.svg');
  await expect(svgCard.locator('img')).toHaveCount(0);
  const href = (await save.getAttribute('href')) ?? '';
  // Opened top-level, the blob is a download, not a document of the app's origin.
  const opened = await alice.page.context().newPage();
  const download = opened.waitForEvent('download');
  await opened.goto(href).catch(() => undefined);
  await download;
  expect(await alice.page.evaluate(() => localStorage.getItem('pwned'))).toBeNull();
});

test('a nickname the server suggests is offered only if it is one: markup, an over-long, invisible or non-string suggestion is dropped', async ({ join, openPage }) => {
  await join('alice', 'suggest');
  for (const bad of ['<img src=x onerror=alert(1)>', 'x'.repeat(200), 42, 'alice\u202e', '', { nick: 'alice2' }]) {
    const page = await openPage('?room=suggest');
    // The server's answer to the join is rewritten on its way to the page.
    await page.routeWebSocket(/\/socket\.io\//, (socket) => {
      const server = socket.connectToServer();
      server.onMessage((message) =>
        socket.send(typeof message === 'string' ? message.replace('"suggestion":"alice2"', `"suggestion":${JSON.stringify(bad)}`) : message),
      );
    });
    await page.reload();
    await fillJoin(page, 'alice');
    await expect(page.getByRole('alert')).toContainText('already uses this nickname');
    await expect(page.getByRole('button', { name: /^Use / }), JSON.stringify(bad)).toHaveCount(0);
    await page.context().close();
  }
});

for (const [what, frame] of [
  ['history nobody asked for', { type: 'history', records: [], done: true }],
  ['history that does not parse', { type: 'history', records: 'all of it', done: 'yes' }],
] as const) {
  test(`${what} closes the sender's link, and nothing of it is shown`, async ({ join }) => {
    const alice = await join('alice', 'history-junk');
    const mallory = await join('mallory', 'history-junk', CAPTURE_CHANNELS);
    await alice.connectedTo('mallory');
    await sendRaw(mallory, [JSON.stringify(frame)]);
    await expect(alice.lines('notice').filter({ hasText: 'Lost the direct link to mallory' })).toContainText('far more than a chat does');
    await expect(alice.log.locator('.earlier')).toHaveCount(0);
  });
}
