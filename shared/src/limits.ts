/**
 * Every limit of the protocol, named once. The server enforces them; the client uses the same
 * numbers to explain a refusal before it is even sent.
 */

/** Bumped when two peers could no longer understand each other's data-channel frames. */
export const PROTOCOL_VERSION = 4;

/** Longest nickname, counted in Unicode code points after trimming and NFC normalisation. */
export const NICK_MAX_LENGTH = 24;

/** Most nonspacing combining marks in a row a nickname may stack on one letter (Vietnamese needs two). */
export const NICK_MAX_COMBINING_MARKS = 3;

/** Longest room name; room names use only `[A-Za-z0-9_-]`. */
export const ROOM_NAME_MAX_LENGTH = 64;

/** The room a user lands in when they name none. */
export const DEFAULT_ROOM = 'lobby';

/** Members a room holds unless the operator sets `--max-room-size`. A full mesh grows as n². */
export const DEFAULT_MAX_ROOM_SIZE = 16;

/** Upper bound an operator may set for `--max-room-size`. */
export const MAX_ROOM_SIZE_LIMIT = 64;

/** Members of a room made by pairing two strangers. */
export const PAIR_ROOM_SIZE = 2;

/** How long a dropped socket keeps its nickname and room for a reconnect with its session token. */
export const RECONNECT_GRACE_MS = 30_000;

/**
 * How long a page that said goodbye (closed, reloaded, navigated away) keeps its seat: long enough
 * for a reload to take it back (measured on a 2-core test machine: 0.3 s quiet, 1.6 s under load,
 * from the reload to the seat back and linked), short enough that the others see it leave within
 * about 2 s rather than a dropped connection's 30 s.
 */
export const RELOAD_GRACE_MS = 2_000;

/** Longest session token a client may present (they name the room and nickname, and are signed). */
export const SESSION_TOKEN_MAX_LENGTH = 512;
/**
 * How often the server gives a seated member a fresh session token. A restarted server gives seats
 * back only for tokens issued within this (plus the reconnect grace) before it started.
 */
export const SESSION_REISSUE_MS = 120_000;

/**
 * With several signaling processes on Redis: a process that has not heartbeaten for this long is
 * taken for dead, and the nicknames its sockets held are freed.
 */
export const LIVENESS_TTL_MS = 15_000;

/** socket.io `maxHttpBufferSize`: sized for an SDP offer with many candidates, not for files. */
export const MAX_SOCKET_PAYLOAD_BYTES = 64 * 1024;

/** Longest SDP the server relays, in characters. */
export const MAX_SDP_LENGTH = 32 * 1024;

/** Longest ICE candidate line the server relays, in characters. */
export const MAX_CANDIDATE_LENGTH = 1024;

/** Longest text of a chat message, in characters. */
export const MESSAGE_TEXT_MAX_LENGTH = 4000;

/** Largest frame one person seals for another, to go through a third (a chat message fits). */
export const MAX_PEER_FRAME_BYTES = MESSAGE_TEXT_MAX_LENGTH * 4 + 1024;

/** A sealed frame in base64url: the frame and its 16-byte AES-GCM tag, 4 characters per 3 bytes. */
export const MAX_RELAY_BOX_LENGTH = Math.ceil(((MAX_PEER_FRAME_BYTES + 16) * 4) / 3);

/**
 * Room history each member keeps in its tab's memory and gives people who join later: at most
 * this many messages, none older than this (both configurable per page).
 */
export const HISTORY_DEFAULTS = { count: 200, ms: 24 * 3600_000 } as const;

/** A message's time, its author's clock, is believed up to this far ahead of the reader's (clocks drift). */
export const CLOCK_AHEAD_MS = 5 * 60_000;

/** Most messages one may ask a peer for in one request. */
export const HISTORY_MAX_COUNT = 1000;

/** Most messages one history frame carries (an answer comes in several frames). */
export const HISTORY_CHUNK_RECORDS = 50;

/** Messages held for one peer while its link is down; past it, new messages to that peer are refused. */
export const OUTBOX_MAX_MESSAGES = 500;

/** A typing notice goes out at most this often, and shows this long after the last one arrived. */
export const TYPING_INTERVAL_MS = 1_000;
export const TYPING_SHOW_MS = 4_000;

/** Largest file one peer offers another; the receiver holds it in memory until it is saved. */
export const FILE_MAX_BYTES = 1024 * 1024 * 1024;

/** Longest file name offered, in characters. */
export const FILE_NAME_MAX_LENGTH = 255;

/**
 * File data goes in chunks of at most this many bytes (less when the link's SCTP
 * `maxMessageSize` is smaller): 64 KiB is what every browser's data channel accepts.
 */
export const FILE_CHUNK_BYTES = 64 * 1024;

/** The sender pauses once this much is queued on the file channel, and resumes when it drains to the low mark. */
export const FILE_BUFFER_HIGH_BYTES = 4 * 1024 * 1024;
export const FILE_BUFFER_LOW_BYTES = 1024 * 1024;

/** Longest operator announcement, in characters. */
export const ANNOUNCE_TEXT_MAX_LENGTH = 500;

/** Longest admin token the server will even compare. */
export const ADMIN_TOKEN_MAX_LENGTH = 256;

/** Wrong admin tokens allowed per socket and per IP address in one window before `RATE_LIMITED`. */
export const ADMIN_FAILURES_PER_WINDOW = 5;

/** Length of the admin failure window, in seconds. */
export const ADMIN_FAILURE_WINDOW_SECONDS = 60;

/** How long the server waits for clients to acknowledge the shutdown notice. */
export const SHUTDOWN_NOTICE_TIMEOUT_MS = 1_000;

/** Lifetime of the TURN credentials `GET /ice` hands out, unless the operator sets `--turn-ttl`. */
export const TURN_CREDENTIAL_TTL_SECONDS = 3600;

/** Connections one IP address may hold at once, counted from the first request of each. */
export const MAX_SOCKETS_PER_IP = 32;

/** Connections the server holds at once, from everyone; keep it below the process's descriptor limit. */
export const MAX_CONNECTIONS = 16_000;

/** A connection that has not joined socket.io's namespace by then is closed (a real client takes milliseconds). */
export const HANDSHAKE_DEADLINE_MS = 5_000;

/**
 * Events refused for being over budget that a socket may send in one budget window before the
 * server stops answering and disconnects it: a client that misjudged a burst hears `RATE_LIMITED`,
 * a flood is cut off.
 */
export const FLOOD_REFUSALS = 20;

/** Rooms that may exist at once on one server; past it, only existing rooms can be joined. */
export const MAX_ROOMS = 10_000;

/**
 * Request budgets, as `points` per `seconds`. Each is charged per socket and per IP address
 * (the IP budget is `perIp` times larger, for households and offices behind one address).
 * Signal budgets are generous because trickle ICE sends candidates in bursts.
 */
export interface RateBudget {
  points: number;
  seconds: number;
  perIp: number;
}

export interface RateLimits {
  join: RateBudget;
  signal: RateBudget;
  other: RateBudget;
}

export const RATE_LIMITS: RateLimits = {
  /** join, resume and pair attempts. */
  join: { points: 10, seconds: 60, perIp: 6 },
  /** offers, answers and candidates relayed. */
  signal: { points: 300, seconds: 10, perIp: 4 },
  /** everything else: leave, pair-cancel, admin, unknown events. */
  other: { points: 60, seconds: 10, perIp: 4 },
};

/** How many names are offered in place of a taken one: numbered nicknames, or a private room member's alternative ids. */
export const NAME_SUGGESTIONS = 8;
