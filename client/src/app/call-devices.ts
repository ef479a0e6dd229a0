import type { Call, Notice, Room, Watching } from '../room';

/** How often the call screen looks at who is speaking. */
const SPEAKING_EVERY_MS = 100;
/** How often the bandwidth governor measures each link and shapes what we send on it. */
const GOVERN_EVERY_MS = 2_000;
/** Where the microphone and camera chosen last are kept, per browser. */
const DEVICE_KEYS = { audioinput: 'meshchat.microphone', videoinput: 'meshchat.camera', audiooutput: 'meshchat.speaker' } as const;
/** Where turning noise suppression off is kept (it is on unless turned off). */
const NOISE_KEY = 'meshchat.noise-suppression';
export type DeviceKind = keyof typeof DEVICE_KEYS;

/** A chosen device that is not there any more (unplugged, or another browser profile's id). */
const isGone = (error: unknown) => error instanceof DOMException && (error.name === 'OverconstrainedError' || error.name === 'NotFoundError');

/**
 * The stored choice of `kind`, if storage can be read: its id, and its name, by which it is found
 * again where the browser gives it a new id (as private windows do on every load).
 */
function chosenDevice(kind: DeviceKind): { id: string; label: string } | undefined {
  try {
    const stored: unknown = JSON.parse(readSetting(DEVICE_KEYS[kind]) ?? 'null');
    if (typeof stored !== 'object' || stored === null) return undefined;
    const { id, label } = stored as Record<string, unknown>;
    return typeof id === 'string' && typeof label === 'string' ? { id, label } : undefined;
  } catch {
    return undefined;
  }
}

/** A setting kept in this browser, if storage can be read. */
function readSetting(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Keep a setting in this browser; where storage is refused (a private window), it holds for this page only. */
function writeSetting(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Nothing to do: the setting holds for this page.
  }
}

/**
 * What a refused device means, from the browser's error (undefined: nothing to tell). Closing the
 * screen picker is a choice, not an error: Chromium and Firefox call it NotAllowedError, as they do
 * a microphone or camera the page was not allowed; Chromium adds "by system" where the system's
 * own setting refused the screen.
 */
export function deviceFailure(error: unknown, device: 'microphone' | 'camera' | 'screen'): DeviceFailure | undefined {
  const name = error instanceof DOMException ? error.name : '';
  const message = error instanceof Error ? error.message : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return device !== 'screen' || /by system/i.test(message) ? 'denied' : undefined;
  if (name === 'AbortError') return device === 'screen' ? undefined : 'failed';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  if (name === 'NotReadableError') return 'busy';
  return 'failed';
}
export type DeviceFailure = Extract<Notice, { type: 'device' }>['why'];

/** Whether this browser lets a page choose the speaker media plays on. */
const canChooseSpeaker = () => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/**
 * A call's devices and timers, for the room we are in: the microphone, camera and screen asked of
 * the browser (the ones chosen last, found again by name where ids change), what devices there are
 * to choose from, and while in a call, looking at who speaks and governing what each link sends.
 */
export class CallDevices {
  /** The microphones and cameras there are, to choose from. */
  devices: Record<DeviceKind, MediaDeviceInfo[]> = { audioinput: [], videoinput: [], audiooutput: [] };
  /** Whether the call is folded to its controls, so the chat keeps the screen (on a phone, most of all). */
  minimized = false;
  /** Whether the browser cleans the microphone's sound of steady noise (echo cancellation and gain control are always asked for). */
  noiseSuppression = readSetting(NOISE_KEY) !== 'off';
  readonly #room: () => Room | undefined;
  readonly #changed: () => void;
  #speaking: ReturnType<typeof setInterval> | undefined;
  #governing: ReturnType<typeof setInterval> | undefined;

  constructor(room: () => Room | undefined, changed: () => void) {
    this.#room = room;
    this.#changed = changed;
  }

  /** The room's call, while we are in a room. */
  get call(): Call | undefined {
    return this.#room()?.call;
  }

  /** The speaker chosen last, where the browser lets a page choose one (undefined: the system's own). */
  get speaker(): string | undefined {
    return this.devices.audiooutput.length > 1 ? this.chosen('audiooutput') : undefined;
  }

  toggleMinimized(): void {
    this.minimized = !this.minimized;
    this.#changed();
  }

  /** Turn noise suppression on or off, for the microphone in use now and later calls in this browser. */
  async setNoiseSuppression(on: boolean): Promise<void> {
    this.noiseSuppression = on;
    writeSetting(NOISE_KEY, on ? 'on' : 'off');
    this.#changed();
    const microphone = this.#room()?.call.microphoneTrack;
    await microphone?.applyConstraints({ ...microphone.getConstraints(), noiseSuppression: on }).catch((error: unknown) => console.warn('meshchat: the microphone kept its noise suppression', error));
  }

