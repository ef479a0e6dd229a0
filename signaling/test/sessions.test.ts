import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SessionTokens } from '../src/sessions';
import { STORE, connect, join, joined, nextEvent, record, runCli, restartServer, sleep, startServer, storeOptions } from './helpers';

const SECRET = 'a session secret of at least 32 bytes, for tests';
const GRACE_MS = 5_000;

/** A server and a second one started after it on the same port, secret and store (or revocation file). */
async function restartable(options: { sessionReissueMs?: number; adminToken?: string } = {}) {
  const revocationsFile = path.join(mkdtempSync(path.join(tmpdir(), 'meshchat-revoked-')), 'revoked.json');
  const store = await storeOptions();
  const common = { sessionSecret: SECRET, reconnectGraceMs: GRACE_MS, revocationsFile, ...store, ...options };
  const first = await startServer(common);
  return {
    first,
    restart: () => restartServer(first, common),
  };
}

describe('session tokens after a restart', () => {
  it('a seated member gets a fresh token now and then, and the fresh one takes the seat back', async () => {
    const { first, restart } = await restartable({ sessionReissueMs: 300 });
    const alice = await connect(first.url);
    const { session } = await joined(alice, 'alice', 'r');
    const [{ session: fresh }] = await nextEvent(alice, 'session', 2_000);
    assert.notEqual(fresh, session, 'a new token');
    // In the store: the re-issued token resumes the same seat.
    const again = await connect(first.url);
    const resumed = await again.emitWithAck('resume', { session: fresh });
    assert.ok(resumed.ok && resumed.nick === 'alice', JSON.stringify(resumed));
    const latest = resumed.ok ? resumed.session : '';
    again.disconnect();
    alice.disconnect();
    const second = await restart();
    const back = await (await connect(second.url)).emitWithAck('resume', { session: latest });
    assert.ok(back.ok && back.nick === 'alice', `after the restart: ${JSON.stringify(back)}`);
  });

  it('an old signed token (an earlier visit) does not take a seat from its present holder', async () => {
    const { first, restart } = await restartable();
    // Mallory was "alice" in this room an hour ago and kept her token.
    const stale = new SessionTokens(SECRET).mint('r', 'alice', 'an-old-seat', Date.now() - 3_600_000);
    const alice = await connect(first.url);
    const { session } = await joined(alice, 'alice', 'r');
    alice.disconnect();
    const second = await restart();
    const mallory = await connect(second.url);
    assert.deepEqual(await mallory.emitWithAck('resume', { session: stale }), { ok: false, code: 'SESSION_INVALID' });
    const back = await (await connect(second.url)).emitWithAck('resume', { session });
    assert.ok(back.ok && back.nick === 'alice', 'the real alice, with her recent token, is back');
  });

  it('a stale token does not evict someone who took a free name after the restart', async () => {
    const { restart } = await restartable();
    const stale = new SessionTokens(SECRET).mint('r', 'alice', 'an-old-seat', Date.now() - 3_600_000);
    const second = await restart();
    const alice = await connect(second.url);
    await joined(alice, 'alice', 'r');
    const kicked = record(alice, 'kicked');
    assert.deepEqual(await (await connect(second.url)).emitWithAck('resume', { session: stale }), { ok: false, code: 'SESSION_INVALID' });
    await sleep(100);
    assert.deepEqual(kicked, [], 'alice keeps her seat');
  });

  for (const how of ['left', 'kicked'] as const) {
    it(`a seat that was ${how} before a restart does not come back with its token`, async () => {
      const adminToken = 'an admin token for this test';
      const { first, restart } = await restartable({ adminToken });
      const mallory = await connect(first.url);
      const { session } = await joined(mallory, 'alice', 'r');
      if (how === 'left') assert.deepEqual(await mallory.emitWithAck('leave'), { ok: true });
      else {
        const operator = await connect(first.url);
        assert.deepEqual(await operator.emitWithAck('admin', { token: adminToken, action: 'kick', room: 'r', nick: 'alice' }), { ok: true });
      }
      mallory.disconnect();
      const second = await restart();
      const alice = await connect(second.url);
      await joined(alice, 'alice', 'r');
      const kicked = record(alice, 'kicked');
      const replay = await (await connect(second.url)).emitWithAck('resume', { session });
      assert.deepEqual(replay, { ok: false, code: 'SESSION_INVALID' }, 'the token of a seat given up is void');
      await sleep(100);
      assert.deepEqual(kicked, [], 'the real alice keeps her seat');
    });
  }
});

