import { cancelEssRequest, queryEssRequests, submitEssRequest, ESS_REQUESTS_PATH, ESS_TERMINAL_STATES, type EssRequest } from '../../../oracle/ess';
import type { ScheduledProcessKey } from '../planFile';
import { describeError, type StepContext } from '../context';
import type { SubCheck } from '../result';
import { fail, info, pass, warn, type CheckOutcome, type StepBehaviour } from './behaviour';

export interface ScheduledProcess {
  key: ScheduledProcessKey;
  name: string;
  /**
   * Inference, not Oracle's: Oracle does not publish these job definition ids, so discovery
   * matches the last segment of ids found in requests the admin already submitted.
   */
  pattern: RegExp;
}

export const PROCESSES: Record<ScheduledProcessKey, ScheduledProcess> = {
  loadAndSynchronizeExternalCourseData: { key: 'loadAndSynchronizeExternalCourseData', name: 'Load and Synchronize External Course Data', pattern: /Load.*Sync.*External.*Course|ExternalCourseData/i },
  bulkIngestToOscs: { key: 'bulkIngestToOscs', name: 'ESS job to run Bulk ingest to OSCS', pattern: /Bulk.?Ingest|OLC.?REST|OSCS/i },
  processLearningExperienceStatements: { key: 'processLearningExperienceStatements', name: 'Process Learning Experience Statements', pattern: /Learning.?Experience.?Statement/i },
  processCatalogItemDeactivationsAndDeletions: { key: 'processCatalogItemDeactivationsAndDeletions', name: 'Process Learning Catalog Item Deactivations and Deletions', pattern: /Deactivation/i },
  reconcileUserGroups: { key: 'reconcileUserGroups', name: 'Reconcile User Groups', pattern: /Reconcile.?User.?Group/i },
};

const DISCOVERY_WINDOW = 500;

/** The processes this plan schedules: Load and Synchronize (the order reference), step 10's, and Reconcile User Groups when private. */
function neededProcesses(ctx: StepContext): ScheduledProcessKey[] {
  if (ctx.profile.provider.family === 'aicc') return ['loadAndSynchronizeExternalCourseData'];
  return ['loadAndSynchronizeExternalCourseData', ...STEP10, ...(ctx.plan.visibility === 'private' ? (['reconcileUserGroups'] as const) : [])];
}

/** A job definition id that an earlier status of this environment discovered, from its evidence. */
function earlierId(ctx: StepContext, key: ScheduledProcessKey): string | undefined {
  for (const step of ['scheduled-processes', 'reconcile-user-groups'] as const) {
    const found = (ctx.state.lastResults[step]?.evidence as Record<string, { jobDefinitionId?: unknown } | undefined> | undefined)?.[key]?.jobDefinitionId;
    if (typeof found === 'string' && /^JobDefinition:\/\/\S+$/.test(found)) return found;
  }
  return undefined;
}

/** Job definition ids: configured in the plan, else found by an earlier status, else discovered from recent requests. */
async function jobIds(ctx: StepContext): Promise<{ ids: Partial<Record<ScheduledProcessKey, string>>; discovered: ScheduledProcessKey[] }> {
  return ctx.once('ess-job-ids', async () => {
    const ids: Partial<Record<ScheduledProcessKey, string>> = { ...ctx.plan.scheduledProcesses };
    const discovered: ScheduledProcessKey[] = [];
    // Ids discovered by an earlier status (kept in its evidence) are reused: a status then reads
    // the schedules at once instead of waiting for a discovery read first.
    for (const key of Object.keys(PROCESSES) as ScheduledProcessKey[]) {
      if (ids[key]) continue;
      const earlier = earlierId(ctx, key);
      if (earlier) {
        ids[key] = earlier;
        discovered.push(key);
      }
    }
    const missing = neededProcesses(ctx).filter((k) => !ids[k]);
    if (missing.length) {
      const recent = await queryEssRequests(ctx.client, {}, { signal: ctx.signal, maxItems: DISCOVERY_WINDOW });
      for (const key of missing) {
        const hit = recent.find((r) => PROCESSES[key].pattern.test(r.jobDefinitionId.split('/').pop() ?? ''));
        if (hit) {
          ids[key] = hit.jobDefinitionId;
          discovered.push(key);
        }
      }
    }
    return { ids, discovered };
  });
}

