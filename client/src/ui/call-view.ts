import { html, nothing } from 'lit';
import { msg, str } from '@lit/localize';
import type { Watching } from '../room';
import type { ChatController } from './chat-controller';

/**
 * The call's keyboard shortcuts (Alt with a letter, by key position so every layout has them), as
 * each control's `aria-keyshortcuts` says. J joins, M mutes, V is the camera, S shares the
 * screen, L leaves.
 */
export const CALL_KEYS = { join: 'KeyJ', mute: 'KeyM', camera: 'KeyV', screen: 'KeyS', leave: 'KeyL' } as const;
const shortcut = (code: string) => `Alt+${code.slice(3)}`;

/** The call: its controls, and a tile for everyone else in it while we are. */
export function callView(chat: ChatController) {
  const call = chat.call;
  const pressed = (on: boolean) => (on ? 'true' : 'false');
  const peers = call.inCall ? [...chat.callPeers].sort(([a], [b]) => a.localeCompare(b)) : [];
  const control = (key: keyof typeof CALL_KEYS, label: string, action: () => unknown, on?: boolean) =>
    html`<button
      aria-pressed=${on === undefined ? nothing : pressed(on)}
      aria-keyshortcuts=${shortcut(CALL_KEYS[key])}
      title=${`${label} (${shortcut(CALL_KEYS[key])})`}
      @click=${action}
    >
      ${label}
    </button>`;
  return html`<section class="call" aria-label=${msg('Call')}>
    <div class="call-controls">
      ${call.inCall
        ? html`${control('mute', msg('Mute'), () => chat.calls.toggleMute(), call.muted)}
          ${control('camera', msg('Camera'), () => void chat.calls.toggleCamera(), call.camera)}
          ${control('screen', msg('Share screen'), () => void chat.calls.toggleScreen(), call.screen !== undefined)}
          ${control('leave', msg('Leave call'), () => chat.calls.leaveCall())} ${devicePicker(chat, 'audioinput', msg('Microphone'))}
          ${devicePicker(chat, 'videoinput', msg('Camera to use'))}`
        : control('join', msg('Join call'), () => void chat.calls.joinCall())}
    </div>
    ${peers.length > 0
      ? html`<div class="tiles">
          ${peers.map(([nick, peer]) =>
            peer.screenStream
              ? html`<figure class="screen" data-call-screen=${nick}>
                  <video autoplay playsinline muted .srcObject=${peer.screenStream}></video>
                  <figcaption>${msg(str`${nick}'s screen`)}</figcaption>
                </figure>`
              : nothing,
          )}
          ${peers.map(
            ([nick, peer]) => html`<figure
              data-call-peer=${nick}
              data-muted=${pressed(peer.muted)}
              data-camera=${pressed(peer.camera)}
              data-speaking=${pressed(peer.speaking)}
            >
              ${peer.camera
                ? html`<video autoplay playsinline .srcObject=${peer.stream ?? null}></video>`
                : html`<audio autoplay .srcObject=${peer.stream ?? null}></audio>`}
              <figcaption>${peer.muted ? msg(str`${nick} (muted)`) : nick}</figcaption>
            </figure>`,
          )}
        </div>`
      : nothing}
  </section>`;
}

/** Which microphone or camera to use: there is a choice once the browser named more than one. */
function devicePicker(chat: ChatController, kind: 'audioinput' | 'videoinput', label: string) {
  const devices = chat.calls.devices[kind];
  if (devices.length < 2) return nothing;
  const chosen = chat.calls.chosen(kind);
  return html`<label class="device"
    >${label}
    <select @change=${(event: Event) => void chat.calls.chooseDevice(kind, (event.target as HTMLSelectElement).value)}>
      ${devices.map(
        (device, i) => html`<option value=${device.deviceId} ?selected=${device.deviceId === chosen}>${device.label || msg(str`Device ${i + 1}`)}</option>`,
      )}
    </select></label
  >`;
}

/** The call's shortcuts, wherever the focus is in the room. */
export function callShortcut(event: KeyboardEvent, chat: ChatController): void {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || chat.screen !== 'room') return;
  const inCall = chat.call.inCall;
  const actions: Record<string, (() => unknown) | undefined> = {
    [CALL_KEYS.join]: inCall ? undefined : () => chat.calls.joinCall(),
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

/**
 * A tile's video that is scrolled out of sight, or a page in the background, is not shown: its
 * sender is told, and pauses it (see the governor), until it is in sight again.
 */
export class TileSight {
  readonly #inSight = new Map<Element, boolean>();
  readonly #tell: (nick: string, watching: Watching) => void;
  readonly #observer = new IntersectionObserver((entries) => {
    for (const entry of entries) this.#inSight.set(entry.target, entry.isIntersecting);
    this.tellShowing();
  });

  constructor(tell: (nick: string, watching: Watching) => void) {
    this.#tell = tell;
  }

  /** Watch each tile's video for being in sight from when it appears (watching one again does nothing). */
  watch(videos: Iterable<Element>): void {
    for (const video of videos) if (!this.#inSight.has(video)) this.#observer.observe(video);
  }

  disconnect(): void {
    this.#observer.disconnect();
  }

  /** Tell each person which of their videos we show now (the page's visibility counts too). */
  tellShowing(): void {
    const showing = new Map<string, Watching>();
    for (const [video, inSight] of this.#inSight) {
      if (!video.isConnected) {
        this.#inSight.delete(video);
        this.#observer.unobserve(video);
        continue;
      }
      const figure = video.closest('figure');
      const nick = figure?.getAttribute('data-call-peer') ?? figure?.getAttribute('data-call-screen');
      if (!figure || nick === null || nick === undefined) continue;
      const seen = inSight && document.visibilityState === 'visible';
      const each = showing.get(nick) ?? { video: true, screen: true };
      showing.set(nick, figure.hasAttribute('data-call-screen') ? { ...each, screen: seen } : { ...each, video: seen });
    }
    for (const [nick, watching] of showing) this.#tell(nick, watching);
  }
}
