import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import stun from '@msimerson/stun';
import type { IceConfig } from '@meshchat/protocol';
import { startServer } from './helpers';

/** A UDP socket of our own, to see what the server answers to exactly what we send. */
async function udp(t: { after(fn: () => void): void }, address = '127.0.0.1'): Promise<{ socket: Socket; port: number; answers: Buffer[] }> {
  const socket = createSocket('udp4');
  const answers: Buffer[] = [];
  socket.on('message', (packet) => answers.push(packet));
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  t.after(() => socket.close());
  return { socket, port: (socket.address() as AddressInfo).port, answers };
}

/** A Binding request carrying `attributes` (type 0x8022, SOFTWARE, each `valueBytes` long). */
function bindingRequest(attributes = 0, valueBytes = 0): Buffer {
  const attribute = 4 + valueBytes;
  const packet = Buffer.alloc(20 + attributes * attribute);
  packet.writeUInt16BE(0x0001, 0);
  packet.writeUInt16BE(attributes * attribute, 2);
  packet.writeUInt32BE(0x2112a442, 4);
  packet.set(Buffer.from('0123456789ab'), 8);
  for (let i = 0; i < attributes; i++) {
    packet.writeUInt16BE(0x8022, 20 + i * attribute);
    packet.writeUInt16BE(valueBytes, 22 + i * attribute);
  }
  return packet;
}

