// The room's recent history for people who join later: given by the members present, from their
// tabs, each message signed by its author; what a member alters, drops or invents shows as such.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { User, fillJoin } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { recordedPage, reloadPastQuestion, type InitScripts } from '../helpers/pages';

/** The room's history on `user`'s screen, above the divider: each line's text and how it is known. */
const earlier = (user: User) => user.log.locator('.earlier .line');

async function leave(user: User): Promise<void> {
  await user.page.getByRole('button', { name: 'Leave' }).click();
  await user.page.getByRole('alertdialog').getByRole('button', { name: 'Leave' }).click();
}

/** Every public line `user` shows, in order: their texts. */
async function heard(user: User, count: number): Promise<void> {
  await expect(user.lines('public')).toHaveCount(count);
}

test('a late joiner sees what was said, in order, each marked verified or relayed by whom; a reload gets its own past back', async ({ join }) => {
  const alice = await join('alice');
  const bob = await join('bob');
  const carol = await join('carol');
  await alice.connectedTo('bob', 'carol');
  await carol.connectedTo('alice', 'bob');
  await alice.say('good morning');
  await heard(carol, 1);
  await bob.say('morning alice');
  await heard(carol, 2);
  await carol.say('I have to go, bye');
  await heard(alice, 3);
  await heard(bob, 3);
  await leave(carol);
  await expect(alice.people.locator('li[data-nick="carol"]')).toHaveCount(0);

  const dave = await join('dave');
  await expect(dave.log).toContainText("Their browsers give you the room's recent messages");
  await expect(earlier(dave)).toHaveText([/alice.*good morning.*verified/, /bob.*morning alice.*verified/, /carol.*I have to go, bye.*relayed by alice and bob/]);
  await expect(earlier(dave).nth(2)).toHaveAttribute('data-known', 'relayed');
  await expect(dave.log.getByRole('separator')).toHaveText('↑ Earlier messages, from the people here');
  // Said after dave came: a live line below the divider, not history.
  await alice.say('welcome dave');
  await expect(dave.lines('public').last()).toContainText('welcome dave');
  await expect(dave.log.locator('.earlier')).not.toContainText('welcome dave');

  // A reload: bob's tab kept what he saw, which comes back first, each line once, and none again from the others.
  // He reloads the moment his last message is out: where his chain stands is kept as the page goes (it is written at most once a second).
  await bob.say('one more, then a reload');
  await heard(alice, 5);
  expect(await reloadPastQuestion(bob.page)).toBe(true);
  await expect(bob.lines('public')).toHaveText([/good morning/, /morning alice/, /I have to go, bye/, /welcome dave/, /one more, then a reload/]);
  await expect(bob.log.getByRole('separator')).toHaveText('↑ Kept in this browser from before');
  await expect(earlier(bob)).toHaveCount(0);
  // His tab keeps its signing key across the reload: someone who joins later sees his words from
  // before and after it verified, as his. Carol's come from alice alone: dave never saw carol's key himself.
  await bob.say('back again');
  await heard(alice, 6);
  const erin = await join('erin');
  await expect(earlier(erin)).toHaveText([
    /good morning.*verified/,
    /bob.*morning alice.*verified/,
    /I have to go, bye.*relayed by alice(?! and)/,
    /welcome dave.*verified/,
    /bob.*one more, then a reload.*verified/,
    /bob.*back again.*verified/,
  ]);
  // People says what the room keeps, where; a member can keep their own messages out of it.
  await expect(bob.page.getByRole('complementary')).toContainText('kept in the tabs of the people here');
  await expect(bob.page.getByRole('checkbox', { name: 'Share my messages with people who join later' })).toBeChecked();
});

