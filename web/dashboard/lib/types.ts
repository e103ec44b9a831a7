import type { PublishedCertificate } from '../../../shared/published-wave.ts';
/** The staff API's JSON, as issue 2 specifies it (the server validates with zod; the dashboard only reads). */
export type WaveStatus = 'draft' | 'opening' | 'open' | 'closing' | 'closed';

export interface WaveSummary {
  id: string;
  name: string;
  status: WaveStatus;
  k: number;
  opensAt?: string;
  closesAt?: string;
  remindAt?: string;
  /** When it opened in fact, and when it closes by itself at the latest (shared/open-period.ts). */
  openedAt?: string;
  closesAtLatest?: string;
  statementIds?: string[];
  audience?: string[];
  invited?: number;
  linksExported?: number;
  /** 'mail-merge': the organization sends the links itself from the export; nothing is mailed. */
  delivery?: 'mail' | 'mail-merge';
  imported?: boolean;
  /** Set at close (shared/published-wave.ts). */
  certificate?: PublishedCertificate;
}

export interface SurveySummary {
  id: string;
  name: string;
  demo?: boolean;
  waves: WaveSummary[];
}

export type MaybeSmall = number | '<k';

export interface ParticipationSegment {
  id: string;
  label: string;
  kind: string;
  invited: MaybeSmall;
  responded: MaybeSmall;
  rate?: number;
}

export interface Participation {
  status: WaveStatus;
  invited: number;
  responded: number;
  rate: number;
  computedAt?: string;
  refreshesAt?: string;
  segments: ParticipationSegment[];
}

export interface Job {
  id: string;
  status: 'running' | 'done' | 'failed';
  kind: string;
  progress?: { done: number; total: number };
  error?: string;
  result?: { reminded?: number; invited?: number };
}

export interface RejectedRow {
  line: number;
  field: string;
  message: string;
}

/** GET /api/roster: the directory in force. */
export interface RosterInForce {
  people: number;
  attributes: string[];
  demo: boolean;
  uploadedAt?: string;
  units?: number;
  locales?: Record<string, number>;
}

export interface RosterReport {
  imported: number;
  rejected: RejectedRow[];
}

export type ScaleKind = 'agree5' | 'enps' | 'health3' | 'choice' | 'text';

export interface BankStatement {
  id: string;
  text: Record<string, string>;
  scale: ScaleKind;
  options?: { id: string; text: Record<string, string> }[];
  /** One name for every language, or a name per locale. */
  theme: string | Record<string, string>;
}
