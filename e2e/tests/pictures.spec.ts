// Looking closer: a picture in the conversation opens large in a dialog, by pointer or keyboard;
// the arrow keys go to the conversation's other pictures; Escape or Close gives focus back.
import { expect, test } from '../helpers/fixtures';
import { violations } from '../helpers/axe';

/** Two 2×2 PNGs, one red and one blue. */
const PNG = {
  red: 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGO4IycHRAwQCgAhpgRhTxp8CQAAAABJRU5ErkJggg==',
  blue: 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGOQs7kDRAwQCgAe/gTZR2+w5AAAAABJRU5ErkJggg==',
};

test('a picture opens large; arrow keys go to the others; Escape and Close give focus back', async ({ join }) => {
  const alice = await join('alice', 'pictures');
  const bob = await join('bob', 'pictures');
  await alice.connectedTo('bob');
  const input = alice.page.locator('mc-message-composer input[type=file]');
  for (const [name, data] of Object.entries(PNG)) {
    await input.setInputFiles({ name: `${name}.png`, mimeType: 'image/png', buffer: Buffer.from(data, 'base64') });
    const offer = bob.log.locator('.line[data-kind="file"]').filter({ hasText: `${name}.png` });
    await offer.getByRole('button', { name: 'Accept' }).click();
    await expect(offer.getByRole('img', { name: `Preview of ${name}.png` })).toBeVisible();
  }

  const open = bob.log.getByRole('button', { name: 'Open red.png larger' });
  await open.focus();
  await bob.page.keyboard.press('Enter');
  const dialog = bob.page.getByRole('dialog', { name: 'red.png' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await expect(dialog).toContainText('red.png (1 of 2)');
  expect(await violations(bob.page)).toEqual([]);
  await bob.page.keyboard.press('ArrowRight');
  await expect(bob.page.getByRole('dialog', { name: 'blue.png' })).toContainText('blue.png (2 of 2)');
  await bob.page.keyboard.press('ArrowLeft');
  await expect(dialog).toBeVisible();
  await bob.page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();

  // The sender's own picture opens the same way, with the pointer; Close closes it.
  await alice.log.getByRole('button', { name: 'Open blue.png larger' }).click();
  const own = alice.page.getByRole('dialog', { name: 'blue.png' });
  await expect(own).toContainText('blue.png (2 of 2)');
  await own.getByRole('button', { name: 'Close' }).click();
  await expect(own).toBeHidden();
  await expect(alice.log.getByRole('button', { name: 'Open blue.png larger' })).toBeFocused();
});
