import type { LinkRoute, SendStats } from './link';

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

/** The parts of an outbound-rtp or remote-inbound-rtp report the governor reads. */
interface OutboundReport {
  type: string;
  kind?: string;
  bytesSent?: number;
  packetsSent?: number;
  packetsLost?: number;
  roundTripTime?: number;
  timestamp: number;
  qualityLimitationReason?: string;
}

/** What a connection's stats say of the video it sends (every video sender, camera and screen together). */
export function sendStatsOf(stats: RTCStatsReport): SendStats {
  const pair = selectedPair(stats);
  const out: SendStats = { available: pair?.availableOutgoingBitrate, rtt: undefined, bytesSent: 0, packetsSent: 0, packetsLost: 0, at: 0 };
  const rtts: number[] = [];
  stats.forEach((report: OutboundReport) => {
    if (report.kind !== 'video') return;
    if (report.type === 'outbound-rtp') {
      out.bytesSent += report.bytesSent ?? 0;
      out.packetsSent += report.packetsSent ?? 0;
      out.at = Math.max(out.at, report.timestamp);
      if (report.qualityLimitationReason !== undefined) out.bandwidthLimited = out.bandwidthLimited === true || report.qualityLimitationReason === 'bandwidth';
    } else if (report.type === 'remote-inbound-rtp') {
      out.packetsLost += Math.max(0, report.packetsLost ?? 0);
      if (report.roundTripTime !== undefined) rtts.push(report.roundTripTime);
    }
  });
  out.rtt = rtts.length > 0 ? Math.max(...rtts) : pair?.currentRoundTripTime;
  return out;
}