test('history in a present member\'s name under another key is a conflict, and a forgery is never given on after its maker left', async ({ join }) => {
  const alice = await join('alice', 'poison');
  const carol = await join('carol', 'poison');
  const mallory = await join('mallory', 'poison', TAMPER_HISTORY);
  await mallory.connectedTo('alice', 'carol');
  await alice.say('hello from alice');
  await heard(mallory, 1);
  await carol.say('see you tomorrow');
  await heard(mallory, 2);
  await leave(carol);
  await expect(mallory.people.locator('li[data-nick="carol"]')).toHaveCount(0);

  // Mallory adds, to every answer she gives, a line in alice's name and one in carol's, each signed
  // with a key she made: valid signatures, not theirs.
  await mallory.page.evaluate(async () => {
    const b64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const key = b64(await crypto.subtle.exportKey('raw', pair.publicKey));
    const forge = async (by: string, text: string, ts: number) => {
      const record = { by, alg: 'Ed25519', key, id: `forged-${by}`, ts, text, n: 1, prev: '' };
      // What a record's signature covers: its place, time and id, and the SHA-256 of its words.
      const digest = b64(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify([text, null]))));
      const bytes = new TextEncoder().encode(JSON.stringify(['meshchat record v3', 'poison', by, 1, '', ts, record.id, null, null, digest]));
      return { ...record, sig: b64(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, bytes)) };
    };
    const forged = [await forge('alice', 'send me your password', Date.now() - 60_000), await forge('carol', 'the meeting moved: https://evil.example/meet', Date.now() - 30_000)];
    (window as unknown as { __tamper: (frame: string) => string }).__tamper = (raw) => {
      const frame = JSON.parse(raw) as { records: { ts: number }[] };
      frame.records.push(...forged);
      frame.records.sort((a, b) => a.ts - b.ts);
      return JSON.stringify(frame);
    };
  });
  const dave = await join('dave', 'poison');
  await expect(earlier(dave).filter({ hasText: 'see you tomorrow' })).toHaveCount(1);
  const inAlicesName = earlier(dave).filter({ hasText: 'send me your password' });
  await expect(inAlicesName).toHaveAttribute('data-known', 'conflict');
  await expect(earlier(dave).filter({ hasText: 'hello from alice' })).toHaveAttribute('data-known', 'verified');

  // Mallory goes; a later newcomer asks alice and dave: the forgeries are given on by nobody.
  await leave(mallory);
  await expect(dave.people.locator('li[data-nick="mallory"]')).toHaveCount(0);
  const erin = await join('erin', 'poison');
  await expect(earlier(erin).filter({ hasText: 'see you tomorrow' })).toHaveAttribute('data-known', 'relayed');
  await expect(earlier(erin).filter({ hasText: 'hello from alice' })).toHaveAttribute('data-known', 'verified');
  await expect(erin.log).not.toContainText('evil.example');
  await expect(erin.log).not.toContainText('send me your password');
});

/** In the hostile member's page: history frames it sends pass through `window.__tamper` first. */
const TAMPER_HISTORY: InitScripts = () => {
  const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
    const tamper = (window as unknown as { __tamper?: (frame: string) => string }).__tamper;
    send.call(this, typeof data === 'string' && tamper && data.includes('"type":"history"') ? tamper(data) : data);
  };
};

test('a member who alters, drops or invents history: the late joiner sees an unverifiable message, a gap and a conflict', async ({ join }) => {
  const bob = await join('bob', 'e2e', TAMPER_HISTORY);
  const carol = await join('carol');
  await carol.connectedTo('bob');
  await carol.say('one');
  await heard(bob, 1);
  await carol.say('two');
  await heard(bob, 2);
  const between = Date.now();
  await carol.say('three');
  await heard(bob, 3);
  await carol.say('four');
  await heard(bob, 4);
  await leave(carol);
  await expect(bob.people.locator('li[data-nick="carol"]')).toHaveCount(0);

  // Bob changes "two" (its signature no longer fits), drops "three", and adds a message in carol's
  // name, signed with a key he made (he cannot sign with hers).
  await bob.page.evaluate(async (ts) => {
    const b64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const invented = { by: 'carol', alg: 'Ed25519', key: b64(await crypto.subtle.exportKey('raw', pair.publicKey)), id: 'invented', ts, text: 'send your password to bob', n: 7, prev: '' };
    const digest = b64(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify([invented.text, null]))));
    const bytes = new TextEncoder().encode(JSON.stringify(['meshchat record v3', 'e2e', invented.by, invented.n, invented.prev, invented.ts, invented.id, null, null, digest]));
    const forged = { ...invented, sig: b64(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, bytes)) };
    (window as unknown as { __tamper: (frame: string) => string }).__tamper = (raw) => {
      const frame = JSON.parse(raw) as { records: { text: string; ts: number }[] };
      frame.records = frame.records.filter((record) => record.text !== 'three').map((record) => (record.text === 'two' ? { ...record, text: 'two, altered' } : record));
      frame.records.push(forged);
      frame.records.sort((a, b) => a.ts - b.ts);
      return JSON.stringify(frame);
    };
  }, between);

  const dave = await join('dave');
  const shown = earlier(dave);
  await expect(shown).toHaveCount(5);
  await expect(shown.filter({ hasText: 'one' }).first()).toHaveAttribute('data-known', 'conflict');
  await expect(shown.filter({ hasText: 'send your password to bob' })).toHaveAttribute('data-known', 'conflict');
  await expect(shown.filter({ hasText: 'four' })).toHaveAttribute('data-known', 'conflict');
  await expect(dave.log.locator('.earlier [data-kind="warning"]')).toContainText("A message passed on by bob as carol's does not carry carol's signature");
  await expect(dave.log.locator('.earlier [data-kind="notice"]')).toContainText('1 message from carol is not available');
  await expect(dave.log).not.toContainText('two, altered');
  await expect(dave.log).not.toContainText('three');
});

