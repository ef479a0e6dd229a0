// `npm run bench`: every section, a table, bench/results/latest.json and bench/results/chart.svg.
// `npm run bench -- --smoke`: tiny sizes, so the code cannot rot; writes bench/results/smoke.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { browserBench, type BrowserResults } from './browser';
import { keptBench, type KeptResults } from './kept';
import { bundleBench, kb, type BundleResults } from './bundle';
import { lighthouseBench, type LighthouseResults } from './lighthouse';
import { stagesBench, type StageResults } from './stages';
import { callBench, type CallResults } from './call';
import { capacityBench, type CapacityResults } from './capacity';
import { filesBench, type FileResults } from './files';
import { historyBench, type HistoryResults } from './history';
import { natBench, type NatResults } from './nat';
import { barChart } from './chart';
import { HAS_TASKSET, median, pinSelf, unpinSelf } from './harness';
import { relayBench, type RelayResults } from './relay';
import { scaleOutBench, type ScaleOutResults } from './scaleout';

const smoke = process.argv.includes('--smoke');
const options = { smoke };
const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function version(pkg: string): string {
  return (JSON.parse(readFileSync(`${ROOT}node_modules/${pkg}/package.json`, 'utf8')) as { version: string }).version;
}

function chromiumVersion(): string {
  try {
    const binary = process.env.CHROMIUM_PATH || 'chromium';
    return execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return "Playwright's Chromium";
  }
}

pinSelf();
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  chromium: chromiumVersion(),
  pinned: HAS_TASKSET
    ? 'servers on core 0, load generator on core 1 (taskset); Chromium on both cores'
    : 'not pinned (no taskset)',
};
const versions = Object.fromEntries(['socket.io', 'peer', 'simple-peer', 'lit', 'zod', 'socket.io-client'].map((pkg) => [pkg, version(pkg)]));
log(`machine: ${JSON.stringify(machine)}`);

const relay: RelayResults = await relayBench(options, log);
const capacity: CapacityResults = await capacityBench(options, log);
const scaleOut: ScaleOutResults = await scaleOutBench(options, log);
// Chromium's pages are the load here, and real users have cores of their own: give it both.
unpinSelf();
const browser: BrowserResults = await browserBench(options, log);
const history: HistoryResults = await historyBench(options, log);
const kept: KeptResults = await keptBench(options, log);
const files: FileResults = await filesBench(options, log);
const call: CallResults = await callBench(options, log);
const nat: NatResults = await natBench(options, log);
const bundle: BundleResults = bundleBench(log);
const stages: StageResults = await stagesBench(bundle.files, log);
const lighthouse: LighthouseResults = await lighthouseBench(options, log);

const idleOf = (server: string, connections: number) =>
  relay.idle.find((entry) => entry.server === server && entry.connections === connections);
const mesh8 = browser.mesh.find((run) => run.peers === 8);
const mesh12 = browser.mesh.find((run) => run.peers === 12);
/** A NAT lab cell's median against its target, with every round's figure. */
const natRow = (measure: string, pair: string, config: string, targetMs: number): [string, string, string, string] => {
  const cell = nat.cells.find((each) => each.pair === pair && each.config === config);
  if (!cell || cell.medianMs === undefined) return [measure, `≤ ${targetMs / 1000} s`, nat.skipped ? `not measured: ${nat.skipped}` : (cell?.outcomes.join(', ') ?? 'not run'), 'n/a'];
  return [measure, `≤ ${targetMs / 1000} s`, `${(cell.medianMs / 1000).toFixed(2)} s (${cell.ms.map((ms) => (ms / 1000).toFixed(2)).join(', ')}; ${[...new Set(cell.outcomes)].join(', ')})`, cell.medianMs <= targetMs ? 'met' : 'short'];
};
const biggestIdle = Math.max(...relay.idle.map((entry) => entry.connections));
const ourIdle = idleOf('ours', biggestIdle);
const keypress2 = browser.keypress.find((run) => run.pages === 2);
const keypress8 = browser.keypress.find((run) => run.pages === 8);
const ms = (value: number) => `${value.toFixed(1)} ms`;

