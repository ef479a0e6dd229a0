import { nothing } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

/** `setSinkId`, where the browser lets a page choose the speaker (not yet in every browser's types). */
type Sinkable = HTMLMediaElement & { sinkId?: string; setSinkId?: (id: string) => Promise<void> };

/**
 * A `<video>` or `<audio>` element plays `stream`; where the browser refuses to start it, it fires
 * `sound-blocked` (on speaker `sink`, where the browser lets a
 * page choose). The stream is given to the element only when it is another stream: giving an
 * element its own stream again reloads it, which is a gap in the picture and the sound.
 */
class Playing extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('playing() goes on a media element');
  }

  override update(part: ElementPart, [stream, sink]: [MediaStream | undefined, string | undefined]) {
    const element = part.element as Sinkable;
    if (element.srcObject !== (stream ?? null)) {
      element.srcObject = stream ?? null;
      // Safari (and any browser whose autoplay rules say so) may refuse to play sound the person did
      // not start: said, so the call can offer a button that does.
      if (stream) {
        element.play().catch((error: unknown) => {
          if (error instanceof DOMException && error.name === 'NotAllowedError') element.dispatchEvent(new Event('sound-blocked', { bubbles: true, composed: true }));
        });
      }
    }
    if (sink !== undefined && element.setSinkId && element.sinkId !== sink) {
      element.setSinkId(sink).catch((error: unknown) => console.warn('meshchat: could not use that speaker', error));
    }
    return nothing;
  }

  render(_stream: MediaStream | undefined, _sink?: string | undefined) {
    return nothing;
  }
}

export const playing = directive(Playing);