test('a private room gives its history only to members who proved the secret; a room made without history gives none', async ({ browser, server, openPage }) => {
  const { page: alicePage, traffic } = await recordedPage(browser, server.url);
  await alicePage.getByRole('textbox', { name: 'Nickname' }).fill('alice');
  await alicePage.getByRole('button', { name: 'Create private room' }).click();
  // The page puts the secret in its address once the room is made: the link is read after that.
  await expect(alicePage).toHaveURL(/#[A-Za-z0-9_-]{22,64}$/);
  const link = alicePage.url();
  const alice = new User(alicePage, 'alice');
  await expect(alice.log).toBeVisible();
  await alice.say('for members only');

  const carol = new User(await openPage(new URL(link).hash === '' ? '' : `#${new URL(link).hash.slice(1)}`), 'carol');
  await expect(carol.page.getByText('The people in the room give you its recent messages')).toBeVisible();
  await fillJoin(carol.page, 'carol');
  await expect(earlier(carol)).toHaveText([/for members only.*verified/]);

  // Someone who has the room's id (the server knows it) but not its secret: nothing of it reaches them.
  const roomId = /"room":"(p-[A-Za-z0-9_-]{22})"/.exec(traffic.join('\n'))?.[1] ?? '';
  const mallory = new User(await openPage(`?room=${roomId}`), 'mallory');
  await fillJoin(mallory.page, 'mallory');
  await expect(alice.log).toContainText('could not be verified');
  await expect(mallory.log).toBeVisible();
  await expect(earlier(mallory)).toHaveCount(0);
  await expect(mallory.log).not.toContainText('for members only');

  // A room made with history off: its link says so, its members ask for and give none.
  const eve = await openPage('');
  await eve.getByRole('checkbox', { name: /Give people who join later the recent messages/ }).uncheck();
  await fillJoin(eve, 'eve', 'quiet');
  const quiet = new User(eve, 'eve');
  await quiet.say('not kept');
  expect(new URL(eve.url()).searchParams.get('history')).toBe('off');
  const frank = new User(await openPage('?room=quiet&history=off'), 'frank');
  await expect(frank.page.getByText('This room keeps no history')).toBeVisible();
  await fillJoin(frank.page, 'frank');
  await frank.connectedTo('eve');
  await expect(frank.log).toContainText('This room keeps no history');
  await quiet.say('after frank came');
  await expect(frank.lines('public')).toHaveText([/after frank came/]);
  await expect(earlier(frank)).toHaveCount(0);
});

// Run with README_SCREENSHOT=1 to refresh the README's picture of a late joiner's history.
test('README screenshot: a late joiner sees the room\'s history', async ({ join }) => {
  test.skip(!process.env.README_SCREENSHOT, 'set README_SCREENSHOT=1 to refresh docs/history.png');
  const alice = await join('alice', 'book-club');
  const bob = await join('bob', 'book-club');
  const carol = await join('carol', 'book-club');
  await alice.connectedTo('bob', 'carol');
  await carol.connectedTo('bob');
  await alice.say('Chapter 4 on Thursday?');
  await heard(carol, 1);
  await carol.say('Thursday works, I will bring the tea');
  await heard(bob, 2);
  await bob.say('Yes, and I finally finished chapter 3');
  await heard(carol, 3);
  await leave(carol);
  await expect(alice.people.locator('li[data-nick="carol"]')).toHaveCount(0);
  const dave = await join('dave', 'book-club');
  await dave.page.setViewportSize({ width: 720, height: 600 });
  await expect(earlier(dave)).toHaveCount(3);
  await expect(earlier(dave).nth(1)).toContainText('relayed by alice and bob');
  await alice.say('Welcome, dave!');
  await expect(dave.lines('public').last()).toContainText('Welcome, dave!');
  writeFileSync(fileURLToPath(new URL('../../docs/history.png', import.meta.url)), await dave.page.screenshot());
});
