import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
/** Each layer, and the layers it may import. */
const MAY_IMPORT: Record<string, readonly string[]> = { ui: ['app', 'room'], app: ['room', 'net'], room: ['net'], net: [] };

/** Every source file under client/src (generated locales aside), relative to it, with the files it imports. */
function graph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.startsWith('generated'));
  const imports = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(path.join(SRC, file), 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)'|^import '(\.[^']+)'|import\(['`](\.[^'`$]+)['`]\)/gm)]
      .map((match) => match[1] ?? match[2] ?? match[3] ?? '')
      .map((specifier) => path.normalize(path.join(path.dirname(file), specifier)))
      .map((target) => (files.includes(`${target}.ts`) ? `${target}.ts` : files.includes(path.join(target, 'index.ts')) ? path.join(target, 'index.ts') : target))
      .filter((target) => files.includes(target));
    imports.set(file, targets);
  }
  return imports;
}

const layerOf = (file: string) => file.split(path.sep)[0] ?? '';

describe('the client in layers', () => {
  it('imports point one way, ui → app → room → net, each layer entered through its index', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph()) {
      const from = layerOf(file);
      const allowed = MAY_IMPORT[from];
      if (!allowed) continue;
      for (const target of targets) {
        const to = layerOf(target);
        if (to === from) continue;
        if (!allowed.includes(to)) wrong.push(`${file} imports ${target}`);
        else if (target !== path.join(to, 'index.ts')) wrong.push(`${file} reaches past ${to}/index.ts to ${target}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('no file imports itself back through others', () => {
    const imports = graph();
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of imports.get(file) ?? []) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of imports.keys()) visit(file, []);
    assert.ok(imports.size > 30, 'the source files were found');
    assert.deepEqual(cycles, []);
  });

  it('every layer says at the top of its index what it owns and what it may import', () => {
    for (const layer of Object.keys(MAY_IMPORT)) {
      const index = readFileSync(path.join(SRC, layer, 'index.ts'), 'utf8');
      assert.match(index, new RegExp(`^// ${layer}/: .+may import`, 'is'), `${layer}/index.ts opens with its one-line README`);
    }
  });
});
