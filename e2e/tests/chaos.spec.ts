// Delivery under chaos: four pages chat fast while links are cut at random and the signaling
// server is killed and restarted once. Every message must be shown exactly once, in each
// sender's order, to everyone it was for, and every receipt must end at ✓✓.
import { CAPTURE_CHANNELS, type Captured } from '../helpers/capture';
import { SignalingProcess } from '@meshchat/testkit/signaling-process';
import { User, fillJoin } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { newPage } from '../helpers/pages';

const NICKS = ['ana', 'ben', 'cat', 'dan'] as const;
/** Long enough for about a dozen cuts and the restart halfway; longer finds nothing more and costs the suite. */
const RUN_MS = 30_000;

/** In each page: send a public message every 100 ms and a private one every 500 ms, when told to. */
const CHATTER = () => {
  type Chat = { nick: string; people: Map<string, unknown>; lines: { id: number; kind: string; from?: string; to?: string; text: string }[]; composing: { submit(text: string): void }; unacknowledged: number };
  const state = { sending: false, sent: { public: 0, private: 0 }, shown: [] as string[], lastLine: 0, timers: [] as number[] };
  (window as unknown as { __chaos: typeof state }).__chaos = state;
  const app = () => document.querySelector('mc-chat-app') as unknown as { chat: Chat } | null;
  const chat = () => {
    const current = app()?.chat;
    if (!current) throw new Error('the chat app is not on the page');
    return current;
  };
  // The log keeps the newest 2,000 lines: note every line as it appears, so none is missed, and
  // once more when the test reads what was shown. The first notes come before the app is there.
  const collect = () => {
    const current = app()?.chat;
    if (!current) return;
    for (const line of current.lines) {
      if (line.id <= state.lastLine) continue;
      state.lastLine = line.id;
      if ((line.kind === 'public' || line.kind === 'private') && line.from !== current.nick) state.shown.push(line.text);
    }
  };
  setInterval(collect, 100);
  (window as unknown as { __collect: () => void }).__collect = collect;
  (window as unknown as { __startChatter: (others: string[]) => void }).__startChatter = (others) => {
    state.sending = true;
    const me = chat().nick;
    state.timers.push(window.setInterval(() => chat().composing.submit(`pub ${me} ${++state.sent.public}`), 100));
    state.timers.push(
      window.setInterval(() => {
        const to = others[state.sent.private % others.length] ?? '';
        chat().composing.submit(`/msg ${to} priv ${me}>${to} ${++state.sent.private}`);
      }, 500),
    );
  };
  (window as unknown as { __stopChatter: () => void }).__stopChatter = () => {
    state.timers.forEach((timer) => clearInterval(timer));
    state.sending = false;
  };
};

type ChaosState = { sent: { public: number; private: number }; shown: string[] };
const chaosOf = (user: User) =>
  user.page.evaluate(() => {
    (window as unknown as { __collect: () => void }).__collect();
    return (window as unknown as { __chaos: ChaosState }).__chaos;
  });
const unacknowledged = (user: User) =>
  user.page.evaluate(() => (document.querySelector('mc-chat-app') as unknown as { chat: { unacknowledged: number } }).chat.unacknowledged);

test('chaos: exactly once, in order, ✓✓ for all, while links are cut and the server restarts', async ({ browser }) => {
  test.setTimeout(300_000);
  // The product's own reconnect grace (the shared fixture shortens it): a page starved of CPU on a
  // busy machine can take seconds to get its signaling connection back.
  const server = new SignalingProcess(['--reconnect-grace', '30000']);
  await server.start();
  await chaos(server, browser);
});

