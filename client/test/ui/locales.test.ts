import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLIENT = fileURLToPath(new URL('../..', import.meta.url));
const LANGUAGES = ['pl', 'ru'] as const;

interface Unit {
  id: string;
  source: string;
  target: string | undefined;
}

function units(xliff: string): Unit[] {
  return [...xliff.matchAll(/<trans-unit id="([^"]+)">\s*<source>([\s\S]*?)<\/source>(?:\s*<target>([\s\S]*?)<\/target>)?/g)].map(
    ([, id = '', source = '', target]) => ({ id, source, target }),
  );
}

const placeholders = (text = '') => [...text.matchAll(/<x id="(\d+)"/g)].map(([, id]) => id).sort();

describe('translations', () => {
  for (const language of LANGUAGES) {
    it(`${language}: every message has a translation with the same placeholders, and the built module has them all`, () => {
      const catalogue = units(readFileSync(path.join(CLIENT, 'xliff', `${language}.xlf`), 'utf8'));
      const built = readFileSync(path.join(CLIENT, 'src', 'generated', 'locales', `${language}.ts`), 'utf8');
      assert.ok(catalogue.length > 100);
      for (const unit of catalogue) {
        assert.ok(unit.target?.trim(), `${language} has no translation for: ${unit.source}`);
        if (/[A-Za-z]{2}/.test(unit.source.replace(/<x [^>]*\/>/g, ''))) {
          assert.notEqual(unit.target, unit.source, `${language} "translation" is the English: ${unit.source}`);
        }
        assert.deepEqual(placeholders(unit.target), placeholders(unit.source), `${language} placeholders differ for: ${unit.source}`);
        assert.ok(built.includes(`'${unit.id}'`), `${language} module lacks ${unit.id}; run npm run build -w client`);
      }
      // lit-localize copies a target's XML as it is: an escaped < in a plain message reached the
      // screen as "&lt;" (/help in Polish and Russian).
      assert.deepEqual(built.match(/&(?:lt|gt|amp|quot|apos);/g) ?? [], [], `${language} module shows escaped markup`);
    });
  }

  it('the catalogues hold exactly the messages the source has (npm run localize -w client keeps them so)', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'meshchat-xliff-'));
    const config = JSON.parse(readFileSync(path.join(CLIENT, 'lit-localize.json'), 'utf8')) as { interchange: { xliffDir: string } };
    config.interchange.xliffDir = scratch;
    const configPath = path.join(CLIENT, `.lit-localize.check-${process.pid}.json`);
    writeFileSync(configPath, JSON.stringify(config));
    try {
      const run = spawnSync(path.join(CLIENT, '..', 'node_modules', '.bin', 'lit-localize'), ['extract', '--config', configPath], {
        cwd: CLIENT,
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      for (const language of LANGUAGES) {
        const fresh = units(readFileSync(path.join(scratch, `${language}.xlf`), 'utf8')).map(({ id }) => id).sort();
        const committed = units(readFileSync(path.join(CLIENT, 'xliff', `${language}.xlf`), 'utf8')).map(({ id }) => id).sort();
        assert.deepEqual(committed, fresh, `client/xliff/${language}.xlf is stale: run npm run localize -w client and translate`);
      }
    } finally {
      rmSync(configPath, { force: true });
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
