/**
 * Which responded counts live participation may show while a wave is open. Nothing shown can be
 * taken back, so the close certifies with these counts known (wave-cells.ts, publishedWhileOpen):
 * the integer-programming audit takes them as published and cannot hide them, and the solver-free
 * certificate keeps their segments. For that certificate to stay sound, live participation shows
 * only segments it keeps on the directory alone (every segment offered): every subset of those
 * passes its rule, since hiding segments only merges classes of k or more.
 */
import { hideUntilAtomsHoldK } from './certify-atoms.ts';
import { decideVisibility } from './disclosure.ts';
import { UnitTree, type OrgUnit, type ProfileCount } from './org.ts';
import { unitSegmentId, type Segment } from './segments.ts';

/** Segment ids the solver-free certificate keeps when every segment is offered: the root always. */
export function keptByStructure(k: number, units: OrgUnit[], invitees: ProfileCount[], segments: readonly Segment[]): Set<string> {
  const tree = new UnitTree(units);
  const rootId = unitSegmentId(tree.root.id);
  const hidden = hideUntilAtomsHoldK({
    k,
    tree,
    invitees,
    segments: segments
      .filter((segment) => segment.id !== rootId)
      .map((segment) => ({ id: segment.id, kind: segment.kind, ...(segment.kind === 'unit' ? { unitId: segment.unitId } : {}), shown: true })),
  });
  return new Set(segments.filter((segment) => !hidden.has(segment.id)).map((segment) => segment.id));
}

/** Segment ids whose responded count shows now: kept by structure, invited count shown, and passed by the equality rules. */
export function respondedShownLive(input: {
  k: number;
  units: OrgUnit[];
  segments: readonly Segment[];
  answered: ProfileCount[];
  kept: ReadonlySet<string>;
  invitedHidden: ReadonlySet<string>;
}): Set<string> {
  const visibility = decideVisibility({ k: input.k, units: input.units, segments: [...input.segments], counts: input.answered });
  return new Set(
    input.segments
      .filter((segment) => input.kept.has(segment.id) && !input.invitedHidden.has(segment.id) && visibility.get(segment.id)?.visible)
      .map((segment) => segment.id),
  );
}
