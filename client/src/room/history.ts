import { CLOCK_AHEAD_MS, HISTORY_DEFAULTS, type HistoryRecord } from '@meshchat/protocol';

/**
 * The room's recent history: what each member holds in its tab's memory (`Archive`), and how a
 * newcomer puts together the copies several members give it (`merge`). Pure: signatures and hashes
 * are checked before `merge`, which only compares them.
 */

export interface HistoryLimits {
  /** At most this many messages… */
  count: number;
  /** …none older than this. */
  ms: number;
}

/** A record's place in its author's chain: one per author, key and number. */
const slotOf = (record: Pick<HistoryRecord, 'by' | 'key' | 'n'>) => `${record.by}\n${record.key}\n${record.n}`;

/**
 * Whether `action` leaves `record` without its words: an author's deletion of their message (and of
 * its edits), or their edit of it (and of their earlier edits of it).
 */
function overtakes(action: HistoryRecord, record: HistoryRecord): boolean {
  if ((action.act !== 'edit' && action.act !== 'delete') || action.of?.by !== action.by || record.by !== action.by || record === action) return false;
  if (record.digest !== undefined) return false;
  if (record.act === undefined) return record.id === action.of.id;
  const earlier = record.ts < action.ts || (record.ts === action.ts && record.id < action.id);
  return record.act === 'edit' && record.of?.id === action.of.id && (action.act === 'delete' || earlier);
}

/** The room messages this tab holds, newest last, to give people who join later. */
export class Archive {
  readonly limits: HistoryLimits;
  readonly #records: HistoryRecord[] = [];
  readonly #slots = new Set<string>();
  /** What each held record's signature covers of its words, by place in its chain. */
  readonly #digests = new Map<string, string>();
  readonly #clock: () => number;

  constructor(limits: HistoryLimits = HISTORY_DEFAULTS, clock: () => number = Date.now) {
    this.limits = limits;
    this.#clock = clock;
  }

  get size(): number {
    return this.#records.length;
  }

