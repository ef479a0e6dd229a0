// A conversation as people expect one: reply to a message and go back to it, react with an emoji,
// edit and delete your own words; seen live by everyone in the room, and by someone who comes later.
import type { Locator } from '@playwright/test';
import type { ElementHandle } from 'puppeteer-core';
import type { User } from '@meshchat/testkit/user';
import { COLOUR_RULES, violations } from '../helpers/axe';
import { expect, test } from '../helpers/fixtures';
import { NO_FIREFOX, type FirefoxUser } from '../helpers/firefox';
import type { InitScripts } from '../helpers/pages';

/** `user`'s line of a message whose words contain `text` (not a reply quoting them). */
const line = (user: User, text: string): Locator => user.log.locator('.line[data-ref-id]').filter({ has: user.page.locator('.body > .text', { hasText: text }) });

/** A message's action, as a person reaches it: pointing at the message shows its actions. */
async function act(user: User, text: string, action: 'Reply' | 'React' | 'Edit' | 'Delete'): Promise<void> {
  const target = line(user, text);
  await target.hover();
  await target.getByRole('button', { name: action, exact: true }).click();
}

async function react(user: User, text: string, emoji: string): Promise<void> {
  await act(user, text, 'React');
  await user.page.getByRole('dialog', { name: 'React with' }).getByRole('button', { name: emoji, exact: true }).click();
}

const composer = (user: User) => user.page.locator('mc-message-composer');