/** Active recurring requests (daily schedules), oldest first. */
function activeRecurring(requests: EssRequest[]): EssRequest[] {
  return requests
    .filter((r) => (r.requestType ?? '').toUpperCase() === 'RECURRING' && !ESS_TERMINAL_STATES.includes(r.state.toUpperCase()) && r.state.toUpperCase() !== 'CANCELLING')
    .sort((a, b) => a.requestId - b.requestId);
}

/** Minutes after midnight UTC of a schedule's start time, when it can be read. */
function startMinutes(r: EssRequest | undefined): number | undefined {
  const def = r?.scheduleDefinition as { startTime?: string } | undefined;
  if (!def?.startTime) return undefined;
  const d = new Date(def.startTime);
  return Number.isNaN(d.getTime()) ? undefined : d.getUTCHours() * 60 + d.getUTCMinutes();
}

interface ProcessState {
  process: ScheduledProcess;
  id?: string;
  /** The oldest active daily schedule: the one kept. */
  schedule?: EssRequest;
  /** Further active daily schedules of the same process (each one would run the process again). */
  duplicates: EssRequest[];
}

async function readSchedules(ctx: StepContext, keys: ScheduledProcessKey[]): Promise<{ states: ProcessState[]; loadSync: ProcessState; discovered: ScheduledProcessKey[] }> {
  const { ids, discovered } = await jobIds(ctx);
  const read = async (key: ScheduledProcessKey): Promise<ProcessState> => {
    const id = ids[key];
    if (!id) return { process: PROCESSES[key], duplicates: [] };
    const requests = await ctx.once(`ess:${id}`, () => queryEssRequests(ctx.client, { jobDefinitionId: id, requestType: 'RECURRING' }, { signal: ctx.signal }));
    const [schedule, ...duplicates] = activeRecurring(requests);
    return { process: PROCESSES[key], id, duplicates, ...(schedule ? { schedule } : {}) };
  };
  const [loadSync, ...states] = await Promise.all([read('loadAndSynchronizeExternalCourseData'), ...keys.map(read)]);
  return { states, loadSync: loadSync!, discovered };
}

