import type { Page } from '@playwright/test';
import { COLOUR_RULES, violations } from '../helpers/axe';
import { expect, test } from '../helpers/fixtures';

/** Every rule on the screen as it is in light colours, then the colour rules again in dark, switched in place. */
async function bothThemes(page: Page, screen: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await violations(page), `${screen} (light)`).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await violations(page, COLOUR_RULES), `${screen} (dark)`).toEqual([]);
}

test('axe finds nothing on the join screen, the room and a private conversation, light and dark', async ({ openPage, join }) => {
  const page = await openPage('?room=axe');
  await expect(page.getByRole('textbox', { name: 'Nickname' })).toBeVisible();
  await bothThemes(page, 'join screen');

  const alice = await join('alice', 'axe');
  const bob = await join('bob', 'axe');
  await alice.connectedTo('bob');
  await alice.say('hello https://example.com');
  await bob.say('hi alice');
  await bob.say('/msg alice psst');
  await expect(alice.lines('private')).toHaveCount(1);
  await expect(alice.receipt('hello')).toHaveAttribute('data-receipt', 'delivered');
  await bothThemes(alice.page, 'room');

  await alice.conversation(/Private: bob/).click();
  await expect(alice.lines('private')).toHaveText([/private from bob: psst/]);
  await bothThemes(alice.page, 'private conversation');
});

test('the whole chat works from the keyboard alone, and new messages are announced politely', async ({ openPage, join }) => {
  const bob = await join('bob', 'keys');
  const page = await openPage('?room=keys');
  // The nickname box has focus from the start; Enter joins.
  await expect(page.getByRole('textbox', { name: 'Nickname' })).toBeFocused();
  await page.keyboard.type('alice');
  await page.keyboard.press('Enter');
  // Focus moves to the message box when the room opens.
  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeFocused();
  await expect(bob.people.locator('li[data-nick="alice"]')).toHaveAttribute('data-state', 'connected');
  await page.keyboard.type('typed, not clicked');
  await page.keyboard.press('Enter');
  await expect(bob.lines('public').filter({ hasText: 'typed, not clicked' })).toHaveCount(1);

  // Tab reaches bob in People; Enter opens the private conversation and focus returns to the box.
  const bobInPeople = page.getByRole('list', { name: 'People' }).getByRole('button', { name: 'bob' });
  for (let i = 0; i < 20 && !(await bobInPeople.evaluate((element) => element.matches(':focus'))); i++) await page.keyboard.press('Tab');
  await expect(bobInPeople).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(box).toBeFocused();
  await page.keyboard.type('private by keyboard');
  await page.keyboard.press('Enter');
  await expect(bob.lines('private').filter({ hasText: 'private by keyboard' })).toHaveCount(1);

  // What bob says is put in a polite live region for screen readers.
  await bob.say('can you hear me');
  const announcer = page.locator('[data-announcer]');
  await expect(announcer).toHaveAttribute('aria-live', 'polite');
  await expect(announcer).toHaveText('bob: can you hear me');

  // Shift+Tab walks back to the conversations; Enter on Everyone shows the room again.
  const everyone = page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Everyone/ });
  for (let i = 0; i < 20 && !(await everyone.evaluate((element) => element.matches(':focus'))); i++) await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await expect(everyone).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('log', { name: 'Messages' }).locator('[data-kind="public"]').filter({ hasText: 'can you hear me' })).toHaveCount(1);

  // Leave, by keyboard, back to the join screen with focus on the nickname.
  const leave = page.getByRole('button', { name: 'Leave' });
  for (let i = 0; i < 30 && !(await leave.evaluate((element) => element.matches(':focus'))); i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  // Someone else is here: the question takes the focus, on Stay; Leave is one Shift+Tab away.
  await expect(page.getByRole('alertdialog').getByRole('button', { name: 'Stay' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Nickname' })).toBeFocused();
});
