import { expect, type Locator, type Page } from '@playwright/test';

/** One person: a browser context of their own with the chat page open. */
export class User {
  constructor(
    readonly page: Page,
    readonly nick: string,
  ) {}

  // Found by role and component, not by their English names, so they work in every language.
  get log(): Locator {
    return this.page.locator('mc-message-log').getByRole('log');
  }

  get people(): Locator {
    return this.page.locator('mc-people-list').getByRole('list');
  }

  lines(kind: 'public' | 'private' | 'notice'): Locator {
    return this.log.locator(`[data-kind="${kind}"]`);
  }

  /** The ✓ / ✓✓ mark of our own line that contains `text`. */
  receipt(text: string): Locator {
    return this.log.locator('.line').filter({ hasText: text }).locator('.receipt');
  }

  /** "bob is typing…", under the conversation. */
  get typing(): Locator {
    return this.page.locator('mc-chat-app .typing');
  }

  /** A conversation's tab, "Everyone" or "Private: bob" (not the button that closes a private one). */
  conversation(name: string | RegExp): Locator {
    return this.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name }).and(this.page.locator('[data-view]'));
  }

  /** Type into the Message box and press Enter. */
  async say(text: string): Promise<void> {
    const box = this.page.locator('mc-message-composer').getByRole('textbox');
    await box.fill(text);
    await box.press('Enter');
  }

  /** Wait until this user's direct links to `nicks` are open. */
  async connectedTo(...nicks: string[]): Promise<void> {
    for (const nick of nicks) {
      await expect(this.people.locator(`li[data-nick="${nick}"]`)).toHaveAttribute('data-state', 'connected');
    }
  }
}

/** Fill in the join form as `nick` (in `room`, if given) and press Join. */
export async function fillJoin(page: Page, nick: string, room?: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Nickname' }).fill(nick);
  if (room !== undefined) await page.getByRole('textbox', { name: 'Room' }).fill(room);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
}
