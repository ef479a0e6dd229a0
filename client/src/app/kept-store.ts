import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { KEPT_DATABASE } from './kept-name';

/**
 * What this browser keeps of rooms, in IndexedDB: for a tab (across its reloads; swept once the
 * tab has been gone a day) or on this device (by the person's choice, until they forget it). A
 * private room's entries are sealed (AES-GCM) under a key derived from its secret, which is not
 * stored: without the room's link they cannot be read.
 */

/** Where a room is kept: for one tab, or on this device. */
export type Place = { tab: string } | 'device';

/** A room as kept: whose it is, under which name we were in it, and how much it holds. */
export interface KeptRoomRecord {
  /** `device|room` or `tab:<id>|room`. */
  key: string;
  room: string;
  nick: string;
  sealed: boolean;
  /** When it was last written, ms since the epoch. */
  used: number;
  /** Bytes of files it holds. */
  fileBytes: number;
  /** The next entry's number. */
  next: number;
}

/** One thing kept, in the order it happened: `value` as given, or sealed. */
export interface KeptEntryRecord {
  room: string;
  n: number;
  kind: 'line' | 'act' | 'file';
  value: unknown;
}

/** A sealed value: AES-GCM under the room's kept key, with its nonce. */
interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  box: ArrayBuffer;
}

interface KeptSchema extends DBSchema {
  rooms: { key: string; value: KeptRoomRecord };
  entries: { key: [string, number]; value: KeptEntryRecord };
  /** Small values that are replaced, not added to: the conversations' state, a tab's last sign of life. */
  states: { key: string; value: { key: string; value: unknown } };
}

/** A tab that has not written for this long is gone: what it kept is swept. */
export const TAB_GONE_MS = 24 * 3600_000;

let opened: Promise<IDBPDatabase<KeptSchema>> | undefined;
function db(): Promise<IDBPDatabase<KeptSchema>> {
  opened ??= openDB<KeptSchema>(KEPT_DATABASE, 1, {
    upgrade(database) {
      database.createObjectStore('rooms', { keyPath: 'key' });
      database.createObjectStore('entries', { keyPath: ['room', 'n'] });
      database.createObjectStore('states', { keyPath: 'key' });
    },
  });
  return opened;
}

