import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CALL_DEFAULTS, videoShape } from '../../src/room/governor';
import { LinkEstimate } from '../../src/room/link-estimate';

/** What a 640×480 camera sends at each step (as measured: 320×240 at about 190 kbps). */
const RATES = [1_200_000, 600_000, 190_000, 90_000, 40_000];
const ROUND_MS = 2_000;

/**
 * Governor rounds on a link that carries `capacity(round)` bits/s: what the sender's getStats would
 * say, and the camera step the governor takes each round. Chromium's estimate follows what is sent,
 * as its congestion control does, and it says when bandwidth holds the encoder back; Firefox says
 * neither. A `lossy` sender overshoots the link and loses
 * packets in a queue; otherwise (as both browsers' congestion control does) it sends what the link
 * carries and the link stays clean.
 */
function rounds(count: number, capacity: (round: number) => number, browser: 'chromium' | 'firefox', { start, lossy = true }: { start?: number; lossy?: boolean } = {}): number[] {
  const estimate = new LinkEstimate();
  const sent = { bytes: 0, packets: 0, lost: 0, at: 0 };
  let step = start;
  const steps: number[] = [];
  for (let round = 0; round < count; round++) {
    const carried = capacity(round);
    const wants = RATES[step ?? 0] ?? 0;
    const send = lossy ? wants : Math.min(wants, carried);
    const packets = (send * (ROUND_MS / 1000)) / 8 / 1_200;
    sent.bytes += (send * (ROUND_MS / 1000)) / 8;
    sent.packets += packets;
    sent.lost += send > carried ? (packets * (send - carried)) / send : 0;
    sent.at += ROUND_MS;
    const available = browser === 'chromium' ? Math.min(carried, 1.8 * send + 50_000) : undefined;
    estimate.observe({
      available,
      bandwidthLimited: available === undefined ? undefined : wants > available,
      rtt: send > carried ? 0.35 : 0.02,
      bytesSent: sent.bytes,
      packetsSent: sent.packets,
      packetsLost: sent.lost,
      at: sent.at,
    });
    const signals = estimate.take();
    const result = videoShape({ kind: 'video', receivers: 1, available: signals.available, both: false, watched: true, previous: step, signals, settings: CALL_DEFAULTS });
    if (result.probed) estimate.probed();
    else if (step !== undefined && (result.step ?? 0) > step) estimate.steppedDown();
    step = result.step ?? 0;
    steps.push(step);
  }
  return steps;
}

describe('the governor climbs back', () => {
  it('a Chromium link stuck low (its estimate follows a small stream) returns to the top step within seconds', () => {
    const steps = rounds(12, () => 3_600_000, 'chromium', { start: 2 });
    const top = steps.indexOf(0);
    assert.ok(top !== -1 && top < 5, `steps ${steps.join(' ')}: the top within 5 rounds (10 s)`);
    assert.deepEqual(steps.slice(top), steps.slice(top).map(() => 0), 'and stays there');
  });

  it('a link that cannot carry the better step goes back at once, and waits longer before each next try', () => {
    const steps = rounds(40, () => 400_000, 'chromium', { start: 2 });
    const tries = steps.flatMap((step, round) => (step < 2 ? [round] : []));
    assert.ok(tries.length >= 2, `steps ${steps.join(' ')}: it keeps trying now and then`);
    for (const round of tries) assert.equal(steps[round + 1], 2, `a try at round ${round} is undone the round after`);
    const gaps = tries.slice(1).map((round, i) => round - (tries[i] ?? 0));
    assert.ok((gaps.at(-1) ?? 0) > (gaps[0] ?? 0), `the gaps between tries grow: ${gaps.join(', ')}`);
    assert.ok(steps.filter((step) => step === 2).length > steps.length * 0.75, 'most of the time on the step the link carries');
  });

  it('a freed link brings both browsers back to the top step; Firefox, with no estimate, steps down on loss', () => {
    for (const browser of ['chromium', 'firefox'] as const) {
      const steps = rounds(40, (round) => (round < 12 ? 300_000 : 5_000_000), browser);
      const limited = steps.slice(4, 12);
      assert.ok(limited.filter((step) => step >= 2).length >= 6, `${browser} (steps ${steps.join(' ')}): down to what 300 kbps carries, but for a try now and then`);
      const back = steps.indexOf(0, 12) - 12;
      assert.ok(back >= 0 && back <= 12, `${browser} (steps ${steps.join(' ')}): back at the top ${back} rounds after the link was freed`);
      assert.equal(steps.at(-1), 0);
    }
  });

  it('a narrowed link its congestion control keeps clean (no loss, no queue) still lowers the step where Chromium says bandwidth holds it back, and freeing it brings the top back', () => {
    for (const [browser, narrow] of [['chromium', 350_000], ['chromium', 200_000]] as const) {
      const steps = rounds(40, (round) => (round >= 4 && round < 16 ? narrow : 5_000_000), browser, { lossy: false });
      assert.deepEqual(steps.slice(0, 4), [0, 0, 0, 0], `${browser} (steps ${steps.join(' ')}): the top on a free link`);
      const down = steps.findIndex((step, round) => round >= 4 && step >= 2) - 4;
      assert.ok(down >= 0 && down <= 2, `${browser} (steps ${steps.join(' ')}): down to what ${narrow / 1000} kbps carries within ${down} rounds`);
      const back = steps.indexOf(0, 16) - 16;
      assert.ok(back >= 0 && back <= 10, `${browser} (steps ${steps.join(' ')}): back at the top ${back} rounds after the link was freed`);
      assert.equal(steps.at(-1), 0);
    }
  });

  it('a link its congestion control keeps clean but narrow is tried less and less often (the try holds, then the estimate takes it back)', () => {
    for (const browser of ['chromium'] as const) {
      const steps = rounds(60, () => 350_000, browser, { start: 2, lossy: false });
      const tries = steps.flatMap((step, round) => (step < 2 && (steps[round - 1] ?? 2) >= 2 ? [round] : []));
      const gaps = tries.slice(1).map((round, i) => round - (tries[i] ?? 0));
      assert.ok(tries.length >= 2 && (gaps.at(-1) ?? 0) > (gaps[0] ?? 0), `${browser} (steps ${steps.join(' ')}): tries further apart (${gaps.join(', ')})`);
      assert.ok(steps.filter((step) => step === 2).length > steps.length * 0.6, `${browser} (steps ${steps.join(' ')}): mostly on the step the link carries`);
    }
  });

  it("a new link's estimate still climbing (Chromium says bandwidth holds the camera back meanwhile) is no reason to step down", () => {
    const estimate = new LinkEstimate();
    // The camera starts at the top; the estimate grows by half each round from 400 kbps, as a new link's congestion control opens up.
    let step: number | undefined = 0;
    let bytes = 0;
    const steps: number[] = [];
    for (let round = 0; round < 8; round++) {
      const available = Math.min(400_000 * 1.5 ** round, 3_000_000);
      bytes += (0.9 * available * (ROUND_MS / 1000)) / 8;
      estimate.observe({ available, bandwidthLimited: true, rtt: 0.02, bytesSent: bytes, packetsSent: bytes / 1_200, packetsLost: 0, at: (round + 1) * ROUND_MS });
      const signals = estimate.take();
      const result = videoShape({ kind: 'video', receivers: 1, available: signals.available, both: false, watched: true, previous: step, signals, settings: CALL_DEFAULTS });
      step = result.step ?? 0;
      steps.push(step);
    }
    assert.deepEqual(steps, steps.map(() => 0), `steps ${steps.join(' ')}: never down while the estimate climbs`);
  });
});
