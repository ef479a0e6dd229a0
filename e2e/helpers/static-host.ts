import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { untilTestEnds } from '@meshchat/testkit/processes';

const NETLIFY_TOML = fileURLToPath(new URL('../../netlify.toml', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

interface NetlifyConfig {
  build?: { publish?: string };
  redirects?: { from: string; to: string; status?: number }[];
  headers?: { for: string; values: Record<string, string> }[];
}

/** Netlify's path patterns as used here: exact paths and a trailing `/*`. */
function matches(pattern: string, urlPath: string): boolean {
  return pattern.endsWith('/*') ? urlPath.startsWith(pattern.slice(0, -1)) : pattern === urlPath;
}

/** Rules of a `_headers` file: a path line, then indented `Name: value` lines. */
function parseHeadersFile(text: string): { for: string; values: Record<string, string> }[] {
  const rules: { for: string; values: Record<string, string> }[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) rules.push({ for: line.trim(), values: {} });
    else {
      const colon = line.indexOf(':');
      const rule = rules.at(-1);
      if (rule && colon > 0) rule.values[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
  }
  return rules;
}

/**
 * A static host for a built client that behaves as Netlify does with this repository's
 * netlify.toml: its [[headers]] and [[redirects]], plus the build's own `_headers` file.
 * Standing in for Netlify in tests, on its own origin (port). It closes when the test ends.
 */
export async function startStaticHost(root: string): Promise<{ origin: string; close(): Promise<void> }> {
  const config = parse(readFileSync(NETLIFY_TOML, 'utf8')) as NetlifyConfig;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
      let file = path.join(root, path.normalize(urlPath === '/' ? '/index.html' : urlPath));
      if (!file.startsWith(root)) file = path.join(root, 'index.html');
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        const rewrite = config.redirects?.find((rule) => rule.status === 200 && matches(rule.from, urlPath));
        if (!rewrite) {
          // Netlify answers a path that is no file with the site's 404.html, status 404.
          const page = await readFile(path.join(root, '404.html')).catch(() => Buffer.from('not found'));
          response.writeHead(404, { 'Content-Type': TYPES['.html'] ?? 'text/html' }).end(page);
          return;
        }
        file = path.join(root, rewrite.to);
        body = await readFile(file);
      }
      const headersFile = await readFile(path.join(root, '_headers'), 'utf8').catch(() => '');
      const headers: Record<string, string> = { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' };
      for (const rule of [...(config.headers ?? []), ...parseHeadersFile(headersFile)]) {
        if (matches(rule.for, urlPath)) Object.assign(headers, rule.values);
      }
      response.writeHead(200, headers).end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Pages left open keep connections alive (and Chromium opens spare ones): cut them, or close waits on them.
  const close = () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return closed;
  };
  untilTestEnds({ stop: close });
  return { origin: `http://127.0.0.1:${port}`, close };
}
