/** A wave's frozen picture of the organization, taken at open: later reorganizations never rewrite it. */
import { LruCache } from '../lru.ts';
import type { OrgUnit, ProfileCount } from '../../shared/org.ts';
import type { WaveSegment } from '../../shared/segments.ts';
import { getWaveBlob, putWaveBlob } from '../store/blobs.ts';
import type { Store } from '../store/client.ts';

export interface WaveSnapshot {
  rosterVersion: string;
  /** The units the audience sits in and their ancestors: one tree with one root. */
  units: OrgUnit[];
  /** How many invitees share each profile (what k-anonymization measures coverage against). */
  invitees: ProfileCount[];
  segments: WaveSegment[];
}

/** The most recently used 16 snapshots (each holds every profile of a wave: the largest value we keep in memory). */
const snapshots = new LruCache<string, WaveSnapshot>(16);

/** Store the snapshot (idempotent). */
export async function putWaveSnapshot(store: Store, waveId: string, snapshot: WaveSnapshot): Promise<void> {
  await putWaveBlob(store, waveId, 'snapshot', snapshot);
  snapshots.set(waveId, snapshot);
}

/** The snapshot, cached in memory: it never changes once written. */
export async function getWaveSnapshot(store: Store, waveId: string): Promise<WaveSnapshot | undefined> {
  const cached = snapshots.get(waveId);
  if (cached) return cached;
  const snapshot = await getWaveBlob<WaveSnapshot>(store, waveId, 'snapshot');
  if (snapshot) snapshots.set(waveId, snapshot);
  return snapshot;
}
