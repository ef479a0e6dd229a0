import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';
import { VitePWA } from 'vite-plugin-pwa';
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
 * The first screen's code is imported once the language is set (`main.ts`), so the browser would
 * only ask for it after running the entry: a round trip more before anything shows (150 ms on a
 * slow phone network). The page names it to be fetched at once (`modulepreload`), beside the entry;
 * it still runs only when imported.
 */
function preloadFirstScreen(): Plugin {
  return {
    name: 'meshchat-preload-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        if (!bundle) return html;
        const chunks = Object.values(bundle).flatMap((output) => (output.type === 'chunk' ? [output] : []));
        const ui = chunks.find((chunk) => chunk.facadeModuleId?.endsWith('/src/ui/index.ts'));
        if (!ui) throw new Error('the first screen\'s chunk (src/ui/index.ts) is missing from the build');
        const wanted = new Set<string>();
        const add = (fileName: string) => {
          if (wanted.has(fileName)) return;
          wanted.add(fileName);
          for (const next of chunks.find((chunk) => chunk.fileName === fileName)?.imports ?? []) add(next);
        };
        add(ui.fileName);
        const links = [...wanted].filter((fileName) => !html.includes(`/${fileName}"`)).map((fileName) => `<link rel="modulepreload" crossorigin href="/${fileName}">`);
        return html.replace('</head>', `  ${links.join('\n    ')}\n  </head>`);
      },
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

/**
 * The installable app: its manifest, and a service worker (Workbox, through vite-plugin-pwa) that
 * keeps the app shell so the page opens with no network. A new version waits until the person
 * chooses Reload (`registerType: 'prompt'`): never a swap in the middle of a conversation. The
 * emoji picker's data (a file per language, up to 0.7 MB) is kept once it is first used, not
 * fetched ahead.
 */
const app = VitePWA({
  registerType: 'prompt',
  injectRegister: false,
  includeAssets: ['favicon.ico', 'icon.svg', 'apple-touch-icon.png', 'robots.txt'],
  manifest: {
    name: 'meshchat',
    short_name: 'meshchat',
    description: 'Private peer-to-peer group chat in the browser: messages go directly between browsers.',
    id: '/',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: '#1f5fbf',
    icons: [
      { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{js,css,html,ico,png,svg,webmanifest}'],
    globIgnores: ['**/compact-*.js'],
    navigateFallback: 'index.html',
    // The first version takes charge of the page that installed it (there is nothing older to
    // swap out); a later one only once the person chose Reload.
    clientsClaim: true,
    // Only the app's own routes open the app offline: any other path is the server's (its 404 page).
    navigateFallbackAllowlist: [/^\/(index\.html)?(\?|$)/],
    runtimeCaching: [{ urlPattern: /\/assets\/compact-[\w-]+\.js$/, handler: 'CacheFirst', options: { cacheName: 'emoji-data', expiration: { maxEntries: 4 } } }],
  },
});

/**
 * Every text file of the build also as `.br` and `.gz`, at the strongest settings (once, at build
 * time): the Node server sends whichever the browser accepts; a static host picks them up or
 * compresses itself. Files under 1 KB, and those compression does not shrink, stay as they are.
 */
const precompressed = compression({
  include: /\.(html|css|js|mjs|json|svg|webmanifest|txt)$/,
  exclude: /\.map$/,
  threshold: 1024,
  algorithms: [defineAlgorithm('gzip', { level: 9 }), defineAlgorithm('brotliCompress', {})],
  logLevel: 'silent',
});

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  const signalingUrl = env.VITE_SIGNALING_URL || undefined;
  if (signalingUrl && !URL.canParse(signalingUrl)) throw new Error(`VITE_SIGNALING_URL is not a URL: ${signalingUrl}`);
  return {
    build: { target: 'es2022', sourcemap: true },
    plugins: [staticHostHeaders(signalingUrl), preloadFirstScreen(), app, precompressed],
    resolve: { alias: SIMPLE_PEER_SHIMS },
    server: { proxy: { '/socket.io': { target: 'http://127.0.0.1:9090', ws: true }, '/ice': 'http://127.0.0.1:9090' } },
  };
});
