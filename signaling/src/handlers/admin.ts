import { adminRequestSchema, fail } from '@meshchat/protocol';
import type { AdminGate } from '../admin';
import { handler, type Handlers, type Hub } from '../hub';

/** Kick, announce and shutdown, for a client that presents the admin token. */
export function adminHandlers(hub: Hub, gate: AdminGate): Handlers {
  const { io, rooms, log } = hub;
  return [
    [
      'admin',
      handler(adminRequestSchema, async (socket, request) => {
        const refused = await gate.check(request.token, [`sid:${socket.id}`, `ip:${hub.addressOf(socket)}`]);
        if (refused) {
          log.warn({ event: 'admin-refused', code: refused.code, sid: socket.id }, 'admin request refused');
          return refused;
        }
        log.info({ event: 'admin', action: request.action, sid: socket.id }, 'admin request');
        switch (request.action) {
          case 'kick': {
            const departure = await rooms.kick(request.room, request.nick);
            if (!departure) return fail('PEER_NOT_FOUND');
            if (departure.socketId !== null) hub.emitterOf(departure.socketId).emit('kicked', { room: departure.room });
            hub.announceDeparture(departure);
            return { ok: true };
          }
          case 'announce':
            io.emit('announce', { text: request.text });
            return { ok: true };
          case 'shutdown':
            setImmediate(hub.shutdown);
            return { ok: true };
        }
      }),
    ],
  ];
}