async function chaos(server: SignalingProcess, browser: Parameters<typeof newPage>[0]): Promise<void> {
  const users = await Promise.all(
    NICKS.map(async (nick) => {
      const page = await newPage(browser, `${server.url}/?room=chaos`, [CAPTURE_CHANNELS, CHATTER]);
      await fillJoin(page, nick);
      await expect(page.getByRole('log', { name: 'Messages' })).toBeVisible();
      return new User(page, nick);
    }),
  );
  for (const user of users) await user.connectedTo(...NICKS.filter((nick) => nick !== user.nick));

  await Promise.all(users.map((user) => user.page.evaluate((others) => (window as unknown as { __startChatter: (o: string[]) => void }).__startChatter(others), NICKS.filter((nick) => nick !== user.nick))));
  const started = Date.now();
  let cuts = 0;
  let restarted = false;
  let restartMs = 0;
  while (Date.now() - started < RUN_MS) {
    await new Promise((resolve) => setTimeout(resolve, 2_000 + Math.random() * 3_000));
    if (!restarted && Date.now() - started > RUN_MS / 2) {
      restarted = true;
      const port = server.port;
      await server.stop('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const restarting = Date.now();
      await server.start(port);
      restartMs = Date.now() - restarting;
      continue;
    }
    const victim = users[Math.floor(Math.random() * users.length)];
    const closed = await victim?.page.evaluate(() => {
      const open = (window as unknown as Captured).__connections.filter((connection) => connection.connectionState === 'connected');
      const pick = open[Math.floor(Math.random() * open.length)];
      pick?.close();
      return pick ? 1 : 0;
    });
    cuts += closed ?? 0;
  }
  await Promise.all(users.map((user) => user.page.evaluate(() => (window as unknown as { __stopChatter: () => void }).__stopChatter())));

  // Everything drains: every message acknowledged by everyone it was for.
  for (const user of users) await expect.poll(() => unacknowledged(user), { timeout: 90_000, message: `${user.nick}'s outboxes drain` }).toBe(0);

  const states = await Promise.all(users.map(chaosOf));
  if (process.env.E2E_SERVER_LOG_LEVEL) console.log(server.output.split('\n').filter((line) => /leave|resume|join|refused|flood|impostor/.test(line)).join('\n'));
  let shownTotal = 0;
  for (const [index, user] of users.entries()) {
    const shown = states[index]?.shown ?? [];
    shownTotal += shown.length;
    expect(new Set(shown).size, `${user.nick} shows no message twice`).toBe(shown.length);
    for (const [senderIndex, sender] of NICKS.entries()) {
      if (sender === user.nick) continue;
      const sent = states[senderIndex]?.sent ?? { public: 0, private: 0 };
      const publicSeen = shown.filter((text) => text.startsWith(`pub ${sender} `)).map((text) => Number(text.split(' ')[2]));
      expect(publicSeen, `${user.nick} got all of ${sender}'s public messages, in order`).toEqual(Array.from({ length: sent.public }, (_, i) => i + 1));
      const privateSeen = shown.filter((text) => text.startsWith(`priv ${sender}>${user.nick} `)).map((text) => Number(text.split(' ')[2]));
      const others = NICKS.filter((nick) => nick !== sender);
      const expected = Array.from({ length: sent.private }, (_, i) => i + 1).filter((n) => others[(n - 1) % others.length] === user.nick);
      expect(privateSeen, `${user.nick} got ${sender}'s private messages to them, in order`).toEqual(expected);
    }
    const stuck = await user.log
      .locator('.line:has(.receipt:not([data-receipt="delivered"]))')
      .evaluateAll((lines) => lines.map((line) => `${line.textContent?.replace(/\s+/g, ' ').trim()} [${line.querySelector('.receipt')?.getAttribute('data-receipt')} ${line.querySelector('.receipt')?.getAttribute('data-delivered')}]`));
    expect(stuck, `${user.nick}'s receipts are all ✓✓`).toEqual([]);
  }
  const sentTotal = states.reduce((sum, state) => sum + (state?.sent.public ?? 0) + (state?.sent.private ?? 0), 0);
  console.log(`[measure] chaos: ${sentTotal} messages sent, ${shownTotal} shown (each exactly once), ${cuts} links cut, 1 server restart (listening again ${restartMs} ms after it was started), in ${Math.round((Date.now() - started) / 1000)} s`);
}
