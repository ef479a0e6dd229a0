import { HISTORY_DEFAULTS, HISTORY_MAX_COUNT, isPairRoom, normalizeRoom } from '@meshchat/protocol';
import type { KeptSeat } from '../app';
import { secretFromHash } from '../room';

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

/** The room named in the page's link, if any. */
export function roomFromLocation(location: Location = window.location): string {
  return new URLSearchParams(location.search).get('room') ?? '';
}

/** Whether the page's link points at the seat this tab kept: a link goes where it points, not back to the last room. */
export function pointsAtSeat(seat: KeptSeat, location: Location = window.location): boolean {
  const secret = secretFromHash(location.hash);
  if (seat.secret !== undefined || secret !== undefined) return secret === seat.secret;
  // A chat with a stranger has no address of its own: the bare page is its reload.
  const room = roomFromLocation(location);
  return isPairRoom(seat.room) ? room === '' : normalizeRoom(room) === seat.room;
}

/** The link that brings someone into `room` on this page (saying so when the room keeps no history). */
export function roomLink(room: string, location: Location = window.location): string {
  const url = new URL('/', location.origin);
  url.searchParams.set('room', room);
  if (!historyShared(location)) url.searchParams.set('history', 'off');
  return url.href;
}

/** A positive number from a setting, or `fallback`. */
export function positive(raw: string | null | undefined, fallback: number): number {
  const value = Number(raw);
  return raw && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Whether the room's members give its recent messages to people who join later: not when its link says `history=off`. */
export function historyShared(location: Location = window.location): boolean {
  return new URLSearchParams(location.search).get('history') !== 'off';
}

/** How much history each member keeps: the build's `VITE_HISTORY_MESSAGES` and `VITE_HISTORY_HOURS`, which `?history-messages=` and `?history-hours=` change. */
export function historyLimits(location: Location = window.location): { count: number; ms: number } {
  const query = new URLSearchParams(location.search);
  const env = import.meta.env as Record<string, string | undefined>;
  return {
    count: Math.min(HISTORY_MAX_COUNT, Math.floor(positive(query.get('history-messages') ?? env['VITE_HISTORY_MESSAGES'], HISTORY_DEFAULTS.count))),
    ms: positive(query.get('history-hours') ?? env['VITE_HISTORY_HOURS'], HISTORY_DEFAULTS.ms / 3600_000) * 3600_000,
  };
}
