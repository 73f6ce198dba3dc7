import { queryEssRequests, submitEssRequest, ESS_TERMINAL_STATES, type EssRequest } from '../../../oracle/ess';
import type { ScheduledProcessKey } from '../planFile';
import type { StepContext } from '../context';
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

/** Job definition ids: configured in the plan, else discovered once per status from recent requests. */
async function jobIds(ctx: StepContext): Promise<{ ids: Partial<Record<ScheduledProcessKey, string>>; discovered: ScheduledProcessKey[] }> {
  return ctx.once('ess-job-ids', async () => {
    const ids: Partial<Record<ScheduledProcessKey, string>> = { ...ctx.plan.scheduledProcesses };
    const discovered: ScheduledProcessKey[] = [];
    const missing = (Object.keys(PROCESSES) as ScheduledProcessKey[]).filter((k) => !ids[k]);
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

function activeRecurring(requests: EssRequest[]): EssRequest | undefined {
  return requests.find((r) => (r.requestType ?? '').toUpperCase() === 'RECURRING' && !ESS_TERMINAL_STATES.includes(r.state));
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
  schedule?: EssRequest;
}

async function readSchedules(ctx: StepContext, keys: ScheduledProcessKey[]): Promise<{ states: ProcessState[]; loadSync: ProcessState; discovered: ScheduledProcessKey[] }> {
  const { ids, discovered } = await jobIds(ctx);
  const read = async (key: ScheduledProcessKey): Promise<ProcessState> => {
    const id = ids[key];
    if (!id) return { process: PROCESSES[key] };
    const requests = await ctx.once(`ess:${id}`, () => queryEssRequests(ctx.client, { jobDefinitionId: id, requestType: 'RECURRING' }, { signal: ctx.signal }));
    const schedule = activeRecurring(requests);
    return { process: PROCESSES[key], id, ...(schedule ? { schedule } : {}) };
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
    }
  }
  for (const key of discovered) checks.push(info(`discovered:${key}`, 'Discovered id', `${PROCESSES[key].name}: ${(await jobIds(ctx)).ids[key]} (from a request submitted in the pod; add it to the plan to pin it).`));
  const evidence = Object.fromEntries(states.map((s) => [s.process.key, { jobDefinitionId: s.id ?? null, requestId: s.schedule?.requestId ?? null }]));
  if (missingIds) return { status: 'needs-action', detail: `${missingIds} process(es) without a known job definition id; see the checks.`, checks, evidence };
  if (unscheduled) return { status: 'needs-action', detail: `${unscheduled} process(es) without a daily schedule; apply submits them.`, checks, evidence };
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
  for (const s of states) {
    offset += 30;
    if (!s.id || s.schedule) continue;
    const schedule = { frequency: 'DAILY' as const, interval: 1, startTime: nextStart(baseHhmm, offset) };
    const body = { jobDefinitionId: s.id, application: ctx.plan.ess.application, ...(ctx.plan.ess.product ? { product: ctx.plan.ess.product } : {}), schedule };
    await ctx.change({ method: 'POST', url: '/ess/rest/scheduler/v1/requests', body, why: `schedule "${s.process.name}" daily at ${schedule.startTime.slice(11, 16)} UTC` }, () =>
      submitEssRequest(ctx.client, body, { signal: ctx.signal }),
    );
  }
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
