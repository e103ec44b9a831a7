/**
 * A server's memory as the operating system sees it (Linux /proc): resident set size summed over
 * the process and every process below it, sampled while a benchmark runs, with the peak per stage.
 * The kernel's own high-water mark (VmHWM) is read too: it catches a peak between two samples, but
 * only per process.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A `kB` field of /proc/<pid>/status (VmRSS, VmHWM), in kB; undefined when absent. */
export function readStatusKb(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match ? Number(match[1]) : undefined;
}

/** The parent pid from /proc/<pid>/stat: the command name (in parentheses) may hold spaces and parentheses, so read after the last one. */
export function readParentPid(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** `root` and every process below it. */
async function listProcessTree(root: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (!text) continue;
    const parent = readParentPid(text);
    parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(parents.get(pid) ?? []));
  }
  return tree;
}

/** Resident kB of the tree now, and the largest per-process high-water mark in it. */
async function sampleTree(root: number): Promise<{ rssKb: number; hwmKb: number }> {
  let rssKb = 0;
  let hwmKb = 0;
  for (const pid of await listProcessTree(root)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    rssKb += readStatusKb(status, 'VmRSS') ?? 0;
    hwmKb = Math.max(hwmKb, readStatusKb(status, 'VmHWM') ?? 0);
  }
  return { rssKb, hwmKb };
}

export interface MemorySampler {
  /** The peak resident MB since the previous call (a stage's peak), then starts a new stage. */
  stagePeakMb(): number;
  /** The latest sample's resident MB. */
  latestMb(): number;
  /** Stop sampling; the peak resident MB of the tree over the whole run and the largest high-water mark seen. */
  stop(): Promise<{ peakRssMb: number; peakHwmMb: number }>;
}

export function sampleMemory(pid: number, everyMs = 250): MemorySampler {
  let stagePeak = 0;
  let peakRss = 0;
  let peakHwm = 0;
  let latest = 0;
  let running = true;
  const take = async () => {
    const { rssKb, hwmKb } = await sampleTree(pid);
    latest = rssKb;
    stagePeak = Math.max(stagePeak, rssKb);
    peakRss = Math.max(peakRss, rssKb);
    peakHwm = Math.max(peakHwm, hwmKb);
  };
  const loop = (async () => {
    while (running) {
      await take();
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  const mb = (kb: number) => Math.round(kb / 1024);
  return {
    stagePeakMb() {
      const peak = stagePeak;
      stagePeak = 0;
      return mb(peak);
    },
    latestMb() {
      return mb(latest);
    },
    async stop() {
      running = false;
      await loop;
      return { peakRssMb: mb(peakRss), peakHwmMb: mb(peakHwm) };
    },
  };
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds a process has used: in all its threads, and in its main thread alone. For the
 * embedded server the main thread is the app (Hono, jobs, the SDK), what would run in Lambda; the
 * engine runs in a worker thread, what DynamoDB would do.
 */
export async function readCpuSeconds(pid: number): Promise<{ process: number; mainThread: number }> {
  const times = async (path: string) => {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (!text) return 0;
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  };
  return { process: await times(`/proc/${pid}/stat`), mainThread: await times(`/proc/${pid}/task/${pid}/stat`) };
}

/**
 * Milliseconds this process's main thread has been on a CPU, to the nanosecond (the scheduler's
 * own account, /proc/self/task/<pid>/schedstat): the app's CPU, without the embedded engine's
 * worker thread, which process.cpuUsage() would add in. Linux only, as the benches are.
 */
export function mainThreadCpuMs(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

/** Bytes of every file under `folder`. */
export async function measureFolderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
