/**
 * Where a close's counted responses are, kept with each invitation shard's partial counts from the
 * sealing to the rewrite (which keeps exactly these responses and deletes every other one).
 *
 * A response's key is the base64url of a 32-byte MAC (crypto.ts locateResponse). Spelled out as
 * `shard/key`, the list was most of a shard tally: ~50 bytes a response, the 844 write units of the
 * 10,000-person close's 'BatchWriteItem CLOSE' (and its reads, three times). Kept here are the first
 * PREFIX_CHARS characters of each key (96 bits), concatenated per response shard: 16 bytes a response.
 *
 * A prefix can name more than one stored response only by a 96-bit collision (a 300,000-person wave
 * has ~10^11 pairs, 2^96 is ~10^28), and the rewrite still checks: no more responses of a shard may
 * match a prefix than responses were counted under it, or it stops before writing anything (see
 * claim). Lists written by a close before this form (`shard/key` strings) are still read.
 */
import { SHARD_COUNT } from '../../shared/keys.ts';
import type { ResponseLocation } from '../crypto.ts';
// The close's own error, used only once a close runs (the two modules import each other).
import { CloseInvariantError } from './close-wave.ts';

export const PREFIX_CHARS = 16;

/** One invitation shard's counted responses: per response shard, the key prefixes of those counted there, concatenated. */
export interface CompactLocations {
  prefixChars: number;
  byShard: string[];
}

/** As the sealing stores them: compact, or (a close begun before the compact form) `shard/key` strings. */
export type StoredLocations = CompactLocations | string[];

/** The compact form of one invitation shard's counted response locations. */
export function compactLocations(locations: readonly ResponseLocation[]): CompactLocations {
  const byShard = Array.from({ length: SHARD_COUNT }, () => '');
  for (const { shard, key } of locations) {
    if (key.length < PREFIX_CHARS) throw new Error(`a response key of ${key.length} characters is shorter than its prefix`);
    byShard[shard] += key.slice(0, PREFIX_CHARS);
  }
  return { prefixChars: PREFIX_CHARS, byShard };
}

/** How many responses one invitation shard counted. */
export function countLocations(stored: StoredLocations): number {
  if (Array.isArray(stored)) return stored.length;
  return stored.byShard.reduce((sum, prefixes) => sum + prefixes.length / stored.prefixChars, 0);
}

/** Every shard's counted locations together, for the rewrite: which sealed responses to keep, and how many a response shard holds. */
export class CountedResponses {
  /** `shard/prefix` → how many counted responses have it (more than one only by a collision among counted ones). */
  private readonly prefixes = new Map<string, number>();
  /** `shard/prefix` → how many sealed responses this run claimed under it. */
  private readonly claimed = new Map<string, number>();
  /** Full `shard/key` locations of the older form. */
  private readonly full = new Set<string>();
  private readonly perShard = new Array<number>(SHARD_COUNT).fill(0);
  private readonly prefixChars: number;

  constructor(
    private readonly waveId: string,
    stored: readonly StoredLocations[],
  ) {
    const widths = new Set(stored.filter((entry) => !Array.isArray(entry)).map((entry) => (entry as CompactLocations).prefixChars));
    if (widths.size > 1) throw new CloseInvariantError(waveId, 'the shard counts use different key prefixes');
    this.prefixChars = widths.values().next().value ?? PREFIX_CHARS;
    for (const entry of stored) {
      if (Array.isArray(entry)) {
        for (const location of entry) {
          this.full.add(location);
          this.perShard[Number(location.slice(0, location.indexOf('/')))] += 1;
        }
        continue;
      }
      entry.byShard.forEach((prefixes, shard) => {
        for (let start = 0; start < prefixes.length; start += this.prefixChars) {
          const location = `${shard}/${prefixes.slice(start, start + this.prefixChars)}`;
          this.prefixes.set(location, (this.prefixes.get(location) ?? 0) + 1);
          this.perShard[shard] += 1;
        }
      });
    }
  }

  /** How many counted responses are in a response shard (fixes how its packs are bucketed). */
  inShard(shard: number): number {
    return this.perShard[shard];
  }

  /**
   * Whether the sealing counted this sealed response (each is asked once per run). Throws when more
   * of a shard's responses match a prefix than were counted under it: a collision the compact form
   * cannot tell apart, so nothing is kept that might not have been counted.
   */
  claim(response: { shard: number; key: string }): boolean {
    if (this.full.has(`${response.shard}/${response.key}`)) return true;
    const location = `${response.shard}/${response.key.slice(0, this.prefixChars)}`;
    const counted = this.prefixes.get(location) ?? 0;
    if (counted === 0) return false;
    const claimed = (this.claimed.get(location) ?? 0) + 1;
    if (claimed > counted) throw new CloseInvariantError(this.waveId, `two sealed responses of shard ${response.shard} share a counted key prefix`);
    this.claimed.set(location, claimed);
    return true;
  }
}
