import { PAIR_ROOM_SIZE, fail, noPayloadSchema, normalizeNick, pairRequestSchema, type JoinedRoom } from '@meshchat/protocol';
import { handler, type Handlers, type Hub } from '../hub';
import { pairRoomName } from '../rooms';
import { seatKey } from '../seat-key';
import type { Stranger } from '../store';

/** "Talk to a stranger": queue a client, and seat two waiting ones in a fresh room of two. */
export function pairingHandlers(hub: Hub): Handlers {
  const { io, rooms, store, log } = hub;

  /** Pair a stranger with the longest-waiting other one, after its ack has gone out, or queue it. */
  async function queueStranger(stranger: Stranger): Promise<'queued' | 'already' | 'paired'> {
    const partner = await store.matchOrQueue(stranger);
    if (typeof partner === 'string') return partner;
    setImmediate(() => void pairUp(partner, stranger).catch((error: unknown) => pairingFailed(error, [partner, stranger])));
    return 'paired';
  }

  /** Seat two strangers in a fresh room of two; the one who waited longer is seated first. */
  async function pairUp(...strangers: Stranger[]): Promise<void> {
    const room = pairRoomName();
    const seated: { socketId: string; paired: JoinedRoom }[] = [];
    for (const { socketId, nick } of strangers) {
      const joined = await rooms.join(socketId, nick, room, { capacity: PAIR_ROOM_SIZE });
      if (!joined.ok) continue;
      const { ok: _ok, ...paired } = joined;
      seated.push({ socketId, paired });
    }
    // Either may have left (on any process) while it waited; seats are claimed first, so a socket
    // that drops from here on has its seat held and freed like any other.
    const present = await Promise.all(strangers.map(async ({ socketId }) => (await io.in(socketId).fetchSockets()).length > 0));
    if (seated.length < strangers.length || present.includes(false)) {
      for (const { socketId } of strangers) await rooms.leave(socketId);
      // The one still here goes back to waiting.
      for (const [index, stranger] of strangers.entries()) if (present[index]) await queueStranger(stranger);
      return;
    }
    for (const { socketId, paired } of seated) {
      hub.seat(socketId, paired);
      hub.emitterOf(socketId).emit('paired', paired);
    }
  }

  /** The store went away mid-pairing: tell the strangers rather than leave them waiting. */
  function pairingFailed(error: unknown, strangers: Stranger[]): void {
    log.warn({ event: 'pairing-failed', err: String(error) }, 'pairing failed');
    for (const { socketId } of strangers) hub.emitterOf(socketId).emit('protocol-error', { event: 'pair', code: 'UNAVAILABLE' });
  }

  return [
    [
      'pair',
      handler(pairRequestSchema, async (socket, request) => {
        const nick = normalizeNick(request.nick);
        if (nick === undefined) return fail('NICK_INVALID');
        if (await rooms.seatOf(socket.id)) return fail('ALREADY_IN_ROOM');
        const queued = await queueStranger({ socketId: socket.id, nick, key: seatKey(nick) });
        if (queued === 'already') return fail('ALREADY_QUEUED');
        if (socket.disconnected) await store.unqueue(socket.id);
        return { ok: true, queued: true };
      }),
    ],
    ['pair-cancel', handler(noPayloadSchema, async (socket) => ((await store.unqueue(socket.id)) ? { ok: true } : fail('NOT_QUEUED')))],
  ];
}
