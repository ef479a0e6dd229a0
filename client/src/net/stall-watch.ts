/**
 * When a link's own way has clearly failed, before ICE itself gives up (Chromium takes ten seconds
 * or more to say "failed" when no candidate pair ever answers): every candidate pair has been
 * checked several times and not one answer came back. Two symmetric NATs look exactly like this,
 * and a way round through a third person is then worth proposing at once.
 */

/** Not before this long after the link began: ICE has barely started checking. */
const FIRST_LOOK_MS = 800;
const EVERY_MS = 300;
/** Checks each pair must have sent, none answered, for the pair to count as dead. */
const CHECKS = 3;

interface PairReport {
  type: string;
  state?: string;
  requestsSent?: number;
  responsesReceived?: number;
}

/**
 * Whether the stats say no candidate pair can work: at least one pair, each one failed or checked
 * `CHECKS` times with no answer. A browser that does not count checks (Firefox) says so only by
 * its pairs' states.
 */
export function directStalled(stats: RTCStatsReport): boolean {
  let pairs = 0;
  let dead = 0;
  stats.forEach((report: PairReport) => {
    if (report.type !== 'candidate-pair') return;
    pairs += 1;
    if ((report.responsesReceived ?? 0) > 0 || report.state === 'succeeded') return;
    if (report.state === 'failed' || (report.requestsSent ?? 0) >= CHECKS) dead += 1;
  });
  return pairs > 0 && dead === pairs;
}

/**
 * Looks at a connecting link's stats now and then and says once, through `stalled`, that its own
 * way has failed. Returns the way to stop looking (the link opened, or ended).
 */
export function watchStall(connection: RTCPeerConnection, stalled: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const look = async () => {
    const stats = await connection.getStats().catch(() => undefined);
    if (stopped) return;
    if (stats && directStalled(stats)) {
      stopped = true;
      stalled();
      return;
    }
    timer = setTimeout(() => void look(), EVERY_MS);
  };
  timer = setTimeout(() => void look(), FIRST_LOOK_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