  /** Answer `nick`'s ringing: out of any call we are in, into theirs. */
  async answer(nick: string): Promise<void> {
    if (this.#room()?.call.local.inCall) this.leaveCall();
    await this.joinCall(nick);
  }

  /** Do not answer `nick`'s ringing. */
  decline(nick: string): void {
    this.#room()?.call.decline(nick);
  }

  /**
   * Join the room's call, or (`partner`) call them alone, with the microphone; devices are asked
   * for only now.
   */
  async joinCall(partner?: string): Promise<void> {
    const stream = await this.#media('audioinput');
    if (!stream || !this.#room()) return;
    this.#room()?.call.join(stream, partner);
    // Who is speaking changes with every word: looked at a few times a second while in the call.
    clearInterval(this.#speaking);
    this.#speaking = setInterval(() => {
      const call = this.#room()?.call;
      if (!call?.local.inCall) clearInterval(this.#speaking);
      else if (call.listen()) this.#changed();
    }, SPEAKING_EVERY_MS);
    clearInterval(this.#governing);
    this.#governing = setInterval(() => void this.#room()?.call.govern(), GOVERN_EVERY_MS);
  }

  async toggleCamera(): Promise<void> {
    const call = this.#room()?.call;
    if (!call?.local.inCall) return;
    if (call.local.camera) {
      call.camera(undefined);
      return;
    }
    if (!call.mayTurnCameraOn()) return;
    const stream = await this.#media('videoinput');
    call.camera(stream?.getVideoTracks()[0]);
  }

  /** Use another microphone or camera from now on (and in later calls in this browser). */
  async chooseDevice(kind: DeviceKind, id: string): Promise<void> {
    const label = this.devices[kind].find((device) => device.deviceId === id)?.label ?? '';
    writeSetting(DEVICE_KEYS[kind], JSON.stringify({ id, label }));
    // A speaker is used by every tile as it is drawn again.
    if (kind === 'audiooutput') return this.#changed();
    const call = this.#room()?.call;
    if (!call?.local.inCall || (kind === 'videoinput' && !call.local.camera)) return;
    const track = (await this.#media(kind))?.getTracks()[0];
    if (!track) return;
    if (kind === 'audioinput') call.microphone(track);
    else call.camera(track);
  }

  /** The id of the device of `kind` chosen last, as the browser lists it now. */
  chosen(kind: DeviceKind): string | undefined {
    const chosen = chosenDevice(kind);
    const devices = this.devices[kind];
    return (devices.find(({ deviceId }) => deviceId === chosen?.id) ?? devices.find(({ label }) => label !== '' && label === chosen?.label))?.deviceId;
  }

  /** Whether we show `nick`'s camera and screen now: what we do not show, they do not send. */
  showing(nick: string, watching: Watching): void {
    this.#room()?.call.show(nick, watching);
  }

  /** Share a screen, window or tab (the browser asks which), or stop sharing. */
  async toggleScreen(): Promise<void> {
    const call = this.#room()?.call;
    if (!call?.local.inCall) return;
    if (call.local.screen !== undefined) {
      call.share(undefined);
      return;
    }
    if (typeof navigator.mediaDevices?.getDisplayMedia !== 'function') {
      this.#room()?.tell({ type: 'device', device: 'screen', why: 'unsupported' });
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
      call.share(stream.getVideoTracks()[0]);
    } catch (error: unknown) {
      const why = deviceFailure(error, 'screen');
      if (why) this.#room()?.tell({ type: 'device', device: 'screen', why });
    }
  }

  toggleMute(): void {
    const call = this.#room()?.call;
    if (call?.local.inCall) call.mute(!call.local.muted);
  }

  leaveCall(): void {
    this.stop();
    this.#room()?.call.leave();
  }

  /** No timer runs on (the room is being left). */
  stop(): void {
    clearInterval(this.#speaking);
    clearInterval(this.#governing);
  }

  /** Ask the browser for a device (the one chosen last, if it is still there); if it says no, or there is none, say so and go on without. */
  async #media(kind: DeviceKind): Promise<MediaStream | undefined> {
    try {
      const stream = await this.#open(kind);
      await this.#listDevices();
      return stream;
    } catch (error: unknown) {
      const device = kind === 'audioinput' ? 'microphone' : 'camera';
      this.#room()?.tell({ type: 'device', device, why: deviceFailure(error, device) ?? 'denied' });
      return undefined;
    }
  }

  /**
   * The device chosen last: by its id (`exact`: Chromium passes over an `ideal` device while another
   * is open), else by its name once the browser lists names, else the browser's default.
   */
  async #open(kind: DeviceKind): Promise<MediaStream> {
    // The sound a call needs: no echo of the others, an even level, and (unless turned off) no steady noise.
    const voice = { echoCancellation: true, autoGainControl: true, noiseSuppression: this.noiseSuppression };
    const ask = (wanted: MediaTrackConstraints | true) =>
      navigator.mediaDevices.getUserMedia(kind === 'audioinput' ? { audio: { ...voice, ...(wanted === true ? {} : wanted) } } : { video: wanted });
    const chosen = chosenDevice(kind);
    if (!chosen) return ask(true);
    try {
      return await ask({ deviceId: { exact: chosen.id } });
    } catch (error: unknown) {
      if (!isGone(error)) throw error;
    }
    const stream = await ask(true);
    const same = (await navigator.mediaDevices.enumerateDevices()).find((device) => device.kind === kind && device.label !== '' && device.label === chosen.label);
    if (!same || stream.getTracks()[0]?.getSettings().deviceId === same.deviceId) return stream;
    for (const track of stream.getTracks()) track.stop();
    return ask({ deviceId: { exact: same.deviceId } }).catch(() => ask(true));
  }

  /** What microphones and cameras there are, to choose from (their names show once the browser gave us one). */
  async #listDevices(): Promise<void> {
    const all = await navigator.mediaDevices.enumerateDevices();
    const outputs = canChooseSpeaker() ? all.filter(({ kind }) => kind === 'audiooutput') : [];
    this.devices = { audioinput: all.filter(({ kind }) => kind === 'audioinput'), videoinput: all.filter(({ kind }) => kind === 'videoinput'), audiooutput: outputs };
    this.#changed();
  }
}
