/** `sdp` with Opus asked to send nothing during silence (DTX), on every Opus payload it offers. */
export function withDtx(sdp: string): string {
  const opus = [...sdp.matchAll(/^a=rtpmap:(\d+) opus\/48000/gim)].map(([, type]) => type);
  return sdp.replace(/^a=fmtp:(\d+) ([^\r\n]*)/gm, (line, type: string, params: string) =>
    opus.includes(type) && !/(^|;)\s*usedtx=/.test(params) ? `a=fmtp:${type} ${params};usedtx=1` : line,
  );
}