async function checkSchedules(ctx: StepContext, keys: ScheduledProcessKey[]): Promise<CheckOutcome> {
  const { states, loadSync, discovered } = await readSchedules(ctx, keys);
  const checks: SubCheck[] = [];
  const base = startMinutes(loadSync.schedule);
  if (!loadSync.id) checks.push(warn('load-sync', PROCESSES.loadAndSynchronizeExternalCourseData.name, 'Its job definition id is unknown, so the order cannot be checked.'));
  else if (!loadSync.schedule) checks.push(warn('load-sync', PROCESSES.loadAndSynchronizeExternalCourseData.name, 'Has no daily schedule: Oracle asks to run these processes after it.'));
  else checks.push(pass('load-sync', PROCESSES.loadAndSynchronizeExternalCourseData.name, `Scheduled daily (request ${loadSync.schedule.requestId}).`));
  let missingIds = 0;
  let unscheduled = 0;
  let duplicated = 0;
  for (const s of states) {
    const label = s.process.name;
    if (!s.id) {
      missingIds++;
      checks.push(fail(s.process.key, label, `Job definition id unknown. Oracle does not publish it: submit "${label}" once in Scheduled Processes, or set scheduledProcesses.${s.process.key} in the plan.`));
    } else if (!s.schedule) {
      unscheduled++;
      checks.push(fail(s.process.key, label, `No recurring schedule for ${s.id}; apply submits a daily one.`));
    } else {
      const at = startMinutes(s.schedule);
      const order = base !== undefined && at !== undefined && at <= base ? ` Starts before Load and Synchronize External Course Data: move it later.` : '';
      checks.push((order ? warn : pass)(s.process.key, label, `Daily schedule, request ${s.schedule.requestId} (${s.schedule.state}).${order}`));
      if (s.duplicates.length) {
        duplicated++;
        checks.push(
          fail(
            `${s.process.key}:duplicates`,
            `${label}: one schedule`,
            `${s.duplicates.length + 1} daily schedules (requests ${[s.schedule, ...s.duplicates].map((r) => r.requestId).join(', ')}): the process would run ${s.duplicates.length + 1} times a day. Apply cancels the newer ones submitted by the user it runs as; cancel others in Scheduled Processes.`,
          ),
        );
      }
    }
  }
  for (const key of discovered) checks.push(info(`discovered:${key}`, 'Discovered id', `${PROCESSES[key].name}: ${(await jobIds(ctx)).ids[key]} (from a request submitted in the pod; add it to the plan to pin it).`));
  const evidence = Object.fromEntries([loadSync, ...states].map((s) => [s.process.key, { jobDefinitionId: s.id ?? null, requestId: s.schedule?.requestId ?? null }]));
  if (missingIds) return { status: 'needs-action', detail: `${missingIds} process(es) without a known job definition id; see the checks.`, checks, evidence };
  if (unscheduled) return { status: 'needs-action', detail: `${unscheduled} process(es) without a daily schedule; apply submits them.`, checks, evidence };
  if (duplicated) return { status: 'needs-action', detail: `${duplicated} process(es) scheduled more than once; apply cancels the newer duplicates.`, checks, evidence };
  return { status: 'done', detail: `${states.length} process(es) scheduled daily${base !== undefined ? ' after Load and Synchronize External Course Data' : ''}.`, checks, evidence };
}

function nextStart(hhmm: string, offsetMinutes: number, now = new Date()): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m + offsetMinutes));
  if (d <= now) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

async function applySchedules(ctx: StepContext, keys: ScheduledProcessKey[], firstOffset: number): Promise<void> {
  const { states, loadSync } = await readSchedules(ctx, keys);
  const base = startMinutes(loadSync.schedule);
  const baseHhmm = base !== undefined ? `${String(Math.floor(base / 60)).padStart(2, '0')}:${String(base % 60).padStart(2, '0')}` : ctx.plan.ess.startTime;
  let offset = firstOffset;
  /** Duplicates the tool may not cancel (other users'): reported once every process was handled. */
  const leftToAdmin: string[] = [];
  for (const s of states) {
    offset += 30;
    if (!s.id) continue;
    if (s.schedule) {
      if (s.duplicates.length) leftToAdmin.push(...(await cancelDuplicates(ctx, s.process, s.schedule, s.duplicates)));
      continue;
    }
    const schedule = { frequency: 'DAILY' as const, interval: 1, startTime: nextStart(baseHhmm, offset) };
    const body = { jobDefinitionId: s.id, application: ctx.plan.ess.application, ...(ctx.plan.ess.product ? { product: ctx.plan.ess.product } : {}), schedule };
    const startedAt = Date.now();
    const mine = await ctx.change({ method: 'POST', url: ESS_REQUESTS_PATH, body, why: `schedule "${s.process.name}" daily at ${schedule.startTime.slice(11, 16)} UTC` }, () =>
      submitEssRequest(ctx.client, body, { signal: ctx.signal }),
    );
    if (mine) leftToAdmin.push(...(await settleConcurrentSubmissions(ctx, s.process, s.id, mine, startedAt)));
  }
  if (leftToAdmin.length) throw new Error(leftToAdmin.join(' '));
}

/** Clock skew tolerated when telling whether a request was submitted during this run. */
const SUBMISSION_SKEW_MS = 2 * 60_000;

