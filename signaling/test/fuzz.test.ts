import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ERROR_CODES, type ClientEventName } from '@meshchat/protocol';
import type { SignalingOptions } from '../src/index';
import { OFFER, connect, joined, nextEvent, storeOptions, type Client } from './helpers';

const EVENTS = 10_000;
const ATTACKERS = 8;
const KNOWN: ClientEventName[] = ['join', 'resume', 'leave', 'signal', 'pair', 'pair-cancel', 'admin'];
/** Names socket.io itself refuses to emit. */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty');
const deep = fc.integer({ min: 50, max: 400 }).map((depth) => {
  let value: unknown = { polluted: true };
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { nick: value, data: value === null ? 0 : undefined };
  return value;
});
const oversized = fc.integer({ min: 40_000, max: 90_000 }).map((size) => ({ nick: 'x'.repeat(size), room: 'r' }));

/** Payloads near the real ones, with one part wrong, and plain garbage of every kind. */
const payload = fc.oneof(
  fc.anything({ maxDepth: 4, withObjectString: true, withNullPrototype: true, withBigInt: false }),
  fc.record({ nick: fc.anything(), room: fc.anything() }, { requiredKeys: [] }),
  fc.record({ to: fc.string(), data: fc.record({ type: fc.constantFrom('offer', 'answer', 'candidate', 'chat'), sdp: fc.anything() }) }),
  fc.record({ token: fc.string(), action: fc.constantFrom('kick', 'announce', 'shutdown', 'nuke'), text: fc.anything() }),
  fc.dictionary(protoKey, fc.anything({ maxDepth: 2 })),
  fc.string({ maxLength: 2_000 }),
  fc.uint8Array({ maxLength: 2_048 }).map((bytes) => Buffer.from(bytes)),
  deep,
  oversized,
);
const eventName = fc.oneof(
  fc.constantFrom(...KNOWN),
  protoKey,
  fc.string({ minLength: 1, maxLength: 80 }).filter((name) => !RESERVED.has(name)),
);
const malformedEvent = fc.record({ name: eventName, args: fc.array(payload, { maxLength: 3 }) });

/** The real server in a child process, so its heap is measured apart from the test's clients. */
async function startMeasuredServer(options: SignalingOptions) {
  const child: ChildProcess = fork(fileURLToPath(new URL('./fixtures/heap-server.ts', import.meta.url)), {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, SERVER_OPTIONS: JSON.stringify({ ...(await storeOptions()), ...options }) },
  });
  after(() => void child.kill('SIGKILL'));
  const [ready] = (await once(child, 'message')) as [{ url: string }];
  return {
    url: ready.url,
    /** The server's heap after a full GC, and whether its Object.prototype was polluted. */
    async inspect(): Promise<{ heapUsed: number; polluted: boolean }> {
      child.send('heap');
      const [reply] = (await once(child, 'message')) as [{ heapUsed: number; polluted: boolean }];
      return reply;
    },
  };
}

describe('fuzzing the signaling server', () => {
  it(`answers ${EVENTS} malformed events with typed errors or disconnects, and keeps serving`, async () => {
    // Budgets large enough that the events reach the parsers instead of the rate limiter.
    const roomy = { points: 1_000_000, seconds: 1, perIp: 1 };
    const server = await startMeasuredServer({
      adminToken: 'fuzz-admin-token',
      rateLimits: { join: roomy, signal: roomy, other: roomy },
      maxSocketsPerIp: 1_000,
    });
    const { url } = server;
    const [alice, bob] = [await connect(url), await connect(url)];
    await joined(alice, 'alice', 'calm');
    await joined(bob, 'bob', 'calm');
    const legitimateRelay = async () => {
      const arrived = nextEvent(bob, 'signal');
      assert.deepEqual(await alice.emitWithAck('signal', { to: 'bob', data: OFFER }), { ok: true });
      assert.equal((await arrived)[0].from, 'alice');
    };

    const samples = fc.sample(malformedEvent, { numRuns: EVENTS, seed: 20261122 });
    const baseline = (await server.inspect()).heapUsed;
    const outcomes = new Map<string, number>();
    const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    const codes = new Set<string>(ERROR_CODES);

    const attack = async (lane: number) => {
      let socket: Client = await connect(url);
      for (let i = lane; i < samples.length; i += ATTACKERS) {
        const sample = samples[i];
        if (!sample) continue;
        if (!socket.connected) socket = await connect(url);
        const target = socket;
        const answer = await new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve('no answer'), 5_000);
          const dropped = () => {
            clearTimeout(timer);
            resolve('disconnect');
          };
          target.once('disconnect', dropped);
          (target.emit as (name: string, ...args: unknown[]) => void)(sample.name, ...sample.args, (result: unknown) => {
            clearTimeout(timer);
            target.off('disconnect', dropped);
            const { ok, code } = (result ?? {}) as { ok?: unknown; code?: unknown };
            resolve(ok === true ? 'ok' : typeof code === 'string' && codes.has(code) ? code : `untyped ${JSON.stringify(result)}`);
          });
        });
        count(answer);
        if (i % 1_000 === lane) await legitimateRelay();
      }
      socket.disconnect();
    };
    await Promise.all(Array.from({ length: ATTACKERS }, (_, lane) => attack(lane)));

    const total = [...outcomes.values()].reduce((sum, n) => sum + n, 0);
    console.log(`[measure] fuzz: ${total} events`, Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])));
    assert.equal(total, EVENTS);
    for (const outcome of outcomes.keys()) {
      assert.ok(outcome === 'ok' || outcome === 'disconnect' || codes.has(outcome), `unexpected outcome: ${outcome}`);
    }
    assert.ok((outcomes.get('BAD_REQUEST') ?? 0) > EVENTS / 5, 'a large share of events reached the schemas');
    assert.ok((outcomes.get('UNKNOWN_EVENT') ?? 0) > 0);

    await legitimateRelay();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { heapUsed, polluted } = await server.inspect();
    assert.equal(polluted, false, '({}).polluted stays undefined in the server');
    const growthMb = (heapUsed - baseline) / 1024 / 1024;
    console.log(`[measure] fuzz: heap growth after GC ${growthMb.toFixed(1)} MB`);
    assert.ok(growthMb < 20, `heap grew ${growthMb.toFixed(1)} MB`);
  });
});
