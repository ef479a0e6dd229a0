import type { LinkRoute } from './link';

/**
 * The candidate pair a connection's transport has selected, from its stats; failing that (a
 * browser that does not say), the nominated pair that succeeded.
 */
export function selectedPair(stats: RTCStatsReport): RTCIceCandidatePairStats | undefined {
  let pair: RTCIceCandidatePairStats | undefined;
  stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
    if (report.type === 'transport' && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId) as RTCIceCandidatePairStats | undefined;
  });
  return pair ?? [...stats.values()].find((report: RTCIceCandidatePairStats) => report.type === 'candidate-pair' && report.nominated && report.state === 'succeeded');
}

/** The way a connection goes, from its stats: through TURN or not, and the candidate types, ours ↔ theirs ("host ↔ srflx"). */
export function routeOf(stats: RTCStatsReport): { route: LinkRoute; candidates: string } | undefined {
  const pair = selectedPair(stats);
  if (!pair) return undefined;
  const types = [pair.localCandidateId, pair.remoteCandidateId].map((id) => (stats.get(id) as { candidateType?: string } | undefined)?.candidateType);
  return { route: types.includes('relay') ? 'relayed' : 'direct', candidates: types.map((type) => type ?? '?').join(' ↔ ') };
}
