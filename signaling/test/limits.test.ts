import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RATE_LIMITS } from '@meshchat/protocol';
import { OFFER, connect, join, joined, startServer, type Client } from './helpers';

/** A client from its own loopback address, so per-address limits can be told apart. */
const from = (url: string, address: string) => connect(url, { localAddress: address } as never);

describe('rate limits', () => {
  it('a join flood is limited once its budget is spent, while a normal client still joins', async () => {
    const { url } = await startServer();
    const flooder = await from(url, '127.0.0.2');
    const started = Date.now();
    let limitedAt: number | undefined;
    for (let i = 0; i < 50 && limitedAt === undefined; i++) {
      const result = await join(flooder, `bot${i}`, `flood${i}`);
      if (!result.ok && result.code === 'RATE_LIMITED') limitedAt = i;
      else if (result.ok) await flooder.emitWithAck('leave');
    }
    // By count, not by the clock: on a busy machine the joins take longer, and the window is a minute.
    assert.equal(limitedAt, RATE_LIMITS.join.points, `limited at join ${limitedAt}, with a budget of ${RATE_LIMITS.join.points}`);
    console.log(`[measure] join flood limited at join ${limitedAt}, ${Date.now() - started} ms after it began`);
    const normal = await from(url, '127.0.0.3');
    assert.equal((await join(normal, 'regular', 'lobby')).ok, true);
  });

  it('new sockets from the same address do not reset the budget', async () => {
    const { url } = await startServer();
    const perAddress = RATE_LIMITS.join.points * RATE_LIMITS.join.perIp;
    let allowed = 0;
    let limited = 0;
    while (allowed + limited < perAddress + 5) {
      const socket = await from(url, '127.0.0.4');
      for (let i = 0; i < RATE_LIMITS.join.points; i++) {
        const result = await join(socket, '!', 'r');
        if (!result.ok && result.code === 'RATE_LIMITED') limited += 1;
        else allowed += 1;
      }
      socket.disconnect();
    }
    assert.equal(allowed, perAddress);
    assert.ok(limited >= 5);
  });

  it('allows a trickle-ICE burst of signals, then limits a flood', async () => {
    const { url } = await startServer();
    const [a, b] = [await from(url, '127.0.0.5'), await from(url, '127.0.0.6')];
    await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const burst = await Promise.all(Array.from({ length: 60 }, () => a.emitWithAck('signal', { to: 'bob', data: OFFER })));
    assert.ok(burst.every((result) => result.ok), 'a burst of 60 candidates goes through');
    const cutOff = new Promise<string>((resolve) => a.once('disconnect', resolve));
    const flood = await Promise.allSettled(
      Array.from({ length: RATE_LIMITS.signal.points }, () => a.timeout(5_000).emitWithAck('signal', { to: 'bob', data: OFFER })),
    );
    const answered = flood.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    assert.ok(answered.some((result) => !result.ok && result.code === 'RATE_LIMITED'), 'the first refusals are answered');
    assert.equal(await cutOff, 'io server disconnect', 'a socket that keeps going past its budget is cut off');
    assert.deepEqual(await b.emitWithAck('signal', { to: 'alice', data: { type: 'answer', sdp: 'v=0' } }), { ok: false, code: 'PEER_AWAY' }, 'the other member is unaffected (and alice, cut off, is away: her seat is held)');
  });

  it('caps connections per address', async () => {
    const { url } = await startServer({ maxSocketsPerIp: 3 });
    const held: Client[] = [];
    for (let i = 0; i < 3; i++) held.push(await from(url, '127.0.0.7'));
    // Refused below socket.io, before a socket exists: the websocket upgrade is refused outright.
    await assert.rejects(from(url, '127.0.0.7'), (error: { description?: { message?: string } }) => /Unexpected server response: 4\d\d/.test(String(error.description?.message)));
    assert.equal((await from(url, '127.0.0.8')).connected, true, 'another address is fine');
    held[0]?.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await from(url, '127.0.0.7')).connected, true, 'a freed slot can be used again');
  });

  it('caps the number of rooms, but existing rooms stay open', async () => {
    const { url } = await startServer({ maxRooms: 2 });
    await joined(await from(url, '127.0.0.9'), 'a', 'one');
    await joined(await from(url, '127.0.0.10'), 'b', 'two');
    assert.deepEqual(await join(await from(url, '127.0.0.11'), 'c', 'three'), { ok: false, code: 'TOO_MANY_ROOMS' });
    assert.equal((await join(await from(url, '127.0.0.12'), 'd', 'one')).ok, true);
  });
});

describe('behind a trusted proxy', () => {
  const via = (url: string, forwardedFor: string) => connect(url, { extraHeaders: { 'x-forwarded-for': `${forwardedFor}, 10.0.0.1` } });

  it("each client's budget is its forwarded address's, not the proxy's", async () => {
    const tight = { points: 2, seconds: 60, perIp: 1 };
    const { url } = await startServer({ trustProxy: true, rateLimits: { ...RATE_LIMITS, other: tight } });
    const alive = async (socket: Client) => ((await socket.emitWithAck('alive')) as { ok: boolean }).ok;
    const first = await via(url, '203.0.113.1');
    assert.deepEqual([await alive(first), await alive(first), await alive(first)], [true, true, false]);
    const other = await via(url, '203.0.113.2');
    assert.equal(await alive(other), true, 'another forwarded address has a budget of its own');
    const again = await via(url, '203.0.113.1');
    assert.equal(await alive(again), false, 'a new socket from the first forwarded address shares its budget');
  });
});