  /**
   * Hold `record` (once per place in its author's chain), dropping the oldest past the limits. A
   * message dated in the future (beyond clock drift) is not held: it would outlive every other.
   * `digest` is what its signature covers of its words: a message its author edited or deleted is
   * held with that in place of its words (so are edits overtaken by later ones), its chain intact.
   */
  keep(record: HistoryRecord, digest: string): void {
    const slot = slotOf(record);
    if (this.#slots.has(slot) || record.ts > this.#clock() + CLOCK_AHEAD_MS) return;
    this.#slots.add(slot);
    this.#digests.set(slot, digest);
    const held = this.#records.some((each) => overtakes(each, record)) ? this.#redacted(record) : record;
    // Kept in time order: a record that comes late (history merged after live messages) goes in its place.
    let at = this.#records.length;
    while (at > 0 && (this.#records[at - 1]?.ts ?? 0) > record.ts) at -= 1;
    this.#records.splice(at, 0, held);
    if (record.act === 'edit' || record.act === 'delete') {
      this.#records.forEach((each, index) => {
        if (overtakes(record, each)) this.#records[index] = this.#redacted(each);
      });
    }
    this.#trim();
  }

  /** `record` without its words: the digest its signature covers stands for them. */
  #redacted(record: HistoryRecord): HistoryRecord {
    const { text: _text, re: _re, ...rest } = record;
    return { ...rest, digest: this.#digests.get(slotOf(record)) ?? record.digest ?? '' };
  }

  /** What to answer a request with: the newest `limit` records since `since`, oldest first. */
  answer(limit: number, since: number): HistoryRecord[] {
    this.#trim();
    const from = Math.max(since, this.#clock() - this.limits.ms);
    const recent = this.#records.filter((record) => record.ts >= from);
    return recent.slice(-Math.min(limit, this.limits.count));
  }

  /**
   * Past the count, the oldest record of whoever holds the most goes first: one author writing a
   * lot (or an impostor's flood of self-signed records) pushes out their own, never others'.
   */
  #trim(): void {
    const oldest = this.#clock() - this.limits.ms;
    while (this.#records.length > 0 && (this.#records[0]?.ts ?? 0) < oldest) this.#drop(0);
    if (this.#records.length <= this.limits.count) return;
    const held = new Map<string, number>();
    for (const { by } of this.#records) held.set(by, (held.get(by) ?? 0) + 1);
    while (this.#records.length > this.limits.count) {
      const most = Math.max(...held.values());
      const index = this.#records.findIndex((record) => held.get(record.by) === most);
      const by = this.#records[index]?.by ?? '';
      held.set(by, most - 1);
      this.#drop(index);
    }
  }

  #drop(index: number): void {
    const [gone] = this.#records.splice(index, 1);
    if (gone) this.#slots.delete(slotOf(gone));
    if (gone) this.#digests.delete(slotOf(gone));
  }
}

/** One copy of a record, as one member (`holder`) gave it, with its signature checked and its hash. */
export interface Copy {
  holder: string;
  record: HistoryRecord;
  /** The signature is the one `record.key` makes over it. */
  valid: boolean;
  /** What the author's next message names as `prev`. */
  hash: string;
}

/**
 * How a message of the room's history is known: `verified`, signed with the key its author, here
 * now, showed on our own link (or our own); `relayed`, an absent author's, signed by a key only the
 * holders vouch for; `conflict`, copies that cannot all be true (two messages in one place of a
 * chain, a chain whose links do not match, two keys under one name at once, or a key other than the
 * one a present author showed us), all shown, none picked.
 */
export type Provenance = { how: 'verified' | 'relayed' | 'conflict'; holders: readonly string[] };

export type Earlier =
  | { kind: 'message'; record: HistoryRecord; known: Provenance }
  /** A copy whose signature is not its claimed author's: never shown as theirs. */
  | { kind: 'unverifiable'; by: string; ts: number; holders: readonly string[] }
  /** `count` messages of `by`'s chain nobody gave us, before the message at `ts`. */
  | { kind: 'gap'; by: string; count: number; ts: number };

const sortedUnique = (names: Iterable<string>) => [...new Set(names)].sort();

/**
 * Put the copies the members gave together: one line a message (agreeing copies are one, with all
 * who gave it), every disagreement shown as such, gaps in a chain counted, and a copy whose
 * signature fails shown only as that. `present`: the key each author here now showed us.
 */
export function merge(copies: readonly Copy[], present: ReadonlyMap<string, string>): Earlier[] {
  const out: Earlier[] = [];
  const invalid = new Map<string, { by: string; ts: number; holders: string[] }>();
  /** Valid copies by place in a chain, then by hash: the variants of each place. */
  const slots = new Map<string, Map<string, Copy[]>>();
  const failed = new Set<string>();
  for (const copy of copies) {
    const slot = slotOf(copy.record);
    if (!copy.valid) {
      failed.add(slot);
      const key = `${slot}\n${copy.hash}`;
      const seen = invalid.get(key) ?? { by: copy.record.by, ts: copy.record.ts, holders: [] };
      seen.holders.push(copy.holder);
      invalid.set(key, seen);
      continue;
    }
    const variants = slots.get(slot) ?? new Map<string, Copy[]>();
    variants.set(copy.hash, [...(variants.get(copy.hash) ?? []), copy]);
    slots.set(slot, variants);
  }
  for (const { by, ts, holders } of invalid.values()) out.push({ kind: 'unverifiable', by, ts, holders: sortedUnique(holders) });

  // Each author's chains, one per key: the places held, in order.
  const chains = new Map<string, Map<string, number[]>>();
  for (const variants of slots.values()) {
    const [first] = [...variants.values()][0] ?? [];
    if (!first) continue;
    const { by, key, n } = first.record;
    const keys = chains.get(by) ?? new Map<string, number[]>();
    keys.set(key, [...(keys.get(key) ?? []), n]);
    chains.set(by, keys);
  }

  const conflicting = new Set<string>();
  for (const [by, keys] of chains) {
    // Two keys of one name whose messages overlap in time: one of them is not that person.
    const spans = [...keys].map(([key, ns]) => {
      const times = ns.flatMap((n) => [...(slots.get(slotOf({ by, key, n }))?.values() ?? [])].flat().map((copy) => copy.record.ts));
      return { key, from: Math.min(...times), to: Math.max(...times) };
    });
    for (const a of spans) {
      for (const b of spans) {
        if (a.key === b.key || a.from > b.to || b.from > a.to) continue;
        if (present.get(by) !== a.key) conflicting.add(`${by}\n${a.key}`);
      }
    }
    for (const [key, ns] of keys) {
      ns.sort((a, b) => a - b);
      for (let i = 0; i < ns.length; i++) {
        const n = ns[i] ?? 0;
        const here = slots.get(slotOf({ by, key, n }));
        const before = i > 0 ? slots.get(slotOf({ by, key, n: n - 1 })) : undefined;
        // Places between the last one held and this one; one a copy of failed to check is shown as that, not as missing.
        let missing = 0;
        for (let place = (ns[i - 1] ?? n) + 1; i > 0 && place < n; place++) if (!failed.has(slotOf({ by, key, n: place }))) missing += 1;
        if (missing > 0) {
          const ts = Math.min(...[...(here?.values() ?? [])].flat().map((copy) => copy.record.ts));
          out.push({ kind: 'gap', by, count: missing, ts });
        }
        // The place before is held with one version: each message here must name it.
        const previous = before && before.size === 1 ? [...before.keys()][0] : undefined;
        for (const variant of here?.values() ?? []) {
          const record = variant[0]?.record;
          if (!record) continue;
          const unchained = previous !== undefined && record.prev !== previous;
          // An author here now has one key, the one shown on our own link: words under another key
          // in their name are not theirs to relay, whoever vouches for them.
          const otherKey = present.has(by) && present.get(by) !== key;
          const known: Provenance['how'] =
            (here?.size ?? 0) > 1 || unchained || otherKey || conflicting.has(`${by}\n${key}`) ? 'conflict' : present.get(by) === key ? 'verified' : 'relayed';
          out.push({ kind: 'message', record, known: { how: known, holders: sortedUnique(variant.map((copy) => copy.holder)) } });
        }
      }
    }
  }
  // In time order; a gap before the message it precedes, and a chain's own order where times tie.
  const rank = (entry: Earlier) => (entry.kind === 'gap' ? 0 : 1);
  return out.sort((a, b) => {
    const ta = a.kind === 'message' ? a.record.ts : a.ts;
    const tb = b.kind === 'message' ? b.record.ts : b.ts;
    if (ta !== tb) return ta - tb;
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    return a.kind === 'message' && b.kind === 'message' ? a.record.n - b.record.n : 0;
  });
}
