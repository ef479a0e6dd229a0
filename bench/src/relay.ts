import { performance } from 'node:perf_hooks';
import {
  ServerProcess,
  median,
  openMany,
  percentile,
  sleep,
  sourceAddress,
  type BenchOptions,
  type ServerKind,
} from './harness';
import { PeerJsWire, SocketIoWire } from './wire';

export interface RelayRun {
  round: number;
  server: ServerKind;
  rate: number;
  sent: number;
  delivered: number;
  cpuMicrosPerRelay: number;
  p50Ms: number;
  p99Ms: number;
}

export interface RelayRatio {
  rate: number;
  /** ours / PeerJS CPU per relay, one per round. */
  ratios: number[];
  median: number;
  min: number;
  max: number;
  /** socket.io alone (a bare relay with ours' options) / PeerJS: the floor while we stay on socket.io. */
  floor: number;
}

export interface IdleMemory {
  server: ServerKind;
  connections: number;
  heapBytesPerConnection: number;
  rssBytesPerConnection: number;
}

export interface RelayResults {
  runs: RelayRun[];
  ratios: RelayRatio[];
  idle: IdleMemory[];
}

// Payloads as a browser sends them: a ~520 B offer and answer, ~210 B candidates, 6 relays a pair.
const SDP_BYTES = 520;
const CANDIDATE_BYTES = 180;
type Data = { type: 'offer' | 'answer'; sdp: string } | { type: 'candidate'; candidate: { candidate: string; sdpMLineIndex: number; sdpMid: string } };

function sdp(type: 'offer' | 'answer', seq: number): Data {
  const head = `v=0\r\no=- ${seq} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n`;
  return { type, sdp: `${head}a=x-pad:${'x'.repeat(SDP_BYTES - head.length - 10)}\r\n` };
}

/** An ICE candidate as a browser trickles it, numbered by `seq`. */
export function candidate(seq: number): Data {
  const line = `candidate:${seq} 1 udp 2122260223 198.18.0.1 50000 typ host generation 0 ufrag abcd network-id 1`;
  return { type: 'candidate', candidate: { candidate: line.padEnd(CANDIDATE_BYTES, ' '), sdpMLineIndex: 0, sdpMid: '0' } };
}

const STEPS: { from: 'a' | 'b'; make: (seq: number) => Data }[] = [
  { from: 'a', make: (seq) => sdp('offer', seq) },
  { from: 'b', make: (seq) => sdp('answer', seq) },
  { from: 'a', make: candidate },
  { from: 'a', make: candidate },
  { from: 'b', make: candidate },
  { from: 'b', make: candidate },
];

function seqOf(data: Data): number {
  const text = data.type === 'candidate' ? data.candidate.candidate : data.sdp;
  const match = /(?:o=- |candidate:)(\d+)/.exec(text);
  return Number(match?.[1] ?? -1);
}

/** One pair of clients that relay to each other through the server under test. */
interface Pair {
  send(from: 'a' | 'b', data: Data): void;
  close(): void;
}

async function connectPairs(server: ServerProcess, count: number, block: number, deliver: (seq: number) => void): Promise<Pair[]> {
  return openMany(count, async (i) => {
    const local = sourceAddress(i * 2, block);
    if (server.kind !== 'peerjs') {
      const [a, b] = await Promise.all([SocketIoWire.connect(server.url, local), SocketIoWire.connect(server.url, local)]);
      // Rooms are new for every run: the server holds a dropped member's nickname for its reconnect grace.
      await a.join('a', `relay-${block}-${i}`);
      await b.join('b', `relay-${block}-${i}`);
      for (const wire of [a, b]) wire.on('signal', (payload) => deliver(seqOf((payload as { data: Data }).data)));
      return {
        send: (from, data) => (from === 'a' ? a : b).emit('signal', { to: from === 'a' ? 'b' : 'a', data }),
        close: () => [a, b].forEach((wire) => wire.close()),
      };
    }
    const [ida, idb] = [`a${block}x${i}`, `b${block}x${i}`];
    const [a, b] = await Promise.all([PeerJsWire.connect(server.url, ida, local), PeerJsWire.connect(server.url, idb, local)]);
    for (const wire of [a, b]) {
      wire.onMessage((message) => {
        if (message.type === 'OFFER' || message.type === 'ANSWER' || message.type === 'CANDIDATE') deliver(seqOf(message.payload as Data));
      });
    }
    const kinds = { offer: 'OFFER', answer: 'ANSWER', candidate: 'CANDIDATE' } as const;
    return {
      send: (from, data) => (from === 'a' ? a : b).send({ type: kinds[data.type], dst: from === 'a' ? idb : ida, payload: data }),
      close: () => [a, b].forEach((wire) => wire.close()),
    };
  }, 100);
}

