import { SignalingProcess } from '@meshchat/testkit/signaling-process';
import { User, fillJoin } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { joinAt, newPage, recordedPage } from '../helpers/pages';

test('privacy canary: no chat or private text ever reaches the signaling server', async ({ browser, server }) => {
  const traffic: string[][] = [];
  const users: User[] = [];
  for (const nick of ['alice', 'bob', 'carol']) {
    const recorded = await recordedPage(browser, `${server.url}/?room=canary`);
    traffic.push(recorded.traffic);
    await fillJoin(recorded.page, nick);
    users.push(new User(recorded.page, nick));
  }
  const [alice, bob, carol] = users as [User, User, User];
  await alice.connectedTo('bob', 'carol');
  await bob.connectedTo('carol');
  await alice.say('CANARY-public-7f3a9 meet at noon');
  await bob.say('/msg carol CANARY-private-91bc2 the key is under the mat');
  await carol.say('/to alice CANARY-private-55d0e thanks');
  await expect(carol.lines('private').filter({ hasText: 'CANARY-private-91bc2' })).toHaveAttribute('data-from', 'bob');
  await expect(alice.lines('private').filter({ hasText: 'CANARY-private-55d0e' })).toHaveAttribute('data-from', 'carol');
  await expect(bob.lines('public')).toContainText('CANARY-public-7f3a9');

  const all = traffic.flat().join('\n');
  expect(all, 'the canary saw signaling traffic at all').toContain('"offer"');
  expect(all).toContain('candidate');
  for (const secret of ['CANARY', 'meet at noon', 'under the mat', 'thanks']) expect(all).not.toContain(secret);
});

test('the server killed mid-chat: chat keeps flowing, and everyone re-registers on restart', async ({ join, server, browser }) => {
  const users = [await join('alice', 'crash'), await join('bob', 'crash'), await join('carol', 'crash')];
  const [alice, bob, carol] = users as [User, User, User];
  await alice.connectedTo('bob', 'carol');
  await bob.connectedTo('carol');
  await alice.say('before the crash');
  await expect(carol.lines('public')).toHaveText([/alice: before the crash/]);

  const port = server.port;
  await server.stop('SIGKILL');
  for (const user of users) await expect(user.page.getByRole('status')).toHaveText(/^Offline/);
  await bob.say('during the outage');
  await carol.say('/msg alice still private while the server is gone');
  await expect(alice.lines('public').filter({ hasText: 'during the outage' })).toHaveCount(1);
  await expect(carol.lines('public').filter({ hasText: 'during the outage' })).toHaveCount(1);
  await expect(alice.lines('private').filter({ hasText: 'still private' })).toHaveAttribute('data-from', 'carol');

  await server.start(port);
  for (const user of users) {
    await expect(user.page.getByRole('status')).toHaveText('Online', { timeout: 20_000 });
    await expect(user.lines('notice').filter({ hasText: 'Back after' })).toHaveCount(1);
  }
  // The restarted server knows all three again, under the same nicknames.
  const dave = await newPage(browser, `${server.url}/?room=crash`);
  await fillJoin(dave, 'Alice');
  await expect(dave.getByRole('alert')).toHaveText(/already uses this nickname/);
  await fillJoin(dave, 'dave');
  const daveUser = new User(dave, 'dave');
  await daveUser.connectedTo('alice', 'bob', 'carol');
  await alice.say('after the restart');
  for (const user of [bob, carol, daveUser]) {
    await expect(user.lines('public').filter({ hasText: 'after the restart' })).toHaveCount(1);
  }
  await expect(alice.lines('public').filter({ hasText: 'during the outage' })).toHaveCount(1);
});

