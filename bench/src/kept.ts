// What keeping a room on this device costs and gives back: a page with "Keep this room on this
// device" on hears N messages; the bytes its origin's storage grew by are counted, then its
// browser is closed, opened again on the same profile, and the time from opening the room's link
// (the kept room opens itself, as the name used in it) to the N kept lines on screen is measured.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { ServerProcess, type BenchOptions } from './harness';
import { launchChromium, launchProfile, type BenchWindow } from './mesh';

export interface KeptResults {
  messages: number;
  /** What the origin's IndexedDB grew by while the messages were kept (Chromium's estimate), per 1,000 messages. */
  bytesPer1000: number;
  /** The records kept, as JSON, per 1,000 messages (what the database holds before its own overhead), and how many there are. */
  payloadPer1000: number;
  entries: number;
  /** From opening the room's link in the reopened browser until every kept line is on screen. */
  openToKeptMs: number;
}

const CHAT = `window.__chat = () => document.querySelector('mc-chat-app').chat;`;

/** What the origin's IndexedDB holds (Chromium's estimate; the whole origin's where the browser gives no details: the app shell's cache would count too). */
const used = (page: Page) =>
  page.evaluate(async () => {
    const estimate = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: { indexedDB?: number } };
    return estimate.usageDetails?.indexedDB ?? estimate.usage ?? 0;
  });
/** The bytes of what is kept, as JSON: the records themselves, without the database's own overhead. */
const keptPayload = (page: Page) =>
  page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('meshchat-kept');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const entries = await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction('entries').objectStore('entries').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return { count: entries.length, bytes: entries.reduce<number>((sum, entry) => sum + JSON.stringify(entry).length, 0) };
  });

/** Lines of the room on `page`'s screen, counted in the log. */
const shown = (page: Page, count: number) =>
  page.waitForFunction((count) => (document.querySelector('mc-chat-app')?.shadowRoot?.querySelector('mc-message-log')?.shadowRoot?.querySelectorAll('.line[data-kind="public"]').length ?? 0) >= count, count, {
    timeout: 120_000,
  });

export async function keptBench({ smoke }: BenchOptions, log: (line: string) => void): Promise<KeptResults> {
  const server = await ServerProcess.start('ours');
  const browser = await launchChromium();
  const profile = await mkdtemp(path.join(tmpdir(), 'meshchat-bench-profile-'));
  const messages = smoke ? 50 : 1_000;
  const url = `${server.url}/?room=kept-bench`;
  try {
    const first = await launchProfile(profile);
    await first.addInitScript({ content: CHAT });
    const alice = first.pages()[0] ?? (await first.newPage());
    await alice.goto(url);
    await alice.getByRole('switch', { name: 'Keep this room on this device' }).check();
    await alice.getByRole('textbox', { name: 'Nickname' }).fill('alice');
    await alice.getByRole('button', { name: 'Join', exact: true }).click();
    const context = await browser.newContext();
    await context.addInitScript({ content: CHAT });
    const bob = await context.newPage();
    await bob.goto(url);
    await bob.getByRole('textbox', { name: 'Nickname' }).fill('bob');
    await bob.getByRole('button', { name: 'Join', exact: true }).click();
    await alice.waitForFunction(() => (window as unknown as BenchWindow).__chat()?.people.get('bob')?.state === 'connected', undefined, { timeout: 30_000 });
    const before = await used(alice);
    // Five a round, a round each 200 ms (25 a second, as the history bench's senders): within what a receiver takes from one person.
    for (let i = 0; i < messages; i += 5) {
      await bob.evaluate(
        ({ from, to }) => {
          for (let n = from; n < to; n++) (window as unknown as BenchWindow).__chat()?.composing.submit(`message ${n}: a line of about the length people write in a chat`);
        },
        { from: i, to: Math.min(messages, i + 5) },
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await shown(alice, messages);
    // What was kept is written within milliseconds; the storage estimate follows once it is.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const grew = (await used(alice)) - before;
    const payload = await keptPayload(alice);
    await first.close();
    // The browser closed without a goodbye: the name is free once the server has let alice go.
    await bob.waitForFunction(() => !(window as unknown as BenchWindow).__chat()?.people.has('alice'), undefined, { timeout: 120_000 });
    await context.close();

    const second = await launchProfile(profile);
    const again = second.pages()[0] ?? (await second.newPage());
    const opened = Date.now();
    await again.goto(url);
    await shown(again, messages);
    const openToKeptMs = Date.now() - opened;
    await second.close();
    const results = { messages, bytesPer1000: (grew / messages) * 1000, payloadPer1000: (payload.bytes / messages) * 1000, entries: payload.count, openToKeptMs };
    log(`kept: ${messages} messages grew the origin's IndexedDB by ${(grew / 1024).toFixed(0)} KB (${(results.bytesPer1000 / 1024).toFixed(0)} KB per 1,000; the ${payload.count} records themselves ${(results.payloadPer1000 / 1024).toFixed(0)} KB as JSON); reopened, the link → ${messages} kept lines on screen in ${openToKeptMs} ms`);
    return results;
  } finally {
    await browser.close();
    await server.stop();
    await rm(profile, { recursive: true, force: true });
  }
}