const rows: [string, string, string, string][] = [
  ['Signaling CPU per relay, ours / PeerJS', '≤ 1.3', `${relay.ratios.map((r) => `${r.rate}/s: ${r.median.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)})`).join('; ')}; socket.io alone: ${relay.ratios.map((r) => r.floor.toFixed(2)).join(', ')}`, relay.ratios.every((r) => r.median <= 1.3) ? 'met' : 'short'],
  ['Heap per idle registered connection', '≤ 8 KB', relay.idle.map((e) => `${e.server} ${e.connections}: ${kb(e.heapBytesPerConnection)}`).join('; '), ourIdle && ourIdle.heapBytesPerConnection <= 8 * 1024 ? 'met' : 'short'],
  ['Concurrent clients, joins p99 ≤ 100 ms', '20,000', `${capacity.maxClientsWithin100Ms.toLocaleString('en')} (${capacity.limitedBy})`, capacity.maxClientsWithin100Ms >= 20_000 ? 'met' : 'short'],
  ['8-page mesh formation, after the last Join', '≤ 0.6 s', mesh8 ? `${mesh8.formationMs.toFixed(0)} ms (${mesh8.msPerLink.toFixed(1)} ms a link; raw pair ${browser.rawPairMs.toFixed(1)} ms)` : 'n/a', mesh8 && mesh8.formationMs <= 600 ? 'met' : smoke ? 'n/a' : 'short'],
  ['12-page mesh formation', '≤ 1.5 s', mesh12 ? `${mesh12.formationMs.toFixed(0)} ms (${mesh12.msPerLink.toFixed(1)} ms a link)` : 'n/a', mesh12 && mesh12.formationMs <= 1500 ? 'met' : smoke ? 'n/a' : 'short'],
  natRow('NAT lab, cone ↔ cone, Join → first message', 'cone ↔ cone', 'stun', 800),
  natRow('NAT lab, symmetric ↔ symmetric with a third person, Join → first message', 'symmetric ↔ symmetric', 'third', 2000),
  ['Broadcast one-way, 8 pages × 10 msg/s, p99 / p50', '≤ 50 / ≤ 15 ms', `${ms(browser.broadcast.p99Ms)} / ${ms(browser.broadcast.p50Ms)} (2 pages: ${ms(browser.broadcastTwoPages.p99Ms)} / ${ms(browser.broadcastTwoPages.p50Ms)})`, browser.broadcast.p99Ms <= 50 && browser.broadcast.p50Ms <= 15 ? 'met' : 'short'],
  [
    'Enter keydown → receiver DOM, 2 pages, p50 / p99',
    '≤ 2.5 / ≤ 6 ms',
    keypress2 ? `${ms(keypress2.p50Ms)} / ${ms(keypress2.p99Ms)} (bare data channel, same key presses: ${ms(browser.keypressFloor.p50Ms)} / ${ms(browser.keypressFloor.p99Ms)})` : 'n/a',
    keypress2 && keypress2.p50Ms <= 2.5 && keypress2.p99Ms <= 6 ? 'met' : 'short',
  ],
  ['Enter keydown → receiver DOM, 8 pages one at a time, p99', '≤ 15 ms', keypress8 ? `${ms(keypress8.p99Ms)} (p50 ${ms(keypress8.p50Ms)})` : 'n/a', keypress8 && keypress8.p99Ms <= 15 ? 'met' : smoke ? 'n/a' : 'short'],
  [
    'Late joiner: first link → earlier messages on screen (3 holders)',
    'report',
    `${history.runs[0]?.messages ?? 0} messages: median ${history.medianMs.toFixed(0)} ms (${history.runs.map((run) => run.firstLinkToScreenMs.toFixed(0)).join(', ')} ms); ${(history.bytesPerMessage / 1024).toFixed(2)} KB sent per message (every holder answers: ${kb(median(history.runs.map((run) => run.bytesSent)))} in all)`,
    'measured',
  ],
  ['File throughput, meshchat / raw RTCDataChannel', 'report', `${files.appMiBps.toFixed(1)} / ${files.rawMiBps.toFixed(1)} MiB/s = ${files.ratio.toFixed(2)} (${files.mebibytes} MiB, ${files.chunkBytes / 1024} KiB chunks; accept to checked ${files.appEndToEndMiBps.toFixed(1)} MiB/s; buffer peak ${(files.appMaxBufferedBytes / 1024 / 1024).toFixed(2)} MiB)`, 'measured'],
  [
    'Join to first message across NATs (NAT lab)',
    'report',
    nat.skipped
      ? `not measured: ${nat.skipped}`
      : nat.cells.map((cell) => `${cell.pair} ${cell.config}: ${cell.medianMs === undefined ? cell.outcomes[0] : `${(cell.medianMs / 1000).toFixed(1)} s`}`).join('; '),
    nat.skipped ? 'n/a' : 'measured',
  ],
  [
    'Call: Join call to first decoded frame at the others',
    'report',
    call.firstFrame.map((run) => `${run.pages} pages: median ${run.medianMs.toFixed(0)} ms, slowest ${run.maxMs.toFixed(0)} ms${run.missed ? `, ${run.missed} receivers none within 30 s` : ''}`).join('; '),
    'measured',
  ],
  [
    'Call of 4 with cameras: Chromium CPU per page, sent per sender',
    'report',
    call.load
      .map((run) => `governor ${run.governor ? 'on' : 'off'}: ${run.cpuPercentPerPage.toFixed(0)}% of a core, ${median(run.sentKbpsPerSender).toFixed(0)} kbps (${run.sentKbpsPerLink.toFixed(0)} a link)`)
      .join('; '),
    'measured',
  ],
  [
    `Kept on this device: storage per 1,000 messages; reopened, the room's link → ${kept.messages} kept lines on screen`,
    '≤ 1 s',
    `≈ ${(kept.bytesPer1000 / 1024).toFixed(0)} KB; ${kept.openToKeptMs} ms`,
    kept.openToKeptMs <= 1000 ? 'met' : 'short',
  ],
  ['First-screen JS, English, gzipped (what the page loads before Join, left alone, with the service worker\'s registration at idle)', '≤ 30 KB', kb(stages.firstScreenGzip), stages.firstScreenGzip <= 30 * 1024 ? 'met' : 'short'],
  ['JS in a room without a call, English, gzipped (and in a call)', '≤ 55 KB', `${kb(stages.roomGzip)} (${kb(stages.callGzip)})`, stages.roomGzip <= 55 * 1024 ? 'met' : 'short'],
  ['All client JS for an English reader, gzipped, every part (what a page may ever load)', 'report', `${kb(bundle.englishJsGzip)} (every language: ${kb(bundle.jsGzip)}; all JS+CSS: ${kb(bundle.total.gzip)} gzip, ${kb(bundle.total.brotli)} brotli; emoji picker's data, on its first opening: ${kb(bundle.emojiDataGzip)}; service worker: ${kb(bundle.serviceWorkerGzip)})`, 'measured'],
  ...lighthouse.medians.flatMap((run): [string, string, string, string][] => {
    const first = run.firstScreen;
    const judged = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
    const mobile = run.preset === 'mobile';
    const scoresMet = (first.scores.performance ?? 0) >= (mobile ? 98 : 0) && judged.slice(1).every((id) => first.scores[id] === 100);
    const roomMet = (['accessibility', 'best-practices', 'seo'] as const).every((id) => run.room.scores[id] === 100);
    const short = run.short.length > 0 ? `; short: ${run.short.join(', ')}` : '';
    return [
      [
        `Lighthouse ${lighthouse.version}, ${run.preset}, first screen: performance / accessibility / best practices / SEO (the median run by LCP, of ${lighthouse.runs.filter((each) => each.preset === run.preset && !each.error).length} judged${lighthouse.runs.some((each) => each.preset === run.preset && each.error) ? `; ${lighthouse.runs.filter((each) => each.preset === run.preset && each.error).length} not, see the log` : ''})`,
        mobile ? '≥ 98 / 100 / 100 / 100' : 'report / 100 / 100 / 100',
        `${judged.map((id) => first.scores[id] ?? '–').join(' / ')} (FCP ${(first.fcpMs / 1000).toFixed(2)} s, TBT ${first.tbtMs.toFixed(0)} ms, ${kb(first.bytes)} transferred${short})`,
        scoresMet ? 'met' : 'short',
      ],
      ...(mobile ? [['Lighthouse mobile, first screen: LCP (simulated slow 4G, mid-range phone)', '≤ 1.5 s', `${(first.lcpMs / 1000).toFixed(2)} s`, first.lcpMs <= 1500 ? 'met' : 'short'] as [string, string, string, string]] : []),
      [`Lighthouse ${run.preset}, in the room (a snapshot after Join): accessibility / best practices / SEO; pressing Join: TBT, CLS`, '100 / 100 / 100', `${(['accessibility', 'best-practices', 'seo'] as const).map((id) => run.room.scores[id] ?? '–').join(' / ')}; Join: TBT ${run.join.tbtMs.toFixed(0)} ms, CLS ${run.join.cls.toFixed(2)}`, roomMet ? 'met' : 'short'],
    ];
  }),
];

