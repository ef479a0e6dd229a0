// A closing page's goodbye by beacon (`POST /bye` with its session token): it shortens the seat's
// hold to a reload's even when the socket's own goodbye never came, it is refused from other
// origins and over-long, and a reload's late beacon does not shorten the new page's grace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect, joined, nextEvent, sleep, startServer } from './helpers';

/** A beacon as a browser sends it: a text body, and the page's origin. */
function beacon(url: string, body: string, origin = url): Promise<Response> {
  return fetch(new URL('/bye', url), { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8', origin } });
}

describe('goodbye by beacon', () => {
  it('a page whose socket closed without a word, but whose beacon came, leaves after the reload grace', async () => {
    const { url } = await startServer({ reconnectGraceMs: 30_000, reloadGraceMs: 200 });
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const { session } = await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const left = nextEvent(b, 'peer-left', 3_000);
    assert.equal((await beacon(url, session)).status, 204);
    a.disconnect();
    assert.deepEqual(await left, [{ nick: 'alice', reason: 'left' }], 'not the 30 s grace of a dropped connection');
  });

  it("Firefox's beacon from a page already gone (`Origin: null`) counts too", async () => {
    const { url } = await startServer({ reconnectGraceMs: 30_000, reloadGraceMs: 200 });
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const { session } = await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const left = nextEvent(b, 'peer-left', 3_000);
    a.disconnect();
    assert.equal((await beacon(url, session, 'null')).status, 204);
    assert.deepEqual(await left, [{ nick: 'alice', reason: 'left' }]);
  });

  it('a beacon that comes after the socket dropped still cuts the hold to the reload grace', async () => {
    const { url } = await startServer({ reconnectGraceMs: 30_000, reloadGraceMs: 200 });
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const { session } = await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const left = nextEvent(b, 'peer-left', 3_000);
    a.disconnect();
    await sleep(100);
    assert.equal((await beacon(url, session)).status, 204);
    assert.deepEqual(await left, [{ nick: 'alice', reason: 'left' }]);
  });

  it('refuses other origins, empty and over-long bodies; an unknown token is answered and changes nothing', async () => {
    const { url } = await startServer({ reconnectGraceMs: 600, reloadGraceMs: 50 });
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const { session } = await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    assert.equal((await beacon(url, session, 'https://elsewhere.example')).status, 403);
    assert.equal((await beacon(url, '')).status, 400);
    assert.equal((await beacon(url, 'x'.repeat(10_000))).status, 413);
    assert.equal((await beacon(url, `${session.slice(0, -4)}AAAA`)).status, 204);
    const dropped = Date.now();
    const left = nextEvent(b, 'peer-left', 3_000);
    a.disconnect();
    assert.deepEqual(await left, [{ nick: 'alice', reason: 'disconnected' }]);
    assert.ok(Date.now() - dropped >= 500, 'none of them shortened the hold');
  });

  it("a reload's beacon that arrives after the new page took the seat back does not shorten the new page's grace", async () => {
    // The reload grace is what the new page has to take the seat back in: long enough for a loaded
    // machine's connect and resume (50 ms was not, with the suite twice over beside browsers).
    const { url } = await startServer({ reconnectGraceMs: 2_500, reloadGraceMs: 1_000 });
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const first = await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    a.emit('bye');
    a.disconnect();
    const reloaded = await connect(url);
    await sleep(5);
    assert.equal((await reloaded.emitWithAck('resume', { session: first.session })).ok, true);
    // The old page's beacon, late.
    assert.equal((await beacon(url, first.session)).status, 204);
    const dropped = Date.now();
    const left = nextEvent(b, 'peer-left', 5_000);
    reloaded.disconnect();
    assert.deepEqual(await left, [{ nick: 'alice', reason: 'disconnected' }]);
    assert.ok(Date.now() - dropped >= 2_400, 'the new page keeps the whole reconnect grace, not the reload grace');
  });

  it('a flood of beacons from one address is answered 429 and costs no one their seat', async () => {
    const { url } = await startServer({ reconnectGraceMs: 600, reloadGraceMs: 50 });
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const { session } = await joined(a, 'alice', 'r');
    await joined(b, 'bob', 'r');
    const forged = `${session.slice(0, -4)}AAAA`;
    const statuses = [];
    for (let i = 0; i < 80; i++) statuses.push((await beacon(url, forged)).status);
    assert.equal(statuses[0], 204);
    assert.equal(statuses.at(-1), 429);
    // alice's real beacon, from the same flooded address, is refused too: her drop keeps its grace.
    assert.equal((await beacon(url, session)).status, 429);
    const dropped = Date.now();
    const left = nextEvent(b, 'peer-left', 3_000);
    a.disconnect();
    assert.deepEqual(await left, [{ nick: 'alice', reason: 'disconnected' }]);
    assert.ok(Date.now() - dropped >= 500);
  });
});
