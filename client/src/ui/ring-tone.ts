/** How often the ring sounds while someone calls us, and its pitch and loudness. */
const RING_EVERY_MS = 2_000;
const RING_HZ = 440;
const RING_GAIN = 0.05;

/**
 * A soft ring while someone calls us alone, where the browser lets a page make a sound (a page
 * nobody has touched yet may not: it rings silently then, and the bar still shows).
 */
export class RingTone {
  #context: AudioContext | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  ring(on: boolean): void {
    if (on === (this.#timer !== undefined)) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (!on) return;
    try {
      this.#context ??= new AudioContext();
      this.#context.resume().catch(() => undefined);
    } catch {
      return;
    }
    this.#beep();
    this.#timer = setInterval(() => this.#beep(), RING_EVERY_MS);
  }

  stop(): void {
    this.ring(false);
    void this.#context?.close().catch(() => undefined);
    this.#context = undefined;
  }

  #beep(): void {
    const context = this.#context;
    if (context?.state !== 'running') return;
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.frequency.value = RING_HZ;
    gain.gain.value = RING_GAIN;
    tone.connect(gain).connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + 0.4);
  }
}
