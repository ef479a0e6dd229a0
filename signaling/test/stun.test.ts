import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import stun from '@msimerson/stun';
import type { IceConfig } from '@meshchat/protocol';
import { startServer } from './helpers';

/** A UDP socket of our own, to see what the server answers to exactly what we send. */
async function udp(t: { after(fn: () => void): void }): Promise<{ socket: Socket; port: number; answers: Buffer[] }> {
  const socket = createSocket('udp4');
  const answers: Buffer[] = [];
  socket.on('message', (packet) => answers.push(packet));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.after(() => socket.close());
  return { socket, port: (socket.address() as AddressInfo).port, answers };
}

function bindingRequest(): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt32BE(0x2112a442, 4);
  header.set(Buffer.from('0123456789ab'), 8);
  return header;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

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
    await settle();
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.readUInt16BE(0), 0x0101, 'a Binding success response');
    assert.deepEqual(answers[0]?.subarray(8, 20), Buffer.from('0123456789ab'), 'with the request’s transaction id');
  });

  it('answers one address at most its budget: a flood is not reflected', async (t) => {
    const server = await startServer({ stunPort: 0 });
    const { socket, answers } = await udp(t);
    for (let i = 0; i < 500; i++) socket.send(bindingRequest(), server.stunPort ?? 0, '127.0.0.1');
    await settle();
    assert.ok(answers.length >= 50 && answers.length <= 80, `answered ${answers.length} of 500`);
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
});
