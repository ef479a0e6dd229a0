import type { ChainState } from '../room';

/** Where a tab keeps whether it shares its own messages, and how far its chain of signed messages in each room has come. */
export const SHARE_MINE_KEY = 'meshchat:share-mine';
export const CHAIN_KEY = (room: string) => `meshchat:chain:${room}`;

/** A setting this tab keeps (sessionStorage), if storage can be read. */
export function tabSetting(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Keep a setting for this tab; where storage is refused, it lasts until the page is left. */
export function keepTabSetting(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // Not kept: a reload starts from the default again.
  }
}

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
