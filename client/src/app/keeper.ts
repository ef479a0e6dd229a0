import { tabId } from '../net';
import { Transfer, keptKey, messageKey, type ActRecord, type ChatLine, type Conversation, type Conversations, type Keepable, type Log } from '../room';
import { KeptRoom, forgetRoom, placeKey, sweepGoneTabs } from './kept-store';

/** Received files kept for a tab, per room, at most; and on this device, by choice. */
export const TAB_FILE_BYTES = 50 * 1024 * 1024;
export const DEVICE_FILE_BYTES = 200 * 1024 * 1024;

type KeptLine = Omit<ChatLine, 'id'>;
interface KeptAct {
  conversation: Conversation | null;
  record: ActRecord;
}
/** What describes a received file beside its bytes: its line, and the transfer's facts. */
interface FileAbout {
  line: KeptLine;
  transfer: { id: string; peer: string; file: Transfer['file'] };
}

export interface KeeperHooks {
  log: Log;
  conversations: Conversations;
  /** Our nickname in the room. */
  nick(): string;
  /** Something kept came back, or the choice changed: the page renders. */
  changed(): void;
}

/**
 * What a room's page keeps, and brings back: for the tab always (so a reload keeps private
 * conversations, their unread marks and received files, not only the room's lines), and on this
 * device when the person chose to. Messages, actions, received files and the conversations'
 * state; a private room's sealed under its secret.
 */
export class Keeper {
  readonly #tab: KeptRoom;
  readonly #deviceRoom: KeptRoom;
  #onDevice: boolean;
  readonly #hooks: KeeperHooks;
  /** Writes go one after another, in the order things happened. */
  #writing: Promise<unknown> = Promise.resolve();
  #stateWriting: Promise<unknown> = Promise.resolve();
  /** The conversations' state as last written, to write only what changed. */
  #stateWritten = '';
  /** Object URLs made for files brought back: freed when the room is left. */
  readonly #urls: string[] = [];
  /** Lines and actions waiting for their write: whatever comes before it starts goes in the same one. */
  #batch: { kind: 'line' | 'act'; value: unknown }[] | undefined;

  private constructor(tab: KeptRoom, device: KeptRoom, onDevice: boolean, hooks: KeeperHooks) {
    this.#tab = tab;
    this.#deviceRoom = device;
    this.#onDevice = onDevice;
    this.#hooks = hooks;
  }

  /** The keeping of `room` (a private one's under its `secret`); kept on this device if it was before, or `device` asks. */
  static async open(room: string, secret: string | undefined, device: boolean, hooks: KeeperHooks): Promise<Keeper> {
    void sweepGoneTabs().catch(() => undefined);
    const key = secret === undefined ? undefined : await keptKey(secret);
    const onDevice = new KeptRoom(placeKey('device', room), room, key);
    const keeper = new Keeper(new KeptRoom(placeKey({ tab: tabId() }, room), room, key), onDevice, device || (await onDevice.record()) !== undefined, hooks);
    if (device) await keeper.setOnDevice(true);
    return keeper;
  }

  get onDevice(): boolean {
    return this.#onDevice;
  }

