import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { cspDirectives } from '@meshchat/protocol';
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
  /** `GET /healthz`: its status code and body. */
  health: () => Promise<{ status: number; body: object }>;
  /** Folder of the built web client; `null` serves none. */
  staticDir: string | null;
}

/** The HTTP side: hardening headers, `GET /ice`, `GET /healthz` and the built web client. */
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
  app.use(express.static(dir, { index: 'index.html' }));
  // Deep links and ?room= links land on the app.
  app.get('/{*rest}', (_request, response) => response.sendFile(index));
}
