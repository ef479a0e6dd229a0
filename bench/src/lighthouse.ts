// Lighthouse (the `lighthouse` package, an outside judge) on what `npm start` serves, in the full
// Chromium people run (new headless mode): a user flow per preset, mobile (simulated slow 4G and a
// mid-range phone) and desktop. Three steps: the first screen (a navigation: every category, FCP,
// LCP, TBT, bytes), pressing Join (a timespan: what the room's code costs to load and start) and the
// room itself (a snapshot: accessibility, best practices, SEO of what a person in a room sees).
import { existsSync } from 'node:fs';
import { desktopConfig, startFlow, type FlowResult } from 'lighthouse';
import puppeteer, { type Page } from 'puppeteer-core';
import { ServerProcess, type BenchOptions } from './harness';
import { BENCH_FLAGS } from './mesh';

type Preset = 'mobile' | 'desktop';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
type Category = (typeof CATEGORIES)[number];

export interface LighthouseRun {
  preset: Preset;
  /** The first screen: category scores (0–100) and its metrics. */
  firstScreen: { scores: Partial<Record<Category, number>>; fcpMs: number; lcpMs: number; tbtMs: number; bytes: number };
  /** Pressing Join until the room shows: blocking time, and how much the layout moved. */
  join: { tbtMs: number; cls: number };
  /** The room as it shows: the categories a snapshot judges (not performance: no load to time). */
  room: { scores: Partial<Record<Category, number>> };
  /** Audits that keep a score under 100, first screen and room. */
  short: string[];
  /** What Lighthouse said went wrong in the first screen's run, if it could not judge it (no figures then). */
  error?: string;
}

export interface LighthouseResults {
  version: string;
  runs: LighthouseRun[];
  /** Per preset, the median run's figures (by first-screen performance score). */
  medians: LighthouseRun[];
}

const executablePath = process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

type StepResult = FlowResult['steps'][number]['lhr'];
const scores = (lhr: StepResult, categories: readonly Category[] = CATEGORIES) =>
  Object.fromEntries(categories.flatMap((id) => (typeof lhr.categories[id]?.score === 'number' ? [[id, Math.round((lhr.categories[id]?.score ?? 0) * 100)]] : [])));
const JUDGED_IN_ROOM = ['accessibility', 'best-practices', 'seo'] as const;
const numeric = (lhr: StepResult, id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
/** Audits that count towards a category and did not pass, by id: what keeps a score under 100. */
const failing = (lhr: StepResult, categories: readonly Category[] = CATEGORIES) =>
  categories.flatMap((id) => lhr.categories[id]?.auditRefs ?? [])
    .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
    .map((ref) => ref.id);

async function flowOnce(url: string, preset: Preset, room: string): Promise<LighthouseRun> {
  const browser = await puppeteer.launch({ ...(executablePath ? { executablePath } : {}), headless: true, args: [...BENCH_FLAGS] });
  try {
    const page: Page = await browser.newPage();
    const flow = await startFlow(page as never, preset === 'desktop' ? { config: desktopConfig } : {});
    await flow.navigate(`${url}/?room=${room}`, { name: 'first screen' });
    await flow.startTimespan({ name: 'Join' });
    await page.locator('::-p-aria([name="Nickname"][role="textbox"])').fill('lighthouse');
    await page.locator('::-p-aria([name="Join"][role="button"])').click();
    await page.locator('::-p-aria([name="Message"][role="textbox"])').wait();
    await flow.endTimespan();
    await flow.snapshot({ name: 'room' });
    const [first, join, snap] = (await flow.createFlowResult()).steps.map((step) => step.lhr);
    if (!first || !join || !snap) throw new Error('Lighthouse: a step of the flow is missing');
    return {
      preset,
      firstScreen: {
        scores: scores(first),
        fcpMs: numeric(first, 'first-contentful-paint'),
        lcpMs: numeric(first, 'largest-contentful-paint'),
        tbtMs: numeric(first, 'total-blocking-time'),
        bytes: numeric(first, 'total-byte-weight'),
      },
      join: { tbtMs: numeric(join, 'total-blocking-time'), cls: numeric(join, 'cumulative-layout-shift') },
      room: { scores: scores(snap, JUDGED_IN_ROOM) },
      ...(first.runtimeError ? { error: `${first.runtimeError.code}: ${first.runtimeError.message}` } : {}),
      short: [...new Set([...failing(first).map((id) => `first screen: ${id}`), ...failing(snap, JUDGED_IN_ROOM).map((id) => `room: ${id}`)])],
    };
  } finally {
    await browser.close();
  }
}

export async function lighthouseBench({ smoke }: BenchOptions, log: (line: string) => void): Promise<LighthouseResults> {
  const version = ((await import('lighthouse/package.json', { with: { type: 'json' } })) as { default: { version: string } }).default.version;
  const server = await ServerProcess.start('ours');
  const runs: LighthouseRun[] = [];
  const rounds = smoke ? 1 : 3;
  try {
    for (const preset of smoke ? (['mobile'] as const) : (['mobile', 'desktop'] as const)) {
      for (let round = 0; round < rounds; round++) {
        const run = await flowOnce(server.url, preset, `lighthouse-${preset}-${round}`);
        runs.push(run);
        const { scores: s, fcpMs, lcpMs, tbtMs, bytes } = run.firstScreen;
        log(
          `lighthouse ${preset} ${round + 1}/${rounds}: first screen ${CATEGORIES.map((id) => s[id]).join('/')}, FCP ${fcpMs.toFixed(0)} ms, LCP ${lcpMs.toFixed(0)} ms, TBT ${tbtMs.toFixed(0)} ms, ${(bytes / 1024).toFixed(1)} KB; Join: TBT ${run.join.tbtMs.toFixed(0)} ms, CLS ${run.join.cls.toFixed(2)}; room ${JUDGED_IN_ROOM.map((id) => run.room.scores[id]).join('/')}${run.short.length ? `; short: ${run.short.join(', ')}` : ''}${run.error ? `; not judged: ${run.error}` : ''}`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  // The run whose first-screen LCP is the median of its preset's, among those Lighthouse could judge.
  const medians = (['mobile', 'desktop'] as const).flatMap((preset) => {
    const each = runs.filter((run) => run.preset === preset && Number.isFinite(run.firstScreen.lcpMs)).sort((one, other) => one.firstScreen.lcpMs - other.firstScreen.lcpMs);
    const middle = each[Math.floor(each.length / 2)];
    return middle ? [middle] : [];
  });
  return { version, runs, medians };
}
