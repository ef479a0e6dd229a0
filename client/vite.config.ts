import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv, type Plugin } from 'vite';
// A relative path, so Vite bundles it into the config (the package itself is TypeScript source).
import { cspHeader } from '../shared/src/csp.ts';

/** Writes `_headers` next to the build: Netlify (and the e2e static server) send it with every page. */
function staticHostHeaders(signalingUrl: string | undefined): Plugin {
  return {
    name: 'meshchat-static-headers',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: '_headers',
        source: `/*\n  Content-Security-Policy: ${cspHeader(signalingUrl ? [signalingUrl] : [])}\n`,
      });
    },
  };
}

/**
 * simple-peer from its source, with what it asks of Node made small: its self-contained build
 * carries whole Buffer, stream and process shims (98 KB minified) for a stream API meshchat
 * never uses. See shims/.
 */
const shim = (name: string) => fileURLToPath(new URL(`./shims/${name}.cjs`, import.meta.url));
const SIMPLE_PEER_SHIMS = [
  { find: /^readable-stream$/, replacement: shim('duplex') },
  { find: /^buffer$/, replacement: shim('buffer') },
  { find: /^debug$/, replacement: shim('debug') },
  { find: /^randombytes$/, replacement: shim('randombytes') },
  { find: /^err-code$/, replacement: shim('err-code') },
  { find: /^queue-microtask$/, replacement: shim('queue-microtask') },
];

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  const signalingUrl = env.VITE_SIGNALING_URL || undefined;
  if (signalingUrl && !URL.canParse(signalingUrl)) throw new Error(`VITE_SIGNALING_URL is not a URL: ${signalingUrl}`);
  return {
    build: { target: 'es2022', sourcemap: true },
    plugins: [staticHostHeaders(signalingUrl)],
    resolve: { alias: SIMPLE_PEER_SHIMS },
    server: { proxy: { '/socket.io': { target: 'http://127.0.0.1:9090', ws: true }, '/ice': 'http://127.0.0.1:9090' } },
  };
});
