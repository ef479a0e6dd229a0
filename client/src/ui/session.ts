// The room's code, loaded when it is first needed (a request on the first screen, or a reload or
// a kept room that goes straight in): the chat session with its signaling and links, and the
// room's screen. The first screen loads without it.
import type { ReactiveControllerHost } from 'lit';
import { CALL_DEFAULTS, type CallSettings } from '../room';
import { ChatController } from './chat-controller';
import { positive, signalingUrl } from './config';
import './message-composer';
import './message-log';
import './people-pane';

export type { ChatController };

/** The chat session of this page, with what its address and build say. */
export function openSession(host: ReactiveControllerHost): ChatController {
  return new ChatController(host, { signalingUrl: signalingUrl(), iceTransportPolicy: iceTransportPolicy(), callSettings: callSettings() });
}

/** `?ice=relay` sends everything through TURN: it hides your address from peers, and tests the relay. */
export function iceTransportPolicy(location: Location = window.location): RTCIceTransportPolicy {
  return new URLSearchParams(location.search).get('ice') === 'relay' ? 'relay' : 'all';
}

/**
 * How calls are governed: the build's `VITE_CALL_UPLOAD_KBPS` (all the video one person sends, to
 * everyone together) and `VITE_CALL_CAMERAS` (cameras on at once), which `?upload=` and `?cameras=`
 * change for trying them out; `?governor=off` leaves every sender to the browser (for comparison).
 */
export function callSettings(location: Location = window.location): CallSettings {
  const query = new URLSearchParams(location.search);
  const env = import.meta.env as Record<string, string | undefined>;
  return {
    uploadBps: positive(query.get('upload') ?? env['VITE_CALL_UPLOAD_KBPS'], CALL_DEFAULTS.uploadBps / 1000) * 1000,
    maxVideoSenders: Math.floor(positive(query.get('cameras') ?? env['VITE_CALL_CAMERAS'], CALL_DEFAULTS.maxVideoSenders)),
    governor: query.get('governor') !== 'off',
  };
}
