import type { Browser } from '@playwright/test';
import { SignalingProcess } from '@meshchat/testkit/signaling-process';
import { User } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { joinAt, newPage } from '../helpers/pages';
import { startCoturn } from '@meshchat/testkit/coturn';

const SECRET = 'coturn-shared-secret-for-tests';

/** Alice joins, then Bob; `linkMs` is from Bob's Join click until both see the link open. */
async function pairUp(browser: Browser, server: SignalingProcess, room: string, query = '') {
  const url = `${server.url}/?room=${room}${query}`;
  const alice = await joinAt(browser, url, 'alice');
  const page = await newPage(browser, url);
  await page.getByRole('textbox', { name: 'Nickname' }).fill('bob');
  const clicked = Date.now();
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  const bob = new User(page, 'bob');
  await Promise.all([alice.connectedTo('bob'), bob.connectedTo('alice')]);
  return { alice, bob, linkMs: Date.now() - clicked };
}

test('two clients forced through a real coturn chat over the relay, and the UI says "through a relay server"', async ({ browser }) => {
  const turn = await startCoturn(SECRET);
  const server = new SignalingProcess(['--turn-url', turn.url, '--turn-secret', SECRET]);
  await server.start();
  // Same run, same machine: a direct link first, for comparison.
  const direct = await pairUp(browser, server, 'direct');
  await expect(direct.alice.people.locator('li[data-nick="bob"]')).toHaveAttribute('data-route', 'direct');

  const relayed = await pairUp(browser, server, 'relayed', '&ice=relay');
  console.log(`[measure] Join click to link open: direct ${direct.linkMs} ms, relayed through coturn ${relayed.linkMs} ms`);
  for (const [user, peer] of [[relayed.alice, 'bob'], [relayed.bob, 'alice']] as const) {
    const entry = user.people.locator(`li[data-nick="${peer}"]`);
    await expect(entry).toHaveAttribute('data-route', 'relayed');
    await expect(entry).toContainText('through a relay server');
  }
  await relayed.bob.say('through the relay');
  await expect(relayed.alice.lines('public')).toHaveText([/bob: through the relay/]);
  await relayed.alice.say('/msg bob privately, still relayed');
  await expect(relayed.bob.lines('private')).toContainText('privately, still relayed');
});

test('wrong TURN credentials fail fast with a visible error instead of hanging', async ({ browser }) => {
  const turn = await startCoturn(SECRET);
  const server = new SignalingProcess(['--turn-url', turn.url, '--turn-secret', 'not-the-secret']);
  await server.start();
  const url = `${server.url}/?room=wrong&ice=relay`;
  const alice = await joinAt(browser, url, 'alice');
  const bob = await joinAt(browser, url, 'bob');
  for (const [user, peer] of [[alice, 'bob'], [bob, 'alice']] as const) {
    await expect(user.people.locator(`li[data-nick="${peer}"]`)).toHaveAttribute('data-state', 'failed', { timeout: 15_000 });
  }
  await expect(bob.lines('notice').filter({ hasText: 'TURN server refused the credentials' })).toHaveCount(1);
});

test('TURN credentials from /ice really expire: coturn refuses them after their lifetime', async ({ browser }) => {
  const turn = await startCoturn(SECRET);
  const server = new SignalingProcess(['--turn-url', turn.url, '--turn-secret', SECRET, '--turn-ttl', '1']);
  await server.start();
  const page = await newPage(browser, server.url);
  const gather = (wait: number) =>
    page.evaluate(async (wait) => {
      const config = (await (await fetch('/ice')).json()) as { iceServers: RTCIceServer[] };
      await new Promise((resolve) => setTimeout(resolve, wait));
      const connection = new RTCPeerConnection({ iceServers: config.iceServers, iceTransportPolicy: 'relay' });
      const errors: number[] = [];
      let relays = 0;
      connection.addEventListener('icecandidateerror', (event) => errors.push(event.errorCode));
      connection.addEventListener('icecandidate', (event) => {
        if (event.candidate?.type === 'relay') relays += 1;
      });
      connection.createDataChannel('probe');
      await connection.setLocalDescription(await connection.createOffer());
      await new Promise<void>((resolve) => {
        const done = () => connection.iceGatheringState === 'complete' && resolve();
        connection.addEventListener('icegatheringstatechange', done);
        done();
      });
      connection.close();
      return { relays, errors };
    }, wait);
  expect(await gather(0)).toEqual({ relays: 1, errors: [] });
  const stale = await gather(2_500);
  expect(stale.relays).toBe(0);
  expect(stale.errors).toContain(401);
});