/** Send `rate` relays a second for `durationMs`, on schedule whatever the server does (open loop). */
export async function drive(server: ServerProcess, pairCount: number, rate: number, durationMs: number, block: number) {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const pairs = await connectPairs(server, pairCount, block, (seq) => {
    const start = sentAt.get(seq);
    if (start !== undefined) latencies.push(performance.now() - start);
  });
  const before = await server.stats();
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.min(Math.floor((elapsed / 1000) * rate), Math.floor((durationMs / 1000) * rate));
      while (sent < due) {
        const exchange = Math.floor(sent / STEPS.length);
        const step = STEPS[sent % STEPS.length];
        const pair = pairs[exchange % pairs.length];
        if (step && pair) {
          sentAt.set(sent, performance.now());
          pair.send(step.from, step.make(sent));
        }
        sent += 1;
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  for (let waited = 0; latencies.length < sent && waited < 2_000; waited += 50) await sleep(50);
  const after = await server.stats();
  for (const pair of pairs) pair.close();
  latencies.sort((a, b) => a - b);
  return {
    sent,
    delivered: latencies.length,
    cpuMicrosPerRelay: (after.cpuMicros - before.cpuMicros) / Math.max(1, latencies.length),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

export async function idleMemory(kind: ServerKind, steps: readonly number[], block: number): Promise<IdleMemory[]> {
  const server = await ServerProcess.start(kind);
  const results: IdleMemory[] = [];
  const open: { close(): void }[] = [];
  try {
    const base = await server.stats();
    for (const target of steps) {
      const more = await openMany(target - open.length, async (offset) => {
        const i = open.length + offset;
        if (kind === 'peerjs') return PeerJsWire.connect(server.url, `idle${i}`, sourceAddress(i, block));
        const wire = await SocketIoWire.connect(server.url, sourceAddress(i, block));
        await wire.join(`user${i}`, `idle-${Math.floor(i / 10)}`);
        return wire;
      });
      open.push(...more);
      const now = await server.stats();
      results.push({
        server: kind,
        connections: target,
        heapBytesPerConnection: (now.heapUsed - base.heapUsed) / target,
        rssBytesPerConnection: (now.rss - base.rss) / target,
      });
    }
  } finally {
    for (const wire of open) wire.close();
    await server.stop();
  }
  return results;
}

export async function relayBench({ smoke }: BenchOptions, log: (line: string) => void): Promise<RelayResults> {
  const rounds = smoke ? 1 : 5;
  const rates = smoke ? [200] : [500, 2_000, 8_000];
  const durationMs = smoke ? 300 : 3_000;
  const pairCount = smoke ? 5 : 200;
  const runs: RelayRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order: ServerKind[] = round % 2 ? ['ours', 'socketio', 'peerjs'] : ['peerjs', 'socketio', 'ours'];
    for (const kind of order) {
      const server = await ServerProcess.start(kind);
      try {
        for (const rate of rates) {
          const block = 10 + runs.length;
          const run = { round, server: kind, rate, ...(await drive(server, pairCount, rate, durationMs, block)) };
          runs.push(run);
          log(`relay round ${round} ${kind.padEnd(6)} ${rate} relays/s: ${run.cpuMicrosPerRelay.toFixed(1)} µs CPU/relay, p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms, ${run.delivered}/${run.sent} delivered`);
        }
      } finally {
        await server.stop();
      }
    }
  }
  const ratios = rates.map((rate) => {
    const perRound = (server: ServerKind) =>
      Array.from({ length: rounds }, (_, i) => {
        const cpu = (kind: ServerKind) => runs.find((run) => run.round === i + 1 && run.rate === rate && run.server === kind)?.cpuMicrosPerRelay ?? Number.NaN;
        return cpu(server) / cpu('peerjs');
      });
    const ratios = perRound('ours');
    return { rate, ratios, median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), floor: median(perRound('socketio')) };
  });
  const steps = smoke ? [50] : [1_000, 10_000];
  const idle = [...(await idleMemory('ours', steps, 60)), ...(await idleMemory('socketio', steps, 80)), ...(await idleMemory('peerjs', steps, 70))];
  for (const entry of idle) {
    log(`idle ${entry.server.padEnd(6)} ${entry.connections} connections: ${(entry.heapBytesPerConnection / 1024).toFixed(2)} KB heap, ${(entry.rssBytesPerConnection / 1024).toFixed(2)} KB RSS per connection`);
  }
  return { runs, ratios, idle };
}
