/**
 * The close keeps, between its sealing and its rewrite, only a 16-character prefix of each counted
 * response's key (functions/waves/counted-responses.ts). The rewrite must still keep exactly the
 * counted responses: a prefix shared with a response that was not counted stops the close rather
 * than keep either, and lists written before the compact form still read.
 */
import { describe, expect, it } from 'vitest';
import { compactLocations, countLocations, CountedResponses, PREFIX_CHARS } from '../functions/waves/counted-responses.ts';
import { CloseInvariantError } from '../functions/waves/close-wave.ts';
import { randomBytes } from 'node:crypto';

const aKey = () => randomBytes(32).toString('base64url');

describe('counted response locations', () => {
  it('keep 16 characters a response and tell counted from uncounted ones, shard by shard', () => {
    const counted = Array.from({ length: 500 }, (_, index) => ({ shard: index % 16, key: aKey() }));
    const compact = compactLocations(counted);
    expect(countLocations(compact)).toBe(500);
    expect(JSON.stringify(compact).length).toBeLessThan(500 * (PREFIX_CHARS + 1));
    const responses = new CountedResponses('w', [compact]);
    expect(counted.every((location) => responses.claim(location))).toBe(true);
    expect(responses.claim({ shard: 0, key: aKey() })).toBe(false);
    // The same key in another shard is another response.
    expect(responses.claim({ shard: (counted[0].shard + 1) % 16, key: counted[0].key })).toBe(false);
    expect(Array.from({ length: 16 }, (_, shard) => responses.inShard(shard))).toEqual(Array.from({ length: 16 }, (_, shard) => (shard < 4 ? 32 : 31)));
  });

  it('stop the close when an uncounted response shares a counted one’s prefix, rather than keep it', () => {
    const key = aKey();
    const twin = key.slice(0, PREFIX_CHARS) + aKey().slice(PREFIX_CHARS);
    const responses = new CountedResponses('w', [compactLocations([{ shard: 3, key }])]);
    expect(responses.claim({ shard: 3, key: twin })).toBe(true);
    expect(() => responses.claim({ shard: 3, key })).toThrow(CloseInvariantError);
  });

  it('count two counted responses that share a prefix as two', () => {
    const key = aKey();
    const twin = key.slice(0, PREFIX_CHARS) + aKey().slice(PREFIX_CHARS);
    const responses = new CountedResponses('w', [compactLocations([{ shard: 3, key }]), compactLocations([{ shard: 3, key: twin }])]);
    expect(responses.inShard(3)).toBe(2);
    expect(responses.claim({ shard: 3, key })).toBe(true);
    expect(responses.claim({ shard: 3, key: twin })).toBe(true);
  });

  it('read the `shard/key` lists a close wrote before the compact form, beside compact ones', () => {
    const old = { shard: 5, key: aKey() };
    const fresh = { shard: 5, key: aKey() };
    const responses = new CountedResponses('w', [[`${old.shard}/${old.key}`], compactLocations([fresh])]);
    expect(countLocations([`${old.shard}/${old.key}`])).toBe(1);
    expect(responses.inShard(5)).toBe(2);
    expect(responses.claim(old)).toBe(true);
    expect(responses.claim(fresh)).toBe(true);
    expect(responses.claim({ shard: 5, key: aKey() })).toBe(false);
  });
});
