/** Human labels for segments: "Acme > Technology", "Location: Stockholm", "Acme > Technology · Location: Stockholm". */
import type { UnitTree } from './org.ts';
import type { CellSegment } from './wave-cells.ts';

export function segmentLabel(segment: CellSegment, tree: UnitTree, labelOf: (id: string) => string = () => '?'): string {
  switch (segment.kind) {
    case 'unit':
      return tree.path(segment.unitId);
    case 'attribute':
      return `${segment.attribute}: ${segment.value}`;
    case 'unitAttribute':
      return `${tree.path(segment.unitId)} · ${segment.attribute}: ${segment.value}`;
    case 'complement':
      return `Everyone outside ${labelOf(segment.of)}`;
  }
}
