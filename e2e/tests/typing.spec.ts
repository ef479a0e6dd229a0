import { expect, test } from '../helpers/fixtures';

/** Records when this page sends typing notices. */
const COUNT_TYPING = () => {
  const sent: number[] = [];
  (window as unknown as { __typing: number[] }).__typing = sent;
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: string | Blob | ArrayBuffer | ArrayBufferView<ArrayBuffer>) {
    if (typeof data === 'string' && data.includes('"type":"typing"')) sent.push(performance.now());
    Reflect.apply(send, this, [data]);
  };
};

test('"bob is typing…" appears while he types, clears when he sends or stops, and goes out at most once a second', async ({ join }) => {
  const alice = await join('alice', 'typing');
  const bob = await join('bob', 'typing', COUNT_TYPING);
  await alice.connectedTo('bob');
  const box = bob.page.getByRole('textbox', { name: 'Message' });

  const typing = Date.now();
  await box.pressSequentially('I am writing something rather long, slowly', { delay: 70 });
  const typedForMs = Date.now() - typing;
  await expect(alice.typing).toHaveText('bob is typing…');
  await box.press('Enter');
  await expect(alice.lines('public')).toHaveText([/bob: I am writing something/]);
  await expect(alice.typing).toHaveText('');
  const sent = await bob.page.evaluate(() => (window as unknown as { __typing: number[] }).__typing);
  // A notice at most once a second while typing (about 3 s of it, longer on a busy machine).
  expect(sent.length, JSON.stringify(sent)).toBeGreaterThanOrEqual(2);
  expect(sent.length, JSON.stringify(sent)).toBeLessThanOrEqual(Math.floor(typedForMs / 1000) + 1);
  for (const [i, at] of sent.entries()) if (i > 0) expect(at - (sent[i - 1] ?? 0)).toBeGreaterThanOrEqual(999);

  // Typing then stopping: the notice lapses by itself.
  await box.pressSequentially('hmm');
  await expect(alice.typing).toHaveText('bob is typing…');
  await expect(alice.typing).toHaveText('', { timeout: 8_000 });

  // In a private conversation, only its other side sees it, and only there.
  const carol = await join('carol', 'typing');
  await carol.connectedTo('alice', 'bob');
  await alice.people.getByRole('button', { name: 'bob' }).click();
  await bob.people.getByRole('button', { name: 'alice' }).click();
  await box.pressSequentially('just for you', { delay: 30 });
  await expect(alice.typing).toHaveText('bob is typing…');
  await alice.conversation(/^Everyone/).click();
  await expect(alice.typing).toHaveText('');
  await expect(carol.typing).toHaveText('');
});
