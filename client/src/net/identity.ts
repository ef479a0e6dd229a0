/**
 * This tab's DTLS certificate, the same for every link it makes and kept across reloads (in
 * IndexedDB, under an id that lives in the tab's sessionStorage). Fingerprints, and so safety
 * codes, then stay put while the person is the same tab; a changed one means another browser.
 */
import { keepTabSetting, tabSetting } from './tab-settings';

const DB = 'meshchat';
const STORE = 'certificates';
const TAB_KEY = 'meshchat:tab';

/** This page's id where the tab's storage is refused: what is kept under it lasts until a reload. */
let pageId: string | undefined;

/** This tab's id, kept across its reloads (a new tab, or a tab whose storage is refused, gets a new one). */
export function tabId(): string {
  const kept = tabSetting(TAB_KEY);
  if (kept) return kept;
  pageId ??= crypto.randomUUID();
  keepTabSetting(TAB_KEY, pageId);
  return pageId;
}

function request<T>(run: (store: IDBObjectStore) => IDBRequest<T>, mode: IDBTransactionMode): Promise<T> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error ?? new Error('IndexedDB unavailable'));
    open.onsuccess = () => {
      const db = open.result;
      const done = run(db.transaction(STORE, mode).objectStore(STORE));
      done.onsuccess = () => {
        db.close();
        resolve(done.result);
      };
      done.onerror = () => {
        db.close();
        reject(done.error ?? new Error('IndexedDB request failed'));
      };
    };
  });
}

/**
 * Something of this tab's kept across its reloads under `name`: what was kept, if `usable`, else
 * a new one from `make`, kept from now on (if it cannot be kept, it is still used).
 */
export async function keptInTab<T>(name: string, usable: (kept: T) => boolean, make: () => Promise<T>): Promise<T> {
  const id = name === 'certificate' ? tabId() : `${tabId()}:${name}`;
  const kept = (await request((store) => store.get(id), 'readonly').catch(() => undefined)) as T | undefined;
  if (kept !== undefined && usable(kept)) return kept;
  const made = await make();
  await request((store) => store.put(made, id), 'readwrite').catch((error: unknown) => console.warn(`meshchat: cannot keep the ${name}`, error));
  return made;
}

/** The tab's certificate; `undefined` where it cannot be made or kept (links then get one each). */
export async function tabCertificate(): Promise<RTCCertificate | undefined> {
  try {
    return await keptInTab(
      'certificate',
      (kept: RTCCertificate) => kept.expires > Date.now() + 24 * 3600 * 1000,
      () => RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams),
    );
  } catch (error: unknown) {
    console.warn('meshchat: no certificate of our own', error);
    return undefined;
  }
}
