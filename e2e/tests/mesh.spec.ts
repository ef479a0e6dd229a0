import { CAPTURE_CHANNELS, type Captured } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';

test('frames are attributed to their link; malformed frames are dropped and counted', async ({ join }) => {
  const alice = await join('alice', 'frames');
  const mallory = await join('mallory', 'frames', CAPTURE_CHANNELS);
  await mallory.connectedTo('alice');
  await mallory.page.evaluate(() => {
    const [channel] = (window as unknown as Captured).__channels;
    if (!channel) throw new Error('no data channel captured');
    const frame = { id: 'f1', seq: 1, ts: Date.now() };
    channel.send('{not json');
    channel.send(JSON.stringify({ type: 'chat', ...frame, text: '' }));
    channel.send(JSON.stringify({ type: 'shout', ...frame, text: 'unknown type' }));
    channel.send(JSON.stringify({ type: 'chat', ...frame, text: 'x'.repeat(5000) }));
    channel.send(JSON.stringify({ type: 'chat', ...frame, from: 'alice', nick: 'alice', text: 'claims to be alice' }));
  });
  await expect(alice.lines('public')).toHaveCount(1);
  await expect(alice.lines('public')).toHaveAttribute('data-from', 'mallory');
  await expect(alice.lines('public')).toContainText('mallory: claims to be alice');
  await expect(alice.log).toHaveAttribute('data-dropped', '4');
  await expect(alice.log).not.toContainText('unknown type');
});

test('a lost link comes back by itself; the peer is removed when the server lets go', async ({ join }) => {
  const alice = await join('alice', 'drop');
  const bob = await join('bob', 'drop', CAPTURE_CHANNELS);
  await alice.connectedTo('bob');
  // Bob's side of the link dies while his signaling connection stays up.
  await bob.page.evaluate(() => (window as unknown as Captured).__connections.forEach((connection) => connection.close()));
  await expect(alice.lines('notice').filter({ hasText: 'Lost the direct link to bob' })).toHaveCount(1);
  await expect(alice.lines('notice').filter({ hasText: /Lost the direct link to bob.*Linked directly after/ })).toHaveCount(1);
  await alice.connectedTo('bob');
  // Why it broke, in the browser's terms, is in Connection details, not in the conversation.
  await alice.page.getByRole('complementary').getByText('Connection details').click();
  await expect(alice.page.locator('dd[data-details="bob"]')).toContainText(/last problem: .+ \((closed|error|silent)\)/);
  await expect(alice.lines('notice').filter({ hasText: 'Lost the direct link to bob' })).not.toContainText('the browser reported');
  await bob.connectedTo('alice');
  await alice.say('anyone there?');
  await expect(bob.lines('public').filter({ hasText: 'anyone there?' })).toHaveCount(1);

  // Then bob is gone altogether; the fixture's server holds his seat for 5 s, then frees it.
  await bob.page.context().close();
  await alice.say('are you still there?');
  await expect(alice.lines('notice').filter({ hasText: 'bob lost their connection and left' })).toHaveCount(1, { timeout: 15_000 });
  await expect(alice.lines('notice').filter({ hasText: 'bob left before receiving 1 of your messages' })).toHaveCount(1);
  await expect(alice.lines('public').filter({ hasText: 'are you still there?' }).locator('.receipt')).toHaveAttribute('data-receipt', 'partial');
  await expect(alice.people.locator('li[data-nick="bob"]')).toHaveCount(0);
});

test('a page busy for 6 s, in Chromium or Firefox, keeps its links: nobody is told a link was lost', async ({ join, joinFirefox }) => {
  const alice = await join('alice', 'busy');
  const bob = await join('bob', 'busy');
  const carol = await joinFirefox('carol', 'busy');
  await alice.connectedTo('bob', 'carol');
  await carol.connectedTo('alice', 'bob');
  // Bob's page, then carol's, runs one task for 6 s (a phone decoding a call, a heavy tab): no ping is answered meanwhile.
  const busy = () => {
    const until = performance.now() + 6_000;
    while (performance.now() < until);
  };
  await bob.page.evaluate(busy);
  await carol.page.evaluate(busy);
  await alice.say('still here?');
  await expect(bob.lines('public').filter({ hasText: 'still here?' })).toHaveCount(1);
  await carol.shows('public', 'still here?', 'alice');
  for (const user of [alice, bob]) await expect(user.lines('notice').filter({ hasText: 'Lost the direct link' })).toHaveCount(0);
  expect((await carol.lines('notice')).join(' ')).not.toContain('Lost the direct link');
});
