/**
 * Opening a wave (a job): snapshot the directory, fix the segments, create one invitation per
 * invitee and mail each their link. Resumable: tokens derive from the wave secret and the email,
 * so a re-run after a crash writes the same invitations again instead of new ones, and mails at
 * most the one batch (MAIL_BATCH people) that was in flight when the last run died.
 */
import { profileKey, UNIT_PATH_SEPARATOR, type OrgUnit, type Profile, type ProfileCount } from '../../shared/org.ts';
import { buildSegments } from '../../shared/segments.ts';
import { createWaveSecret, deriveWaveKeys, hashToken, inviteeToken } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { MAIL_BATCH, sendBatch, surveyMessage } from '../mailer.ts';
import { INVITATION_DAYS, putInvitations, putWaveSecret } from '../store/invitations.ts';
import { updateJob } from '../store/jobs.ts';
import { chooseLiveLayout, createAnsweredCounts } from '../store/live-counts.ts';
import { getRosterPointer, listUnits, rosterPages } from '../store/roster.ts';
import { getStatements } from '../store/statements.ts';
import { advanceOpenedThrough, getSurvey, getWave, transitionWave, type Wave, type Fence } from '../store/waves.ts';
import { getWaveSnapshot, putWaveSnapshot, type WaveSnapshot } from './snapshot.ts';

export interface JobContext {
  jobId: string;
  /** Fences an open or close run's writes to its wave (functions/jobs/run-job.ts). */
  fence?: Fence;
}

export type JobOutcome = { done: true; result?: unknown } | { done: false };

/** Run (or resume) the open job of a wave. */
export async function openWave(deps: AppDeps, waveId: string, context: JobContext): Promise<JobOutcome> {
  const { store } = deps;
  let wave = await getWave(store, waveId);
  if (wave.status === 'open') return { done: true, result: { invited: wave.invited } };
  if (wave.status === 'draft') wave = await transitionWave(store, waveId, ['draft'], 'opening');
  if (wave.status !== 'opening') throw new ValidationError(`wave ${waveId} is ${wave.status}; only a draft wave opens`);
  // Every invitation of the wave expires at one time, fixed before any can be marked (marks land only once the wave is open).
  if (wave.invitationsExpireAt === undefined) {
    const invitationsExpireAt = Math.floor(Date.now() / 1000) + INVITATION_DAYS * 24 * 3600;
    wave = await transitionWave(store, waveId, ['opening'], 'opening', { invitationsExpireAt }, [], context.fence);
  }

  const secret = await putWaveSecret(store, waveId, createWaveSecret());
  const keys = deriveWaveKeys(secret, waveId);
  const snapshot = (await getWaveSnapshot(store, waveId)) ?? (await takeSnapshot(deps, wave));
  const statements = await getStatements(store, wave.statementIds);
  const survey = await getSurvey(store, wave.surveyId);
  const invitedProfiles = new Set(snapshot.invitees.map((entry) => profileKey(entry.profile)));
  const inAudience = (profile: Profile) => invitedProfiles.has(profileKey(profile));
  const total = snapshot.invitees.reduce((sum, entry) => sum + entry.count, 0);

  // Batch by batch: write the invitations, mail them, then move the resume point past them. A run
  // that dies mid-batch leaves the point before that batch, so a re-run mails at most that batch again.
  // Without mail (mail merge) nothing is lost by redoing a few batches: invitations are written the
  // same again (nobody can answer before the wave is open), so the point moves every few batches.
  const checkpointEvery = wave.delivery === 'mail-merge' ? MERGE_CHECKPOINT_BATCHES : 1;
  let through = wave.openedThrough;
  let position = through;
  let unsaved = 0;
  let reported = through?.invited ?? 0;
  for await (const page of rosterPages(store, snapshot.rosterVersion, through?.after)) {
    const people = page.filter((person) => inAudience(person.profile));
    for (let start = 0; start < people.length; start += MAIL_BATCH) {
      const batch = people.slice(start, start + MAIL_BATCH).map((person) => ({ person, token: inviteeToken(keys, person.email) }));
      await putInvitations(
        store,
        batch.map(({ person, token }) => ({
          tokenHash: hashToken(token),
          waveId,
          email: person.email,
          profile: person.profile,
          locale: person.locale,
          answered: false,
        })),
      );
      // Mail merge: the organization sends the links itself from the audited export; no mail here, no SES bill.
      if (wave.delivery !== 'mail-merge') {
        await sendBatch(deps.mailer, batch, ({ person, token }) =>
          surveyMessage('invitation', person.email, person.locale, survey.name, `${deps.publicBaseUrl}/r#${token}`),
        );
      }
      position = { invited: (position?.invited ?? 0) + batch.length, after: batch[batch.length - 1].person.email };
      if (++unsaved < checkpointEvery) continue;
      if (!(await advanceOpenedThrough(store, waveId, through, position))) return followOtherRun(deps, waveId, context);
      through = position;
      unsaved = 0;
      // The job's progress is for the screen, not for resuming: a write per PROGRESS_STEPS-th of the way, not per batch.
      if (through.invited - reported >= total / PROGRESS_STEPS) {
        reported = through.invited;
        await updateJob(store, context.jobId, { progress: { done: through.invited, total } });
      }
      if (deps.shouldYield?.()) return { done: false };
    }
  }
  // Every run computes the same layout from the same snapshot; its items exist before anyone can answer.
  const liveCounts = chooseLiveLayout(waveId, snapshot.invitees);
  await createAnsweredCounts(store, waveId, liveCounts);
  const now = new Date().toISOString();
  try {
    await transitionWave(
      store,
      waveId,
      ['opening'],
      'open',
      {
        invited: total,
        statements: wave.statementIds.map((id) => statements.get(id)!),
        surveyName: survey.name,
        opensAt: wave.opensAt ?? now,
        // When it opened in fact: its latest close and its sealed responses' expiry count from here.
        openedAt: now,
        liveCounts,
      },
      ['openedThrough'],
    ); // the resume point names a person
  } catch (error) {
    // Another run of this open finished first: the wave is open, and so this job is done.
    if (error instanceof ConflictError && (await getWave(store, waveId)).status === 'open') return { done: true, result: { invited: total } };
    throw error;
  }
  deps.logger.info('wave opened', { waveId, invited: total, segments: snapshot.segments.length });
  return { done: true, result: { invited: total } };
}

