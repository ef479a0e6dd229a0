import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A camera that shows noise: a second of random frames (Y4M, which Chromium's fake camera plays in
 * a loop with `--use-file-for-fake-video-capture`). Noise does not compress, so an encoder sends
 * all it is allowed to, and what a sender sends shows what it was allowed: the bandwidth governor
 * can be measured. Written once per machine, where every browser of a test run finds it.
 */
export function noiseCamera(width = 320, height = 240, fps = 5): string {
  const file = path.join(tmpdir(), `meshchat-noise-${width}x${height}-${fps}.y4m`);
  if (existsSync(file)) return file;
  const frame = width * height * 1.5;
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < fps; i++) parts.push(Buffer.from('FRAME\n'), randomBytes(frame));
  // Written aside and renamed, so a browser started by another worker never reads half a file.
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, Buffer.concat(parts));
  renameSync(partial, file);
  return file;
}


/** A 48 kHz mono WAV file of `samples` (each -1 to 1), written once per machine under `name`. */
function wavMicrophone(name: string, samples: (i: number, rate: number) => number): string {
  const file = path.join(tmpdir(), `meshchat-${name}-48k.wav`);
  if (existsSync(file)) return file;
  const rate = 48_000;
  const data = Buffer.alloc(rate * 2);
  for (let i = 0; i < rate; i++) data.writeInt16LE(Math.round(samples(i, rate) * 32_767), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, Buffer.concat([header, data]));
  renameSync(partial, file);
  return file;
}

/**
 * A microphone that hears nothing (a second of silence, looped): no sound to mix or play, and with
 * DTX almost nothing to send.
 */
export const silentMicrophone = () => wavMicrophone('silence', () => 0);

/**
 * A microphone that talks: two 250 ms syllables a second (a 220 Hz tone), looped. Chromium's own
 * fake microphone beeps for 20 ms twice a second, which a speaking indicator that looks at the
 * sound ten times a second catches only now and then (and, on a busy machine, not for seconds).
 */
export const speakingMicrophone = () => wavMicrophone('speaking', (i, rate) => ((i % (rate / 2)) < rate / 4 ? 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate) : 0));

/** The flags that give every page of a browser the noise camera and the silent microphone. */
export const noiseCameraFlags = () => [`--use-file-for-fake-video-capture=${noiseCamera()}`, `--use-file-for-fake-audio-capture=${silentMicrophone()}`];
