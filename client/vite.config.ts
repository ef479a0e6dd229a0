import { defineConfig, loadEnv, type Plugin } from 'vite';

/**
 * The page's Content-Security-Policy: scripts and styles from the page's own origin only, and
 * connections only to it and to the signaling server named at build time (http and ws schemes).
 */
export function contentSecurityPolicy(signalingUrl: string | undefined): string {
  const connect = ["'self'"];
  if (signalingUrl) {
    const { origin, protocol, host } = new URL(signalingUrl);
    connect.push(origin, `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}`);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Writes `_headers` next to the build: Netlify (and the e2e static server) send it with every page. */
function staticHostHeaders(signalingUrl: string | undefined): Plugin {
  return {
    name: 'meshchat-static-headers',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: '_headers',
        source: `/*\n  Content-Security-Policy: ${contentSecurityPolicy(signalingUrl)}\n`,
      });
    },
  };
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  const signalingUrl = env.VITE_SIGNALING_URL || undefined;
  if (signalingUrl && !URL.canParse(signalingUrl)) throw new Error(`VITE_SIGNALING_URL is not a URL: ${signalingUrl}`);
  return {
    build: { target: 'es2022', sourcemap: true },
    plugins: [staticHostHeaders(signalingUrl)],
    server: { proxy: { '/socket.io': { target: 'http://127.0.0.1:9090', ws: true }, '/ice': 'http://127.0.0.1:9090' } },
  };
});
