import type { VideoShape } from './link';

/**
 * Give a video sender the shape the call's governor chose (on or off, scale, bitrate, frame rate,
 * priority). `false` when it could not be shaped now: before its negotiation ends a sender has no
 * encodings yet, or the browser refused the parameters; the caller tries again later.
 */
export async function shapeSender(sender: RTCRtpSender, kind: 'video' | 'screen', shape: VideoShape): Promise<boolean> {
  const parameters = sender.getParameters();
  if (parameters.encodings.length === 0) return false;
  for (const encoding of parameters.encodings) {
    encoding.active = shape.active;
    encoding.scaleResolutionDownBy = shape.scaleResolutionDownBy;
    encoding.priority = shape.priority;
    encoding.networkPriority = shape.priority;
    if (shape.maxBitrate === undefined) delete encoding.maxBitrate;
    else encoding.maxBitrate = shape.maxBitrate;
    if (shape.maxFramerate === undefined) delete encoding.maxFramerate;
    else encoding.maxFramerate = shape.maxFramerate;
  }
  // A shared screen keeps its resolution (text stays legible) and loses frames instead.
  if (kind === 'screen') parameters.degradationPreference = 'maintain-resolution';
  try {
    await sender.setParameters(parameters);
    return true;
  } catch (error: unknown) {
    console.warn('meshchat: could not shape what a link sends', error);
    return false;
  }
}
