import { User, fillJoin } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { reloadPastQuestion } from '../helpers/pages';

test('two users chat both ways', async ({ join, openPage }) => {
  const alice = await join('alice');
  const page = await openPage('?room=e2e');
  await page.getByRole('textbox', { name: 'Nickname' }).fill('bob');
  const clicked = Date.now();
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  const bob = new User(page, 'bob');
  await bob.connectedTo('alice');
  await bob.say('hi alice');
  await expect(alice.lines('public')).toHaveText([/bob: hi alice/]);
  console.log(`[measure] second user's Join click to first message at the first user: ${Date.now() - clicked} ms`);

  await alice.connectedTo('bob');
  await alice.say('hello bob');
  await expect(bob.lines('public').filter({ hasText: 'hello bob' })).toHaveAttribute('data-from', 'alice');
  await expect(bob.lines('public')).toHaveText([/bob: hi alice/, /alice: hello bob/]);
  await expect(alice.people.getByText('alice (you)')).toBeVisible();
});

test('four users form a full mesh; each public message reaches the other three exactly once', async ({ join }) => {
  const users = [await join('ann'), await join('ben'), await join('cat'), await join('dan')];
  for (const user of users) await user.connectedTo(...users.filter((other) => other !== user).map((other) => other.nick));
  for (const user of users) await user.say(`from ${user.nick} to all`);
  for (const user of users) {
    await expect(user.lines('public')).toHaveCount(4);
    for (const sender of users) {
      const line = user.lines('public').filter({ hasText: `from ${sender.nick} to all` });
      await expect(line).toHaveCount(1);
      await expect(line).toHaveAttribute('data-from', sender.nick);
    }
  }
});

