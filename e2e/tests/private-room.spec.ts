import { User, fillJoin } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { newPage, recordedPage } from '../helpers/pages';
import { startHostileServer } from '../helpers/hostile-server';

const safetyOf = (user: User, peer: string) => user.people.locator(`li[data-nick="${peer}"] .code`).textContent();

test('a private room: the secret stays in the fragment, links are verified, safety codes match', async ({ browser, server }) => {
  const { page: alicePage, traffic: aliceTraffic } = await recordedPage(browser, server.url);
  await alicePage.getByRole('textbox', { name: 'Nickname' }).fill('alice');
  await alicePage.getByRole('button', { name: 'Create private room' }).click();
  await expect(alicePage.getByRole('banner').getByText('Private room', { exact: true })).toBeVisible();
  const link = alicePage.url();
  const secret = new URL(link).hash.slice(1);
  expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/);

  const { page: bobPage, traffic: bobTraffic } = await recordedPage(browser, link);
  await expect(bobPage.getByText('Joining the private room from your link')).toBeVisible();
  await expect(bobPage.getByRole('textbox', { name: 'Room' })).toHaveCount(0);
  await fillJoin(bobPage, 'bob');
  const [alice, bob] = [new User(alicePage, 'alice'), new User(bobPage, 'bob')];
  await alice.connectedTo('bob');
  for (const [user, peer] of [[alice, 'bob'], [bob, 'alice']] as const) {
    await expect(user.people.locator(`li[data-nick="${peer}"]`)).toHaveAttribute('data-verification', 'verified');
  }
  const code = await safetyOf(alice, 'bob');
  expect(code).toMatch(/^\d{5} \d{5}$/);
  expect(await safetyOf(bob, 'alice')).toBe(code);
  // What the code is for is said where it is, on a tap; "I compared it" marks it for this session.
  const aliceSeesBob = alice.people.locator('li[data-nick="bob"]');
  await expect(aliceSeesBob).toContainText('has the room secret');
  await expect(aliceSeesBob.locator('summary')).not.toContainText('compared');
  await aliceSeesBob.getByText('Safety code').click();
  await expect(aliceSeesBob.getByText('bob sees the same code for you')).toBeVisible();
  await aliceSeesBob.getByRole('button', { name: 'I compared it: it matches' }).click();
  await expect(aliceSeesBob.locator('summary')).toContainText('✓ compared');
  await expect(aliceSeesBob.getByText('You compared it with bob.')).toBeVisible();
  await expect(bob.people.locator('li[data-nick="alice"] summary')).not.toContainText('compared');

  await bob.say('PRIVATE-ROOM-CANARY meet by the old oak');
  await alice.say('/msg bob PRIVATE-DM-CANARY bring the map');
  await expect(alice.lines('public')).toContainText('PRIVATE-ROOM-CANARY');
  await expect(bob.lines('private')).toContainText('PRIVATE-DM-CANARY');

  // Nothing the server saw holds the secret or any message; it knows the room by a derived id.
  const traffic = [...aliceTraffic, ...bobTraffic].join('\n');
  expect(traffic).toMatch(/"room":"p-[A-Za-z0-9_-]{22}"/);
  for (const secretThing of [secret, 'CANARY', 'old oak', 'bring the map']) expect(traffic).not.toContain(secretThing);

  // Someone with another secret lands in another room.
  const eve = await newPage(browser, `${server.url}/#${'e'.repeat(22)}`);
  await fillJoin(eve, 'eve');
  await expect(eve.getByRole('list', { name: 'People' })).toContainText('eve (you)');
  await expect(alice.people.locator('li[data-nick="eve"]')).toHaveCount(0);
});

test('a signaling server in the middle is caught: both users are warned and nothing is shown', async ({ browser }) => {
  const attacker = await (await browser.newContext()).newPage();
  const hostile = await startHostileServer(attacker);
  const secret = 'a'.repeat(10) + 'B'.repeat(12);
  const alicePage = await newPage(browser, `${hostile.url}/#${secret}`);
  await fillJoin(alicePage, 'alice');
  await expect(alicePage.getByRole('banner').getByText('Private room', { exact: true })).toBeVisible();
  const bobPage = await newPage(browser, `${hostile.url}/#${secret}`);
  await fillJoin(bobPage, 'bob');
  const [alice, bob] = [new User(alicePage, 'alice'), new User(bobPage, 'bob')];

  // The links do open, through the attacker.
  await alice.connectedTo('bob');
  await bob.connectedTo('alice');
  const warned = Date.now();
  for (const [user, peer] of [[alice, 'bob'], [bob, 'alice']] as const) {
    await expect(user.people.locator(`li[data-nick="${peer}"]`)).toHaveAttribute('data-verification', 'failed', { timeout: 5_000 });
    await expect(user.lines('notice').filter({ hasText: `the link to ${peer} could not be verified` })).toHaveCount(1);
  }
  console.log(`[measure] man in the middle flagged on both ends ${Date.now() - warned} ms after the links opened`);
  expect(await safetyOf(alice, 'bob')).not.toBe(await safetyOf(bob, 'alice'));

  // Nobody sends over an unverified link, so the attacker reads nothing.
  await bob.say('the plan is under the floor');
  await alice.say('/msg bob the key is in the drawer');
  await expect(bob.lines('notice').filter({ hasText: 'Nobody else is connected' })).toHaveCount(1);
  await expect(alice.lines('notice').filter({ hasText: 'not verified, so the private message was not sent' })).toHaveCount(1);
  await expect(alice.lines('public')).toHaveCount(0);
  await expect(bob.lines('private')).toHaveCount(0);
  expect(hostile.relayed.join('\n')).not.toContain('plan is under');
  expect(hostile.relayed.join('\n')).not.toContain('in the drawer');
  expect(hostile.relayed.some((frame) => frame.includes('"proof"'))).toBe(true);

  // What the attacker sends itself is not shown either.
  await hostile.inject('alice', 'bob', JSON.stringify({ type: 'chat', id: 'x1', seq: 99, ts: Date.now(), text: 'FORGED by mallory' }));
  await alice.say('/users');
  await expect(alice.lines('notice').filter({ hasText: 'alice (you)' })).toHaveCount(1);
  await expect(alice.log).not.toContainText('FORGED');
});
