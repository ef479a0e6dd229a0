import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { User } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { newPage, reloadPastQuestion } from '../helpers/pages';

/**
 * Every piece of English the interface can show, from the catalogue translators work from: each
 * message's text between its placeholders, where it has a word of three letters or more.
 */
function englishPieces(): Set<string> {
  const xliff = readFileSync(fileURLToPath(new URL('../../client/xliff/pl.xlf', import.meta.url)), 'utf8');
  const pieces = new Set<string>();
  for (const [, source = ''] of xliff.matchAll(/<source>([\s\S]*?)<\/source>/g)) {
    for (const piece of source.split(/<x [^>]*\/>/)) {
      const text = piece.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&').trim();
      if (/[A-Za-z]{3,}/.test(text)) pieces.add(text);
    }
  }
  return pieces;
}

/** All text a person can see or hear on the page: text nodes and the labels, titles, placeholders and alt texts. */
function shownText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const roots: Node[] = [document.body];
    for (let i = 0; i < roots.length; i++) {
      const root = roots[i];
      if (!root) continue;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let node: Node | null = walker.currentNode; node; node = walker.nextNode()) {
        if (node.nodeType === Node.TEXT_NODE) {
          const parent = node.parentElement;
          if (parent && !['STYLE', 'SCRIPT', 'OPTION'].includes(parent.tagName)) found.push(node.textContent ?? '');
          continue;
        }
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        const element = node as Element;
        if (element.shadowRoot) roots.push(element.shadowRoot);
        for (const name of ['aria-label', 'title', 'placeholder', 'alt']) found.push(element.getAttribute(name) ?? '');
      }
    }
    return found.map((text) => text.trim()).filter(Boolean);
  });
}

const ENGLISH = englishPieces();

/** Common English words: a string the catalogue does not know about (never passed to msg()) still shows up. */
const ENGLISH_WORDS = /\b(the|and|you|your|with|from|room|people|message|messages|send|join|leave|cancel|accept|decline|connected|private|everyone)\b/i;

function untranslated(texts: readonly string[]): string[] {
  return texts.filter(
    (text) => ENGLISH_WORDS.test(text) || [...ENGLISH].some((piece) => text === piece || (piece.includes(' ') && text.includes(piece))),
  );
}

for (const [language, join, send, joined] of [
  ['pl', 'Dołącz', 'Wyślij', 'dołącza do pokoju'],
  ['ru', 'Войти', 'Отправить', 'входит в комнату'],
] as const) {
  test(`the interface in ${language} shows no untranslated string`, async ({ browser, server, join: joinEnglish }) => {
    expect(ENGLISH.size).toBeGreaterThan(80);
    const page = await newPage(browser, `${server.url}/?room=i18n`, undefined, { locale: `${language}-${language.toUpperCase()}` });
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    await expect(page.getByRole('button', { name: join, exact: true })).toBeVisible();
    // The join screen, with a refusal from the browser and one from the server.
    await page.locator('input[name=nick]').fill('!!!');
    await page.locator('input[name=nick]').press('Enter');
    await expect(page.getByRole('alert')).not.toBeEmpty();
    expect(untranslated(await shownText(page)), 'join screen').toEqual([]);
    const bob = await joinEnglish('bob', 'i18n');
    await page.locator('input[name=nick]').fill('Bob');
    await page.locator('input[name=nick]').press('Enter');
    await expect(page.getByRole('alert')).not.toBeEmpty();
    expect(untranslated(await shownText(page)), 'nickname taken').toEqual([]);

    await page.locator('input[name=nick]').fill('olek');
    await page.locator('input[name=nick]').press('Enter');
    const olek = new User(page, 'olek');
    await expect(page.getByRole('button', { name: send, exact: true })).toBeVisible();
    await olek.connectedTo('bob');
    const carol = await joinEnglish('carol', 'i18n');
    await expect(olek.lines('notice').filter({ hasText: joined })).toHaveCount(1);
    await olek.connectedTo('carol');
    await bob.say('zdrowie 🍻');
    await bob.say('/msg olek psst');
    await olek.say('cześć');
    await olek.say('/help');
    await olek.say('/users');
    await olek.say('/nonsense');
    // The help shows its placeholders as written, not as escaped markup.
    await expect(olek.log).toContainText('/msg ‹');
    await expect(olek.log).not.toContainText('&lt;');
    await bob.page.locator('mc-message-composer input[type=file]').setInputFiles({ name: 'x.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
    await carol.page.getByRole('textbox', { name: 'Message' }).pressSequentially('abc');
    await expect(olek.log.locator('[data-kind="file"]')).toHaveCount(1);
    await expect(olek.log.locator('.receipt')).toHaveCount(1);
    await expect(page.locator('mc-chat-app .typing')).not.toBeEmpty();
    expect(untranslated(await shownText(page)), 'room').toEqual([]);

    await olek.log.locator('[data-kind="file"]').getByRole('button').first().click();
    await expect(olek.log.locator('[data-kind="file"] a[download]')).toHaveCount(1);
    await page.getByRole('list').getByRole('button', { name: 'bob' }).click();
    await expect(olek.lines('private')).toHaveCount(1);
    expect(untranslated(await shownText(page)), 'private conversation').toEqual([]);

    // The switcher changes the language at once, and the page remembers it.
    await page.getByRole('combobox').selectOption('en');
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    // A reload keeps both the language and the seat.
    await reloadPastQuestion(page);
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });
}

test("a ?lang= link keeps its language through joining and a reload, and the switcher's choice then wins", async ({ browser, server }) => {
  const page = await newPage(browser, `${server.url}/?room=langs&lang=ru`);
  await page.getByRole('textbox', { name: 'Ник' }).fill('olga');
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  const olga = new User(page, 'olga');
  await expect(olga.log).toBeVisible();
  expect(new URL(page.url()).searchParams.get('lang')).toBe('ru');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(olga.log).toBeVisible();
  await page.getByRole('combobox').selectOption('pl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'pl');
  expect(new URL(page.url()).searchParams.get('lang')).toBe('pl');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'pl');
});