console.log(`\n| measure | target | measured | |\n|---|---|---|---|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(`\nRelay latency (open loop, median of rounds):`);
console.log(`| rate | ours p50 | ours p99 | PeerJS p50 | PeerJS p99 | ours µs CPU | socket.io alone µs CPU | PeerJS µs CPU |\n|---|---|---|---|---|---|---|---|`);
for (const { rate } of relay.ratios) {
  const pick = (server: string, key: 'p50Ms' | 'p99Ms' | 'cpuMicrosPerRelay') =>
    median(relay.runs.filter((run) => run.rate === rate && run.server === server).map((run) => run[key])).toFixed(key === 'cpuMicrosPerRelay' ? 0 : 2);
  console.log(`| ${rate}/s | ${pick('ours', 'p50Ms')} ms | ${pick('ours', 'p99Ms')} ms | ${pick('peerjs', 'p50Ms')} ms | ${pick('peerjs', 'p99Ms')} ms | ${pick('ours', 'cpuMicrosPerRelay')} | ${pick('socketio', 'cpuMicrosPerRelay')} | ${pick('peerjs', 'cpuMicrosPerRelay')} |`);
}

if (!nat.skipped) console.log(`\nJoin to first message across the NAT lab (${nat.rounds} round${nat.rounds === 1 ? '' : 's'} a cell):\n${nat.table}`);

console.log(`\nSignal relay latency through Redis (closed loop, median of rounds):`);
console.log(`| path | p50 | p99 |\n|---|---|---|`);
for (const { path, p50Ms, p99Ms } of scaleOut.summary) console.log(`| ${path} | ${p50Ms.toFixed(2)} ms | ${p99Ms.toFixed(2)} ms |`);
console.log(`Two processes / one process on Redis: p50 ×${scaleOut.crossOverSame.p50.toFixed(2)}, p99 ×${scaleOut.crossOverSame.p99.toFixed(2)}`);

const date = new Date().toISOString();
mkdirSync(RESULTS, { recursive: true });
const report = { date, smoke, machine, versions, summary: rows.map(([measure, target, measured, verdict]) => ({ measure, target, measured, verdict })), relay, capacity, scaleOut, browser, history, kept, files, call, nat, bundle, stages, lighthouse };
writeFileSync(`${RESULTS}${smoke ? 'smoke' : 'latest'}.json`, `${JSON.stringify(report, null, 2)}\n`);
if (!smoke) {
  const cpu = (server: string, rate: number) => median(relay.runs.filter((run) => run.rate === rate && run.server === server).map((run) => run.cpuMicrosPerRelay));
  const svg = barChart(
    [
      { title: 'Server CPU per relay', unit: 'µs, by relays/s', bars: relay.ratios.flatMap(({ rate }) => [{ label: `${rate}`, value: cpu('ours', rate), series: 0 as const }, { label: '', value: cpu('peerjs', rate), series: 1 as const }]) },
      {
        title: 'Heap per idle connection',
        unit: 'KB, by connections',
        target: 8,
        bars: [...new Set(relay.idle.map((entry) => entry.connections))].flatMap((connections) =>
          (['ours', 'peerjs'] as const).map((server) => ({
            label: server === 'ours' ? `${connections / 1000}k` : '',
            value: (idleOf(server, connections)?.heapBytesPerConnection ?? 0) / 1024,
            series: server === 'ours' ? (0 as const) : (1 as const),
          })),
        ),
      },
      { title: 'Mesh formation', unit: 'ms from last Join, by peers', target: 1000, bars: browser.mesh.map((run) => ({ label: `${run.peers}`, value: run.formationMs, series: 0 as const })) },
      {
        title: 'Client JavaScript',
        unit: 'KB gzipped',
        target: 60,
        bars: [
          { label: 'English', value: bundle.englishJsGzip / 1024, series: 0 as const },
          { label: 'gzip', value: bundle.jsGzip / 1024, series: 0 as const },
          { label: 'brotli', value: bundle.total.brotli / 1024, series: 0 as const },
        ],
      },
    ],
    ['meshchat', 'PeerJS server'],
    `${date.slice(0, 10)} · ${machine.cores} cores · Node ${machine.node}`,
  );
  writeFileSync(`${RESULTS}chart.svg`, svg);
}
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote bench/results/${smoke ? 'smoke' : 'latest'}.json${smoke ? '' : ' and chart.svg'}`);
process.exit(0);
