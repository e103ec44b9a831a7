/** The Lambda sizing model (test/bench/lambda-sizing.ts): the memory sizes infra deploys are chosen by it. */
import { describe, expect, it } from 'vitest';
import {
  chooseMemoryMb,
  cpuStretch,
  modelledMs,
  SIZING_BOUNDS,
  sizeRows,
  weightedPercentile,
  type FunctionMeasure,
  type RequestSample,
} from './bench/lambda-sizing.ts';

const aSample = (cpuMs: number, sequentialRequests: number, weight = 1, operation = 'op'): RequestSample => ({
  operation,
  cpuMs,
  dynamoRequests: sequentialRequests,
  sequentialRequests,
  weight,
});

describe('Lambda time at a memory size', () => {
  it("stretches CPU time by Lambda's vCPU share (one vCPU at 1,769 MB) and adds 10 ms per DynamoDB request in sequence", () => {
    expect(modelledMs(aSample(10, 3), 1_769)).toBe(40);
    expect(modelledMs(aSample(10, 3), 884.5)).toBe(50);
    expect(cpuStretch(128)).toBeCloseTo(13.82, 2);
  });

  it('gets no faster above one vCPU: the app is one thread', () => {
    expect(modelledMs(aSample(10, 0), 3_008)).toBe(modelledMs(aSample(10, 0), 1_769));
  });

  it('takes the p95 by weight: a request run 960 times counts 960 times', () => {
    const values = [
      { value: 900, weight: 960 },
      { value: 50, weight: 3_072 },
      { value: 10, weight: 1 },
    ];
    expect(weightedPercentile(values, 0.5)).toBe(50);
    expect(weightedPercentile(values, 0.95)).toBe(900);
  });
});

describe('the chosen memory', () => {
  const respondent: FunctionMeasure = {
    samples: [aSample(2, 2, 8_000, 'questionnaire'), aSample(4, 5, 8_000, 'submit')],
    heapGrowthMb: 3,
    coldStartCpuMs: 132,
  };

  it('is the smallest size that keeps p95 and the cold start within bounds: 128 MB would start cold in 1.8 s', () => {
    const rows = sizeRows(respondent, SIZING_BOUNDS.respond);
    expect(rows.find((row) => row.memoryMb === 128)!.fails).toEqual(['cold start > 1000 ms']);
    expect(chooseMemoryMb(respondent, SIZING_BOUNDS.respond)).toBe(256);
  });

  it('holds the measured heap with headroom, however fast a small size would be', () => {
    expect(chooseMemoryMb({ ...respondent, heapGrowthMb: 300 }, SIZING_BOUNDS.respond)).toBe(768);
  });

  it('grows with the CPU a dashboard page needs to answer within a second at p95', () => {
    const staff: FunctionMeasure = { samples: [aSample(100, 5, 90), aSample(200, 5, 10)], heapGrowthMb: 10, coldStartCpuMs: 219 };
    // The p95 is the 200 ms page: 1,432 ms at 256 MB (CPU × 6.9, + 50 ms), 741 ms at 512 MB (× 3.46).
    expect(chooseMemoryMb(staff, SIZING_BOUNDS.staff)).toBe(512);
  });

  it("keeps a job's longest synchronous stretch within the close audit's 20 s budget (and the lease's heartbeat)", () => {
    const job: FunctionMeasure = { samples: [aSample(10_000, 1_000)], heapGrowthMb: 20, coldStartCpuMs: 165, longestBlockMs: 2_500 };
    // 2.5 s of CPU at once: 34.6 s at 128 MB, 17.3 s at 256 MB.
    expect(sizeRows(job, SIZING_BOUNDS.jobs).find((row) => row.memoryMb === 128)!.fails).toContain('blocked > 20000 ms');
    expect(chooseMemoryMb(job, SIZING_BOUNDS.jobs)).toBe(256);
  });

  it('bills GB-s of the modelled time at the size, times how often each request runs', () => {
    const row = sizeRows({ samples: [aSample(0, 10, 1_000)], heapGrowthMb: 0, coldStartCpuMs: 0 }, SIZING_BOUNDS.respond).find((r) => r.memoryMb === 512)!;
    // 1,000 requests of 100 ms at 0.5 GB.
    expect(row.gbSeconds).toBeCloseTo(50, 6);
  });
});
