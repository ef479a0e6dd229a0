import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Seats whose session tokens were revoked (their member left or was kicked), each with when, kept
 * until its tokens could no longer win a seat back anyway. With a file, they outlive this process:
 * a restarted server with a memory store still refuses a token for a seat its owner left.
 */
export class Revocations {
  /** Seat → [revoked at, forget after], ms since the epoch. */
  readonly #revoked = new Map<string, [number, number]>();
  readonly #file: string | undefined;

  constructor(file?: string) {
    this.#file = file;
    if (file === undefined) return;
    try {
      const kept = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (!Array.isArray(kept)) return;
      for (const entry of kept) {
        if (!Array.isArray(entry) || entry.length !== 3) continue;
        const [seat, at, until] = entry as unknown[];
        if (typeof seat === 'string' && typeof at === 'number' && typeof until === 'number') this.#revoked.set(seat, [at, until]);
      }
    } catch {
      // No file yet (or a damaged one): nothing was revoked that we can know of.
    }
  }

  revoke(seat: string, at: number, ttlMs: number): void {
    this.#prune(at);
    this.#revoked.set(seat, [Math.max(at, this.#revoked.get(seat)?.[0] ?? 0), at + ttlMs]);
    this.#save();
  }

  /** When `seat` was last revoked, if that still matters. */
  revokedAt(seat: string, now = Date.now()): number | undefined {
    const entry = this.#revoked.get(seat);
    return entry && entry[1] > now ? entry[0] : undefined;
  }

  #prune(now: number): void {
    for (const [seat, [, until]] of this.#revoked) if (until <= now) this.#revoked.delete(seat);
  }

  /** Written whole and renamed into place, so a crash mid-write leaves the previous list. */
  #save(): void {
    if (this.#file === undefined) return;
    const temporary = `${this.#file}.${process.pid}.tmp`;
    mkdirSync(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    writeFileSync(temporary, JSON.stringify([...this.#revoked].map(([seat, [at, until]]) => [seat, at, until])), { mode: 0o600 });
    renameSync(temporary, this.#file);
  }
}
