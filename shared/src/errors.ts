/**
 * The closed set of error codes both ends share. The server answers with a code; the client maps
 * each code to words a person understands.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_EVENT',
  'NICK_INVALID',
  'NICK_TAKEN',
  'ROOM_INVALID',
  'ROOM_FULL',
  'ALREADY_IN_ROOM',
  'NOT_IN_ROOM',
  'PEER_NOT_FOUND',
  /** A member whose connection dropped: their seat is held for the reconnect grace, nothing reaches them meanwhile. */
  'PEER_AWAY',
  'SESSION_INVALID',
  'ALREADY_QUEUED',
  'NOT_QUEUED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'TOO_MANY_ROOMS',
  'SHUTTING_DOWN',
  'UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A failed acknowledgement. `message` is a hint for logs and developers, never shown as-is. */
export interface Failure {
  ok: false;
  code: ErrorCode;
  message?: string;
  /** NICK_TAKEN: a free nickname like the one asked for, when the server found one. */
  suggestion?: string;
}

/** Every acknowledgement is this: success with its data, or a failure with a code. */
export type Result<T extends object = object> = ({ ok: true } & T) | Failure;

export function fail(code: ErrorCode, message?: string): Failure {
  return message === undefined ? { ok: false, code } : { ok: false, code, message };
}
