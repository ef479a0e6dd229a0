// Search in a conversation: Ctrl+F or the Search button, matches marked, history lines included,
// Enter and Shift+Enter going from one to the next, Escape closing it where it was opened.
import { expect, test } from '../helpers/fixtures';
import { violations } from '../helpers/axe';

test('search finds messages in the conversation on screen, history included, marks them and steps through them', async ({ join }) => {
  const alice = await join('alice', 'find');
  const bob = await join('bob', 'find');
  await alice.connectedTo('bob');
  await alice.say('the Budget for March');
  await bob.say('budget looks fine');
  await bob.say('/msg alice the budget, privately');
  await expect(alice.lines('private')).toHaveCount(1);
  const carol = await join('carol', 'find');
  await carol.connectedTo('alice', 'bob');
  await expect(carol.log.locator('.earlier .line')).toHaveCount(2);
  await carol.say('and lunch');
  await alice.say('a budget of its own');
  await expect(carol.lines('public').filter({ hasText: 'a budget of its own' })).toBeVisible();

  const page = carol.page;
  const box = page.getByRole('searchbox', { name: 'Search messages' });
  const composer = page.locator('mc-message-composer').getByRole('textbox');
  await composer.focus();
  await page.keyboard.press('Control+f');
  await expect(box).toBeFocused();
  await box.fill('budget');
  // Two history lines (one "Budget", case aside) and one live line; none of what was private to alice.
  const marks = carol.log.locator('mark');
  await expect(marks).toHaveText(['Budget', 'budget', 'budget']);
  await expect(page.getByText('1 of 3')).toBeVisible();
  // The newest first; Enter goes to older ones, Shift+Enter back, round the ends.
  await expect(marks.nth(2)).toHaveClass(/current/);
  await box.press('Enter');
  await expect(marks.nth(1)).toHaveClass(/current/);
  await expect(page.getByText('2 of 3')).toBeVisible();
  await box.press('Enter');
  await box.press('Enter');
  await expect(marks.nth(2)).toHaveClass(/current/);
  await box.press('Shift+Enter');
  await expect(marks.nth(0)).toHaveClass(/current/);
  expect(await violations(page)).toEqual([]);

  await box.fill('nothing like it');
  await expect(page.getByText('No matches')).toBeVisible();
  await box.press('Escape');
  await expect(box).toHaveCount(0);
  await expect(marks).toHaveCount(0);
  await expect(composer).toBeFocused();

  // In a private conversation it finds that conversation's words only; the Search button opens it too.
  await alice.conversation(/Private: bob/).click();
  await alice.page.locator('mc-message-log').getByRole('button', { name: 'Search', exact: true }).click();
  await alice.page.getByRole('searchbox', { name: 'Search messages' }).fill('budget');
  await expect(alice.log.locator('mark:visible')).toHaveText(['budget']);
});
