import { randomBytes } from 'node:crypto';
import { startRedis, type RedisProcess } from '@meshchat/testkit/redis-server';
import { SignalingProcess } from '@meshchat/testkit/signaling-process';
import { User, fillJoin } from '@meshchat/testkit/user';
import { expect, test } from '../helpers/fixtures';
import { recordedPage } from '../helpers/pages';

let redis: RedisProcess;
test.beforeAll(async () => {
  redis = await startRedis();
});
test.afterAll(async () => {
  await redis.stop();
});

test('two browsers on two signaling processes sharing one Redis chat peer to peer', async ({ browser }) => {
  const prefix = `e2e-${randomBytes(6).toString('hex')}:`;
  const processes = [0, 1].map(() => new SignalingProcess(['--redis-url', redis.url, '--redis-prefix', prefix]));
  await Promise.all(processes.map((process) => process.start()));
  const [a, b] = processes as [SignalingProcess, SignalingProcess];
  expect(a.url).not.toBe(b.url);
  const [atA, atB] = await Promise.all([recordedPage(browser, `${a.url}/?room=scale`), recordedPage(browser, `${b.url}/?room=scale`)]);
  await fillJoin(atA.page, 'alice');
  await fillJoin(atB.page, 'bob');
  const alice = new User(atA.page, 'alice');
  const bob = new User(atB.page, 'bob');
  await alice.connectedTo('bob');
  await bob.connectedTo('alice');

  await alice.say('hello from process A');
  await expect(bob.lines('public').filter({ hasText: 'hello from process A' })).toHaveCount(1);
  await bob.say('hello from process B');
  await expect(alice.lines('public').filter({ hasText: 'hello from process B' })).toHaveCount(1);

  // The offer and answer crossed processes through Redis; the chat itself touched neither.
  for (const { traffic } of [atA, atB]) expect(traffic.join('\n')).not.toContain('hello from process');
  const health = await Promise.all(processes.map(async (process) => (await fetch(`${process.url}/healthz`)).json()));
  expect(health.map((entry: { store: { kind: string } }) => entry.store.kind)).toEqual(['redis', 'redis']);
});
