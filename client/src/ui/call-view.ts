import { html, nothing } from 'lit';
import { msg, str } from '@lit/localize';
import type { DeviceKind } from '../app';
import type { CallEvent, Watching } from '../room';
import type { ChatController } from './chat-controller';
import { icon } from './call-icons';
import { callTiles } from './call-tiles';
import { CALL_KEYS, joining, shortcut } from './call-keys';
import { currentLanguage } from './i18n';

/** What changed in the call, in words for the live region: our own devices, and who came or went. */
export function callEventText(event: CallEvent): string {
  switch (event.type) {
    case 'microphone':
      return event.on ? msg('Microphone on') : msg('Microphone off');
    case 'camera':
      return event.on ? msg('Camera on') : msg('Camera off');
    case 'screen':
      return event.on ? msg('You are sharing your screen') : msg('You stopped sharing your screen');
    case 'joined':
      return msg(str`${event.nick} joined the call`);
    case 'left':
      return msg(str`${event.nick} left the call`);
  }
}

/** "alice", "alice and bob", "alice, bob and carol", in the reader's language. */
const listText = (nicks: string[]) => new Intl.ListFormat(currentLanguage(), { type: 'conjunction' }).format(nicks);
const timeText = (at: number) => new Intl.DateTimeFormat(currentLanguage(), { hour: 'numeric', minute: '2-digit' }).format(at);

/**
 * The room's call, a region named Call: while we are out of it, a bar saying who is in (and since
 * when) with Join call; while we are in, a bar while we present, the controls in one row, and the
 * tiles (unless the call is minimized to its controls). A polite live region says what changed.
 */
export function callView(chat: ChatController) {
  const call = chat.call;
  const calls = chat.calls;
  const event = calls.call?.lastEvent;
  const live = html`<div class="sr-only" role="status" aria-live="polite">${event ? callEventText(event.event) : ''}</div>`;
  const rings = (calls.call?.ringing() ?? []).map(
    (nick) => html`<div class="call-bar ringing" role="group" aria-label=${msg(str`Call from ${nick}`)}>
      <span class="who">${msg(str`${nick} is calling you.`)}</span>
      <button class="answer" @click=${() => void calls.answer(nick)}>${msg('Answer')}</button>
      <button @click=${() => calls.decline(nick)}>${msg('Decline')}</button>
    </div>`,
  );
  if (!call.inCall) {
    const others = calls.call?.othersInCall() ?? [];
    const since = calls.call?.since;
    const join = joining(chat);
    const button = html`<div class="call-controls">${control('join', icon('join'), join.label, join.action)}</div>`;
    return html`<section class="call" aria-label=${msg('Call')}>
      ${rings}
      ${others.length > 0 && join.room
        ? html`<div class="call-bar">
            <span class="who"
              >${since === undefined ? msg(str`In the call: ${listText(others)}.`) : msg(str`In the call since ${timeText(since)}: ${listText(others)}.`)}</span
            >
            ${button}
          </div>`
        : button}
      ${live}
    </section>`;
  }
  const minimized = calls.minimized;
  const partner = calls.call?.partner;
  return html`<section class="call" aria-label=${msg('Call')} data-minimized=${minimized ? 'true' : 'false'}>
    ${rings}
    ${partner === undefined ? nothing : html`<p class="with">${chat.callPeers.has(partner) ? msg(str`In a call with ${partner}`) : msg(str`Calling ${partner}…`)}</p>`}
    ${call.screen !== undefined
      ? html`<div class="call-bar presenting">
          <span class="who">${msg('You are presenting')}</span>
          <button @click=${() => void calls.toggleScreen()}>${msg('Stop sharing')}</button>
        </div>`
      : nothing}
    <div class="call-controls">
      ${control('mute', icon(call.muted ? 'microphone-off' : 'microphone'), call.muted ? msg('Unmute') : msg('Mute'), () => calls.toggleMute(), call.muted)}
      ${control('camera', icon(call.camera ? 'camera' : 'camera-off'), msg('Camera'), () => void calls.toggleCamera(), call.camera)}
      ${canShareScreen() ? control('screen', icon('screen'), msg('Share screen'), () => void calls.toggleScreen(), call.screen !== undefined) : nothing}
      ${control('leave', icon('leave'), msg('Leave call'), () => calls.leaveCall())}
      <button aria-expanded=${minimized ? 'false' : 'true'} @click=${() => calls.toggleMinimized()}>
        ${icon(minimized ? 'expand' : 'minimize')}<span class="label">${minimized ? msg('Expand call') : msg('Minimize call')}</span>
      </button>
      ${deviceMenu(chat)}
    </div>
    ${minimized ? nothing : callTiles(chat, calls.speaker)} ${live}
  </section>`;
}

/** A call control: its icon, its name (hidden on a phone, kept for screen readers), its shortcut. */
function control(key: keyof typeof CALL_KEYS, glyph: unknown, label: string, action: () => unknown, on?: boolean) {
  return html`<button
    aria-pressed=${on === undefined ? nothing : on ? 'true' : 'false'}
    aria-keyshortcuts=${shortcut(CALL_KEYS[key])}
    title=${`${label} (${shortcut(CALL_KEYS[key])})`}
    @click=${action}
  >
    ${glyph}<span class="label">${label}</span>
  </button>`;
}

/** The devices the call uses, behind one control: microphone, camera, speaker, and noise suppression. */
function deviceMenu(chat: ChatController) {
  const calls = chat.calls;
  return html`<details>
    <summary>${msg('Devices')}</summary>
    <div class="devices">
      ${devicePicker(chat, 'audioinput', msg('Microphone'))} ${devicePicker(chat, 'videoinput', msg('Camera to use'))}
      ${devicePicker(chat, 'audiooutput', msg('Speaker'))}
      <label class="device switch"
        ><span
          ><input
            type="checkbox"
            role="switch"
            .checked=${calls.noiseSuppression}
            @change=${(event: Event) => void calls.setNoiseSuppression((event.target as HTMLInputElement).checked)}
          />
          ${msg('Noise suppression')}</span
        ></label
      >
    </div>
  </details>`;
}

/** Which microphone, camera or speaker to use: there is a choice once the browser named more than one. */
function devicePicker(chat: ChatController, kind: DeviceKind, label: string) {
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

/** Whether this browser can share a screen at all (not on iPhones and iPads, nor on Android): without it there is no button. */
function canShareScreen(): boolean {
  return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}
