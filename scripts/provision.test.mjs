// The provisioning step `npm test` and .ci/run start with: a missing program stops it at once,
// named, with the command that installs it, before any test runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./provision.mjs', import.meta.url));

function provision(env) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [SCRIPT], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, ms: Date.now() - started };
}

describe('provisioning the test machine', () => {
  it('a variable naming a missing program stops it within seconds, naming it, the variable and the install command', () => {
    const { status, output, ms } = provision({ REDIS_SERVER_PATH: '/nonexistent/redis-server' });
    assert.equal(status, 1, output);
    assert.ok(ms < 10_000, `took ${ms} ms`);
    assert.match(output, /npm test needs programs this machine does not have: redis-server\./);
    assert.match(output, /REDIS_SERVER_PATH=\/nonexistent\/redis-server names no program that can run/);
    assert.match(output, /No test was run\./);
  });

  it('programs off the PATH, with no way to install them, are listed with the apt-get line and their variables', () => {
    const { status, output, ms } = provision({ PATH: '/nonexistent', REDIS_SERVER_PATH: '', CHROMIUM_PATH: '' });
    assert.equal(status, 1, output);
    assert.ok(ms < 10_000, `took ${ms} ms`);
    assert.match(output, /redis-server/);
    assert.match(output, /turnserver/);
    assert.match(output, /sudo apt-get install -y --no-install-recommends .*redis-server.*coturn|sudo apt-get install -y --no-install-recommends .*coturn.*redis-server/);
    assert.match(output, /Or point REDIS_SERVER_PATH at a redis-server you have/);
  });

  it('says nothing and exits 0 where everything is installed', { skip: provision({ MESHCHAT_NO_INSTALL: '1' }).status !== 0 && 'this machine lacks a program' }, () => {
    const { status, output } = provision({ MESHCHAT_NO_INSTALL: '1' });
    assert.equal(status, 0, output);
    assert.doesNotMatch(output, /installing/);
  });
});
