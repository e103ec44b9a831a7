/**
 * The organization as a wave sees it: units (a tree with stable ids) and each invitee's profile.
 * Pure types and helpers, imported by the server and the browser.
 */

export interface OrgUnit {
  id: string;
  name: string;
  parentId: string | null;
}

/** Where one person sits: their unit and their demographic attribute values (missing values omitted). */
export interface Profile {
  unitId: string;
  attributes: Record<string, string>;
}

/** A profile and how many people share it (invitees, or respondents, depending on the caller). */
export interface ProfileCount {
  profile: Profile;
  count: number;
}

export const UNIT_PATH_SEPARATOR = ' > ';

/** Stable string for a profile: the unit id and the sorted attribute pairs, each part URI-encoded. */
export function profileKey(profile: Profile): string {
  const attributes = Object.keys(profile.attributes)
    .sort()
    .map((name) => `${encodeURIComponent(name)}=${encodeURIComponent(profile.attributes[name])}`);
  return [encodeURIComponent(profile.unitId), ...attributes].join('&');
}

export function parseProfileKey(key: string): Profile {
  const [unit, ...pairs] = key.split('&');
  const attributes: Record<string, string> = {};
  for (const pair of pairs) {
    const [name, value] = pair.split('=');
    attributes[decodeURIComponent(name)] = decodeURIComponent(value);
  }
  return { unitId: decodeURIComponent(unit), attributes };
}

/** Units by id, and each unit's chain from itself up to the root. */
export class UnitTree {
  readonly byId: Map<string, OrgUnit>;
  readonly root: OrgUnit;

  constructor(units: readonly OrgUnit[]) {
    this.byId = new Map(units.map((unit) => [unit.id, unit]));
    const roots = units.filter((unit) => unit.parentId === null);
    if (roots.length !== 1) throw new Error(`expected one root unit, found ${roots.length}`);
    this.root = roots[0];
  }

  /** The unit itself first, then its parent, up to the root. */
  ancestry(unitId: string): OrgUnit[] {
    const chain: OrgUnit[] = [];
    for (let unit = this.byId.get(unitId); unit; unit = unit.parentId ? this.byId.get(unit.parentId) : undefined) {
      chain.push(unit);
    }
    return chain;
  }

  path(unitId: string): string {
    return this.ancestry(unitId)
      .reverse()
      .map((unit) => unit.name)
      .join(UNIT_PATH_SEPARATOR);
  }

  children(unitId: string): OrgUnit[] {
    return [...this.byId.values()].filter((unit) => unit.parentId === unitId);
  }

  depth(unitId: string): number {
    return this.ancestry(unitId).length - 1;
  }
}
