// room/: the room and its people (one Peer each), delivery and receipts, typing, the private
// room's proof, files, and the log. Plain TypeScript, tested without a browser. May import
// ../net and @meshchat/protocol, never ../ui; what it says to people it says as Notice values.
export { parseCommand, type Command } from './commands';
export type { Call, CallEvent, CallPeer, CallState, Watching } from './call';
export { CALL_DEFAULTS, type CallSettings } from './governor';
export { Conversations, type ConversationsState, RUN_GAP_MS, continuations, privateWith, shownIn } from './conversations';
export { receiptState, type Receipt } from './delivery';
export { isRasterImage, realExtension, saveName, visibleName } from './file-names';
export { Transfer, type FileTransfers } from './files';
export type { Provenance } from './history';
export { Log, messageKey, type ChatLine, type Keepable } from './log';
export { findMentions, mentionsIn } from './mentions';
export type { ChainState, SigningKeys } from './back-fill';
export { tabSigningKeys } from './signing';
export type { Arrival, Notice } from './notices';
export type { ActRecord, Conversation } from './amend';
export type { PeerView } from './peer';
export { keptKey, newRoomSecret, privateRoomId, proofKey, secretFromHash } from './private-room';
export { Room, type RoomOptions } from './room';
export { standingOf, type Standing } from './standing';
