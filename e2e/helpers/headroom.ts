import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import * as protocol from '@meshchat/protocol';

/**
 * How much of each time limit the slowest run of each wait used: every test against its timeout,
 * and every `expect` against its own `{ timeout }` or the configured default. Limits are set from
 * these figures measured on a busy 2-core machine (see docs/testing.md), and this prints the tightest
 * after every run, so a limit that grows thin shows before it fails.
 *
 * With `E2E_HEADROOM_FILE` set, figures accumulate across runs in that JSON file (the repeat loop
 * and the runs beside CPU hogs use it); the table then covers them all.
 */
interface Wait {
  kind: 'test' | 'expect';
  where: string;
  title: string;
  limitMs: number;
  runs: number;
  maxMs: number;
  totalMs: number;
}

interface Options {
  expectTimeoutMs: number;
  /** How many of the tightest waits to print. */
  show?: number;
}

/**
 * A `timeout` written in the statement: `timeout: 30_000`, a sum of numbers and the protocol's named
 * limits (`RECONNECT_GRACE_MS + 10_000`), or something this cannot read (`timeout: limitMs`, or the
 * shorthand `timeout,`).
 */
const EXPLICIT_TIMEOUT = /\btimeout(?:\s*:\s*([^,}\n]+)|\s*[,}])/;

/** The value of such a sum, or `undefined` if it names something other than a numeric limit. */
function limitValue(expression: string): number | undefined {
  let total = 0;
  for (const term of expression.split('+').map((each) => each.trim())) {
    const value = /^[\d_]+$/.test(term) ? Number(term.replaceAll('_', '')) : (protocol as Record<string, unknown>)[term];
    if (typeof value !== 'number') return undefined;
    total += value;
  }
  return total;
}

export default class HeadroomReporter implements Reporter {
  readonly #waits = new Map<string, Wait>();
  readonly #sources = new Map<string, string[]>();
  readonly #file = process.env.E2E_HEADROOM_FILE;
  /** Tests left out, by title, with the reason each gave. */
  readonly #skipped = new Map<string, string>();

  constructor(private readonly options: Options) {
    if (this.#file && existsSync(this.#file)) {
      for (const wait of JSON.parse(readFileSync(this.#file, 'utf8')) as Wait[]) this.#waits.set(`${wait.kind} ${wait.where}`, wait);
    }
  }

  onStepEnd(test: TestCase, _result: TestResult, step: TestStep): void {
    // A wait that failed used its whole limit by definition; the test's failure reports it.
    if (step.category !== 'expect' || step.error || !step.location || insideExpect(step)) return;
    const { file, line } = step.location;
    const limit = this.#expectLimit(file, line);
    if (limit !== undefined) this.#record('expect', `${relative(process.cwd(), file)}:${line}`, test.title, limit, step.duration);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === 'skipped') {
      const why = test.annotations.find((annotation) => annotation.type === 'skip')?.description ?? 'no reason given';
      this.#skipped.set(test.title, why);
    }
    if (result.status !== 'passed') return;
    this.#record('test', `${relative(process.cwd(), test.location.file)}:${test.location.line}`, test.title, test.timeout, result.duration);
  }

  onEnd(): void {
    // Said again at the end, where a reader looks: a suite left out is never a silent pass.
    if (this.#skipped.size > 0) {
      console.log('\nSkipped, and why:');
      for (const [title, why] of this.#skipped) console.log(`  ${title.slice(0, 70)}: ${why}`);
    }
    const waits = [...this.#waits.values()];
    if (this.#file) writeFileSync(this.#file, JSON.stringify(waits, null, 1));
    const tightest = waits.sort((a, b) => b.maxMs / b.limitMs - a.maxMs / a.limitMs).slice(0, this.options.show ?? 8);
    if (tightest.length === 0) return;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log('\nHeadroom: the slowest run of each wait against its limit (tightest first)');
    for (const wait of tightest) {
      const share = Math.round((100 * wait.maxMs) / wait.limitMs);
      console.log(
        `  ${String(share).padStart(3)}%  ${seconds(wait.maxMs).padStart(7)} of ${seconds(wait.limitMs).padStart(6)}` +
          `  (mean ${seconds(wait.totalMs / wait.runs)}, ${wait.runs} runs)  ${wait.kind} ${wait.where}  ${wait.title.slice(0, 60)}`,
      );
    }
  }

  #record(kind: Wait['kind'], where: string, title: string, limitMs: number, ms: number): void {
    const key = `${kind} ${where}`;
    const wait = this.#waits.get(key) ?? { kind, where, title, limitMs, runs: 0, maxMs: 0, totalMs: 0 };
    wait.limitMs = limitMs;
    wait.runs += 1;
    wait.maxMs = Math.max(wait.maxMs, ms);
    wait.totalMs += ms;
    this.#waits.set(key, wait);
  }

  /**
   * The `{ timeout }` written in the statement that starts at this line, else the default;
   * `undefined` when one is written that cannot be read here (the wait is then left out, not misjudged).
   */
  #expectLimit(file: string, line: number): number | undefined {
    let lines = this.#sources.get(file);
    if (!lines) this.#sources.set(file, (lines = readFileSync(file, 'utf8').split('\n')));
    // A chained wait (`expect.poll(…, { timeout }).toBe(…)`) is reported at its last line: the
    // statement starts after the previous one ends.
    let start = line - 1;
    while (start > 0 && line - start < 15 && !/[;{}]\s*$/.test(lines[start - 1] ?? ';')) start -= 1;
    for (let index = start; index < Math.min(lines.length, line + 5); index++) {
      const text = lines[index] ?? '';
      const explicit = EXPLICIT_TIMEOUT.exec(text);
      if (explicit) return explicit[1] === undefined ? undefined : limitValue(explicit[1].trim());
      if (text.trimEnd().endsWith(';')) break;
    }
    return this.options.expectTimeoutMs;
  }
}

/** A poll's inner checks are steps too; only the outermost expect has a limit of its own. */
function insideExpect(step: TestStep): boolean {
  for (let parent = step.parent; parent; parent = parent.parent) if (parent.category === 'expect') return true;
  return false;
}
