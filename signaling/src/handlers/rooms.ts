import { fail, isPairRoom, joinRequestSchema, noPayloadSchema, resumeRequestSchema, signalRequestSchema } from '@meshchat/protocol';
import { handler, roomChannel, type Handlers, type Hub } from '../hub';

/** Joining, resuming and leaving a room, and relaying signals to its members. */
export function roomHandlers(hub: Hub): Handlers {
  const { rooms, store, log } = hub;
  return [
    [
      'join',
      handler(joinRequestSchema, async (socket, { nick, room, alternatives }) => {
        if (await store.isQueued(socket.id)) return fail('ALREADY_QUEUED');
        // Rooms for two strangers are made by pairing only: nobody walks into one by its name.
        if (room !== undefined && isPairRoom(room.trim())) return fail('ROOM_INVALID');
        const joined = await rooms.join(socket.id, nick, room, alternatives ? { alternatives } : {});
        if (joined.ok) {
          hub.seat(socket.id, joined);
          hub.holdIfGone(socket);
        }
        return joined;
      }),
    ],
    [
      'resume',
      handler(resumeRequestSchema, async (socket, { session }) => {
        if (await store.isQueued(socket.id)) return fail('ALREADY_QUEUED');
        const resumed = await rooms.resume(socket.id, session);
        if (!resumed.ok) return resumed;
        const { replaced, impostor, restored, ok: _ok, ...joined } = resumed;
        if (replaced !== null) hub.socketById(replaced).disconnect();
        if (impostor !== null) {
          // Took the name after a restart, before its owner came back: out of the room, quietly.
          hub.socketById(impostor).leave(roomChannel(joined.room));
          hub.emitterOf(impostor).emit('kicked', { room: joined.room });
          log.warn({ event: 'impostor-evicted', room: joined.room, sid: impostor }, 'a seat taken after a restart went back to its owner');
        }
        // A seat a restarted server gave back is news to members who joined since; a resumed one is not.
        if (restored) hub.seat(socket.id, joined);
        else void socket.join(roomChannel(joined.room));
        hub.holdIfGone(socket);
        log.info({ event: 'resume', room: joined.room, sid: socket.id }, 'member resumed');
        return { ok: true, ...joined };
      }),
    ],
    [
      'leave',
      handler(noPayloadSchema, async (socket) => {
        const departure = await rooms.leave(socket.id);
        if (!departure) return fail('NOT_IN_ROOM');
        hub.announceDeparture(departure);
        return { ok: true };
      }),
    ],
    [
      'bye',
      handler(noPayloadSchema, (socket) => {
        rooms.goodbye(socket.id, socket.disconnected);
        return { ok: true };
      }),
    ],
    // Costs nothing: what matters to the page is that an answer comes back on this connection.
    ['alive', handler(noPayloadSchema, async () => ({ ok: true }))],
    [
      'signal',
      handler(signalRequestSchema, async (socket, { to, data }) => {
        const route = await rooms.route(socket.id, to);
        if (!route.ok) return route;
        hub.emitterOf(route.socketId).emit('signal', { from: route.from, data });
        return { ok: true };
      }),
    ],
  ];
}
