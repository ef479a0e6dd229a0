import { CAPTURE_CHANNELS, type Captured } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';

/** Lets a test make a page swallow its outgoing acknowledgements, as if they were lost on the way. */
const LOSE_ACKS = () => {
  const state = window as unknown as { __loseAcks: boolean };
  state.__loseAcks = false;
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: string | Blob | ArrayBuffer | ArrayBufferView<ArrayBuffer>) {
    if (state.__loseAcks && typeof data === 'string' && data.includes('"type":"ack"')) return;
    Reflect.apply(send, this, [data]);
  };
};

test('public and private messages go ✓ then ✓✓, with "delivered to k/n" on public ones', async ({ join }) => {
  const [alice, bob, carol] = [await join('alice', 'ticks'), await join('bob', 'ticks'), await join('carol', 'ticks')];
  await alice.connectedTo('bob', 'carol');
  await bob.connectedTo('carol');
  await alice.say('hello both');
  await expect(alice.receipt('hello both')).toHaveAttribute('data-receipt', 'delivered');
  await expect(alice.receipt('hello both')).toHaveText('✓✓');
  // Both pages show the room and are in view: each says it has seen it (seen.spec.ts has the rest).
  await expect(alice.receipt('hello both')).toHaveAttribute('title', /^delivered, delivered to 2\/2, seen by (bob, carol|carol, bob)$/);
  await alice.say('/msg carol only you');
  await expect(alice.receipt('only you')).toHaveAttribute('data-receipt', 'delivered');
  // carol has not opened her conversation with alice: delivered, not seen.
  await expect(alice.receipt('only you')).toHaveAttribute('title', 'delivered');
  // Receipts are for the sender: nobody else's lines carry them.
  await expect(carol.lines('private')).toHaveText([/private from alice: only you/]);
  await expect(bob.log.locator('.receipt')).toHaveCount(0);
  await expect(carol.log.locator('.receipt')).toHaveCount(0);
});

test('a message written while a link is down waits, is re-sent when the link is back, and is never shown twice', async ({ join }) => {
  const alice = await join('alice', 'queue');
  const bob = await join('bob', 'queue', [CAPTURE_CHANNELS, LOSE_ACKS]);
  const carol = await join('carol', 'queue');
  await alice.connectedTo('bob', 'carol');
  await bob.connectedTo('carol');

  // Bob gets "first" but his acknowledgement is lost: alice still sees ✓ for him, so she will send it again.
  await bob.page.evaluate(() => ((window as unknown as { __loseAcks: boolean }).__loseAcks = true));
  await alice.say('first');
  await expect(bob.lines('public').filter({ hasText: 'first' })).toHaveCount(1);
  await expect(alice.receipt('first')).toHaveAttribute('data-delivered', '1/2');
  await expect(alice.receipt('first')).toHaveAttribute('data-receipt', 'sent');
  await expect(alice.receipt('first')).toHaveText('✓');

  // Then bob's links die while his signaling connection stays up.
  await bob.page.evaluate(() => {
    (window as unknown as { __loseAcks: boolean }).__loseAcks = false;
    (window as unknown as Captured).__connections.forEach((connection) => connection.close());
  });
  await expect(alice.lines('notice').filter({ hasText: 'Lost the direct link to bob' })).toHaveCount(1);
  await alice.say('while the link was down');
  await alice.say('/msg bob privately, while down');

  // The link comes back by itself; everything waiting goes out in order, and bob shows each message once.
  await expect(alice.lines('notice').filter({ hasText: /Lost the direct link to bob.*Linked directly after/ })).toHaveCount(1);
  for (const text of ['first', 'while the link was down', 'privately, while down']) {
    await expect(alice.receipt(text)).toHaveAttribute('data-receipt', 'delivered');
  }
  await expect(alice.receipt('first')).toHaveAttribute('data-delivered', '2/2');
  await expect(bob.log.locator('.line[data-from="alice"]')).toHaveText([
    /alice: first/,
    /alice: while the link was down/,
    /private from alice: privately, while down/,
  ]);
  await expect(carol.lines('public')).toHaveText([/alice: first/, /alice: while the link was down/]);
  await expect(carol.lines('private')).toHaveCount(0);
});

/**
 * Lets a test make a page slow to call its links open: simple-peer reads the connection's stats
 * before it says "connect", so slow stats leave a window where messages arrive on a link the
 * page does not yet count as open.
 */
const SLOW_STATS = () => {
  const state = window as unknown as { __slowStats: boolean };
  state.__slowStats = false;
  const getStats = RTCPeerConnection.prototype.getStats;
  RTCPeerConnection.prototype.getStats = function (this: RTCPeerConnection, ...args: []) {
    const stats = Reflect.apply(getStats, this, args) as Promise<RTCStatsReport>;
    return state.__slowStats ? stats.then((report) => new Promise<RTCStatsReport>((resolve) => setTimeout(() => resolve(report), 1_500))) : stats;
  } as typeof getStats;
};

test('messages that arrive before the receiver counts the link as open are still acknowledged', async ({ join }) => {
  const alice = await join('alice', 'early');
  const bob = await join('bob', 'early', [CAPTURE_CHANNELS, SLOW_STATS]);
  await alice.connectedTo('bob');
  await bob.page.evaluate(() => {
    (window as unknown as { __slowStats: boolean }).__slowStats = true;
    (window as unknown as Captured).__connections.forEach((connection) => connection.close());
  });
  await expect(alice.lines('notice').filter({ hasText: 'Lost the direct link to bob' })).toHaveCount(1);
  await alice.say('written while the link was down');
  // Alice's side opens first and sends at once; bob shows it while his side still reads its stats.
  await expect(bob.lines('public').filter({ hasText: 'written while the link was down' })).toHaveCount(1);
  await expect(alice.receipt('written while the link was down')).toHaveAttribute('data-receipt', 'delivered');
  await alice.say('and after');
  await expect(alice.receipt('and after')).toHaveAttribute('data-receipt', 'delivered');
});

test('a page that began to be left but stayed (say, a download) acknowledges what it took meanwhile once its user is back', async ({ join }) => {
  const alice = await join('alice', 'stay');
  const bob = await join('bob', 'stay');
  await bob.connectedTo('alice');
  await alice.connectedTo('bob');
  await alice.page.evaluate(() => dispatchEvent(new Event('beforeunload')));
  await bob.say('are you still there?');
  await expect(alice.lines('public').filter({ hasText: 'are you still there?' })).toHaveCount(1);
  // Alice's page answers without a keystroke (that would bring her back): its frame comes after
  // any acknowledgement on the same ordered link, so by the time Bob has it, none was sent.
  await alice.page.evaluate(() => (document.querySelector('mc-chat-app') as unknown as { chat: { composing: { submit(text: string): void } } }).chat.composing.submit('page here'));
  await expect(bob.lines('public').filter({ hasText: 'page here' })).toHaveCount(1);
  await expect(bob.receipt('are you still there?')).toHaveAttribute('data-receipt', 'sent');
  await alice.page.keyboard.press('Shift');
  await expect(bob.receipt('are you still there?')).toHaveAttribute('data-receipt', 'delivered');
});