/** Batches of invitations between two resume points when nothing is mailed (a re-run writes at most these again). */
const MERGE_CHECKPOINT_BATCHES = 20;

/** How many times at most the open reports its progress on the job (a 10,000-person open has 200 batches). */
const PROGRESS_STEPS = 20;

/** How long another run's resume point may stand still before this run takes over its open. */
const STALLED_RUN_MS = 60_000;

/**
 * Another run of this open moved the resume point first: it is mailing, so this run mails nothing
 * and waits for the wave to open. Only if that run stops moving (it died) does this one take over,
 * from the point it left; correctness never rests on this wait, only progress does.
 */
async function followOtherRun(deps: AppDeps, waveId: string, context: JobContext): Promise<JobOutcome> {
  deps.logger.info('another run is opening this wave; following it', { waveId, jobId: context.jobId });
  let seen: string | undefined;
  let movedAt = Date.now();
  for (;;) {
    const wave = await getWave(deps.store, waveId);
    if (wave.status !== 'opening') return { done: true, result: { invited: wave.invited } };
    if (wave.openedThrough?.after !== seen) {
      seen = wave.openedThrough?.after;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > STALLED_RUN_MS) {
      return openWave(deps, waveId, context);
    }
    if (deps.shouldYield?.()) return { done: false };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function takeSnapshot(deps: AppDeps, wave: Wave): Promise<WaveSnapshot> {
  const { store } = deps;
  const pointer = await getRosterPointer(store);
  if (!pointer || pointer.count === 0) throw new ValidationError('upload the people directory before opening a wave', 'roster');
  const allUnits = await listUnits(store);
  const audienceIds = resolveAudience(allUnits, wave.audience);
  const ancestorsOf = ancestryLookup(allUnits);
  const inAudience = (profile: Profile) => audienceIds === undefined || ancestorsOf(profile.unitId).some((id) => audienceIds.has(id));
  const counts = new Map<string, ProfileCount>();
  for await (const page of rosterPages(store, pointer.version)) {
    for (const person of page) {
      if (!inAudience(person.profile)) continue;
      const key = profileKey(person.profile);
      const entry = counts.get(key);
      if (entry) entry.count += 1;
      else counts.set(key, { profile: person.profile, count: 1 });
    }
  }
  const invitees = [...counts.values()];
  const total = invitees.reduce((sum, entry) => sum + entry.count, 0);
  if (total < wave.k) throw new ValidationError(`the audience has ${total} people, fewer than k = ${wave.k}: no result could ever be shown`, 'audience');
  const used = new Set(invitees.flatMap((entry) => ancestorsOf(entry.profile.unitId)));
  const units = allUnits.filter((unit) => used.has(unit.id));
  // The tree is cut to the units the audience sits in and their ancestors: one tree, the organization's root on top.
  const snapshot: WaveSnapshot = { rosterVersion: pointer.version, units, invitees, segments: buildSegments(units, invitees, wave.k) };
  await putWaveSnapshot(store, wave.id, snapshot);
  return snapshot;
}

/** Audience unit paths → the ids of those units; undefined means everyone. */
export function resolveAudience(units: OrgUnit[], audience: string[] | undefined): Set<string> | undefined {
  if (!audience) return undefined;
  const roots = units.filter((unit) => unit.parentId === null);
  const ids = new Set<string>();
  for (const path of audience) {
    const names = path.split(UNIT_PATH_SEPARATOR.trim()).map((name) => name.trim());
    let candidates = roots;
    let found: OrgUnit | undefined;
    for (const name of names) {
      found = candidates.find((unit) => unit.name === name);
      if (!found) break;
      const parent = found;
      candidates = units.filter((unit) => unit.parentId === parent.id);
    }
    if (!found) throw new ValidationError(`audience unit "${path}" is not in the people directory`, 'audience');
    ids.add(found.id);
  }
  return ids;
}

/** unit id → its id and its ancestors' ids, memoized: a 300,000-person directory asks once per unit. */
function ancestryLookup(units: OrgUnit[]): (unitId: string) => string[] {
  const byId = new Map(units.map((unit) => [unit.id, unit]));
  const memo = new Map<string, string[]>();
  return (unitId) => {
    let chain = memo.get(unitId);
    if (!chain) {
      chain = [];
      for (let unit = byId.get(unitId); unit; unit = unit.parentId ? byId.get(unit.parentId) : undefined) chain.push(unit.id);
      memo.set(unitId, chain);
    }
    return chain;
  };
}
