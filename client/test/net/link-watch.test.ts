import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { LinkWatch, receivedSoFar } from '../../src/net/link-watch';
import type { LinkFailure } from '../../src/net/link';

/** A stats report as a browser gives it, with one candidate pair that has received `bytes`. */
const stats = (bytes: number, checks = 0) =>
  new Map<string, object>([
    ['T', { type: 'transport', bytesReceived: 999_999 }],
    ['P', { type: 'candidate-pair', bytesReceived: bytes, requestsReceived: checks, responsesReceived: checks }],
  ]) as unknown as RTCStatsReport;

/** An open link whose peer's page says nothing, and whose network has received `received()` so far. */
function watched(received: () => RTCStatsReport) {
  const failures: LinkFailure[] = [];
  let pings = 0;
  const watch = new LinkWatch({
    open: () => failures.length === 0,
    ping: () => (pings += 1),
    fail: (reason) => failures.push(reason),
    stats: async () => received(),
  });
  watch.start();
  return { watch, failures, pings: () => pings };
}

/** Let time pass a second at a time, each beat's stats read settling before the next. */
let clock = 0;
async function pass(seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    clock += 1_000;
    mock.timers.tick(1_000);
    for (let j = 0; j < 5; j++) await Promise.resolve();
  }
}

describe('watching an open link', () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    mock.method(performance, 'now', () => clock);
  });
  afterEach(() => {
    mock.timers.reset();
    mock.restoreAll();
  });

  it('counts what every candidate pair received, bytes and ICE checks alike', () => {
    assert.equal(receivedSoFar(stats(1_000, 2)), 1_004);
    assert.equal(receivedSoFar(new Map() as unknown as RTCStatsReport), 0);
  });

  it('pings a quiet link, and fails it as silent when neither the page nor the network brought anything', async () => {
    const { watch, failures, pings } = watched(() => stats(500));
    await pass(3);
    assert.ok(pings() > 0, 'a link quiet for 2 s is asked');
    await pass(3);
    assert.deepEqual(failures, [{ why: 'silent' }]);
    watch.stop();
  });

  it("keeps a link whose peer's page is busy while its network goes on bringing packets", async () => {
    let bytes = 0;
    const { watch, failures } = watched(() => stats((bytes += 1_200)));
    await pass(30);
    assert.deepEqual(failures, []);
    watch.stop();
  });

  it('fails it once the packets stop too (the network went away)', async () => {
    let bytes = 0;
    let flowing = true;
    const { watch, failures } = watched(() => stats(flowing ? (bytes += 1_200) : bytes));
    await pass(10);
    flowing = false;
    await pass(10);
    assert.deepEqual(failures, [{ why: 'silent' }]);
    watch.stop();
  });

  it('keeps a link the page hears from, and fails one whose stats cannot be read as it would without them', async () => {
    const heard = watched(() => stats(500));
    for (let i = 0; i < 10; i++) {
      heard.watch.heard();
      await pass(1);
    }
    assert.deepEqual(heard.failures, []);
    heard.watch.stop();
    const unread = watched(() => {
      throw new Error('closed');
    });
    await pass(6);
    assert.deepEqual(unread.failures, [{ why: 'silent' }]);
    unread.watch.stop();
  });

  it('fails a link ICE calls disconnected within 2 s when nothing comes; keeps it while packets still do, or once ICE is back', async () => {
    const dead = watched(() => stats(500));
    dead.watch.iceDisconnected(true);
    await pass(3);
    assert.deepEqual(dead.failures, [{ why: 'silent' }]);
    dead.watch.stop();

    let bytes = 0;
    const busy = watched(() => stats((bytes += 1_200)));
    busy.watch.iceDisconnected(true);
    for (let i = 0; i < 8; i++) {
      busy.watch.heard();
      await pass(1);
    }
    assert.deepEqual(busy.failures, []);
    busy.watch.stop();

    const back = watched(() => stats(500));
    back.watch.iceDisconnected(true);
    await pass(1);
    back.watch.iceDisconnected(false);
    back.watch.heard();
    await pass(2);
    assert.deepEqual(back.failures, []);
    back.watch.stop();
  });

  it("counts quiet only in time the page was running: a stall of its own is not the peer's silence", async () => {
    const stalled = watched(() => stats(500));
    // The page is held up for 4 s: its next beat comes 3 s late.
    clock += 3_000;
    await pass(3);
    assert.deepEqual(stalled.failures, [], 'quiet 3 s of running time: asked, not given up');
    await pass(3);
    assert.deepEqual(stalled.failures, [{ why: 'silent' }], 'still nothing after 6 s of running time');
    stalled.watch.stop();
  });
});
