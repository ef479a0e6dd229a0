import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CAPTURE_CHANNELS, type Captured } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';
import { type User } from '@meshchat/testkit/user';

const MiB = 1024 * 1024;

/** Every few milliseconds, notes the file progress bars a page shows and when a given text first appears in its log. */
const WATCH_PROGRESS = () => {
  const seen = { bars: [] as { t: number; value: number; max: number }[], texts: {} as Record<string, number>, watch: [] as string[] };
  (window as unknown as { __seen: typeof seen }).__seen = seen;
  setInterval(() => {
    const roots: (Document | ShadowRoot)[] = [document];
    let text = '';
    for (let i = 0; i < roots.length; i++) {
      const root = roots[i];
      if (!root) continue;
      for (const element of root.querySelectorAll('*')) {
        if (element.shadowRoot) roots.push(element.shadowRoot);
        if (element instanceof HTMLProgressElement) seen.bars.push({ t: performance.now(), value: element.value, max: element.max });
      }
      text += root instanceof ShadowRoot ? (root.textContent ?? '') : '';
    }
    for (const wanted of seen.watch) if (!(wanted in seen.texts) && text.includes(wanted)) seen.texts[wanted] = performance.now();
  }, 40);
};

type Seen = { bars: { t: number; value: number; max: number }[]; texts: Record<string, number>; watch: string[] };
const seenIn = (user: User) => user.page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);

async function scratchFile(name: string, bytes: number): Promise<{ file: string; sha256: string }> {
  const file = path.join(tmpdir(), `meshchat-${process.pid}-${Date.now()}-${name}`);
  const data = randomBytes(bytes);
  await writeFile(file, data);
  return { file, sha256: createHash('sha256').update(data).digest('hex') };
}

const fileInput = (user: User) => user.page.locator('mc-message-composer input[type=file]');

test('a 50 MB file arrives intact while chat keeps flowing, with progress on both sides', async ({ join }) => {
  test.setTimeout(120_000);
  const alice = await join('alice', 'files', WATCH_PROGRESS);
  const bob = await join('bob', 'files', WATCH_PROGRESS);
  await alice.connectedTo('bob');
  const { file, sha256 } = await scratchFile('big.bin', 50 * MiB);

  await fileInput(alice).setInputFiles(file);
  const offer = bob.log.locator('.line[data-kind="file"]');
  await expect(offer).toContainText(path.basename(file));
  await expect(offer).toContainText('52.4 MB');
  await expect(alice.log.locator('.line[data-kind="file"]')).toContainText('waiting for them to accept');
  await bob.page.evaluate(() => (window as unknown as { __seen: Seen }).__seen.watch.push('during the transfer', 'Save '));

  const started = Date.now();
  await offer.getByRole('button', { name: 'Accept' }).click();
  await expect(alice.page.getByRole('progressbar', { name: /Sending .* to bob/ })).toBeVisible();
  await alice.say('during the transfer');
  await bob.say('got it, still reading you');
  await expect(alice.lines('public').filter({ hasText: 'still reading you' })).toHaveCount(1);

  const save = offer.getByRole('link', { name: /^Save / });
  await expect(save).toBeVisible({ timeout: 60_000 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`[measure] 50 MiB file: accept click to checked and saveable in ${seconds.toFixed(2)} s (${(50 / seconds).toFixed(1)} MiB/s)`);
  await expect(offer).toContainText('received and checked');
  await expect(alice.log.locator('.line[data-kind="file"]')).toContainText('delivered and checked');

  // The chat message overtook the file: it was on screen before the file was ready.
  const atBob = await seenIn(bob);
  expect(atBob.texts['during the transfer']).toBeLessThan(atBob.texts['Save '] ?? 0);
  // Both sides showed a bar part of the way through.
  for (const user of [alice, bob]) {
    const bars = (await seenIn(user)).bars;
    expect(bars.some(({ value, max }) => value > 0 && value < max), `${user.nick} saw progress`).toBe(true);
  }

  const [download] = await Promise.all([bob.page.waitForEvent('download'), save.click()]);
  const saved = await download.path();
  expect(createHash('sha256').update(await readFile(saved)).digest('hex')).toBe(sha256);
  expect(download.suggestedFilename()).toBe(path.basename(file));
});

test('a declined file sends no data; a cancelled offer is withdrawn; images get a preview', async ({ join }) => {
  const alice = await join('alice', 'decline', CAPTURE_CHANNELS);
  const bob = await join('bob', 'decline', CAPTURE_CHANNELS);
  await alice.connectedTo('bob');
  const { file } = await scratchFile('declined.bin', 4 * MiB);
  await fileInput(alice).setInputFiles(file);
  const offer = bob.log.locator('.line[data-kind="file"]').last();
  await offer.getByRole('button', { name: 'Decline' }).click();
  await expect(offer).toContainText('you declined');
  await expect(alice.log.locator('.line[data-kind="file"]').last()).toContainText('declined');
  await bob.page.waitForTimeout(500);
  const fileChannelBytes = (user: User) =>
    user.page.evaluate(async () => {
      let sent = 0;
      let received = 0;
      for (const connection of (window as unknown as Captured).__connections) {
        (await connection.getStats()).forEach((report: { type: string; label?: string; bytesSent?: number; bytesReceived?: number }) => {
          if (report.type !== 'data-channel' || report.label !== 'meshchat-files') return;
          sent += report.bytesSent ?? 0;
          received += report.bytesReceived ?? 0;
        });
      }
      return { sent, received };
    });
  expect(await fileChannelBytes(alice)).toEqual({ sent: 0, received: 0 });
  expect(await fileChannelBytes(bob)).toEqual({ sent: 0, received: 0 });

  // Alice withdraws an offer before bob answers.
  await fileInput(alice).setInputFiles(file);
  await expect(bob.log.locator('.line[data-kind="file"]')).toHaveCount(2);
  await alice.log.locator('.line[data-kind="file"]').last().getByRole('button', { name: 'Cancel for bob' }).click();
  await expect(bob.log.locator('.line[data-kind="file"]').last()).toContainText('cancelled by the other side');
  await expect(bob.log.locator('.line[data-kind="file"]').last().getByRole('button', { name: 'Accept' })).toHaveCount(0);
  expect((await fileChannelBytes(bob)).received).toBe(0);

  // A picture, privately: bob sees it inline once it has been checked.
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR4nGP8z8DwnwEIGBmgAAAGAQAAuQAEAFbn3AAAAABJRU5ErkJggg==',
    'base64',
  );
  await alice.people.getByRole('button', { name: 'bob' }).click();
  await fileInput(alice).setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
  const picture = bob.log.locator('.line[data-kind="file"]').last();
  await expect(picture).toContainText('private');
  // A private file lives in its conversation, which bob opens from its tab.
  await expect(picture).toBeHidden();
  await bob.conversation(/Private: alice/).click();
  await picture.getByRole('button', { name: 'Accept' }).click();
  await expect(picture.getByRole('img', { name: 'Preview of dot.png' })).toBeVisible();
  await expect(alice.conversation('Private: bob')).toBeVisible();
  // Alice is in her conversation with bob: only the picture shows, not the two files offered to the room.
  const shown = alice.log.locator('.line[data-kind="file"]').filter({ visible: true });
  await expect(shown).toHaveCount(1);
  await expect(shown).toContainText('delivered and checked');
  // The sender sees the picture too.
  await expect(shown.getByRole('img', { name: 'Preview of dot.png' })).toBeVisible();
});