test('reply and go back to the message, react and take it back, edit and delete: seen by everyone, and by a late joiner', async ({ join }) => {
  const alice = await join('alice', 'talk');
  const bob = await join('bob', 'talk');
  const carol = await join('carol', 'talk');
  for (const user of [alice, bob, carol]) await user.connectedTo(...['alice', 'bob', 'carol'].filter((nick) => nick !== user.nick));
  await alice.say('lunch at noon?');
  await alice.say('oops, a secret');
  await expect(line(bob, 'lunch at noon?')).toBeVisible();

  await test.step('reply: the composer says to whom, the quote shows above the reply, and it goes back to the message', async () => {
    await act(bob, 'lunch at noon?', 'Reply');
    await expect(composer(bob).getByText('Replying to alice')).toBeVisible();
    await expect(composer(bob)).toContainText('lunch at noon?');
    await bob.say('yes!');
    await expect(composer(bob).getByText('Replying to alice')).toHaveCount(0);
    const reply = line(carol, 'yes!');
    await expect(reply.locator('.quote')).toContainText('alice lunch at noon?');
    for (const filler of ['one', 'two', 'three']) await alice.say(filler);
    await reply.locator('.quote').click();
    await expect(line(carol, 'lunch at noon?')).toBeFocused();
    await expect(line(carol, 'lunch at noon?')).toHaveClass(/found/);
  });

  await test.step('react: quick reactions, one chip an emoji with its count, pressed where one reacted, toggled by activation', async () => {
    await react(bob, 'lunch at noon?', '👍');
    await react(carol, 'lunch at noon?', '👍');
    await react(carol, 'lunch at noon?', '❤️');
    const chip = (user: User, name: string) => line(user, 'lunch at noon?').getByRole('button', { name, exact: true });
    await expect(chip(alice, '👍 2')).toHaveAttribute('aria-pressed', 'false');
    await expect(chip(alice, '👍 2')).toHaveAttribute('title', 'bob and carol');
    await expect(chip(bob, '👍 2')).toHaveAttribute('aria-pressed', 'true');
    await expect(chip(alice, '❤️ 1')).toBeVisible();
    await chip(bob, '👍 2').click();
    for (const user of [alice, bob, carol]) await expect(chip(user, '👍 1')).toBeVisible();
    await expect(chip(bob, '👍 1')).toHaveAttribute('aria-pressed', 'false');
    // Escape closes the quick reactions and gives focus back to React.
    await act(alice, 'lunch at noon?', 'React');
    await alice.page.keyboard.press('Escape');
    await expect(line(alice, 'lunch at noon?').getByRole('button', { name: 'React', exact: true })).toBeFocused();
  });

  await test.step('edit: Arrow Up in an empty composer edits one\'s last message; everyone sees the new words and "(edited)"', async () => {
    await act(alice, 'lunch at noon?', 'Edit');
    await expect(composer(alice).getByText('Editing your message')).toBeVisible();
    await alice.page.keyboard.press('Escape');
    await expect(composer(alice).getByText('Editing your message')).toHaveCount(0);
    const box = composer(alice).getByRole('textbox');
    await box.press('ArrowUp');
    await expect(box).toHaveValue('three');
    await box.press('Escape');
    await act(alice, 'lunch at noon?', 'Edit');
    await expect(box).toHaveValue('lunch at noon?');
    await box.fill('lunch at one?');
    await box.press('Enter');
    for (const user of [alice, bob, carol]) {
      await expect(line(user, 'lunch at one?')).toContainText('(edited)');
      await expect(user.log).not.toContainText('lunch at noon?');
    }
    await expect(line(carol, 'yes!').locator('.quote')).toContainText('alice lunch at one?');
  });

  await test.step('delete: asked first; then everyone sees "message deleted" in its place; only one\'s own messages can be edited or deleted', async () => {
    const question = alice.page.getByRole('dialog', { name: 'Delete this message?' });
    await act(alice, 'oops, a secret', 'Delete');
    await expect(question).toContainText('oops, a secret');
    await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused();
    expect(await violations(alice.page), 'the question').toEqual([]);
    await alice.page.keyboard.press('Escape');
    await expect(question).toBeHidden();
    await expect(line(alice, 'oops, a secret').getByRole('button', { name: 'Delete', exact: true })).toBeFocused();
    await expect(line(bob, 'oops, a secret')).toBeVisible();
    await act(alice, 'oops, a secret', 'Delete');
    await question.getByRole('button', { name: 'Delete', exact: true }).click();
    for (const user of [alice, bob, carol]) {
      await expect(user.log).not.toContainText('oops, a secret');
      await expect(user.log.locator('.line[data-deleted]')).toHaveText(/message deleted/);
    }
    await line(bob, 'lunch at one?').hover();
    await expect(line(bob, 'lunch at one?').getByRole('button', { name: 'Edit' })).toHaveCount(0);
    await expect(line(bob, 'lunch at one?').getByRole('button', { name: 'Delete' })).toHaveCount(0);
  });

  await test.step('a late joiner sees the room as it is: the latest words, the reply, the reactions, the deletion', async () => {
    const dave = await join('dave', 'talk');
    const earlier = dave.log.locator('.earlier');
    const earlierLine = (text: string) => earlier.locator('.line').filter({ has: dave.page.locator('.body > .text', { hasText: text }) });
    await expect(earlierLine('lunch at one?')).toContainText('(edited)');
    await expect(earlierLine('yes!').locator('.quote')).toContainText('alice lunch at one?');
    await expect(earlierLine('lunch at one?').getByRole('button', { name: '👍 1' })).toBeVisible();
    await expect(earlier.locator('.line[data-deleted]')).toHaveText(/message deleted/);
    await expect(dave.log).not.toContainText('oops, a secret');
    await expect(dave.log).not.toContainText('lunch at noon?');
  });

  await test.step('axe finds nothing on the new surfaces: actions, chips, quote, the quick reactions and the composer\'s reply bar', async () => {
    await act(bob, 'lunch at one?', 'Reply');
    await line(bob, 'yes!').getByRole('button', { name: 'Reply', exact: true }).focus();
    await bob.page.emulateMedia({ colorScheme: 'light' });
    expect(await violations(bob.page), 'light').toEqual([]);
    await bob.page.emulateMedia({ colorScheme: 'dark' });
    expect(await violations(bob.page, COLOUR_RULES), 'dark').toEqual([]);
    await act(bob, 'lunch at one?', 'React');
    expect(await violations(bob.page), 'quick reactions').toEqual([]);
  });
});

