import type { Page } from '@playwright/test';
import { WATCH_CSP, cspViolations } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';
import { EACH_VECTOR_ONCE, XSS_PAYLOADS } from '../helpers/xss-payloads';

async function assertClean(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await cspViolations(page)).toEqual([]);
  const links = await page
    .getByRole('log', { name: 'Messages' })
    .locator('a')
    .evaluateAll((anchors) => anchors.map((a) => ({ href: a.getAttribute('href'), rel: a.getAttribute('rel') })));
  for (const { href, rel } of links) {
    expect(href).toMatch(/^https?:\/\//);
    expect(rel).toBe('noopener noreferrer');
  }
}

/**
 * Every payload goes to the room; each vector once (its context taking turns) goes privately too,
 * through the same rendering. The room keeps no history, so no signature follows each message:
 * what takes the time is rendering, not a backlog paced at 50 frames a second.
 */
const PRIVATE_PAYLOADS = EACH_VECTOR_ONCE;

test(`${XSS_PAYLOADS.length} XSS payloads as messages are shown as text and never run`, async ({ join }) => {
  expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(200);
  const alice = await join('alice', 'xss&history=off', WATCH_CSP);
  const mallory = await join('mallory', 'xss&history=off', WATCH_CSP);
  await alice.connectedTo('mallory');
  await mallory.page.evaluate(
    ({ payloads, privately }) => {
      const app = document.querySelector('mc-chat-app') as unknown as { chat: { composing: { submit(text: string): void } } };
      for (const payload of payloads) app.chat.composing.submit(payload);
      for (const payload of privately) app.chat.composing.submit(`/msg alice ${payload}`);
    },
    { payloads: XSS_PAYLOADS, privately: PRIVATE_PAYLOADS },
  );
  await expect(alice.lines('public')).toHaveCount(XSS_PAYLOADS.length, { timeout: 30_000 });
  await expect(alice.lines('private')).toHaveCount(PRIVATE_PAYLOADS.length);
  // Shown as sent, as text: less the marks Markdown formatting takes (** and ` around a payload draw
  // it bold or as code, its words unchanged) and with line breaks as spaces.
  const plain = (text: string) => text.replace(/\*\*|`/g, '').replace(/\s+/g, ' ').trim();
  const shown = await alice.lines('public')
    .locator('.text')
    .evaluateAll((texts) =>
      texts.map((text) => {
        // Its text, a line break as a space (innerText would be empty for lines scrolled out of view).
        const words = (node: Node): string => (node.nodeName === 'BR' ? ' ' : node.nodeType === Node.TEXT_NODE ? (node.textContent ?? '') : [...node.childNodes].map(words).join(''));
        return words(text);
      }),
    );
  expect(shown.map(plain)).toEqual(XSS_PAYLOADS.map(plain));
  await expect(alice.log.locator('img, svg, iframe, script, object, embed, form, details, input, video, audio')).toHaveCount(0);
  const linked = (payloads: string[]) => payloads.filter((payload) => payload.startsWith('https://ok.test/page')).length;
  await expect(alice.log.locator('a[href^="https://ok.test/page"]')).toHaveCount(linked(XSS_PAYLOADS) + linked(PRIVATE_PAYLOADS));
  await assertClean(alice.page);
  await assertClean(mallory.page);
});

test('XSS payloads as nicknames and room names are refused and never run', async ({ openPage }) => {
  const page = await openPage('', WATCH_CSP);
  await expect(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
  // Typed into the real form and submitted, in the page, for speed: 450 attempts.
  const alerts = await page.evaluate(async (payloads) => {
    const form = document.querySelector('mc-chat-app')?.shadowRoot?.querySelector('mc-join-screen');
    const root = form?.shadowRoot;
    const field = (name: string) => root?.querySelector<HTMLInputElement>(`input[name=${name}]`);
    const attempt = async (nick: string, room: string) => {
      const [nickBox, roomBox] = [field('nick'), field('room')];
      if (!nickBox || !roomBox) throw new Error('no join form');
      nickBox.value = nick;
      roomBox.value = room;
      root?.querySelector<HTMLButtonElement>('button[type=submit]')?.click();
      await (form as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      return root?.querySelector('[role=alert]')?.textContent ?? '';
    };
    const seen: string[] = [];
    for (const payload of payloads) {
      seen.push(await attempt(payload, 'lobby'));
      seen.push(await attempt('fine', payload));
    }
    return seen;
  }, XSS_PAYLOADS);
  expect(alerts).toHaveLength(XSS_PAYLOADS.length * 2);
  alerts.forEach((alert, i) => expect(alert).toMatch(i % 2 ? /Room names/ : /Pick a nickname/));
  await expect(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
  await assertClean(page);
});