/** The `q`th quantile of `values`. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

/** Until `answers` holds `count` (a busy machine answers later than any fixed wait), then a moment more for any that should not come. */
async function answered(answers: readonly Buffer[], count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (answers.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await settle();
}

describe('STUN on the signaling host', () => {
  it('answers a Binding request with the address and port it came from', async () => {
    const server = await startServer({ stunPort: 0 });
    assert.ok(server.stunPort, 'a UDP port was opened');
    const reply = await stun.request(`127.0.0.1:${server.stunPort}`, { timeout: 2_000, retries: 2 });
    const mapped = reply.getXorAddress();
    assert.equal(mapped?.address, '127.0.0.1');
    assert.ok(mapped && mapped.port > 0);
  });

  it('is handed out by GET /ice as stun:<the host the page asked>:<port>, first, or under --public-host', async () => {
    const server = await startServer({ stunPort: 0, stunUrls: ['stun:other.example.test:3478'] });
    const ice = (await (await fetch(`${server.url}/ice`)).json()) as IceConfig;
    assert.deepEqual(ice.iceServers, [{ urls: [`stun:127.0.0.1:${server.stunPort}`, 'stun:other.example.test:3478'] }]);
    const named = await startServer({ stunPort: 0, publicHost: 'chat.example.test' });
    const namedIce = (await (await fetch(`${named.url}/ice`)).json()) as IceConfig;
    assert.deepEqual(namedIce.iceServers, [{ urls: [`stun:chat.example.test:${named.stunPort}`] }]);
  });

  it('answers nothing but well-formed Binding requests, and keeps answering after garbage', async (t) => {
    const server = await startServer({ stunPort: 0 });
    const { socket, answers } = await udp(t);
    const port = server.stunPort ?? 0;
    const junk = [Buffer.alloc(0), Buffer.from('hello'), Buffer.alloc(20, 0xff), Buffer.concat([bindingRequest(), Buffer.alloc(3)]), Buffer.alloc(1500, 1)];
    const response = bindingRequest();
    response.writeUInt16BE(0x0101, 0);
    for (const packet of [...junk, response]) socket.send(packet, port, '127.0.0.1');
    await settle();
    assert.equal(answers.length, 0, 'no answer to anything but a Binding request');
    socket.send(bindingRequest(), port, '127.0.0.1');
    await answered(answers, 1);
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.readUInt16BE(0), 0x0101, 'a Binding success response');
    assert.deepEqual(answers[0]?.subarray(8, 20), Buffer.from('0123456789ab'), 'with the request’s transaction id');
  });

  it('answers one address at most its budget: a flood is not reflected', async (t) => {
    const server = await startServer({ stunPort: 0 });
    const { socket, answers } = await udp(t);
    const started = performance.now();
    let last = started;
    socket.on('message', () => (last = performance.now()));
    for (let i = 0; i < 500; i++) socket.send(bindingRequest(), server.stunPort ?? 0, '127.0.0.1');
    // Until the answers stop coming: on a busy machine the server reads the flood for longer than
    // any fixed wait (200 ms answered 32 of 500 beside three CPU hogs), and its budget refills meanwhile.
    const deadline = started + 10_000;
    while ((performance.now() - last < 300 || answers.length === 0) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    // The burst (60) and what refills at 20 a second while the flood was read, never the flood (500).
    const budget = 60 + Math.ceil(((last - started) / 1000) * 20);
    assert.ok(answers.length >= 50 && answers.length <= budget, `answered ${answers.length} of 500 in ${Math.round(last - started)} ms (budget ${budget})`);
    // The budget refills at 20 a second: a browser that asks again a moment later is answered.
    const reply = await stun.request(`127.0.0.1:${server.stunPort}`, { timeout: 2_000, retries: 2 });
    assert.equal(reply.getXorAddress()?.address, '127.0.0.1');
  });

  it('a STUN port that is taken stops a server that needs it, and only warns when it is optional', async (t) => {
    const { port } = await udp(t);
    await assert.rejects(startServer({ stunPort: port, host: '127.0.0.1' }), /cannot answer STUN on UDP port/);
    const server = await startServer({ stunPort: port, stunRequired: false });
    assert.equal(server.stunPort, undefined);
    const ice = (await (await fetch(`${server.url}/ice`)).json()) as IceConfig;
    assert.deepEqual(ice.iceServers, []);
  });

  it('answers a request with a few attributes from its header, and drops one too big to be a browser’s', async (t) => {
    const server = await startServer({ stunPort: 0 });
    const { socket, answers } = await udp(t);
    const port = server.stunPort ?? 0;
    socket.send(bindingRequest(4, 8), port, '127.0.0.1');
    await answered(answers, 1);
    assert.equal(answers.length, 1, 'a request with short attributes is answered');
    assert.deepEqual(answers[0]?.subarray(8, 20), Buffer.from('0123456789ab'));
    // Over the cap: 16,000 empty attributes (64 KB), and a request just past 512 bytes.
    socket.send(bindingRequest(16_000), port, '127.0.0.1');
    socket.send(bindingRequest(1, 512 - 24 + 4), port, '127.0.0.1');
    await settle();
    assert.equal(answers.length, 1, 'nothing answers a request over 512 bytes');
  });

  it('a flood of 64 KB requests, each sender within its budget, does not slow the server down', async (t) => {
    const server = await startServer({ stunPort: 0 });
    // What the server spends is measured as this process's CPU time (the server runs in it), which
    // other work on the machine does not change; /healthz latencies are a figure beside it.
    const healthz = async (ms: number): Promise<{ latencies: number[]; cpuMsPerS: number }> => {
      const latencies: number[] = [];
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (const until = Date.now() + ms; Date.now() < until; ) {
        const sent = performance.now();
        assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
        latencies.push(performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const used = process.cpuUsage(cpu);
      return { latencies, cpuMsPerS: (used.user + used.system) / 1_000 / ((performance.now() - started) / 1_000) };
    };
    await healthz(100); // the first requests warm up HTTP and JSON paths
    const quiet = await healthz(1_500);
    // Ten senders on ten addresses (forged addresses do the same from one machine), each at the 20
    // a second one address may send, for four seconds.
    const senders = await Promise.all(Array.from({ length: 10 }, (_, n) => udp(t, `127.0.0.${n + 2}`)));
    const flood = bindingRequest(16_000);
    const sender = setInterval(() => {
      for (const { socket } of senders) socket.send(flood, server.stunPort ?? 0, '127.0.0.1');
    }, 50);
    t.after(() => clearInterval(sender));
    const flooded = await healthz(4_000);
    clearInterval(sender);
    const p = (run: { latencies: number[] }, q: number) => quantile(run.latencies, q).toFixed(1);
    t.diagnostic(
      `/healthz p50/p99: quiet ${p(quiet, 0.5)}/${p(quiet, 0.99)} ms, under a 64 KB STUN flood ${p(flooded, 0.5)}/${p(flooded, 0.99)} ms (${flooded.latencies.length} requests in 4 s); ` +
        `CPU ${quiet.cpuMsPerS.toFixed(0)} ms a second quiet, ${flooded.cpuMsPerS.toFixed(0)} under the flood (the senders' 12.8 MB/s included)`,
    );
    // Decoding each packet's 16,000 attributes cost 12–44 ms each: 200 a second kept the process
    // busy all the time (p99 136–180 ms, half the requests served). Read from the header, the flood
    // costs a small part of a second; a busy machine changes the latencies, not this.
    assert.ok(flooded.cpuMsPerS < quiet.cpuMsPerS + 400, `the flood took ${flooded.cpuMsPerS.toFixed(0)} ms of CPU a second, ${quiet.cpuMsPerS.toFixed(0)} quiet`);
  });

  it('listens on every interface, whatever the HTTP host is, unless --stun-host names one', async (t) => {
    // 127.0.0.2 is loopback too, but not the address the HTTP side listens on.
    const { socket, answers } = await udp(t);
    const server = await startServer({ stunPort: 0, host: '127.0.0.1' });
    socket.send(bindingRequest(), server.stunPort ?? 0, '127.0.0.2');
    await answered(answers, 1);
    assert.equal(answers.length, 1, 'reached on an address the HTTP side does not listen on');
    const v4 = await stun.request(`127.0.0.1:${server.stunPort}`, { timeout: 2_000, retries: 2 });
    assert.equal(v4.getXorAddress()?.address, '127.0.0.1', 'an IPv4 sender is answered with its IPv4 address');
    const only = await startServer({ stunPort: 0, stunHost: '127.0.0.1' });
    socket.send(bindingRequest(), only.stunPort ?? 0, '127.0.0.2');
    socket.send(bindingRequest(), only.stunPort ?? 0, '127.0.0.1');
    await answered(answers, 2);
    assert.equal(answers.length, 2, 'only on 127.0.0.1 when told so');
    const hasIpv6 = Object.values(networkInterfaces()).some((addresses) => addresses?.some(({ address }) => address === '::1'));
    if (!hasIpv6) return;
    const v6 = createSocket('udp6');
    const v6Answers: Buffer[] = [];
    v6.on('message', (packet) => v6Answers.push(packet));
    t.after(() => v6.close());
    v6.send(bindingRequest(), server.stunPort ?? 0, '::1');
    await answered(v6Answers, 1);
    assert.equal(v6Answers.length, 1, 'and on IPv6 where the machine has it');
  });
});
