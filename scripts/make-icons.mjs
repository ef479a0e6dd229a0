// Draw the app's icons from their SVG sources with Debian's Chromium, once, when the drawing
// changes (the PNGs and favicon.ico are committed):  node scripts/make-icons.mjs
// A .ico holds a PNG as is (Windows Vista and every browser since read that).
import { readFile, writeFile } from 'node:fs/promises';
import { chromium } from '@playwright/test';

const dir = new URL('../client/public/', import.meta.url);
const wanted = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['icon-maskable.svg', 'icon-maskable-512.png', 512],
  ['icon-maskable.svg', 'apple-touch-icon.png', 180],
  ['icon.svg', 'favicon-32.png', 32],
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium' });
const page = await browser.newPage();
const drawn = new Map();
for (const [source, target, size] of wanted) {
  const svg = await readFile(new URL(source, dir), 'utf8');
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
  const png = await page.screenshot({ omitBackground: true, type: 'png' });
  drawn.set(target, png);
  if (target !== 'favicon-32.png') await writeFile(new URL(target, dir), png);
}
await browser.close();

const png = drawn.get('favicon-32.png');
const header = Buffer.alloc(22);
header.writeUInt16LE(0, 0); // reserved
header.writeUInt16LE(1, 2); // an icon
header.writeUInt16LE(1, 4); // one image
header.writeUInt8(32, 6); // width
header.writeUInt8(32, 7); // height
header.writeUInt16LE(1, 10); // colour planes
header.writeUInt16LE(32, 12); // bits per pixel
header.writeUInt32LE(png.length, 14);
header.writeUInt32LE(22, 18); // where the image starts
await writeFile(new URL('favicon.ico', dir), Buffer.concat([header, png]));
console.log(`drew ${wanted.length - 1} icons and favicon.ico in ${dir.pathname}`);