test('someone who closes their tab while the server is down leaves after the restart: one line, no refusals, receipts count those present', async ({ join, server }) => {
  const users = [await join('alice', 'ghost'), await join('bob', 'ghost'), await join('carol', 'ghost')];
  const [alice, bob, carol] = users as [User, User, User];
  await alice.connectedTo('bob', 'carol');
  await bob.connectedTo('carol');

  const port = server.port;
  await server.stop('SIGKILL');
  await carol.page.close();
  await server.start(port);
  for (const user of [alice, bob]) await expect(user.lines('notice').filter({ hasText: 'Back after' })).toHaveCount(1, { timeout: 20_000 });
  // The restarted server does not list carol and nobody has a link to her. Her page said goodbye on
  // its links as it closed, so she has only a reload's grace to come back, then she is gone, with one line.
  for (const user of [alice, bob]) {
    await expect(user.people.locator('li[data-nick="carol"]')).toHaveCount(0);
    await expect(user.lines('notice').filter({ hasText: /carol .*left/ })).toHaveText([/carol left the room/]);
    // Her leaving is no lost link, and nothing the page tried meanwhile was refused.
    await expect(user.lines('notice').filter({ hasText: 'Lost the direct link to carol' })).toHaveCount(0);
    await expect(user.lines('notice').filter({ hasText: /refused|not in this room|not in a room/ })).toHaveCount(0);
  }
  await alice.say('only bob is here');
  await expect(alice.receipt('only bob is here')).toHaveAttribute('title', /^delivered, delivered to 1\/1(, seen by bob)?$/);
});

test('operator q: every page shows the shutdown notice, and chat goes on', async ({ join, server }) => {
  const users = [await join('alice', 'ops'), await join('bob', 'ops'), await join('carol', 'ops')];
  const [alice, bob, carol] = users as [User, User, User];
  await alice.connectedTo('bob', 'carol');
  await bob.connectedTo('carol');
  server.type('q');
  expect(await server.exited()).toBe(0);
  for (const user of users) await expect(user.lines('notice').filter({ hasText: 'shutting down' })).toHaveCount(1);
  await carol.say('the links outlive the server');
  await expect(alice.lines('public')).toHaveText([/carol: the links outlive the server/]);
  await expect(bob.lines('public')).toHaveText([/carol: the links outlive the server/]);
});

test('someone whose tab is gone but whose seat is held is shown as away, causes no errors, and links up on coming back', async ({ browser }) => {
  // The seat is held for 30 s, as by default: long enough for carol to join meanwhile.
  const server = new SignalingProcess(['--reconnect-grace', '30000']);
  await server.start();
  const url = `${server.url}/?room=grace`;
  const alice = await joinAt(browser, url, 'alice');
  const bob = await joinAt(browser, url, 'bob');
  await alice.connectedTo('bob');
  // Bob's tab goes elsewhere, and its goodbye never gets out (as when the network goes first): his
  // links and his signaling connection are gone, his seat is held.
  await bob.page.evaluate(() => {
    navigator.sendBeacon = () => true;
    for (const kind of [WebSocket, RTCDataChannel]) {
      const send = kind.prototype.send as (this: WebSocket | RTCDataChannel, data: string) => void;
      (kind.prototype as { send: unknown }).send = function (this: WebSocket | RTCDataChannel, data: string) {
        if (typeof data === 'string' && data.includes('bye')) return;
        send.call(this, data);
      };
    }
  });
  await bob.page.goto('about:blank');
  await expect(alice.people.locator('li[data-nick="bob"]')).toHaveAttribute('data-state', 'away');

  const carol = await joinAt(browser, url, 'carol');
  await carol.connectedTo('alice');
  const atCarol = carol.people.locator('li[data-nick="bob"]');
  await expect(atCarol).toHaveAttribute('data-state', 'away');
  await expect(atCarol).toContainText('away');

  // Bob comes back within the grace (his tab kept the seat): he links to carol, whom he never met.
  await bob.page.goBack();
  await bob.connectedTo('alice', 'carol');
  await carol.connectedTo('bob');
  await bob.say('back again');
  await expect(carol.lines('public').filter({ hasText: 'back again' })).toHaveAttribute('data-from', 'bob');
  for (const user of [alice, carol]) await expect(user.lines('notice').filter({ hasText: /refused|not in this room/ })).toHaveCount(0);
  await expect(carol.lines('notice').filter({ hasText: 'Lost the direct link' })).toHaveCount(0);
});
