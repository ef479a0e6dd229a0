import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it, type TestContext } from 'node:test';
import stun from '@msimerson/stun';
import type { IceConfig } from '@meshchat/protocol';
import { CLI, connect, join, joined, nextEvent, runCli, storeFlags } from './helpers';

/** The real CLI on this run's store. */
const cli = async (t: TestContext, args: string[], env: Record<string, string> = {}) => runCli([...(await storeFlags()), ...args], env, t);

async function twoMembers(url: string) {
  const [a, b] = await Promise.all([connect(url), connect(url)]);
  await joined(a, 'alice', 'r');
  await joined(b, 'bob', 'r');
  return [a, b] as const;
}

describe('operator console and signals', () => {
  for (const how of ['q on stdin', 'SIGTERM', 'SIGINT'] as const) {
    it(`${how} sends every client the shutdown notice and exits 0 within 5 s`, async (t) => {
      const server = await cli(t, ['--port', '0']);
      const clients = await twoMembers(server.url);
      const notices = clients.map((client) => nextEvent(client, 'server-shutdown'));
      const started = Date.now();
      if (how === 'q on stdin') server.child.stdin.write('q\n');
      else server.child.kill(how);
      for (const [event] of await Promise.all(notices)) assert.match(event.message, /shutting down/);
      const { code } = await server.exited;
      assert.equal(code, 0);
      assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    });
  }

  it('keeps running when stdin reaches its end', async (t) => {
    const server = await cli(t, ['--port', '0']);
    server.child.stdin.end();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(server.child.exitCode, null);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    server.child.kill('SIGTERM');
    assert.equal((await server.exited).code, 0);
  });

  it('an admin shutdown takes the same path and exits 0', async (t) => {
    const server = await cli(t, ['--port', '0'], { ADMIN_TOKEN: 'let-me-in' });
    const [a, b] = await twoMembers(server.url);
    const notice = nextEvent(b, 'server-shutdown');
    assert.deepEqual(await a.emitWithAck('admin', { token: 'let-me-in', action: 'shutdown' }), { ok: true });
    await notice;
    assert.equal((await server.exited).code, 0);
  });
});

describe('flags', () => {
  it('--stun-port answers STUN and hands it out; --no-stun turns it off; a bad flag is refused', async (t) => {
    const server = await cli(t, ['--port', '0', '--stun-port', '0']);
    const port = Number(/STUN on UDP (\d+)/.exec(server.output())?.[1]);
    assert.ok(port > 0, server.output());
    const reply = await stun.request(`127.0.0.1:${port}`, { timeout: 2_000, retries: 2 });
    assert.equal(reply.getXorAddress()?.address, '127.0.0.1');
    assert.deepEqual(((await (await fetch(`${server.url}/ice`)).json()) as IceConfig).iceServers, [{ urls: [`stun:127.0.0.1:${port}`] }]);
    const off = await cli(t, ['--port', '0', '--no-stun']);
    assert.match(off.output(), /no STUN/);
    assert.deepEqual(((await (await fetch(`${off.url}/ice`)).json()) as IceConfig).iceServers, []);
    const refused = await runCli(['--port', '0', '--no-stun', '--stun-port', '1'], {}, t).catch((error: unknown) => String(error));
    assert.match(String(refused), /contradict/);
  });


  it('--host, -p and --max-room-size are honoured', async (t) => {
    const server = await cli(t, ['--host', '127.0.0.1', '-p', '0', '--max-room-size', '2']);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const [, , c] = await Promise.all([...(await twoMembers(server.url)), connect(server.url)]);
    assert.deepEqual(await join(c, 'carol', 'r'), { ok: false, code: 'ROOM_FULL' });
  });

  it('PORT sets the default port and --port overrides it', async (t) => {
    const fromEnv = await cli(t, [], { PORT: '0' });
    assert.match(fromEnv.url, /:\d+$/);
    assert.notEqual(fromEnv.url.endsWith(':9090'), true);
  });

  for (const bad of [
    ['--port', 'eighty'],
    ['--max-room-size', '1'],
    ['--bogus'],
    ['--cors-origin', 'not a url'],
    ['--turn-url', 'turn:127.0.0.1:3478'],
    ['--stun', 'http://not-stun'],
    ['--turn-url', 'turn:127.0.0.1:3478', '--turn-secret', 's', '--turn-ttl', '0'],
  ]) {
    it(`refuses ${bad.join(' ')} with usage and exit code 2`, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...bad], { stdio: 'pipe' });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = await once(child, 'exit');
      assert.equal(code, 2);
      assert.match(stderr, /Usage: meshchat-signaling/);
    });
  }
});
