/** Where a tab keeps its seat, so a reload resumes it. */
export const SEAT_KEY = 'meshchat:seat';

/**
 * What a tab keeps across its reloads (sessionStorage), where storage can be used: some private
 * windows refuse it, and then nothing is kept and nothing throws.
 */
export function tabSetting(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Keep a setting for this tab; where storage is refused, it lasts until the page is left (or not at all). */
export function keepTabSetting(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // Not kept: a reload starts from the default again.
  }
}

export function forgetTabSetting(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // Nothing was kept.
  }
}
