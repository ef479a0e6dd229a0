import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import type * as z from 'zod/mini';
import { fail, type ClientToServerEvents, type JoinedRoom, type Result, type ServerToClientEvents } from '@meshchat/protocol';
import type { Departure, RoomRegistry } from './rooms';
import type { ChatStore } from './store';

// socket.io's SocketData has to be an object type; nothing is stored in it, state lives in the store.
type SocketData = Record<string, never>;
/** What the processes sharing one Redis tell each other: a goodbye by beacon, for whichever holds the socket. */
export interface ProcessEvents {
  goodbye: (token: string) => void;
}
export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, ProcessEvents, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, ProcessEvents, SocketData>;

export const roomChannel = (room: string): string => `room:${room}`;

/** One inbound event: its schema and what it does with a parsed payload. */
export interface Handler {
  handle(socket: ChatSocket, payload: unknown): Promise<Result<object>> | Result<object>;
}

export function handler<S extends z.ZodMiniType>(
  schema: S,
  run: (socket: ChatSocket, payload: z.output<S>) => Promise<Result<object>> | Result<object>,
): Handler {
  return {
    handle(socket, payload) {
      const parsed = schema.safeParse(payload);
      return parsed.success ? run(socket, parsed.data) : fail('BAD_REQUEST', 'payload does not match the schema');
    },
  };
}

/** A feature's handlers, by event name. */
export type Handlers = readonly (readonly [string, Handler])[];

/** What every feature's handlers share: the sockets, the rooms, the store, the log. */
export class Hub {
  constructor(
    readonly io: ChatServer,
    readonly rooms: RoomRegistry,
    readonly store: ChatStore,
    readonly log: Logger,
    /** The client's address, as rate limits count it. */
    readonly addressOf: (socket: ChatSocket) => string,
    /** Shut the whole server down (the admin `shutdown` action). */
    readonly shutdown: () => void,
  ) {}

  /**
   * A socket by id, wherever it is: this process's own directly and at once, another process's
   * through the adapter (which applies even its own requests only when they come back from Redis).
   */
  socketById(socketId: string) {
    const local = this.io.sockets.sockets.get(socketId);
    return {
      join: (channel: string) => (local ? void local.join(channel) : this.io.in(socketId).socketsJoin(channel)),
      leave: (channel: string) => (local ? void local.leave(channel) : this.io.in(socketId).socketsLeave(channel)),
      disconnect: () => (local ? void local.disconnect(true) : this.io.in(socketId).disconnectSockets(true)),
    };
  }

  /** Where to emit to one socket: straight to a local one (a broadcast costs more per relay), else through the adapter. */
  emitterOf(socketId: string) {
    return this.io.sockets.sockets.get(socketId) ?? this.io.to(socketId);
  }

  announceDeparture({ room, nick, reason, socketId }: Departure): void {
    if (socketId !== null) this.socketById(socketId).leave(roomChannel(room));
    this.io.to(roomChannel(room)).emit('peer-left', { nick, reason });
    this.log.info({ event: 'leave', reason, room, sid: socketId }, 'member left');
  }

  seat(socketId: string, joined: JoinedRoom): void {
    this.socketById(socketId).join(roomChannel(joined.room));
    this.io.to(roomChannel(joined.room)).except(socketId).emit('peer-joined', { nick: joined.nick });
    this.log.info({ event: 'join', room: joined.room, sid: socketId, peers: joined.peers.length }, 'member joined');
  }

  /**
   * The socket may have dropped while its seat was being claimed, after its disconnect handler
   * found no seat to hold: hold it now, or it would stay taken by nobody.
   */
  holdIfGone(socket: ChatSocket): void {
    if (socket.disconnected) this.rooms.disconnect(socket.id);
  }
}
