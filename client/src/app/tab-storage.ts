import { keepTabSetting, tabSetting } from '../net';
import type { ChainState } from '../room';

export { keepTabSetting, tabSetting } from '../net';

/** Where a tab keeps whether it shares its own messages, and how far its chain of signed messages in each room has come. */
export const SHARE_MINE_KEY = 'meshchat:share-mine';
/** Where a tab keeps whether it tells people it saw their messages. */
export const TELL_SEEN_KEY = 'meshchat:tell-seen';
export const CHAIN_KEY = (room: string) => `meshchat:chain:${room}`;
/** What this tab notifies of in each room: every message, mentions (and private messages), or nothing. */
export const NOTIFY_KEY = (room: string) => `meshchat:notify:${room}`;
export type NotifyOf = 'all' | 'mentions' | 'none';

/** Where this tab's chain in `room` stood, if it kept that and it reads as one. */
export function keptChain(room: string): ChainState | undefined {
  try {
    const kept: unknown = JSON.parse(tabSetting(CHAIN_KEY(room)) ?? 'null');
    if (typeof kept !== 'object' || kept === null) return undefined;
    const { key, n, prev } = kept as Record<string, unknown>;
    return typeof key === 'string' && Number.isSafeInteger(n) && typeof n === 'number' && n > 0 && typeof prev === 'string' ? { key, n, prev } : undefined;
  } catch {
    return undefined;
  }
}

/** How long a setting written often waits for the next value before it is kept. */
const COALESCE_MS = 1_000;
/** Settings waiting to be kept, newest value by key. */
const pending = new Map<string, string>();
let timer: ReturnType<typeof setTimeout> | undefined;
let listening = false;

function keepPending(): void {
  clearTimeout(timer);
  timer = undefined;
  for (const [key, value] of pending) keepTabSetting(key, value);
  pending.clear();
}

/**
 * Keep a tab setting that changes with every message (where a chain stands): Web Storage writes
 * are synchronous, a few milliseconds each on a busy page, so the newest value is kept at most
 * once a second, and at once when the page is hidden or left (before a reload reads it).
 */
export function keepTabSettingSoon(key: string, value: string): void {
  pending.set(key, value);
  // Outside a page (the app layer's tests) there is no page to go: the timer alone writes.
  if (!listening && typeof window !== 'undefined') {
    listening = true;
    window.addEventListener('pagehide', keepPending);
    document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && keepPending());
  }
  timer ??= setTimeout(keepPending, COALESCE_MS);
}
