/**
 * What a request to the table writes, told from its keys (which only store/ spells): the chaos
 * run's hold (functions/local/chaos-hold.ts) picks the close's writes by it.
 */
export interface SeenWrite {
  Key?: { pk?: unknown; sk?: unknown };
  Item?: { pk?: unknown; sk?: unknown };
}

/** A write to a wave's own item (its status, stage, shards, lease). */
export const writesWaveItem = (input: SeenWrite): boolean => String(input.Key?.pk).startsWith('WAVE#') && input.Key?.sk === 'META';

/** A put of one of a wave's stored cells. */
export const writesCell = (input: SeenWrite): boolean => String(input.Item?.sk).startsWith('CELL#');

/** A write to a job's record. */
export const writesJob = (input: SeenWrite): boolean => String(input.Item?.pk ?? input.Key?.pk).startsWith('JOB#');

/** The delete of a wave's secret (the close's destroying-secret stage). */
export const deletesWaveSecret = (input: SeenWrite): boolean => String(input.Key?.pk).startsWith('SECRET#');