export function placeKey(place: Place, room: string): string {
  return `${place === 'device' ? 'device' : `tab:${place.tab}`}|${room}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function seal(key: CryptoKey, bytes: Uint8Array<ArrayBuffer>): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  return { iv, box: await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, bytes) };
}

async function open(key: CryptoKey, sealed: Sealed): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, key, sealed.box));
}

/** A file kept with its line: its bytes, and its description. */
export interface KeptFile {
  about: unknown;
  blob: Blob;
}

/** One room's keeping, in one place: add what happens, read it all back, forget it. */
export class KeptRoom {
  constructor(
    readonly key: string,
    readonly room: string,
    /** Seals everything for a private room; none for a public one. */
    private readonly sealKey: CryptoKey | undefined,
  ) {}

  /** Keep these lines and actions, in order, after what was kept before, in one write; `nick` is ours in the room. */
  async add(items: readonly { kind: 'line' | 'act'; value: unknown }[], nick: string): Promise<void> {
    const kept = await Promise.all(items.map(async ({ kind, value }) => ({ kind, value: this.sealKey ? await seal(this.sealKey, encoder.encode(JSON.stringify(value))) : value })));
    await this.#append(kept, nick, 0);
  }

  /** Keep a received file with what describes it, if `cap` leaves room for its bytes; `false` when it does not. */
  async addFile(file: KeptFile, nick: string, cap: number): Promise<boolean> {
    const room = await (await db()).get('rooms', this.key);
    if ((room?.fileBytes ?? 0) + file.blob.size > cap) return false;
    const value = this.sealKey
      ? { about: await seal(this.sealKey, encoder.encode(JSON.stringify(file.about))), blob: await seal(this.sealKey, new Uint8Array(await file.blob.arrayBuffer())), type: file.blob.type }
      : file;
    await this.#append([{ kind: 'file', value }], nick, file.blob.size);
    return true;
  }

  /** Entries (already sealed where they must be) after what was kept, in one transaction with the room's record. */
  async #append(entries: readonly Omit<KeptEntryRecord, 'room' | 'n'>[], nick: string, fileBytes: number): Promise<void> {
    const tx = (await db()).transaction(['rooms', 'entries'], 'readwrite');
    const rooms = tx.objectStore('rooms');
    const room = (await rooms.get(this.key)) ?? { key: this.key, room: this.room, nick, sealed: this.sealKey !== undefined, used: 0, fileBytes: 0, next: 1 };
    const store = tx.objectStore('entries');
    await Promise.all(entries.map(({ kind, value }, i) => store.put({ room: this.key, n: room.next + i, kind, value })));
    await rooms.put({ ...room, nick, used: Date.now(), next: room.next + entries.length, fileBytes: room.fileBytes + fileBytes });
    await tx.done;
  }

  /** Make sure the room has its record here (kept from now on, even with nothing in it yet). */
  async claim(nick: string): Promise<void> {
    const tx = (await db()).transaction('rooms', 'readwrite');
    if (!(await tx.store.get(this.key))) await tx.store.put({ key: this.key, room: this.room, nick, sealed: this.sealKey !== undefined, used: Date.now(), fileBytes: 0, next: 1 });
    await tx.done;
  }

  /** Replace the state kept under `name` (the conversations: which are open, what is unread). */
  async setState(name: string, value: unknown): Promise<void> {
    const kept = this.sealKey ? await seal(this.sealKey, encoder.encode(JSON.stringify(value))) : value;
    await (await db()).put('states', { key: `${this.key}|${name}`, value: kept });
  }

  async state(name: string): Promise<unknown> {
    const kept = await (await db()).get('states', `${this.key}|${name}`);
    if (!kept) return undefined;
    return this.sealKey ? JSON.parse(decoder.decode(await open(this.sealKey, kept.value as Sealed))) : kept.value;
  }

  /** Everything kept, in order, opened; an entry that cannot be opened (another secret, damage) is left out. */
  async entries(): Promise<{ kind: KeptEntryRecord['kind']; value: unknown }[]> {
    const all = await (await db()).getAll('entries', IDBKeyRange.bound([this.key, 0], [this.key, Infinity]));
    const opened = await Promise.all(all.map(async ({ kind, value }) => {
      try {
        return { kind, value: this.sealKey ? await this.#open(kind, value) : value };
      } catch {
        return undefined;
      }
    }));
    return opened.filter((entry) => entry !== undefined);
  }

  async #open(kind: KeptEntryRecord['kind'], value: unknown): Promise<unknown> {
    const key = this.sealKey as CryptoKey;
    if (kind !== 'file') return JSON.parse(decoder.decode(await open(key, value as Sealed)));
    const file = value as { about: Sealed; blob: Sealed; type: string };
    return { about: JSON.parse(decoder.decode(await open(key, file.about))), blob: new Blob([await open(key, file.blob)], { type: file.type }) };
  }

  /** The room's record (whose name, how much), if anything is kept. */
  async record(): Promise<KeptRoomRecord | undefined> {
    return (await db()).get('rooms', this.key);
  }

  /** Erase everything kept of the room here, at once. */
  async forget(): Promise<void> {
    await forgetKey(this.key);
  }
}

async function forgetKey(key: string): Promise<void> {
  const tx = (await db()).transaction(['rooms', 'entries', 'states'], 'readwrite');
  await tx.objectStore('entries').delete(IDBKeyRange.bound([key, 0], [key, Infinity]));
  await tx.objectStore('rooms').delete(key);
  await tx.objectStore('states').delete(IDBKeyRange.bound(`${key}|`, `${key}|\uffff`));
  await tx.done;
}

/** Sweep what tabs kept that have not written for `TAB_GONE_MS` (closed tabs: their sessionStorage, and so their id, is gone). */
export async function sweepGoneTabs(now = Date.now()): Promise<number> {
  const rooms = await (await db()).getAll('rooms');
  const gone = rooms.filter(({ key, used }) => key.startsWith('tab:') && now - used > TAB_GONE_MS);
  for (const { key } of gone) await forgetKey(key);
  return gone.length;
}

/** Erase everything kept of `room`, on this device and for every tab. */
export async function forgetRoom(room: string): Promise<void> {
  for (const record of await (await db()).getAll('rooms')) if (record.room === room) await forgetKey(record.key);
}

/** Every room kept on this device (not for a tab). */
export async function roomsOnDevice(): Promise<KeptRoomRecord[]> {
  return (await (await db()).getAll('rooms')).filter(({ key }) => key.startsWith('device|'));
}
