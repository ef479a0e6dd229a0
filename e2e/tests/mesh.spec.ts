import { expect, test } from '../fixtures';

interface Captured {
  __channels: RTCDataChannel[];
  __connections: RTCPeerConnection[];
}

/** Keeps every peer connection and data channel a page makes, so a test can act on them directly. */
const CAPTURE_CHANNELS = () => {
  const Native = window.RTCPeerConnection;
  const captured = window as unknown as Captured;
  const channels: RTCDataChannel[] = (captured.__channels = []);
  const connections: RTCPeerConnection[] = (captured.__connections = []);
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      connections.push(this);
      this.addEventListener('datachannel', (event) => channels.push(event.channel));
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit) {
      const channel = super.createDataChannel(label, init);
      channels.push(channel);
      return channel;
    }
  };
};

test('frames are attributed to their link; malformed frames are dropped and counted', async ({ join }) => {
  const alice = await join('alice', 'frames');
  const mallory = await join('mallory', 'frames', CAPTURE_CHANNELS);
  await mallory.connectedTo('alice');
  await mallory.page.evaluate(() => {
    const [channel] = (window as unknown as Captured).__channels;
    if (!channel) throw new Error('no data channel captured');
    const frame = { id: 'f1', seq: 1, ts: Date.now() };
    channel.send('{not json');
    channel.send(JSON.stringify({ type: 'chat', ...frame, text: '' }));
    channel.send(JSON.stringify({ type: 'shout', ...frame, text: 'unknown type' }));
    channel.send(JSON.stringify({ type: 'chat', ...frame, text: 'x'.repeat(5000) }));
    channel.send(JSON.stringify({ type: 'chat', ...frame, from: 'alice', nick: 'alice', text: 'claims to be alice' }));
  });
  await expect(alice.lines('public')).toHaveCount(1);
  await expect(alice.lines('public')).toHaveAttribute('data-from', 'mallory');
  await expect(alice.lines('public')).toContainText('mallory: claims to be alice');
  await expect(alice.log).toHaveAttribute('data-dropped', '4');
  await expect(alice.log).not.toContainText('unknown type');
});

test('a link that fails is reported, and the peer is removed when the server lets go', async ({ join }) => {
  const alice = await join('alice', 'drop');
  const bob = await join('bob', 'drop', CAPTURE_CHANNELS);
  await alice.connectedTo('bob');
  // Bob's side of the link dies while his signaling connection stays up.
  await bob.page.evaluate(() => (window as unknown as Captured).__connections.forEach((connection) => connection.close()));
  await expect(alice.lines('notice').filter({ hasText: 'Lost the direct link to bob' })).toHaveCount(1);
  await expect(alice.people.locator('li[data-nick="bob"]')).toHaveAttribute('data-state', 'failed');
  await alice.say('anyone there?');
  await expect(alice.lines('notice').filter({ hasText: 'Nobody else is connected' })).toHaveCount(1);

  // Then bob is gone altogether; the fixture's server holds his seat for 5 s, then frees it.
  await bob.page.context().close();
  await expect(alice.lines('notice').filter({ hasText: 'bob lost their connection and left' })).toHaveCount(1, { timeout: 15_000 });
  await expect(alice.people.locator('li[data-nick="bob"]')).toHaveCount(0);
});
