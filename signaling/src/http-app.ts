import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import compression from 'compression';
import express from 'express';
import expressStaticGzip from 'express-static-gzip';
import helmet from 'helmet';
import { SESSION_TOKEN_MAX_LENGTH, cspDirectives } from '@meshchat/protocol';
import { iceConfig, turnUser, type IceOptions } from './ice';
import type { Throttle } from './throttle';

export interface HttpAppOptions {
  corsOrigins: ReadonlySet<string>;
  cspConnect: readonly string[];
  ice: IceOptions;
  /** This server's own STUN port, and the host name browsers reach it by (default: the one the request named). */
  ownStun: () => { port: number; host: string | undefined } | undefined;
  throttle: Throttle;
  /** The client's address, as rate limits count it. */
  addressOf: (request: IncomingMessage) => string;
  /** `POST /bye`: a closing page's goodbye, by its session token (see `RoomRegistry.goodbyeByToken`). */
  goodbye: (token: string) => void;
  /** `GET /healthz`: its status code and body. */
  health: () => Promise<{ status: number; body: object }>;
  /** Folder of the built web client; `null` serves none. */
  staticDir: string | null;
}

/** The HTTP side: hardening headers, `GET /ice`, `POST /bye`, `GET /healthz` and the built web client. */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(options.cspConnect) },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.get('/ice', async (request, response) => {
    // The static page lives on another origin: answer it by the same allow-list as the sockets.
    if (!isAllowedOrigin(request, options.corsOrigins)) {
      response.status(403).json({ ok: false, code: 'FORBIDDEN' });
      return;
    }
    // TURN credentials cost relay bandwidth: hand them out on the same budget as other requests.
    const address = options.addressOf(request);
    if (!(await options.throttle.allow('other', `http:${address}`, address))) {
      response.status(429).json({ ok: false, code: 'RATE_LIMITED' });
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined) response.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
    response.set('Cache-Control', 'no-store');
    const own = options.ownStun();
    const ownStunUrl = own && `stun:${own.host ?? request.hostname}:${own.port}`;
    response.json(iceConfig(options.ice, turnUser(request.query.user), ownStunUrl));
  });
  // A page that closes says goodbye with a beacon too: it is sent even after the page has gone, when
  // the socket's last frames may not be (Firefox drops them now and then as a tab closes). Firefox
  // sends it with `Origin: null` (the page is gone): the seat's token, a secret, is what counts.
  app.post('/bye', express.text({ type: () => true, limit: SESSION_TOKEN_MAX_LENGTH }), async (request, response) => {
    const address = options.addressOf(request);
    if (request.headers.origin !== 'null' && !isAllowedOrigin(request, options.corsOrigins)) response.status(403).end();
    else if (!(await options.throttle.allow('other', `http:${address}`, address))) response.status(429).end();
    else if (typeof request.body !== 'string' || request.body.length === 0) response.status(400).end();
    else {
      options.goodbye(request.body);
      response.status(204).end();
    }
  });
  // An over-long or unreadable body is the sender's problem: answered, not logged.
  app.use('/bye', (error: { status?: number }, _request: express.Request, response: express.Response, _next: express.NextFunction) => {
    response.status(error.status ?? 400).end();
  });
  // A load balancer takes a process out of rotation on 503: while its store is away it cannot seat anyone.
  app.get('/healthz', async (_request, response) => {
    const { status, body } = await options.health();
    response.status(status).json(body);
  });
  serveClient(app, options.staticDir);
  return app;
}

/**
 * Browsers always send `Origin` on cross-origin requests: accept the server's own origin and the
 * allow-list. Clients without one (not browsers) are accepted; they could forge any origin anyway.
 */
export function isAllowedOrigin(request: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowed.has(origin)) return true;
  const hostHeader = request.headers.host;
  return hostHeader !== undefined && (origin === `http://${hostHeader}` || origin === `https://${hostHeader}`);
}

/**
 * How long a browser may keep a file of the client: what Vite names by its content (`/assets/`)
 * never changes under that name, so it is kept a year and never asked again; everything else (the
 * page, the service worker, the manifest, icons) is asked afresh each time, and a new version is seen.
 */
const cacheFor = (dir: string) => (response: ServerResponse, file: string) => {
  const hashed = path.relative(dir, file).startsWith(`assets${path.sep}`);
  response.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
};

/**
 * The built client: each file as brotli or gzip when the build made one and the browser takes it
 * (`Vary: Accept-Encoding`), what the build left uncompressed (the service worker's files) compressed
 * as it goes out when it is over 1 KB, and a real 404 for any path that is not a file of the client.
 */
function serveClient(app: express.Express, dir: string | null): void {
  const index = dir === null ? undefined : path.join(dir, 'index.html');
  if (dir === null || index === undefined || !existsSync(index)) {
    app.get('/', (_request, response) => {
      response
        .type('text/plain')
        .send('meshchat signaling server. The web client is not built here: run `npm run build`, then restart.\n');
    });
    return;
  }
  // _headers is the static host's header file (Netlify); this server sends those headers itself.
  app.get('/_headers', (_request, response) => response.status(404).end());
  app.use(compression({ threshold: 1024 }));
  app.use(expressStaticGzip(dir, { enableBrotli: true, orderPreference: ['br', 'gz'], index: 'index.html', serveStatic: { setHeaders: cacheFor(dir) } }));
  // The app is `/` (with `?room=…`) and `/index.html`, both files served above; anything else is a 404.
  const notFound = existsSync(path.join(dir, '404.html')) ? path.join(dir, '404.html') : undefined;
  app.use((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') response.status(404).end();
    else if (notFound) response.status(404).sendFile(notFound, { headers: { 'Cache-Control': 'no-cache' } });
    else response.status(404).type('text/plain').send('Not found\n');
  });
}
