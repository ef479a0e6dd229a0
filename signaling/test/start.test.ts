import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connect, joined, nextEvent, runServer, storeFlags } from './helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Whether nothing listens on `port` any more: a new listener gets it. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The processes of the group `pgid` still alive by `deadline` (epoch ms), as `ps` lists them; '' once none is. */
async function survivors(pgid: number, deadline: number): Promise<string> {
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return '';
    }
    if (Date.now() > deadline) return execFileSync('ps', ['-o', 'pid,stat,etime,args', '-g', String(pgid)]).toString();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A service manager or a container stops the process it started, by its id: here, npm itself.
describe('npm start, stopped like a service', () => {
  // `npm start` builds the client first; `npm start -w signaling` is how the README deploys it.
  const ways = [
    ['start', 'SIGTERM', "SIGTERM to npm start's own process"],
    ['start', 'SIGINT', "SIGINT to npm start's own process"],
    // The terminal signals every process of the foreground group, and npm passes its own on too.
    ['start', 'SIGINT', 'Ctrl-C in a terminal (SIGINT to the whole process group)'],
    ['start -w signaling', 'SIGTERM', "SIGTERM to the process of npm start -w signaling (a systemd unit's)"],
  ] as const;
  for (const [command, signal, how] of ways) {
    it(`${how}: every client gets the shutdown notice, and within 5 s the port is free and nothing is left`, async (t) => {
      const args = [...command.split(' '), '--', ...(await storeFlags())];
      const server = await runServer('npm', args, { PORT: '0' }, t, ROOT);
      const clients = await Promise.all([connect(server.url), connect(server.url)]);
      await Promise.all(clients.map((client, i) => joined(client, `member${i}`, 'service')));
      const notices = clients.map((client) => nextEvent(client, 'server-shutdown'));
      const sent = Date.now();
      const pid = server.child.pid ?? 0;
      process.kill(how.startsWith('Ctrl-C') ? -pid : pid, signal);
      for (const [notice] of await Promise.all(notices)) assert.match(notice.message, /shutting down/);
      const { code, signal: endedBy } = await server.exited;
      // After Ctrl-C npm ends itself by SIGINT, as shells expect.
      assert.ok(code === 0 || (how.startsWith('Ctrl-C') && endedBy === 'SIGINT'), `npm start ended with ${code ?? endedBy}`);
      assert.equal(await survivors(pid, sent + 5_000), '', 'a process npm start made outlived it by 5 s');
      assert.ok(Date.now() - sent < 5_000, `npm start took ${Date.now() - sent} ms to stop`);
      assert.equal(await portIsFree(Number(new URL(server.url).port)), true, 'the port is still taken');
    });
  }
});

describe('npm start reads its flags first', () => {
  for (const [args, status, said] of [
    [['--help'], 0, /Usage: meshchat-signaling/],
    [['--port', 'nope'], 2, /--port must be a whole number/],
    [['--no-such-flag'], 2, /Unknown option '--no-such-flag'/],
  ] as const) {
    it(`npm start -- ${args.join(' ')} answers at once, without building the client`, () => {
      const started = Date.now();
      const result = spawnSync('npm', ['start', '--', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      const output = `${result.stdout}${result.stderr}`;
      assert.equal(result.status, status, output);
      assert.match(output, said);
      assert.doesNotMatch(output, /vite|building/i, 'no build ran');
      assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    });
  }
});
