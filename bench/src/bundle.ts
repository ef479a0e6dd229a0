import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface BundleFile {
  file: string;
  bytes: number;
  gzip: number;
  brotli: number;
}

export interface BundleResults {
  files: BundleFile[];
  total: { bytes: number; gzip: number; brotli: number };
  /** JavaScript alone, gzipped, every language. */
  jsGzip: number;
  /** JavaScript an English reader loads, gzipped (no other language's catalogue): what the 60 KB target is about. */
  englishJsGzip: number;
  /** The emoji picker's data for one language (Emojibase, loaded the first time the picker opens), gzipped. */
  emojiDataGzip: number;
  /** The service worker (sw.js and Workbox's runtime), which the browser fetches for itself, not the page: gzipped. */
  serviceWorkerGzip: number;
}

const CLIENT = fileURLToPath(new URL('../../client', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Build the client as it ships, then weigh every JS and CSS file raw, gzipped and brotli'd. */
export function bundleBench(log: (line: string) => void): BundleResults {
  const build = spawnSync('npm', ['run', 'build', '-w', 'client'], { cwd: path.join(CLIENT, '..'), encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`client build failed:\n${build.stdout}${build.stderr}`);
  const dist = path.join(CLIENT, 'dist');
  const files = walk(dist)
    .filter((file) => /\.(js|css)$/.test(file))
    .map((file) => {
      const content = readFileSync(file);
      return {
        file: path.relative(dist, file),
        bytes: content.length,
        gzip: gzipSync(content, { level: 9 }).length,
        brotli: brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      };
    });
  const sum = (key: 'bytes' | 'gzip' | 'brotli', list = files) => list.reduce((total, file) => total + file[key], 0);
  const total = { bytes: sum('bytes'), gzip: sum('gzip'), brotli: sum('brotli') };
  for (const file of files) log(`bundle ${file.file}: ${kb(file.bytes)} raw, ${kb(file.gzip)} gzip, ${kb(file.brotli)} brotli`);
  // The page's scripts are in assets/; the service worker and its Workbox runtime sit beside index.html.
  const worker = files.filter((file) => file.file.endsWith('.js') && !file.file.startsWith('assets/'));
  const js = files.filter((file) => file.file.endsWith('.js') && !worker.includes(file));
  // Each translation is a chunk of its own, named after its language (see client/src/generated/locales).
  const languages = readdirSync(path.join(CLIENT, 'src/generated/locales')).map((name) => name.replace(/\.ts$/, ''));
  // The emoji picker's data, one pair of chunks a language (Emojibase's compact.json and messages.json), is data loaded on
  // the picker's first opening, counted apart: for one language, the largest pair.
  const emojiData = js.filter((file) => /^(compact|messages)-/.test(path.basename(file.file)));
  const english = js.filter((file) => !emojiData.includes(file) && !languages.some((language) => path.basename(file.file).startsWith(`${language}-`)));
  const largest = (prefix: string) => Math.max(0, ...emojiData.filter((file) => path.basename(file.file).startsWith(prefix)).map((file) => file.gzip));
  return { files, total, jsGzip: sum('gzip', js), englishJsGzip: sum('gzip', english), emojiDataGzip: largest('compact-') + largest('messages-'), serviceWorkerGzip: sum('gzip', worker) };
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
