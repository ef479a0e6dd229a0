// net/: the network. Owns the signaling session (socket.io) and the WebRTC links to each person;
// knows nothing of rooms' contents or of Lit. May import only @meshchat/protocol and its own files.
export { base64url, fromBase64url } from './base64';
export { keptInTab, tabCertificate, tabId } from './identity';
export { InboundBudget, TokenBucket } from './inbound-budget';
export type { DirectLink, Link, LinkFactory, LinkFailure, LinkHooks, LinkRoute, LinkState, MediaKind, SendStats, VideoShape } from './link';
export { LinkSlot } from './link-slot';
export { peerLinks } from './peer-link';
export { RelayLink, relayKeyPair, relayKeys, type RelayFrame, type RelayKeyPair, type RelayKeys, type RelayLinkOptions } from './relay-link';
export { SignalingSession, type KeptSeat, type SessionEvents } from './session';
export { SEAT_KEY, forgetTabSetting, keepTabSetting, tabSetting } from './tab-settings';
