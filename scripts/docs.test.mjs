// The README and docs/: every relative link and picture points at a file that exists (and a
// #heading at a heading that exists), every `npm run` script they name is in package.json, and
// the README stays short enough to read on a screen or two.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const scripts = (workspace) => Object.keys(JSON.parse(readFileSync(path.join(ROOT, workspace, 'package.json'), 'utf8')).scripts ?? {});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const headings = (file) => [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/^#+ (.+)$/gm)].map(([, text]) => anchor(text ?? ''));

describe('the README and docs/', () => {
  it('the README is at most 200 lines, with its two set-up commands first', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.split('\n').length <= 200, `the README has ${readme.split('\n').length} lines`);
    assert.match(readme, /^```sh\nnpm install && npm start +#.*\nnpm test +#.*\n```/);
  });

  for (const file of DOCS) {
    it(`${file}: its links, pictures and npm scripts exist`, () => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      const targets = [...text.matchAll(/\]\(([^)\s]+)\)|src="([^"]+)"/g)].map(([, link, src]) => link ?? src ?? '');
      for (const target of targets) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [where = '', hash] = target.split('#');
        const resolved = where === '' ? file : path.posix.join(path.posix.dirname(file), where);
        assert.ok(existsSync(path.join(ROOT, resolved)), `${file} links to ${target}, which is not there`);
        if (hash && resolved.endsWith('.md')) assert.ok(headings(resolved).includes(hash), `${file} links to ${target}: no such heading`);
      }
      for (const [, before, script, after] of text.matchAll(/npm run (?:-w (\w+) )?([\w:]+)(?: -w (\w+))?/g)) {
        const workspace = before ?? after ?? '.';
        assert.ok(scripts(workspace).includes(script ?? ''), `${file} names npm run ${script}, which ${workspace} does not have`);
      }
    });
  }
});