describe('pairing rooms', () => {
  it('nobody joins a pair- room by its name', async () => {
    const { url } = await startServer();
    const [a, b, c] = await Promise.all([connect(url), connect(url), connect(url)]);
    const paired = nextEvent(a, 'paired');
    await a.emitWithAck('pair', { nick: 'ann' });
    await b.emitWithAck('pair', { nick: 'bea' });
    const [{ room }] = await paired;
    assert.deepEqual(await join(c, 'mallory', room), { ok: false, code: 'ROOM_INVALID' });
    assert.deepEqual(await join(c, 'mallory', ' pair-made-up'), { ok: false, code: 'ROOM_INVALID' });
    assert.equal((await join(c, 'mallory', 'Pair-is-another-word')).ok, true, 'only the prefix the server uses is reserved');
  });
});

describe('the session secret', () => {
  const stateDir = () => mkdtempSync(path.join(tmpdir(), 'meshchat-state-'));

  it('an empty or blank secret file is made anew, never used as an empty key', async (t) => {
    for (const content of ['', '  \n', 'short']) {
      const file = path.join(stateDir(), 'session-secret');
      writeFileSync(file, content, { mode: 0o600 });
      const server = await runCli(['--port', '0', '--no-stun', '--session-secret-file', file], { SESSION_SECRET: '' }, t);
      const secret = readFileSync(file, 'utf8').trim();
      assert.ok(Buffer.byteLength(secret) >= 32, `a new secret of ${Buffer.byteLength(secret)} bytes`);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.match(server.output(), /holds no usable secret/);
      // A token minted with the empty key is worth nothing.
      const forged = new SessionTokens(' '.repeat(32)).mint('r', 'alice', 'x');
      const emptyKey = `${forged.split('.')[0]}.${Buffer.alloc(0).toString('base64url')}`;
      const client = await connect(server.url);
      assert.deepEqual(await client.emitWithAck('resume', { session: `${emptyKey}AAAAAAAAAAAAAAAA` }), { ok: false, code: 'SESSION_INVALID' });
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('a secret file others can read is used with a warning', async (t) => {
    const file = path.join(stateDir(), 'session-secret');
    writeFileSync(file, `${'s'.repeat(40)}\n`);
    chmodSync(file, 0o644);
    const server = await runCli(['--port', '0', '--no-stun', '--session-secret-file', file], { SESSION_SECRET: '' }, t);
    assert.match(server.output(), /can be read by other users \(mode 644\).*chmod 600/);
    assert.equal(readFileSync(file, 'utf8').trim(), 's'.repeat(40), 'the secret itself is kept');
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it('a short SESSION_SECRET stops the server before it listens', async (t) => {
    const refused = await runCli(['--port', '0', '--no-stun'], { SESSION_SECRET: 'test-secret' }, t).then(
      () => 'started',
      (error: unknown) => String(error),
    );
    assert.match(refused, /exited with 2: .*SESSION_SECRET must be at least 32 bytes/s);
    await assert.rejects(startServer({ sessionSecret: 'short' }), /at least 32 bytes/);
  });
});

describe('a stalled store', { skip: STORE !== 'redis' && 'Redis only' }, () => {
  it('a paused Redis answers /healthz 503 and refuses a join within about 2 s, and recovers', async () => {
    const { startRedis } = await import('@meshchat/testkit/redis-server');
    const redis = await startRedis();
    try {
      const server = await startServer({ redisUrl: redis.url, redisPrefix: 'stall:' });
      const client = await connect(server.url);
      redis.pause();
      try {
        let started = Date.now();
        const answer = await fetch(`${server.url}/healthz`);
        const healthMs = Date.now() - started;
        assert.equal(answer.status, 503);
        started = Date.now();
        assert.deepEqual(await join(client, 'alice', 'r'), { ok: false, code: 'UNAVAILABLE' });
        const joinMs = Date.now() - started;
        console.log(`[measure] paused Redis: /healthz 503 after ${healthMs} ms, join refused after ${joinMs} ms`);
        assert.ok(healthMs < 3_000 && joinMs < 3_000, `health ${healthMs} ms, join ${joinMs} ms`);
      } finally {
        redis.resume();
      }
      // Back once Redis answers a probe again (they go every 250 ms): healthy within a second or two.
      const deadline = Date.now() + 5_000;
      while ((await fetch(`${server.url}/healthz`)).status !== 200) {
        assert.ok(Date.now() < deadline, 'healthy again within 5 s of Redis going on');
        await sleep(100);
      }
      assert.equal((await join(client, 'alice', 'r')).ok, true);
      await server.close();
    } finally {
      await redis.stop();
    }
  });
});