  /**
   * Keep the room on this device from now on, with what the tab kept so far (moved there: one copy
   * serves the tab's reloads too); or forget all of it, on this device and for every tab: what
   * happens next is kept for the tab again.
   */
  async setOnDevice(on: boolean): Promise<void> {
    this.#onDevice = on;
    // What comes from now on is kept in the new place: the batch on its way is closed.
    this.#batch = undefined;
    this.#hooks.changed();
    if (!on) {
      await this.#queue(() => forgetRoom(this.#deviceRoom.room));
      return;
    }
    void navigator.storage?.persist?.().catch(() => false);
    await this.#queue(async () => {
      if (await this.#deviceRoom.record()) return;
      const nick = this.#hooks.nick();
      await this.#deviceRoom.claim(nick);
      await this.#deviceRoom.setState('conversations', this.#hooks.conversations.state);
      const entries = await this.#tab.entries();
      await this.#deviceRoom.add(entries.filter((entry) => entry.kind !== 'file') as { kind: 'line' | 'act'; value: unknown }[], nick);
      for (const { kind, value } of entries) if (kind === 'file') await this.#deviceRoom.addFile(value as { about: FileAbout; blob: Blob }, nick, DEVICE_FILE_BYTES);
      await this.#tab.forget();
    });
  }

  /**
   * Show what was kept: the device's and the tab's, each message once, in the order said; their
   * actions; received files; the conversations' state. Returns the room's messages brought back.
   */
  async restore(): Promise<{ by: string; id: string }[]> {
    const sources = this.#onDevice ? [this.#deviceRoom, this.#tab] : [this.#tab];
    const lines = new Map<string, KeptLine>();
    const acts: KeptAct[] = [];
    for (const source of sources) {
      for (const { kind, value } of await source.entries()) {
        if (kind === 'line' && isLine(value)) lines.set(value.ref ? messageKey(value.ref.by, value.ref.id) : `${value.ts} ${value.text}`, value);
        else if (kind === 'act' && isAct(value)) acts.push(value);
        else if (kind === 'file') {
          const line = this.#fileLine(value as { about: FileAbout; blob: Blob });
          if (line) lines.set(`file ${line.transfers?.[0]?.peer} ${line.transfers?.[0]?.id}`, line);
        }
      }
    }
    // The tab's state is the newest (a reload); else the device's.
    for (const source of [this.#tab, this.#deviceRoom]) {
      const state = await source.state('conversations');
      if (state === undefined) continue;
      this.#hooks.conversations.restore(state);
      break;
    }
    const ordered = [...lines.values()].sort((a, b) => a.ts - b.ts);
    acts.sort((a, b) => a.record.ts - b.record.ts);
    this.#hooks.log.restore(ordered, acts.map(({ conversation, record }) => ({ conversation: conversation ?? undefined, record })));
    this.#hooks.changed();
    return ordered.flatMap((line) => (line.ref && line.kind === 'public' ? [{ by: line.ref.by, id: line.ref.id }] : []));
  }

  /** Something the log was told to keep. */
  kept(kept: Keepable): void {
    if (kept.kind === 'act') {
      this.#add('act', { conversation: kept.conversation ?? null, record: kept.record });
      return;
    }
    const { transfers, receipt: _unknownNow, ...line } = kept.line;
    if (line.kind !== 'file') {
      this.#add('line', line);
      return;
    }
    // A received file is kept once it is here and checked; what we send is ours already.
    const transfer = transfers?.[0];
    if (!transfer || transfer.direction !== 'in') return;
    const done = () => {
      if (transfer.state !== 'done' || !transfer.blob) return;
      transfer.removeEventListener('change', done);
      const file = { about: { line, transfer: { id: transfer.id, peer: transfer.peer, file: transfer.file } }, blob: transfer.blob };
      const nick = this.#hooks.nick();
      const place = this.#place();
      void this.#queue(() => place.addFile(file, nick, place === this.#tab ? TAB_FILE_BYTES : DEVICE_FILE_BYTES));
    };
    transfer.addEventListener('change', done);
  }

  /** The conversations may have changed (opened, read, closed, a message arrived): kept if they did. */
  conversationsChanged(): void {
    const state = this.#hooks.conversations.state;
    const written = JSON.stringify(state);
    if (written === this.#stateWritten) return;
    this.#stateWritten = written;
    // Its own queue: what is unread is written at once, not behind a file being kept.
    const place = this.#place();
    this.#stateWriting = this.#stateWriting.then(() => place.setState('conversations', state)).catch(() => undefined);
  }

  /** Forget everything this tab kept of the room (leaving it on purpose); what is on this device stays. */
  async leave(): Promise<void> {
    this.dispose();
    await this.#queue(() => this.#tab.forget());
  }

  dispose(): void {
    for (const url of this.#urls.splice(0)) URL.revokeObjectURL(url);
  }

  /** Where what happens is kept: on this device if chosen (serving the tab's reloads too), else for the tab. */
  #place(): KeptRoom {
    return this.#onDevice ? this.#deviceRoom : this.#tab;
  }

  #add(kind: 'line' | 'act', value: unknown): void {
    if (this.#batch) {
      this.#batch.push({ kind, value });
      return;
    }
    const batch = (this.#batch = [{ kind, value }]);
    const nick = this.#hooks.nick();
    const place = this.#place();
    void this.#queue(() => {
      this.#batch = undefined;
      return place.add(batch, nick);
    });
  }

  #queue<T>(write: () => Promise<T>): Promise<T | undefined> {
    const next = this.#writing.then(write).catch((error: unknown) => {
      console.warn('meshchat: could not keep part of the room', error);
      return undefined;
    });
    this.#writing = next;
    return next;
  }

  /** A received file's line as it was, with its transfer done and its bytes to save. */
  #fileLine({ about, blob }: { about: FileAbout; blob: Blob }): KeptLine | undefined {
    if (!isLine(about?.line) || !(blob instanceof Blob)) return undefined;
    const { id, peer, file } = about.transfer;
    const transfer = new Transfer(id, 'in', peer, file);
    const url = URL.createObjectURL(blob);
    this.#urls.push(url);
    transfer.update({ state: 'done', bytes: blob.size, url, blob });
    return { ...about.line, transfers: [transfer] };
  }
}

function isLine(value: unknown): value is KeptLine {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, text, ts } = value as Record<string, unknown>;
  return (kind === 'public' || kind === 'private' || kind === 'file') && typeof text === 'string' && typeof ts === 'number';
}

function isAct(value: unknown): value is KeptAct {
  if (typeof value !== 'object' || value === null) return false;
  const { record } = value as { record?: Record<string, unknown> };
  return typeof record?.by === 'string' && typeof record.act === 'string' && typeof record.ts === 'number' && typeof record.of === 'object';
}