/** In a hostile page: every action it sends becomes an edit of the message it names, with words of its choosing. */
const FORGE_EDITS: InitScripts = () => {
  const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
    let frame = data;
    if (typeof frame === 'string' && frame.includes('"type":"act"')) frame = JSON.stringify({ ...(JSON.parse(frame) as object), act: 'edit', text: 'I owe mallory 100' });
    send.call(this, frame);
  };
};

test('an edit of someone else\'s message, forged by a hostile page, is never applied and is flagged', async ({ join }) => {
  const alice = await join('alice', 'forge');
  const carol = await join('carol', 'forge');
  const mallory = await join('mallory', 'forge', FORGE_EDITS);
  for (const user of [alice, carol]) await user.connectedTo('mallory');
  await alice.say('I owe mallory nothing');
  await react(mallory, 'I owe mallory nothing', '👍');
  for (const user of [alice, carol]) {
    await expect(user.log.locator('[data-kind="warning"][data-from="mallory"]')).toContainText('mallory tried to change a message of alice');
    await expect(line(user, 'I owe mallory nothing')).not.toContainText('(edited)');
    await expect(user.log).not.toContainText('I owe mallory 100');
  }
});

/** A Firefox user's action on the message whose words contain `text`: pointing at it, then its button. */
async function firefoxAct(user: FirefoxUser, text: string, action: 'Reply' | 'React' | 'Edit'): Promise<void> {
  const found = await user.page.evaluateHandle(
    (text) => window.__mc.all('.line[data-ref-id]').find((line) => (line.querySelector('.body > .text')?.textContent ?? '').includes(text)),
    text,
  );
  const target = found.asElement() as ElementHandle<Element> | null;
  if (!target) throw new Error(`${user.nick} (Firefox) has no line "${text}"`);
  await target.hover();
  const button = (await target.evaluateHandle((line, action) => [...line.querySelectorAll('.actions button')].find((each) => each.textContent?.trim() === action), action)).asElement();
  if (!button) throw new Error(`${user.nick} (Firefox): no ${action} on "${text}"`);
  await (button as ElementHandle<Element>).click();
}

test('Chromium and Firefox in one conversation: reply, react and edit both ways', async ({ join, joinFirefox }) => {
  test.skip(NO_FIREFOX !== '', NO_FIREFOX);
  const alice = await join('alice', 'mixed-talk');
  const carol = await joinFirefox('carol', 'mixed-talk');
  await alice.connectedTo('carol');
  await carol.connectedTo('alice');
  await alice.say('from chromium');
  await carol.shows('public', 'from chromium', 'alice');

  await firefoxAct(carol, 'from chromium', 'Reply');
  await carol.find('.draft-what', 'Replying to alice');
  await carol.say('from firefox');
  await expect(line(alice, 'from firefox').locator('.quote')).toContainText('alice from chromium');

  await firefoxAct(carol, 'from chromium', 'React');
  await carol.click('button', '😂');
  await expect(line(alice, 'from chromium').getByRole('button', { name: '😂 1', exact: true })).toHaveAttribute('title', 'carol');

  await react(alice, 'from firefox', '👍');
  await carol.until('a 👍 1 chip, not pressed, on her own message', () =>
    window.__mc.all('.chip').some((chip) => window.__mc.text(chip).trim() === '👍 1' && chip.getAttribute('aria-pressed') === 'false'),
  );

  await act(alice, 'from chromium', 'Edit');
  const box = composer(alice).getByRole('textbox');
  await box.fill('from chromium, edited');
  await box.press('Enter');
  await carol.until('alice\'s edit, marked', () =>
    window.__mc.all('.line[data-from="alice"]').some((line) => window.__mc.text(line).includes('from chromium, edited') && line.querySelector('.edited') !== null),
  );

  await firefoxAct(carol, 'from firefox', 'Edit');
  const field = await carol.find('textarea');
  await field.evaluate((textarea) => (textarea as HTMLTextAreaElement).select());
  await field.type('from firefox, edited');
  await carol.page.keyboard.press('Enter');
  await expect(line(alice, 'from firefox, edited')).toContainText('(edited)');
  await expect(line(alice, 'from firefox, edited').locator('.quote')).toContainText('alice from chromium, edited');
});