function submittedBySameUser(ctx: StepContext, r: EssRequest): boolean {
  const me = ctx.credentials.admin?.username.toLowerCase();
  return !!me && (r.submitter ?? '').toLowerCase() === me;
}

/**
 * ESS has no uniqueness constraint (no 409): two runs that both found no schedule (two windows, two
 * admins, a retried run) both submit one. After submitting, the schedules of the process are read
 * again; the oldest is kept and the newer ones submitted during this run by the same user (ours, or
 * the other run's) are cancelled. Both runs agree on the oldest, so exactly one schedule remains.
 */
async function settleConcurrentSubmissions(ctx: StepContext, process: ScheduledProcess, jobDefinitionId: string, mine: EssRequest, startedAt: number): Promise<string[]> {
  let active: EssRequest[];
  try {
    active = activeRecurring(await queryEssRequests(ctx.client, { jobDefinitionId, requestType: 'RECURRING' }, { signal: ctx.signal }));
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    throw new Error(
      `Scheduled "${process.name}" (request ${mine.requestId}), but could not read its schedules back to rule out one submitted at the same time by another run: ${describeError(err)} Run apply again: it re-checks and cancels a duplicate.`,
    );
  }
  const keep = active[0];
  if (!keep) return [];
  const since = startedAt - SUBMISSION_SKEW_MS;
  const extra = active.slice(1).filter((r) => {
    if (r.requestId === mine.requestId) return true;
    const t = r.submissionTime ? Date.parse(r.submissionTime) : Number.NaN;
    return submittedBySameUser(ctx, r) && !Number.isNaN(t) && t >= since;
  });
  return extra.length ? cancelDuplicates(ctx, process, keep, extra) : [];
}

/** Cancels duplicate daily schedules submitted by the user the tool runs as; returns what is left to the admin (others' duplicates). */
async function cancelDuplicates(ctx: StepContext, process: ScheduledProcess, keep: EssRequest, duplicates: EssRequest[]): Promise<string[]> {
  const ours = duplicates.filter((d) => submittedBySameUser(ctx, d));
  const others = duplicates.filter((d) => !submittedBySameUser(ctx, d));
  for (const d of ours) {
    await ctx.change({ method: 'POST', url: `${ESS_REQUESTS_PATH}/${d.requestId}/cancel`, why: `cancel the duplicate daily schedule ${d.requestId} of "${process.name}" (request ${keep.requestId} is kept)` }, () =>
      cancelEssRequest(ctx.client, d.requestId, { signal: ctx.signal }),
    );
  }
  if (!others.length) return [];
  return [
    `"${process.name}" has ${others.length} more daily schedule(s) submitted by other users (requests ${others.map((o) => `${o.requestId} by ${o.submitter ?? 'unknown'}`).join(', ')}): cancel all but request ${keep.requestId} in Scheduled Processes.`,
  ];
}

const STEP10: ScheduledProcessKey[] = ['bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions'];

export const scheduledProcesses: StepBehaviour = {
  check: (ctx) => checkSchedules(ctx, ctx.profile.provider.family === 'aicc' ? ['loadAndSynchronizeExternalCourseData'] : STEP10),
  apply: (ctx) => applySchedules(ctx, ctx.profile.provider.family === 'aicc' ? ['loadAndSynchronizeExternalCourseData'] : STEP10, 0),
};

export const reconcileUserGroups: StepBehaviour = {
  async check(ctx) {
    if (ctx.plan.visibility !== 'private') return { status: 'not-applicable', detail: 'Visibility is public: Reconcile User Groups is only needed for private visibility.', checks: [] };
    return checkSchedules(ctx, ['reconcileUserGroups']);
  },
  async apply(ctx) {
    if (ctx.plan.visibility !== 'private') return;
    await applySchedules(ctx, ['reconcileUserGroups'], STEP10.length * 30);
  },
};
