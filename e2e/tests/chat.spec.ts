import { expect, test } from '../fixtures';

test('two users chat both ways', async ({ join }) => {
  const alice = await join('alice');
  const bob = await join('bob');
  await alice.connectedTo('bob');
  await bob.connectedTo('alice');
  await bob.say('hi alice');
  await expect(alice.lines('public')).toHaveText([/bob: hi alice/]);
  await alice.say('hello bob');
  await expect(bob.lines('public').filter({ hasText: 'hello bob' })).toHaveAttribute('data-from', 'alice');
});
