import { html } from 'lit';
import { msg, str } from '@lit/localize';
import type { ChatController } from './chat-controller';

/**
 * The call's keyboard shortcuts (Alt with a letter, by key position so every layout has them), as
 * each control's `aria-keyshortcuts` says. J joins, M mutes, V is the camera, S shares the
 * screen, L leaves.
 */
export const CALL_KEYS = { join: 'KeyJ', mute: 'KeyM', camera: 'KeyV', screen: 'KeyS', leave: 'KeyL' } as const;
export const shortcut = (code: string) => `Alt+${code.slice(3)}`;

/**
 * What joining means where we are: in a private conversation with someone in the room, calling
 * them alone ("Call alice", which rings for them); anywhere else, the room's call.
 */
export function joining(chat: ChatController): { label: string; action: () => void; room: boolean } {
  const view = chat.view;
  if (view !== undefined && chat.people.has(view)) return { label: msg(str`Call ${view}`), action: () => void chat.calls.joinCall(view), room: false };
  return { label: msg('Join call'), action: () => void chat.calls.joinCall(), room: true };
}

/** The call's shortcuts, wherever the focus is in the room. */
export function callShortcut(event: KeyboardEvent, chat: ChatController): void {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || chat.screen !== 'room') return;
  const inCall = chat.call.inCall;
  const actions: Record<string, (() => unknown) | undefined> = {
    [CALL_KEYS.join]: inCall ? undefined : joining(chat).action,
    [CALL_KEYS.mute]: inCall ? () => chat.calls.toggleMute() : undefined,
    [CALL_KEYS.camera]: inCall ? () => chat.calls.toggleCamera() : undefined,
    [CALL_KEYS.screen]: inCall ? () => chat.calls.toggleScreen() : undefined,
    [CALL_KEYS.leave]: inCall ? () => chat.calls.leaveCall() : undefined,
  };
  const action = actions[event.code];
  if (!action) return;
  event.preventDefault();
  void action();
}

/** Whether the call's own screen is needed now: we are in a call, someone in the room is, or someone calls us. */
export function callNeeded(chat: ChatController): boolean {
  const call = chat.calls.call;
  return chat.call.inCall || (call?.othersInCall().length ?? 0) > 0 || (call?.ringing().length ?? 0) > 0;
}

/**
 * The call's place before its own screen first loads (no call yet in the room): the region and
 * its Join call button (Call alice in a private conversation), with its shortcut.
 */
export function callEntry(chat: ChatController) {
  const join = joining(chat);
  return html`<section class="call" aria-label=${msg('Call')}>
    <div class="call-controls">
      <button aria-keyshortcuts=${shortcut(CALL_KEYS.join)} title=${`${join.label} (${shortcut(CALL_KEYS.join)})`} @click=${join.action}>${join.label}</button>
    </div>
  </section>`;
}
