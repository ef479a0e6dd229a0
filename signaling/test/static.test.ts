import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { startServer } from './helpers';

/** One GET as a browser sends it, the body as it came over the wire (fetch would decompress it). */
function fetchRaw(url: string, acceptEncoding?: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

/** A client build as Vite leaves it: a hashed script with its .br and .gz, the page, a 404 page, a service worker with none. */
function builtClient() {
  const dist = mkdtempSync(path.join(tmpdir(), 'meshchat-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  const script = `export const words = ${JSON.stringify('hello '.repeat(500))};\n`;
  const page = `<!doctype html><title>meshchat</title>${'<!-- padding -->'.repeat(80)}`;
  const files: Record<string, string | Buffer> = {
    'index.html': page,
    'index.html.br': brotliCompressSync(page),
    'index.html.gz': gzipSync(page),
    'assets/app-C0ffee12.js': script,
    'assets/app-C0ffee12.js.br': brotliCompressSync(script),
    'assets/app-C0ffee12.js.gz': gzipSync(script),
    '404.html': '<!doctype html><title>Not found · meshchat</title>',
    'robots.txt': 'User-agent: *\nAllow: /\n',
    'sw.js': `self.addEventListener('fetch', () => {});\n${'// the precache list\n'.repeat(100)}`,
    _headers: '/*\n  Content-Security-Policy: x\n',
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dist, name), body);
  return { dist, script, page };
}

describe('serving the built client', () => {
  it('sends brotli or gzip as the browser accepts, with Vary, the right type and length, and plain text to one that takes neither', async () => {
    const { dist, script } = builtClient();
    const { url } = await startServer({ staticDir: dist });
    const asset = `${url}/assets/app-C0ffee12.js`;
    const br = await fetchRaw(asset, 'gzip, deflate, br');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.match(br.headers['content-type'] ?? '', /^text\/javascript/);
    assert.equal(Number(br.headers['content-length']), br.body.length);
    assert.equal(brotliDecompressSync(br.body).toString(), script);
    const gz = await fetchRaw(asset, 'gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), script);
    const plain = await fetchRaw(asset);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), script);
  });

  it('lets hashed assets be kept a year, and has the page and the service worker asked afresh', async () => {
    const { dist } = builtClient();
    const { url } = await startServer({ staticDir: dist });
    assert.equal((await fetchRaw(`${url}/assets/app-C0ffee12.js`, 'br')).headers['cache-control'], 'public, max-age=31536000, immutable');
    for (const page of ['/', '/?room=x', '/index.html', '/sw.js', '/robots.txt']) {
      const reply = await fetchRaw(`${url}${page}`, 'br');
      assert.equal(reply.status, 200, page);
      assert.equal(reply.headers['cache-control'], 'no-cache', page);
    }
  });

  it('compresses what the build left uncompressed as it goes out (the service worker), once it is worth it', async () => {
    const { dist } = builtClient();
    const { url } = await startServer({ staticDir: dist });
    const worker = await fetchRaw(`${url}/sw.js`, 'gzip');
    assert.equal(worker.headers['content-encoding'], 'gzip');
    assert.match(gunzipSync(worker.body).toString(), /precache list/);
    // 24 bytes are not worth compressing.
    assert.equal((await fetchRaw(`${url}/robots.txt`, 'gzip')).headers['content-encoding'], undefined);
  });

  it('answers a path that is not the app with a real 404 (its page), and never serves the static host header file', async () => {
    const { dist, page } = builtClient();
    const { url } = await startServer({ staticDir: dist });
    assert.equal(brotliDecompressSync((await fetchRaw(`${url}/?room=x`, 'br')).body).toString(), page);
    for (const missing of ['/some/deep/link?room=x', '/assets/gone-123.js', '/favicon.ico', '/index.php']) {
      const reply = await fetchRaw(`${url}${missing}`);
      assert.equal(reply.status, 404, missing);
      assert.match(reply.body.toString(), /Not found · meshchat/, missing);
    }
    assert.equal((await fetchRaw(`${url}/_headers`)).status, 404);
  });
});

describe('serving the built client, hostile requests', () => {
  it('answers any Accept-Encoding with the file, decodable by what the reply says, and never a path outside the build', async () => {
    const { dist, script } = builtClient();
    const { url } = await startServer({ staticDir: dist });
    const decode = (encoding: string | undefined, body: Buffer) =>
      (encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body).toString();
    for (const accept of ['', 'br;q=abc', '*;q=0', 'gzip;q=0, br;q=0', 'x'.repeat(4_000), 'identity;q=0, *;q=0', ',,,;;;', 'BR, GZIP']) {
      const reply = await fetchRaw(`${url}/assets/app-C0ffee12.js`, accept);
      assert.equal(reply.status, 200, accept);
      assert.equal(decode(reply.headers['content-encoding'], reply.body), script, accept);
    }
    for (const escape of ['/../../../etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/app-C0ffee12.js.br/..%00']) {
      const reply = await fetchRaw(`${url}${escape}`);
      assert.ok(reply.status === 404 || reply.status === 400 || reply.status === 403, `${escape}: ${reply.status}`);
      assert.doesNotMatch(reply.body.toString(), /root:/, escape);
    }
  });
});
