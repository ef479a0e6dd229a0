// Time to the first message across the NAT lab: for every cell of the matrix in testkit/src/nat-meet.ts
// (pairs of site kinds × built-in STUN, TURN, a third person relaying), from the second person's
// Join to the first message shown at the other end, over several rounds. Needs root (network
// namespaces); elsewhere it says why and measures nothing.
import type { BrowserContext } from '@playwright/test';
import { NatLab, SITES, whyNoLab } from '@meshchat/testkit/nat-lab';
import { CONFIGS, PAIRS, labBrowsers, matrixTable, runMatrix, startLabServers, type Cell, type Config } from '@meshchat/testkit/nat-meet';
import { median, type BenchOptions } from './harness';

export interface NatCell {
  pair: string;
  config: Config;
  /** How each round ended: `direct`, `relayed` (TURN), `peer relay`, `failed` or `error`. */
  outcomes: string[];
  /** Join to first message, per round that connected. */
  ms: number[];
  medianMs: number | undefined;
}

export interface NatResults {
  /** Why nothing was measured, if so. */
  skipped?: string;
  rounds: number;
  cells: NatCell[];
  table: string;
}

export async function natBench(options: BenchOptions, log: (line: string) => void): Promise<NatResults> {
  const why = whyNoLab();
  if (why) {
    log(`NAT lab: skipped, ${why}`);
    return { skipped: why, rounds: 0, cells: [], table: '' };
  }
  // The smoke run takes one pair that links, once: enough that the code cannot rot (the e2e NAT
  // specs run every pair, failing ones included, through the same lab).
  const rounds = options.smoke ? 1 : 5;
  const pick = options.smoke ? (pair: { name: string }) => pair.name === 'cone ↔ cone' : () => true;
  const lab = NatLab.create(SITES);
  const servers = await startLabServers(lab).catch((error: unknown) => {
    lab.close();
    throw error;
  });
  let browsers = new Map<string, BrowserContext>();
  try {
    browsers = await labBrowsers(lab, [servers.stun, servers.turn]);
    const runs: Record<string, Partial<Record<Config, Cell[]>>> = {};
    for (let round = 0; round < rounds; round++) {
      const matrix = await runMatrix(servers, browsers, { round, pick });
      for (const [pair, cells] of Object.entries(matrix)) {
        for (const config of CONFIGS) {
          const cell = cells[config];
          if (cell) ((runs[pair] ??= {})[config] ??= []).push(cell);
        }
      }
      log(`NAT lab: round ${round + 1} of ${rounds} done`);
    }
    const cells: NatCell[] = [];
    for (const pair of PAIRS) {
      for (const config of CONFIGS) {
        const each = runs[pair.name]?.[config];
        if (!each) continue;
        const ms = each.flatMap((cell) => (cell.ms === undefined ? [] : [cell.ms]));
        cells.push({ pair: pair.name, config, outcomes: each.map((cell) => cell.outcome), ms, medianMs: ms.length > 0 ? median(ms) : undefined });
      }
    }
    const show = (pair: { name: string }, config: Config) => {
      const cell = cells.find((each) => each.pair === pair.name && each.config === config);
      if (!cell) return 'not run';
      const outcomes = [...new Set(cell.outcomes)].join(' / ');
      if (cell.medianMs === undefined) return `${outcomes} (${cell.outcomes.length}×)`;
      return `${outcomes}, median ${(cell.medianMs / 1000).toFixed(1)} s (${(Math.min(...cell.ms) / 1000).toFixed(1)}–${(Math.max(...cell.ms) / 1000).toFixed(1)} s, ${cell.ms.length}×)`;
    };
    const table = matrixTable(show);
    return { rounds, cells, table };
  } finally {
    await Promise.all([...browsers.values()].map((browser) => browser.close()));
    await servers.stop();
    lab.close();
  }
}
