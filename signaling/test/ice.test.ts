import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { IceConfig } from '@meshchat/protocol';
import { startServer } from './helpers';

async function getIce(url: string, query = '', headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/ice${query}`, { headers });
  return { response, body: (await response.json()) as IceConfig };
}

describe('GET /ice', () => {
  it('hands out no ICE servers by default: host candidates only, no hidden public STUN', async () => {
    const { url } = await startServer();
    const { response, body } = await getIce(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(body, { iceServers: [], expiresAt: null });
  });

  it('hands out configured STUN URLs as they are', async () => {
    const { url } = await startServer({ stunUrls: ['stun:relay.internal.test:3478'] });
    assert.deepEqual((await getIce(url)).body, { iceServers: [{ urls: ['stun:relay.internal.test:3478'] }], expiresAt: null });
  });

  it("issues coturn REST-API credentials that expire, and never reveals the secret", async () => {
    const secret = 'the-shared-secret';
    const { url } = await startServer({ turnUrls: ['turn:127.0.0.1:3478'], turnSecret: secret, turnTtlSeconds: 600 });
    const before = Math.floor(Date.now() / 1000);
    const { response, body } = await getIce(url, '?user=Zoë Smith');
    const text = JSON.stringify(body);
    assert.equal(text.includes(secret), false);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const [turn] = body.iceServers;
    assert.ok(turn?.username && turn.credential);
    assert.deepEqual(turn.urls, ['turn:127.0.0.1:3478']);
    const [expiry, user] = turn.username.split(':');
    assert.equal(user, 'Zo__Smith', 'the nickname, reduced to characters every TURN server accepts');
    assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= before + 601, `expiry ${expiry}`);
    assert.equal(turn.credential, createHmac('sha1', secret).update(turn.username).digest('base64'));
    assert.equal(body.expiresAt, Number(expiry) * 1000);
  });

  it('answers allowed origins with CORS and refuses others with 403', async () => {
    const { url } = await startServer({ corsOrigins: ['https://chat.example'] });
    const allowed = await getIce(url, '', { Origin: 'https://chat.example' });
    assert.equal(allowed.response.headers.get('access-control-allow-origin'), 'https://chat.example');
    const refused = await fetch(`${url}/ice`, { headers: { Origin: 'https://evil.example' } });
    assert.equal(refused.status, 403);
  });
});

describe('HTTP headers', () => {
  it('serves the page with a strict CSP and the usual hardening headers', async () => {
    const { url } = await startServer({ cspConnect: ['https://other.example'] });
    const response = await fetch(`${url}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self' https:\/\/other\.example wss:\/\/other\.example(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('x-powered-by'), null);
  });
});

describe('GET /ice limits', () => {
  it('answers a flood from one address with 429 RATE_LIMITED', async () => {
    const { url } = await startServer({ turnUrls: ['turn:127.0.0.1:3478'], turnSecret: 'secret' });
    const statuses = [];
    for (let i = 0; i < 80; i++) statuses.push((await fetch(`${url}/ice`)).status);
    assert.equal(statuses[0], 200);
    assert.equal(statuses.at(-1), 429);
    assert.ok(statuses.filter((status) => status === 200).length >= 50, 'a burst of ordinary use goes through');
  });
});
