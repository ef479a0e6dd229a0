/** Where the signaling server is: `?signal=` for trying another one, else the build's, else this page's origin. */
export function signalingUrl(location: Location = window.location): string {
  const fromQuery = signalingOverride(location);
  if (fromQuery) return fromQuery;
  const fromBuild = import.meta.env.VITE_SIGNALING_URL as string | undefined;
  return fromBuild || location.origin;
}

/** The signaling server named by `?signal=`, if the page was opened with one. */
export function signalingOverride(location: Location = window.location): string | undefined {
  const fromQuery = new URLSearchParams(location.search).get('signal');
  return fromQuery && URL.canParse(fromQuery) ? fromQuery : undefined;
}

/** `?ice=relay` sends everything through TURN: it hides your address from peers, and tests the relay. */
export function iceTransportPolicy(location: Location = window.location): RTCIceTransportPolicy {
  return new URLSearchParams(location.search).get('ice') === 'relay' ? 'relay' : 'all';
}

/** The room named in the page's link, if any. */
export function roomFromLocation(location: Location = window.location): string {
  return new URLSearchParams(location.search).get('room') ?? '';
}

/** The link that brings someone into `room` on this page. */
export function roomLink(room: string, location: Location = window.location): string {
  const url = new URL('/', location.origin);
  url.searchParams.set('room', room);
  return url.href;
}
