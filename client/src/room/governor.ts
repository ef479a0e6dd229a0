/**
 * The bandwidth governor: what each of our video senders may send on one link. In a mesh every
 * sender encodes a stream per receiver, so a full-rate stream to each of five people is five times
 * the upload of a two-person call, and the call falls apart. Here the upload a call may use is
 * shared between the people receiving our video, each link's own measured available bitrate picks
 * the resolution and frame rate that fit what it can carry, and a tile nobody is looking at gets
 * nothing at all. Pure: `Call` asks it, and each link applies the answer to its senders.
 */
import type { VideoShape } from '../net';
import type { LinkSignals } from './link-estimate';

/** How a room's calls are governed; the page's address or the build may change these (see ui/config.ts). */
export interface CallSettings {
  /** All the video we send in a call, to everyone together, in bits per second. */
  uploadBps: number;
  /** At most this many people send their camera at once; the next one is told why they cannot. */
  maxVideoSenders: number;
  /** Off: every sender sends what the browser's own congestion control allows (benchmarks compare). */
  governor: boolean;
}

export const CALL_DEFAULTS: CallSettings = { uploadBps: 2_500_000, maxVideoSenders: 6, governor: true };

/** No single receiver needs more than this for a camera or a screen in a tile. */
const PER_PEER_MAX_BPS = 1_500_000;
/** A shared screen takes this part of what goes to each receiver while the camera is on too: the screen is what people read. */
const SCREEN_PART = 0.7;
/** Above this many people in the call, microphones send nothing during silence (Opus DTX). */
export const DTX_ABOVE = 4;

/**
 * Camera steps, from the most a link carries down: a step is taken while the rate that fits the
 * link is at least `from`, and left upwards only at `from` × `UP` (no flapping at a boundary).
 */
const CAMERA_STEPS: readonly { from: number; scale: number; fps: number }[] = [
  { from: 900_000, scale: 1, fps: 30 },
  { from: 500_000, scale: 1.5, fps: 30 },
  { from: 250_000, scale: 2, fps: 24 },
  { from: 120_000, scale: 3, fps: 15 },
  { from: 0, scale: 4, fps: 10 },
];
const UP = 1.2;
/** An estimate under this part of what we send now means the link, not the sender, is what limits. */
const LINK_LIMITED = 0.85;

/** What a sender of `kind` on one link should send. */
export interface ShapeInput {
  kind: 'video' | 'screen';
  /** How many people our video goes to (everyone else in the call we have a link to). */
  receivers: number;
  /** The link's available outgoing bitrate as its congestion control measures it (getStats), if known. */
  available: number | undefined;
  /** Whether we send both a camera and a screen (they share what goes to each receiver). */
  both: boolean;
  /** Whether the receiver shows this video now. */
  watched: boolean;
  /** The camera step taken last time on this link, so a boundary does not flap. */
  previous: number | undefined;
  /** What the governor's last round learned of the link (see link-estimate.ts), where it measured. */
  signals?: LinkSignals | undefined;
  settings: CallSettings;
}

/** The budget per receiver for one kind, before the link's own measure: the configured upload shared out. */
export function budgetPerReceiver({ kind, receivers, both, settings }: Pick<ShapeInput, 'kind' | 'receivers' | 'both' | 'settings'>): number {
  const perReceiver = Math.min(PER_PEER_MAX_BPS, settings.uploadBps / Math.max(1, receivers));
  if (!both) return Math.round(perReceiver);
  return Math.round(perReceiver * (kind === 'screen' ? SCREEN_PART : 1 - SCREEN_PART));
}

/** The shape, the camera step it took (to pass back as `previous`), and whether that step is a try of a better one. */
export function videoShape(input: ShapeInput): { shape: VideoShape; step: number | undefined; probed?: boolean } {
  const { kind, available, watched, previous, settings } = input;
  // A shared screen is text people read: full resolution, few frames, and ahead of the camera when the link is short.
  const priority: RTCPriorityType = kind === 'screen' ? 'high' : 'low';
  if (!settings.governor) {
    return { shape: { active: true, maxBitrate: undefined, scaleResolutionDownBy: 1, maxFramerate: undefined, priority: 'low' }, step: undefined };
  }
  const maxBitrate = budgetPerReceiver(input);
  // What this link can carry decides the resolution and frame rate; the budget stays the ceiling.
  const fits = Math.min(maxBitrate, available ?? maxBitrate);
  if (kind === 'screen') {
    return { shape: { active: watched, maxBitrate, scaleResolutionDownBy: 1, maxFramerate: fits >= 500_000 ? 15 : 5, priority }, step: undefined };
  }
  const { step, probed } = governedStep(cameraStep(fits, previous), cameraStep(maxBitrate, undefined), input);
  const { scale, fps } = CAMERA_STEPS[step] ?? { scale: 4, fps: 10 };
  return { shape: { active: watched, maxBitrate, scaleResolutionDownBy: scale, maxFramerate: fps, priority }, step, probed };
}

/**
 * The step the link's signals allow, from the step its estimate alone picks (`byEstimate`) and the
 * best the budget allows (`best`). An estimate is a reason to go down only while the link is what
 * limits: the browser says bandwidth holds our video back, or the estimate is under what we send
 * (else it is small because we send little); congestion takes a step down at once; a link clean
 * for a while tries the next better step, up to what the budget allows.
 */
function governedStep(byEstimate: number, best: number, { previous, signals, available }: ShapeInput): { step: number; probed: boolean } {
  if (previous === undefined || signals === undefined) return { step: byEstimate, probed: false };
  // With no estimate (Firefox) the step moves only on congestion and on a try.
  if (available === undefined) byEstimate = previous;
  // Chromium says when bandwidth holds our video back: its estimate then is what the link carries.
  const linkLimited = signals.congested || signals.bandwidthLimited === true || (available !== undefined && signals.sendBps !== undefined && available < LINK_LIMITED * signals.sendBps);
  let step = byEstimate > previous && !linkLimited ? previous : byEstimate;
  if (signals.congested) return { step: Math.max(step, Math.min(previous + 1, CAMERA_STEPS.length - 1)), probed: false };
  if (signals.probing) return { step: Math.max(Math.min(step, previous), best), probed: false };
  if (step === previous && previous > best && signals.mayProbe) return { step: previous - 1, probed: true };
  step = Math.max(step, best);
  return { step, probed: false };
}

function cameraStep(fits: number, previous: number | undefined): number {
  const step = CAMERA_STEPS.findIndex(({ from }) => fits >= from);
  if (previous === undefined || step >= previous) return step;
  // Going up (a lower index) needs the margin; going down happens at once.
  return Math.min(previous, CAMERA_STEPS.findIndex(({ from }) => fits >= from * UP));
}
