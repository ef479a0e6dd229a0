// "Seen by": beside "delivered to k/n", who has seen a message: their page showed it while they
// were looking. Anyone can stop telling it; a hidden tab tells nothing until it is looked at.
import type { Locator } from '@playwright/test';
import type { User } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { NO_FIREFOX } from '../helpers/firefox';
import { BACKGROUND_TAB, setHidden } from '../helpers/visibility';

/** The receipt of `user`'s own message whose words contain `text`. */
const receipt = (user: User, text: string): Locator =>
  user.log.locator('.line[data-mine]').filter({ has: user.page.locator('.body > .text', { hasText: text }) }).locator('.receipt');

/** In a page: count the "seen" frames it sends, in `__seenSent`. */
const COUNT_SEEN = () => {
  const state = window as unknown as { __seenSent: number };
  state.__seenSent = 0;
  const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
    if (typeof data === 'string' && data.includes('"type":"seen"')) state.__seenSent += 1;
    send.call(this, data);
  };
};
const seenSent = (user: User) => user.page.evaluate(() => (window as unknown as { __seenSent: number }).__seenSent);

test('seen by: who looked at a message, said beside "delivered to k/n"; a hidden tab says it once looked at; turned off, nothing is said', async ({ join }) => {
  const alice = await join('alice', 'looked');
  const bob = await join('bob', 'looked', BACKGROUND_TAB);
  const carol = await join('carol', 'looked', COUNT_SEEN);
  for (const user of [alice, bob, carol]) await user.connectedTo(...['alice', 'bob', 'carol'].filter((nick) => nick !== user.nick));

  await test.step('bob\'s tab is hidden: carol has seen it, bob has it but has not seen it; once he looks, he has', async () => {
    await bob.page.evaluate(setHidden, true);
    await alice.say('lunch at noon?');
    await expect(bob.log).toContainText('lunch at noon?');
    await expect(receipt(alice, 'lunch at noon?')).toHaveAttribute('aria-label', 'delivered, delivered to 2/2, seen by carol');
    await expect(receipt(alice, 'lunch at noon?')).not.toHaveAttribute('data-seen-all');
    await bob.page.evaluate(setHidden, false);
    await expect(receipt(alice, 'lunch at noon?')).toHaveAttribute('aria-label', 'delivered, delivered to 2/2, seen by carol, bob');
    await expect(receipt(alice, 'lunch at noon?')).toHaveAttribute('data-seen-all');
    await expect(receipt(alice, 'lunch at noon?')).toHaveAttribute('title', 'delivered, delivered to 2/2, seen by carol, bob');
  });

  await test.step('a private message says "seen" once its one reader looked at their conversation', async () => {
    await alice.say('/msg bob just for you');
    await expect(receipt(alice, 'just for you')).toHaveAttribute('aria-label', 'delivered');
    await bob.conversation(/Private: alice/).click();
    await expect(receipt(alice, 'just for you')).toHaveAttribute('aria-label', 'delivered, seen');
    // What is said to the room meanwhile is not on bob's screen: not seen until he goes back to it.
    await alice.say('the room, meanwhile');
    await expect(receipt(alice, 'the room, meanwhile')).toHaveAttribute('aria-label', 'delivered, delivered to 2/2, seen by carol');
    await bob.conversation(/Everyone/).click();
    await expect(receipt(alice, 'the room, meanwhile')).toHaveAttribute('aria-label', 'delivered, delivered to 2/2, seen by carol, bob');
  });

  await test.step('carol turns it off in People: her page tells nobody any more, and her messages still go', async () => {
    const choice = carol.page.getByRole('checkbox', { name: 'Tell people when I have seen their messages' });
    await expect(choice).toBeChecked();
    await choice.uncheck();
    const before = await seenSent(carol);
    await alice.say('dessert?');
    await expect(carol.log).toContainText('dessert?');
    await expect(receipt(alice, 'dessert?')).toHaveAttribute('aria-label', 'delivered, delivered to 2/2, seen by bob');
    // A page tells what it showed within a fifth of a second; a second later carol's has told nothing.
    await carol.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1_000)));
    expect(await seenSent(carol)).toBe(before);
    await expect(receipt(alice, 'dessert?')).toHaveAttribute('aria-label', 'delivered, delivered to 2/2, seen by bob');
    await carol.say('no, thanks');
    await expect(bob.log).toContainText('no, thanks');
    await expect(receipt(carol, 'no, thanks')).toHaveAttribute('aria-label', /^delivered, delivered to 2\/2, seen by (alice, bob|bob, alice)$/);
  });
});

test('seen by between Chromium and Firefox, both ways', async ({ join, joinFirefox }) => {
  test.skip(NO_FIREFOX !== '', NO_FIREFOX);
  const alice = await join('alice', 'looked-mixed');
  const carol = await joinFirefox('carol', 'looked-mixed');
  await alice.connectedTo('carol');
  await carol.connectedTo('alice');
  await alice.say('from chromium');
  await expect(receipt(alice, 'from chromium')).toHaveAttribute('aria-label', 'delivered, delivered to 1/1, seen by carol');
  await carol.say('from firefox');
  await carol.until('her message, seen by alice', () =>
    window.__mc.all('.line[data-mine] .receipt').some((mark) => mark.getAttribute('aria-label') === 'delivered, delivered to 1/1, seen by alice'),
  );
});
