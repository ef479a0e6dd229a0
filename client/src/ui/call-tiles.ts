import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { msg, str } from '@lit/localize';
import type { CallPeer } from '../room';
import type { ChatController } from './chat-controller';
import { icon } from './call-icons';
import { playing } from './playing';

/** Show a shared screen across the whole screen (and back, with Escape or the same button). */
function fullScreen(event: Event): void {
  const figure = (event.currentTarget as HTMLElement).closest('figure');
  if (document.fullscreenElement) void document.exitFullscreen();
  else void figure?.requestFullscreen?.();
}

/** A shared screen's tile: ours, or someone's. */
function screenTile(stream: MediaStream | undefined, caption: string, mark: { self: boolean; nick?: string }) {
  return html`<figure class="screen" data-call-screen=${mark.self ? nothing : (mark.nick ?? nothing)} data-call-self=${mark.self ? 'screen' : nothing}>
    <video autoplay playsinline muted ${playing(stream)}></video>
    <figcaption>${caption} <button class="link" @click=${fullScreen}>${msg('Full screen')}</button></figcaption>
  </figure>`;
}

/**
 * The call's tiles: shared screens first (ours too, so we see what we present), then ourselves
 * (mirrored, and never played aloud) and everyone else. Each tile is keyed by who it shows, so a
 * join or a leave moves tiles instead of handing one person's stream to another's element.
 */
export function callTiles(chat: ChatController, speaker: string | undefined) {
  const call = chat.call;
  const own = chat.calls.call?.own ?? { camera: undefined, screen: undefined };
  const peers = [...chat.callPeers].sort(([a], [b]) => a.localeCompare(b));
  const screens = peers.filter(([, peer]) => peer.screenStream !== undefined);
  const you = msg('You');
  const marks = (muted: boolean, camera: boolean) => html`${muted ? html`<span class="mark">${icon('microphone-off')}${msg('muted')}</span>` : nothing}
  ${camera ? nothing : html`<span class="mark">${icon('camera-off')}${msg('camera off')}</span>`}`;
  // Focusable, so a keyboard can scroll the tiles where they do not all fit.
  return html`<div class="tiles" role="group" tabindex="0" aria-label=${msg('People in the call')}>
    ${own.screen ? screenTile(own.screen, msg('Your screen, as the others see it'), { self: true }) : nothing}
    ${repeat(
      screens,
      ([nick]) => nick,
      ([nick, peer]) => screenTile(peer.screenStream, msg(str`${nick}'s screen`), { self: false, nick }),
    )}
    <figure data-call-self="camera" data-muted=${call.muted ? 'true' : 'false'} data-camera=${call.camera ? 'true' : 'false'}>
      ${own.camera ? html`<video autoplay playsinline muted ${playing(own.camera)}></video>` : nothing}
      <figcaption>${you} ${marks(call.muted, call.camera)}</figcaption>
    </figure>
    ${repeat(
      peers,
      ([nick]) => nick,
      ([nick, peer]) => peerTile(chat, nick, peer, speaker, marks(peer.muted, peer.camera)),
    )}
  </div>`;
}

/**
 * Someone else's tile: one element plays their sound and, while it is on, shows their camera (a
 * camera turned on or off changes nothing in what plays); and why nothing comes, where nothing can.
 */
function peerTile(chat: ChatController, nick: string, peer: CallPeer, speaker: string | undefined, marks: unknown) {
  const view = chat.people.get(nick);
  const direct = view?.state === 'connected' && view.via === undefined;
  return html`<figure data-call-peer=${nick} data-muted=${peer.muted ? 'true' : 'false'} data-camera=${peer.camera ? 'true' : 'false'} data-speaking=${peer.speaking ? 'true' : 'false'}>
    <video autoplay playsinline ?hidden=${!peer.camera} ${playing(peer.stream, speaker)}></video>
    ${direct ? nothing : html`<p class="apart">${msg('No direct link: no sound or video from them for now.')}</p>`}
    <figcaption>${nick} ${marks}</figcaption>
  </figure>`;
}