test('formatting: bold, italic, code, fenced code, quotes, lists and links drawn as such; raw HTML and unsafe links stay text', async ({ join }) => {
  const alice = await join('alice', 'format');
  const bob = await join('bob', 'format');
  await alice.connectedTo('bob');
  await alice.say(
    [
      '**bold** and _italic_ and `a <b>code</b>` span',
      '```',
      'const x = "<img src=x onerror=alert(1)>";',
      '```',
      '> a quote',
      '',
      '- one',
      '- two',
      '',
      '@bob: [a site](https://example.com/a) [a trap](javascript:alert(1)) <img src=x onerror=alert(1)>',
    ].join('\n'),
  );
  const shown = line(bob, 'bold');
  await expect(shown.locator('strong')).toHaveText('bold');
  await expect(shown.locator('em')).toHaveText('italic');
  await expect(shown.locator('p code, span > code').first()).toHaveText('a <b>code</b>');
  await expect(shown.locator('pre code')).toHaveText('const x = "<img src=x onerror=alert(1)>";');
  await expect(shown.locator('blockquote')).toHaveText('a quote');
  await expect(shown.locator('ul > li')).toHaveText(['one', 'two']);
  await expect(shown.getByRole('link', { name: 'a site' })).toHaveAttribute('href', 'https://example.com/a');
  await expect(shown).toContainText('[a trap](javascript:alert(1))');
  await expect(shown).toContainText('<img src=x onerror=alert(1)>');
  await expect(shown.locator('img, script, [onerror]')).toHaveCount(0);
  await expect(shown.locator('.mention[data-me]')).toHaveText('@bob');
});

test('every emoji: the picker loads its data from the app\'s own origin when first opened, finds by name, works by keyboard', async ({ join, server }) => {
  const alice = await join('alice', 'picker');
  const bob = await join('bob', 'picker');
  await alice.connectedTo('bob');
  const elsewhere: string[] = [];
  bob.page.on('request', (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith('blob:') && !request.url().startsWith('data:')) elsewhere.push(request.url());
  });
  const fetched: string[] = [];
  bob.page.on('request', (request) => fetched.push(request.url()));
  await alice.say('to the moon');
  await act(bob, 'to the moon', 'React');
  const row = bob.page.getByRole('dialog', { name: 'React with' });
  expect(fetched.filter((url) => url.includes('compact'))).toEqual([]);
  await row.getByRole('button', { name: 'More reactions' }).click();
  const search = row.getByRole('searchbox', { name: 'Search emoji' });
  await expect(search).toBeFocused();
  await search.fill('rocket');
  await row.getByRole('button', { name: 'rocket', exact: true }).click();
  await expect(line(alice, 'to the moon').getByRole('button', { name: '🚀 1', exact: true })).toBeVisible();

  // By keyboard: down from the search box into the grid, the arrows, Enter.
  await act(bob, 'to the moon', 'React');
  await row.getByRole('button', { name: 'More reactions' }).click();
  await search.fill('grinning face');
  await search.press('ArrowDown');
  await bob.page.keyboard.press('Enter');
  await expect(line(alice, 'to the moon').getByRole('button', { name: '😀 1', exact: true })).toBeVisible();
  expect(elsewhere).toEqual([]);
  expect(await violations(bob.page)).toEqual([]);
});
