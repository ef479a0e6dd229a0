import { violations } from '../helpers/axe';
import { expect, test } from '../helpers/fixtures';
import { BACKGROUND_TAB, setHidden } from '../helpers/visibility';

test('a hidden tab counts new messages in its title and notifies; private conversations count their unread', async ({ join }) => {
  const alice = await join('alice', 'ping', BACKGROUND_TAB);
  const bob = await join('bob', 'ping');
  await alice.connectedTo('bob');
  await alice.page.context().grantPermissions(['notifications']);
  await alice.page.getByRole('button', { name: 'Notify me of new messages' }).click();
  await expect(alice.page.getByRole('button', { name: 'Notify me of new messages' })).toHaveCount(0);
  await expect(alice.page).toHaveTitle('ping · meshchat');

  await alice.page.evaluate(setHidden, true);
  await bob.say('are you there?');
  await bob.say('/msg alice it is about the keys');
  await expect(alice.page).toHaveTitle('(2) ping · meshchat');
  expect(await alice.page.evaluate(() => (window as unknown as { __notified: unknown[] }).__notified)).toEqual([
    { title: 'bob in ping', body: 'are you there?' },
    { title: 'bob (private)', body: 'it is about the keys' },
  ]);
  await alice.page.evaluate(setHidden, false);
  await expect(alice.page).toHaveTitle('ping · meshchat');

  // The private conversation shows what is unread until it is opened.
  await bob.say('/msg alice and the car');
  const conversation = alice.conversation(/Private: bob/);
  await expect(conversation).toHaveAccessibleName(/^Private: bob\s*\(2 unread\)$/);
  await conversation.click();
  await expect(conversation).toHaveAccessibleName('Private: bob');
  await expect(alice.lines('private')).toHaveCount(2);
  // Public messages while the private conversation is open count on Everyone.
  await bob.say('lunch?');
  await expect(alice.conversation(/Everyone/)).toHaveAccessibleName(/^Everyone\s*\(1 unread\)$/);
  // Nothing was notified while the tab was in view.
  expect(await alice.page.evaluate(() => (window as unknown as { __notified: unknown[] }).__notified)).toHaveLength(2);
});

test('@mentions: offered by keyboard, marked for everyone, a mark of their own for the one mentioned, and notified with "mentions" only', async ({ join }) => {
  const alice = await join('alice', 'mention', BACKGROUND_TAB);
  const bob = await join('bob', 'mention');
  const carol = await join('carol', 'mention');
  for (const user of [alice, bob]) await user.connectedTo(...['alice', 'bob', 'carol'].filter((nick) => nick !== user.nick));
  await alice.page.context().grantPermissions(['notifications']);
  await alice.page.getByRole('button', { name: 'Notify me of new messages' }).click();
  await alice.page.getByRole('combobox', { name: 'Notify me of' }).selectOption({ label: 'Mentions and private messages' });
  await alice.page.evaluate(setHidden, true);

  // "@" offers the room's people; the arrow keys move, Enter puts the name in.
  const box = bob.page.locator('mc-message-composer').getByRole('textbox');
  await box.pressSequentially('lunch, @');
  const offered = bob.page.getByRole('listbox', { name: 'People to mention' });
  await expect(offered.getByRole('option')).toHaveText(['alice', 'carol']);
  await expect(offered.getByRole('option', { name: 'alice' })).toHaveAttribute('aria-selected', 'true');
  await box.press('ArrowDown');
  await expect(offered.getByRole('option', { name: 'carol' })).toHaveAttribute('aria-selected', 'true');
  expect(await violations(bob.page), 'the list of people to mention').toEqual([]);
  await box.press('ArrowUp');
  await box.press('Enter');
  await expect(offered).toHaveCount(0);
  await expect(box).toHaveValue('lunch, @alice ');
  await box.pressSequentially('at one?');
  await box.press('Enter');
  await bob.say('nobody mentioned here, not even alice@example.com');

  const mentioned = alice.log.locator('.line[data-mentions-me]');
  await expect(mentioned).toHaveCount(1);
  await expect(mentioned.locator('.mention[data-me]')).toHaveText('@alice');
  await expect(carol.log.locator('.mention')).toHaveText('@alice');
  await expect(carol.log.locator('.mention[data-me]')).toHaveCount(0);
  const notified = () => alice.page.evaluate(() => (window as unknown as { __notified: { title: string }[] }).__notified.map(({ title }) => title));
  await expect.poll(notified).toEqual(['bob mentioned you in mention']);

  // Read in a private conversation, the room's tab says it holds a mention until it is seen.
  await alice.page.evaluate(setHidden, false);
  await bob.say('/msg alice psst');
  await alice.conversation(/Private: bob/).click();
  await alice.page.evaluate(setHidden, true);
  await carol.say('@alice, are you coming?');
  await expect(alice.conversation(/Everyone/)).toHaveAccessibleName(/\(you are mentioned\)/);
  await alice.page.evaluate(setHidden, false);
  await alice.conversation(/Everyone/).click();
  await expect(alice.conversation(/Everyone/)).toHaveAccessibleName('Everyone');
  await expect.poll(notified).toEqual(['bob mentioned you in mention', 'carol mentioned you in mention']);
});
