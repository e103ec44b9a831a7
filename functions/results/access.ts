/**
 * Who may read which results: an admin everything; an analyst only groups inside the org units
 * granted to them (stored by subject id). An org-wide attribute value or an "everyone outside"
 * group lies inside a grant only when the whole organization is granted.
 */
import { UNIT_PATH_SEPARATOR } from '../../shared/org.ts';
import type { StaffMember } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { ForbiddenError } from '../errors.ts';
import { getGrants } from '../store/grants.ts';
import { unitOfSegment, type WaveContext } from './wave-context.ts';

export interface Reader {
  admin: boolean;
  /** Granted unit paths, normalized ("A > B"). */
  units: string[];
}

const normalize = (path: string) =>
  path
    .split('>')
    .map((part) => part.trim())
    .join(UNIT_PATH_SEPARATOR);

/** The reader behind a request: admins need no lookup. */
export async function readerOf(deps: AppDeps, staff: StaffMember): Promise<Reader> {
  if (staff.roles.includes('admin')) return { admin: true, units: [] };
  return { admin: false, units: (await getGrants(deps.store, staff.subject)).map(normalize) };
}

/** Whether the reader may see a segment of this wave. */
export function mayRead(reader: Reader, context: WaveContext, segmentId: string): boolean {
  if (reader.admin) return true;
  const { tree } = context;
  const rootPath = tree.path(tree.root.id);
  const granted = (path: string) =>
    reader.units.some((unit) => {
      const full = unit === rootPath || unit.startsWith(rootPath + UNIT_PATH_SEPARATOR) ? unit : `${rootPath}${UNIT_PATH_SEPARATOR}${unit}`;
      return path === full || path.startsWith(full + UNIT_PATH_SEPARATOR);
    });
  const unitId = unitOfSegment(context, segmentId);
  const wholeOrganization = segmentId.startsWith('not:') || unitId === undefined;
  return granted(wholeOrganization ? rootPath : tree.path(unitId));
}

/** 403 unless the reader may see every one of the segments. */
export function assertMayRead(reader: Reader, context: WaveContext, segmentIds: readonly string[]): void {
  for (const id of segmentIds) {
    if (!mayRead(reader, context, id)) throw new ForbiddenError('your grants do not include this group; ask an admin to grant its org unit');
  }
}

/**
 * An initiative's groups: the target must lie inside the reader's grants; the comparison too,
 * unless it is the default "everyone outside the target", which an impact page cannot do without
 * and which shows only as the aggregate against the target.
 */
export function assertMayReadInitiative(reader: Reader, context: WaveContext, targetId: string, comparisonId: string): void {
  assertMayRead(reader, context, comparisonId === `not:${targetId}` ? [targetId] : [targetId, comparisonId]);
}

/**
 * Whether an initiative's groups lie inside the reader's grants, judged from its slices alone (the
 * list has no wave to resolve them in), by the same rules: a unit inside a granted unit; an
 * org-wide attribute only with the whole organization; the default comparison ("everyone outside
 * the target") goes with the target.
 */
export function mayReadInitiativeSlices(reader: Reader, rootPath: string, slices: { target: { unit?: string }; comparison?: { unit?: string } }): boolean {
  if (reader.admin) return true;
  const full = (path: string) => {
    const normalized = normalize(path);
    if (rootPath === '') return normalized;
    return normalized === rootPath || normalized.startsWith(rootPath + UNIT_PATH_SEPARATOR) ? normalized : `${rootPath}${UNIT_PATH_SEPARATOR}${normalized}`;
  };
  const inside = (slice: { unit?: string }) => {
    const path = slice.unit === undefined ? rootPath : full(slice.unit);
    return reader.units.some((unit) => path === full(unit) || path.startsWith(full(unit) + UNIT_PATH_SEPARATOR));
  };
  return inside(slices.target) && (slices.comparison === undefined || inside(slices.comparison));
}
