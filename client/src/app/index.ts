// app/: what a chat session owns beneath the interface, in plain TypeScript (no Lit): getting in
// and staying in a room (the lobby, with the signaling session), a call's devices and timers, the page's own life (leaving, staying, saying goodbye), and what this tab
// keeps. May import ../room, ../net and @meshchat/protocol, never ../ui; the interface reads it
// and calls it.
export { CallDevices, type DeviceKind } from './call-devices';
export { Lobby, type LobbyError, type LobbyHooks, type Outage, type Screen, type SignalingState } from './lobby';
export { openRoom, type RoomSetup } from './open-room';
export { PageLife, type PageLifeHooks } from './page-life';
export { CHAIN_KEY, SHARE_MINE_KEY, keepTabSetting, keptChain, tabSetting, type NotifyOf } from './tab-storage';
export { ChatSession, type SessionOptions, type SessionWords } from './chat-session';
export { Composing, type Draft } from './composing';
export { firstLook, type FirstLook } from './first-look';
// What the interface needs to name from the layers beneath, without reaching into them.
export type { KeptSeat, LinkFailure } from '../net';
export type { Arrival, CallSettings, Command } from '../room';
