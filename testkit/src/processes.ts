import type { ChildProcess } from 'node:child_process';

/**
 * Something a test starts (a signaling server, a coturn, a static host): `stop`ped when the test
 * ends, `kill`ed at once if the worker exits first; its `log`, if it has one, is attached when the
 * test failed.
 */
export interface Helper {
  stop(): Promise<unknown>;
  kill?(): void;
  log?(): string;
}
const helpers = new Set<Helper>();

/** Stop everything the running test started (they stop in parallel); returns what was stopped. */
export async function stopAll(): Promise<Helper[]> {
  const stopping = [...helpers];
  helpers.clear();
  await Promise.all(stopping.map((helper) => helper.stop()));
  return stopping;
}

/** Stop `helper` when the running test ends, on every path (passed, failed, timed out). */
export function untilTestEnds<T extends Helper>(helper: T): T {
  helpers.add(helper);
  return helper;
}

// A worker that exits (interrupted, crashed) takes what its test started along rather than orphan it.
process.once('exit', () => {
  for (const helper of helpers) helper.kill?.();
});

/**
 * Resolves with the first match of `ready` in what `child` writes (stdout and stderr) from now on;
 * rejects with all it wrote if it ends first. No deadline of its own: slowness (a cold start took
 * over 15 s beside the chaos spec and two CPU hogs) is bounded by the test's timeout, after which
 * cleanUp stops the process.
 */
export function whenReady(child: ChildProcess, ready: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const streams = [child.stdout, child.stderr].filter((stream) => stream !== null);
    const settle = () => {
      for (const stream of streams) stream.off('data', onData);
      child.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (!match) return;
      settle();
      resolve(match);
    };
    // 'close', not 'exit': by then everything it wrote has been read, so the error shows it all.
    const onClose = () => {
      settle();
      reject(new Error(`${what} exited before it was ready:\n${output}`));
    };
    for (const stream of streams) stream.on('data', onData);
    child.on('close', onClose);
  });
}

