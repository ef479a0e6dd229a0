/** The DTLS fingerprint an SDP announces (`a=fingerprint:sha-256 AB:CD:…`), normalised. */
export function sdpFingerprint(sdp: string | undefined): string | undefined {
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp ?? '');
  return match ? `${match[1]?.toLowerCase()} ${match[2]?.toUpperCase()}` : undefined;
}
