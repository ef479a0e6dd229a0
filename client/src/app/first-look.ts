import { SEAT_KEY, tabSetting } from '../net';
import { privateRoomId } from '../room';
import { KEPT_DATABASE } from './kept-name';
import type { KeptRoomRecord } from './kept-store';

/**
 * What the first screen knows before the room's code is loaded: whether this tab holds a seat (a
 * reload takes it back) and whether the room the page's link names is kept on this device, with
 * the name used in it. Either means the room's code is wanted at once.
 */
export interface FirstLook {
  seat: boolean;
  kept: KeptRoomRecord | undefined;
}

export async function firstLook(room: string, secret: string | undefined): Promise<FirstLook> {
  return { seat: tabSetting(SEAT_KEY) !== null, kept: await keptRoom(room, secret) };
}

/** The record of `room` (or the private room of `secret`) kept on this device, if it is. */
export async function keptRoom(room: string, secret: string | undefined): Promise<KeptRoomRecord | undefined> {
  if (secret === undefined && room === '') return undefined;
  // Nothing kept in this browser yet (most first visits): the store's code is not even loaded.
  if (!(await mayHoldKept())) return undefined;
  const [id, { roomsOnDevice }] = await Promise.all([secret === undefined ? room : privateRoomId(secret), import('./kept-store')]);
  return (await roomsOnDevice().catch(() => [])).find((record) => record.room === id);
}

/** Whether this origin has the kept rooms' database (where the browser cannot list its databases, it may). */
async function mayHoldKept(): Promise<boolean> {
  try {
    const databases = await indexedDB.databases?.();
    return databases === undefined || databases.some(({ name }) => name === KEPT_DATABASE);
  } catch {
    return true;
  }
}
