/** Human labels for segments: "Acme > Technology", "Location: Stockholm", "Acme > Technology · Location: Stockholm". */
import type { UnitTree } from './org.ts';
import type { CellSegment } from './wave-cells.ts';

/**
 * The API labels a complement (everyone outside a group) without words: "¬ Acme > Technology". The
 * dashboard and the CSV put it into the reader's language ("Everyone outside …", "Alla utanför …"),
 * so no English sentence is baked into a stored initiative or a results answer.
 */
const OUTSIDE_MARK = '\u00ac ';
/** Labels stored before the neutral mark existed. */
const LEGACY_OUTSIDE = /^Everyone outside (.+)$/s;

/** The language-neutral label of everyone outside the group labelled `plain`. */
export const outsideLabel = (plain: string): string => `${OUTSIDE_MARK}${plain}`;

/** The group a complement label excludes, or undefined when the label names a group itself. */
export function outsideOf(label: string): string | undefined {
  if (label.startsWith(OUTSIDE_MARK)) return label.slice(OUTSIDE_MARK.length);
  return LEGACY_OUTSIDE.exec(label)?.[1];
}

export function segmentLabel(segment: CellSegment, tree: UnitTree, labelOf: (id: string) => string = () => '?'): string {
  switch (segment.kind) {
    case 'unit':
      return tree.path(segment.unitId);
    case 'attribute':
      return `${segment.attribute}: ${segment.value}`;
    case 'unitAttribute':
      return `${tree.path(segment.unitId)} · ${segment.attribute}: ${segment.value}`;
    case 'complement':
      return outsideLabel(labelOf(segment.of));
  }
}
