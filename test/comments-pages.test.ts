/**
 * A comments page stays far under the 6 MB a Lambda response may hold however long the comments
 * are: it ends near 1 MB of JSON, counted as sent (escaped), and the next page carries on. Its order
 * depends on the seed and the comments alone, never on where they are stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMENTS_PAGE_BYTES } from '../shared/api-results.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aRoster, aWave, closeWave } from './helpers/scenario.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

/** 120 respondents, each with a comment of 2,000 control characters: 2 KB stored, 12 KB as JSON sends it. */
const RESPONDENTS = 120;
const longComment = (index: number) => `${index}:${'\u0001'.repeat(1_990)}`;

describe('a page of comments', { timeout: 120_000 }, () => {
  it('ends near 1 MB of JSON however long the comments, and the next pages hold the rest', async () => {
    const wave = await aWave(rt).withRoster(aRoster(150)).open();
    for (let i = 0; i < RESPONDENTS; i++) {
      const answered = await rt.post('/api/responses', { token: wave.tokens[i], answers: { ...anAnswer(i), comment: longComment(i) } });
      expect(answered.status).toBe(201);
    }
    expect((await closeWave(rt, wave.waveId)).status).toBe('done');
    const texts: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await rt.staff(`/api/waves/${wave.waveId}/comments?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const body = await response.text();
      // Raw bytes would have let all 120 (1.4 MB as JSON) into one page.
      expect(Buffer.byteLength(body)).toBeLessThan(COMMENTS_PAGE_BYTES + 20_000);
      const page = JSON.parse(body) as { comments: Array<{ text: string }>; total: number; nextCursor?: string };
      expect(page.total).toBe(RESPONDENTS);
      texts.push(...page.comments.map((comment) => comment.text));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(texts.sort()).toEqual(Array.from({ length: RESPONDENTS }, (_, i) => longComment(i)).sort());
  });

  it('orders the same comments alike for a seed, wherever they are stored: a chosen seed learns nothing of where', async () => {
    // Two waves, the same comments from different links (so other invitation shards and ids).
    const orderOf = async (waveId: string) => {
      const cursor = Buffer.from(`${'ab'.repeat(16)}.0`).toString('base64url');
      const page = (await (await rt.staff(`/api/waves/${waveId}/comments?cursor=${cursor}`)).json()) as { comments: Array<{ text: string }> };
      return page.comments.map((comment) => comment.text);
    };
    const orders: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const wave = await aWave(rt).withRoster(aRoster(40)).open();
      for (let i = 0; i < 15; i++) {
        const answered = await rt.post('/api/responses', { token: wave.tokens[(i * 7 + run * 11) % 40], answers: { ...anAnswer(i), comment: `Comment ${i}` } });
        expect(answered.status).toBe(201);
      }
      expect((await closeWave(rt, wave.waveId)).status).toBe('done');
      orders.push(await orderOf(wave.waveId));
    }
    expect(orders[0]).toHaveLength(15);
    expect(orders[1]).toEqual(orders[0]);
  });
});
