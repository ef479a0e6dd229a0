/** Where the signaling server is: `?signal=` for trying another one, else the build's, else this page's origin. */
export function signalingUrl(location: Location = window.location): string {
  const fromQuery = new URLSearchParams(location.search).get('signal');
  if (fromQuery && URL.canParse(fromQuery)) return fromQuery;
  const fromBuild = import.meta.env.VITE_SIGNALING_URL as string | undefined;
  return fromBuild || location.origin;
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
