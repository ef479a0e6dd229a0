import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ServerProcess, openMany, percentile, sourceAddress, type BenchOptions } from './harness';
import { SocketIoWire } from './wire';

export interface CapacityStep {
  clients: number;
  joinP50Ms: number;
  joinP99Ms: number;
  heapMb: number;
  rssMb: number;
}

export interface CapacityResults {
  steps: CapacityStep[];
  /** The most registered clients at which new joins were still answered within 100 ms p99. */
  maxClientsWithin100Ms: number;
  limitedBy: string;
}

const P99_LIMIT_MS = 100;
const PROBES = 200;

/** Open files a process may hold here; the server needs one per client, and so does this generator. */
function openFileLimit(): number {
  const soft = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim());
  return Number.isFinite(soft) && soft > 0 ? soft : 1024;
}

/** Time `count` joins by fresh clients, `concurrency` at a time, as newcomers see them. */
async function probeJoins(url: string, first: number, count: number, concurrency: number): Promise<number[]> {
  const times: number[] = [];
  const wires = await openMany(count, (i) => SocketIoWire.connect(url, sourceAddress(i, 90 + first)), concurrency);
  for (let start = 0; start < wires.length; start += concurrency) {
    await Promise.all(
      wires.slice(start, start + concurrency).map(async (wire, i) => {
        const began = performance.now();
        await wire.request('join', { nick: `probe${start + i}`, room: `probe-${first}-${start + i}` });
        times.push(performance.now() - began);
      }),
    );
  }
  for (const wire of wires) wire.close();
  return times.sort((a, b) => a - b);
}

export async function capacityBench({ smoke }: BenchOptions, log: (line: string) => void): Promise<CapacityResults> {
  const step = smoke ? 100 : 2_500;
  const fileLimit = openFileLimit();
  // Leave room for the probes and each process's own files.
  const ceiling = smoke ? 200 : Math.min(30_000, fileLimit - PROBES - 300);
  const server = await ServerProcess.start('ours');
  const clients: SocketIoWire[] = [];
  const steps: CapacityStep[] = [];
  let limitedBy = smoke
    ? 'smoke run'
    : ceiling < 30_000
      ? `the open-file limit of ${fileLimit} per process on this machine (one socket per client, in the server and in the generator)`
      : `the bench's ceiling of ${ceiling} clients`;
  try {
    while (clients.length < ceiling) {
      const more = await openMany(Math.min(step, ceiling - clients.length), async (offset) => {
        const i = clients.length + offset;
        const wire = await SocketIoWire.connect(server.url, sourceAddress(i, 80));
        await wire.join(`user${i}`, `cap-${Math.floor(i / 10)}`);
        return wire;
      });
      clients.push(...more);
      const probe = await probeJoins(server.url, steps.length, smoke ? 20 : PROBES, 20);
      const stats = await server.stats();
      const entry = {
        clients: clients.length,
        joinP50Ms: percentile(probe, 50),
        joinP99Ms: percentile(probe, 99),
        heapMb: stats.heapUsed / 2 ** 20,
        rssMb: stats.rss / 2 ** 20,
      };
      steps.push(entry);
      log(`capacity ${entry.clients} clients: join p50 ${entry.joinP50Ms.toFixed(1)} ms, p99 ${entry.joinP99Ms.toFixed(1)} ms, heap ${entry.heapMb.toFixed(0)} MB, RSS ${entry.rssMb.toFixed(0)} MB`);
      if (entry.joinP99Ms > P99_LIMIT_MS) {
        limitedBy = `join p99 passed ${P99_LIMIT_MS} ms`;
        break;
      }
    }
  } finally {
    for (const wire of clients) wire.close();
    await server.stop();
  }
  const within = steps.filter((entry) => entry.joinP99Ms <= P99_LIMIT_MS);
  return { steps, maxClientsWithin100Ms: within.at(-1)?.clients ?? 0, limitedBy };
}