test('a private message reaches only its target', async ({ join }) => {
  const [alice, bob, carol] = [await join('alice'), await join('bob'), await join('carol')];
  await alice.connectedTo('bob', 'carol');
  await alice.say('/msg bob the cake is in the fridge');
  const atBob = bob.lines('private');
  await expect(atBob).toHaveCount(1);
  await expect(atBob).toHaveAttribute('data-from', 'alice');
  await expect(atBob).toContainText('private from alice');
  await expect(atBob).toContainText('the cake is in the fridge');
  await expect(alice.lines('private')).toContainText('private to bob');
  // It lives in bob's conversation with alice, not in the room he is reading; alice typed it in
  // the room, so it shows there for her too.
  await expect(atBob).toBeHidden();
  await expect(alice.lines('private')).toBeVisible();
  const bobsTabs = bob.page.getByRole('navigation', { name: 'Conversations' });
  await expect(bobsTabs.getByRole('button', { name: /Private: alice/ })).toContainText('(1 unread)');
  await bob.conversation(/Private: alice/).click();
  await expect(atBob).toBeVisible();

  await alice.say('public after the secret');
  await expect(carol.lines('public').filter({ hasText: 'public after the secret' })).toHaveCount(1);
  await expect(carol.lines('private')).toHaveCount(0);
  await expect(carol.log).not.toContainText('fridge');

  // Picking a person in People opens the private conversation with them; what is typed there is for them alone.
  await carol.connectedTo('bob');
  await carol.people.getByRole('button', { name: 'bob' }).click();
  const conversations = carol.page.getByRole('navigation', { name: 'Conversations' });
  await expect(conversations.getByRole('button', { name: 'Private: bob' })).toHaveAttribute('aria-current', 'true');
  await expect(carol.page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await carol.page.keyboard.type('just between us');
  await carol.page.keyboard.press('Enter');
  await expect(bob.lines('private').filter({ hasText: 'just between us' })).toHaveAttribute('data-from', 'carol');
  await expect(carol.lines('private')).toHaveText([/private to bob: just between us/]);
  await expect(carol.lines('public').filter({ visible: true })).toHaveCount(0);
  await expect(alice.log).not.toContainText('just between us');
  // Back in Everyone, the room's conversation is there, and the private line only in its own.
  await conversations.getByRole('button', { name: 'Everyone' }).click();
  await expect(carol.lines('public').filter({ hasText: 'public after the secret' })).toBeVisible();
  await expect(carol.lines('private')).toBeHidden();
});

test("one sender's consecutive messages form one run under one name; one's own are marked", async ({ join }) => {
  const [alice, bob] = [await join('alice'), await join('bob')];
  await alice.connectedTo('bob');
  for (const text of ['first of three', 'second of three', 'third of three']) await alice.say(text);
  await bob.say('and bob answers');
  const lines = bob.lines('public');
  await expect(lines).toHaveText([/alice: first of three/, /alice: second of three/, /alice: third of three/, /bob: and bob answers/]);
  await expect(lines.nth(0)).toHaveAttribute('data-run', 'head');
  for (const n of [1, 2]) await expect(lines.nth(n)).toHaveAttribute('data-run', 'more');
  await expect(lines.nth(3)).toHaveAttribute('data-run', 'head');
  // A continued line's name is for screen readers only, its time shows on hover.
  await expect(lines.nth(0).locator('.who')).toHaveCSS('position', 'static');
  await expect(lines.nth(1).locator('.who')).toHaveCSS('position', 'absolute');
  await expect(lines.nth(1).locator('time')).toBeHidden();
  await lines.nth(1).hover();
  await expect(lines.nth(1).locator('time')).toBeVisible();
  // Wrapped text stays right of the times.
  const [time, text] = [await lines.nth(0).locator('time').boundingBox(), await lines.nth(0).locator('.text').boundingBox()];
  expect(text?.x).toBeGreaterThan((time?.x ?? Infinity) + (time?.width ?? 0));
  await expect(lines.nth(3)).toHaveAttribute('data-mine', '');
  await expect(lines.nth(0)).not.toHaveAttribute('data-mine');
});

test('People says how a link is in plain words; Connection details has the technical side', async ({ join }) => {
  const [alice, bob] = [await join('alice'), await join('bob')];
  await alice.connectedTo('bob');
  const entry = alice.people.locator('li[data-nick="bob"]');
  await expect(entry.locator('.state')).toHaveText('connected');
  await expect(alice.page.getByText('Online', { exact: true })).toBeAttached();
  const details = alice.page.getByRole('complementary').getByText('Connection details');
  await details.click();
  await expect(alice.page.locator('dd[data-details="bob"]')).toHaveText(/connected · direct · ICE host ↔ (host|prflx)/);
  await bob.page.context().close();
  await expect(alice.page.locator('dd[data-details="bob"]')).toBeHidden();
});

test('answering someone clears their unread count, and a private conversation can be closed', async ({ join }) => {
  const [alice, bob] = [await join('alice'), await join('bob')];
  await alice.connectedTo('bob');
  await bob.say('/msg alice are you there?');
  const tabs = alice.page.getByRole('navigation', { name: 'Conversations' });
  const withBob = tabs.getByRole('button', { name: /Private: bob/ });
  await expect(withBob).toContainText('(1 unread)');
  // Answered from the room's box, without opening the conversation: what bob said counts as read.
  await alice.say('/msg bob yes, here');
  await expect(withBob).not.toContainText('unread');
  await withBob.click();
  await tabs.getByRole('button', { name: 'Close the conversation with bob' }).click();
  await expect(withBob).toHaveCount(0);
  await expect(tabs.getByRole('button', { name: /Everyone/ })).toHaveAttribute('aria-current', 'true');
  await expect(tabs.getByRole('button', { name: /Everyone/ })).toBeFocused();
  // What was said stays in the log; a new message from bob opens the conversation again.
  await expect(alice.lines('private')).toHaveCount(2);
  await bob.say('/msg alice one more thing');
  await expect(withBob).toContainText('(1 unread)');
});

test('reloading or closing the page asks first while others are here, not when alone', async ({ join }) => {
  const alice = await join('alice', 'asks');
  expect(await reloadPastQuestion(alice.page), 'alone: nothing to lose').toBe(false);
  await expect(alice.log).toBeVisible();
  const bob = await join('bob', 'asks');
  await alice.connectedTo('bob');
  await alice.say('hello bob');
  expect(await reloadPastQuestion(alice.page), 'with bob here, what was said would be gone').toBe(true);
  await expect(alice.log).toContainText('You joined asks as alice');
  await bob.connectedTo('alice');
});

test('the first screen says what this is; a link to a room is an invitation with a name and Join', async ({ openPage }) => {
  const first = await openPage();
  await expect(first.getByText('goes straight from browser to browser')).toBeVisible();
  await expect(first.getByRole('button', { name: 'Join', exact: true })).toHaveClass(/primary/);
  await expect(first.getByText('only people with its link can enter')).toBeVisible();
  await expect(first.getByText('with the next person who asks')).toBeVisible();

  const invited = await openPage('?room=team');
  // Whoever typed the address themselves is not "invited": the heading says what the form does.
  await expect(invited.getByRole('heading', { name: 'Join team' })).toBeVisible();
  await expect(invited.getByRole('textbox', { name: 'Room' })).toHaveCount(0);
  await expect(invited.getByRole('button', { name: 'Talk to a stranger' })).toHaveCount(0);
  await fillJoin(invited, 'ines');
  await expect(invited.getByRole('banner')).toContainText('Room team');
  // Alone in the room, the way to invite is in the conversation itself (as well as in People).
  const inviteBar = invited.getByText(/Send the invite link to the people you want here/);
  await expect(inviteBar.getByRole('button', { name: 'Copy the invite link' })).toBeVisible();
  await expect(invited.getByRole('complementary').getByRole('button', { name: 'Copy the invite link' })).toBeVisible();

  const elsewhere = await openPage('?room=team');
  await elsewhere.getByRole('button', { name: 'Join another room instead' }).click();
  await expect(elsewhere.getByRole('textbox', { name: 'Room' })).toHaveValue('team');
  await expect(elsewhere.getByRole('button', { name: 'Talk to a stranger' })).toBeVisible();
  await fillJoin(elsewhere, 'jo');
  await expect(inviteBar).toHaveCount(0);
  await expect(elsewhere.getByRole('log', { name: 'Messages' })).toContainText("Their browsers give you the room's recent messages");
});

test('the message box grows with what is typed, up to about eight lines, and shrinks when sent', async ({ join }) => {
  const alice = await join('alice');
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  const height = async () => (await box.boundingBox())?.height ?? 0;
  const empty = await height();
  // line-height is "normal": about 1.2 times the font size.
  const lineHeight = await box.evaluate((element) => 1.2 * Number.parseFloat(getComputedStyle(element).fontSize));
  await box.click();
  for (let line = 1; line <= 4; line++) {
    await alice.page.keyboard.type(`line ${line}`);
    await alice.page.keyboard.press('Shift+Enter');
  }
  const four = await height();
  expect(four).toBeGreaterThan(empty + 2 * lineHeight);
  for (let line = 5; line <= 14; line++) {
    await alice.page.keyboard.type(`line ${line}`);
    await alice.page.keyboard.press('Shift+Enter');
  }
  const fourteen = await height();
  expect(fourteen).toBeGreaterThan(four);
  expect(fourteen).toBeLessThan(10 * lineHeight);
  await alice.page.keyboard.press('Enter');
  await expect(alice.lines('public').filter({ hasText: 'line 14' })).toHaveCount(1);
  expect(await height()).toBeLessThan(four);
});

test('a taken nickname is explained, and another one works', async ({ join, openPage }) => {
  await join('alice');
  const page = await openPage('?room=e2e');
  await fillJoin(page, 'ALICE');
  await expect(page.getByRole('alert')).toHaveText(/already uses this nickname.*“ALICE” is “alice”/);
  // The field is marked, tied to the explanation, focused and selected, ready to be typed over.
  const nick = page.getByRole('textbox', { name: 'Nickname' });
  await expect(nick).toBeFocused();
  await expect(nick).toHaveAttribute('aria-invalid', 'true');
  await expect(nick).toHaveAccessibleDescription(/already uses this nickname/);
  expect(await nick.evaluate((input: HTMLInputElement) => [input.selectionStart, input.selectionEnd])).toEqual([0, 5]);
  // The server offers a free one like it; one press on it joins with it.
  await page.getByRole('button', { name: 'Use “ALICE2”' }).click();
  await expect(page.getByRole('log', { name: 'Messages' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'People' })).toContainText('ALICE2 (you)');
  // Typing one's own works as well.
  const third = await openPage('?room=e2e');
  await fillJoin(third, 'alice');
  await expect(third.getByRole('button', { name: 'Use “alice3”' })).toBeVisible();
  // The same refusal in another language does not take the focus from the language switcher.
  const language = third.getByRole('combobox');
  await language.focus();
  await language.selectOption('pl');
  await expect(third.getByRole('alert')).toContainText('Ktoś w tym pokoju używa już tego pseudonimu');
  await expect(language).toBeFocused();
  await language.selectOption('en');
  await third.getByRole('textbox', { name: 'Nickname' }).fill('alicia');
  await third.keyboard.press('Enter');
  await expect(third.getByRole('list', { name: 'People' })).toContainText('alicia (you)');
});

test('an invalid nickname or room is explained before anything is sent', async ({ openPage }) => {
  const page = await openPage();
  await fillJoin(page, '<script>');
  await expect(page.getByRole('alert')).toHaveText(/letters of one alphabet, digits, spaces/);
  await expect(page.getByRole('textbox', { name: 'Nickname' })).toBeFocused();
  await expect(page.getByRole('textbox', { name: 'Nickname' })).toHaveAttribute('aria-invalid', 'true');
  await fillJoin(page, 'fine', 'no spaces allowed');
  await expect(page.getByRole('alert')).toHaveText(/Room names/);
  await expect(page.getByRole('textbox', { name: 'Room' })).toBeFocused();
  await expect(page.getByRole('textbox', { name: 'Room' })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('textbox', { name: 'Nickname' })).toHaveAttribute('aria-invalid', 'false');
});

test('the nickname field holds 24 characters, as the rule says, counting letters outside the BMP as one', async ({ openPage }) => {
  const page = await openPage();
  const nick = page.getByRole('textbox', { name: 'Nickname' });
  await nick.fill('a'.repeat(30));
  await expect(nick).toHaveValue('a'.repeat(24));
  await nick.fill('');
  await nick.pressSequentially('b'.repeat(26));
  await expect(nick).toHaveValue('b'.repeat(24));
  await nick.fill('𝖺'.repeat(24));
  await expect(nick).toHaveValue('𝖺'.repeat(24));
});

test('leaving shows a notice and frees the nickname; rejoining gets a fresh link', async ({ join, openPage }) => {
  const alice = await join('alice');
  const bob = await join('bob');
  await alice.connectedTo('bob');
  // With someone else here, Leave asks first (what was said is kept only in the others' browsers): Stay keeps everything.
  await bob.page.getByRole('button', { name: 'Leave' }).click();
  const question = bob.page.getByRole('alertdialog');
  await expect(question).toContainText('kept only in the browsers of the people still here');
  await expect(question.getByRole('button', { name: 'Stay' })).toBeFocused();
  await question.getByRole('button', { name: 'Stay' }).click();
  await expect(question).toHaveCount(0);
  await expect(bob.page.getByRole('button', { name: 'Leave' })).toBeFocused();
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await bob.connectedTo('alice');
  await bob.page.getByRole('button', { name: 'Leave' }).click();
  await question.getByRole('button', { name: 'Leave' }).click();
  await expect(bob.page.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
  // The nickname stays in the field for the next join.
  await expect(bob.page.getByRole('textbox', { name: 'Nickname' })).toHaveValue('bob');
  await expect(alice.lines('notice').filter({ hasText: 'bob left the room' })).toHaveCount(1);
  await expect(alice.people.locator('li[data-nick="bob"]')).toHaveCount(0);

  const page = await openPage('?room=e2e');
  await fillJoin(page, 'bob');
  await expect(page.getByRole('list', { name: 'People' })).toContainText('bob (you)');
  await alice.connectedTo('bob');
  await alice.say('welcome back');
  await expect(page.getByRole('log', { name: 'Messages' }).locator('[data-kind=public]')).toHaveText([/alice: welcome back/]);
});

test('two strangers are paired into a room of their own', async ({ openPage }) => {
  const [first, second] = [await openPage(), await openPage()];
  await first.getByRole('textbox', { name: 'Nickname' }).fill('xena');
  await first.getByRole('button', { name: 'Talk to a stranger' }).click();
  await expect(first.getByText('Waiting for a stranger')).toBeVisible();
  await second.getByRole('textbox', { name: 'Nickname' }).fill('yuri');
  await second.getByRole('button', { name: 'Talk to a stranger' }).click();
  const [xena, yuri] = [new User(first, 'xena'), new User(second, 'yuri')];
  await xena.connectedTo('yuri');
  await yuri.connectedTo('xena');
  await yuri.say('hello stranger');
  await expect(xena.lines('public')).toHaveText([/yuri: hello stranger/]);
  // A room of their own has no name to show and no link to share: the chat is named after the stranger.
  await expect(first.getByRole('banner')).toContainText('Stranger');
  await expect(xena.conversation('You and yuri')).toBeVisible();
  await expect(xena.conversation('Everyone')).toHaveCount(0);
  await expect(first.locator('mc-message-composer').getByRole('textbox')).toHaveAttribute('placeholder', 'Message yuri');
  await expect(first.locator('body')).not.toContainText('pair-');
  await expect(xena.lines('notice').first()).toContainText('You are talking to a stranger');
  await xena.say('/users');
  await expect(xena.lines('notice').filter({ hasText: 'xena (you)' })).toContainText('In Stranger');
  await expect(first.locator('body')).not.toContainText('pair-');
  expect(first.url()).not.toContain('pair-');
  await expect(first.getByRole('button', { name: 'Copy the invite link' })).toHaveCount(0);

  // When the stranger leaves, the one left behind can find another.
  await second.getByRole('button', { name: 'Leave' }).click();
  await second.getByRole('alertdialog').getByRole('button', { name: 'Leave' }).click();
  await expect(first.getByText('The stranger has left.')).toBeVisible();
  await first.getByRole('button', { name: 'Find another stranger' }).click();
  await expect(first.getByText('Waiting for a stranger')).toBeVisible();
  const third = await openPage();
  await third.getByRole('textbox', { name: 'Nickname' }).fill('zed');
  await third.getByRole('button', { name: 'Talk to a stranger' }).click();
  await xena.connectedTo('zed');
  await new User(third, 'zed').say('hi, new here');
  await expect(xena.lines('public').filter({ hasText: 'hi, new here' })).toHaveCount(1);
});

test('/help lists commands; unknown commands and nicknames get a notice', async ({ join }) => {
  const alice = await join('alice');
  await alice.say('/help');
  await expect(alice.lines('notice').filter({ hasText: '/msg ‹nick› ‹text›' })).toHaveCount(1);
  await alice.say('/frobnicate now');
  await expect(alice.lines('notice').filter({ hasText: 'Unknown command "/frobnicate"' })).toHaveCount(1);
  await alice.say('/msg nobody hello?');
  await expect(alice.lines('notice').filter({ hasText: 'Nobody called "nobody"' })).toHaveCount(1);
  await alice.say('/users');
  await expect(alice.lines('notice').filter({ hasText: 'alice (you)' })).toHaveCount(1);
  await expect(alice.lines('public')).toHaveCount(0);
});

test('Enter sends, Shift+Enter starts a new line, and the log follows new messages', async ({ join }) => {
  const alice = await join('alice');
  const bob = await join('bob');
  await bob.connectedTo('alice');
  const box = bob.page.getByRole('textbox', { name: 'Message' });
  await box.pressSequentially('line one');
  await box.press('Shift+Enter');
  await box.pressSequentially('line two');
  await box.press('Enter');
  await expect(alice.lines('public').locator('.text')).toHaveText(['line one\nline two']);
  await expect(box).toHaveValue('');

  for (let i = 1; i <= 40; i++) await bob.say(`filler ${i}`);
  await expect(alice.lines('public').last()).toContainText('filler 40');
  await expect(alice.lines('public').last()).toBeInViewport();

  await alice.log.evaluate((log) => log.scrollBy(0, -100_000));
  await bob.say('while you were reading');
  const jump = alice.page.getByRole('button', { name: /New messages/ });
  await expect(jump).toBeVisible();
  await expect(alice.lines('public').last()).not.toBeInViewport();
  await jump.click();
  await expect(alice.lines('public').last()).toBeInViewport();
  await expect(jump).toBeHidden();
});
