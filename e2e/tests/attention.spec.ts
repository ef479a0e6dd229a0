import { expect, test } from '../helpers/fixtures';

/**
 * Headless Chromium never hides a tab, so the page is told it is hidden the way a browser would:
 * `document.hidden` and a `visibilitychange` event. Notifications the page shows are recorded.
 */
const BACKGROUND_TAB = () => {
  const state = window as unknown as { __hidden: boolean; __notified: { title: string; body: string }[] };
  state.__hidden = false;
  state.__notified = [];
  Object.defineProperty(document, 'hidden', { get: () => state.__hidden });
  Object.defineProperty(document, 'visibilityState', { get: () => (state.__hidden ? 'hidden' : 'visible') });
  const Native = window.Notification;
  window.Notification = class extends Native {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      state.__notified.push({ title, body: options?.body ?? '' });
    }
  } as typeof Notification;
};

const setHidden = (hidden: boolean) => {
  (window as unknown as { __hidden: boolean }).__hidden = hidden;
  document.dispatchEvent(new Event('visibilitychange'));
};

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
