import {
  cancelEssRequest,
  isActiveRequest,
  queryEssPage,
  requestKind,
  submitEssRequest,
  ESS_REQUESTS_PATH,
  type EssRequest,
  type EssSchedule,
  type EssWords,
} from '../../../oracle/ess';
import { isStandIn, weakestBasis, type Basis } from '../../../oracle/basis';
import { readOrRefusal, type Refusal } from '../../../oracle/privileges';
import type { ScheduledProcessKey } from '../planFile';
import { describeError, type StepContext } from '../context';
import type { SubCheck } from '../result';
import { fail, info, pass, refusalEvidence, refused, warn, type CheckOutcome, type StepBehaviour } from './behaviour';
import * as l10n from '@vscode/l10n';

export interface ScheduledProcess {
  key: ScheduledProcessKey;
  name: string;
  /**
   * Inference, not Oracle's: Oracle does not publish these job definition ids, so discovery
   * matches the last segment of ids found in requests the admin already submitted.
   */
  pattern: RegExp;
  /** Oracle's procedure asks it to run after "Load and Synchronize External Course Data" completes [DOC, step 10]. */
  afterLoadSync?: boolean;
}

export const PROCESSES: Record<ScheduledProcessKey, ScheduledProcess> = {
  loadAndSynchronizeExternalCourseData: { key: 'loadAndSynchronizeExternalCourseData', name: 'Load and Synchronize External Course Data', pattern: /Load.*Sync.*External.*Course|ExternalCourseData/i },
  bulkIngestToOscs: { key: 'bulkIngestToOscs', name: 'ESS job to run Bulk ingest to OSCS', pattern: /Bulk.?Ingest|OLC.?REST|OSCS/i, afterLoadSync: true },
  processLearningExperienceStatements: { key: 'processLearningExperienceStatements', name: 'Process Learning Experience Statements', pattern: /Learning.?Experience.?Statement/i },
  processCatalogItemDeactivationsAndDeletions: {
    key: 'processCatalogItemDeactivationsAndDeletions',
    name: 'Process Learning Catalog Item Deactivations and Deletions',
    pattern: /Deactivation/i,
    afterLoadSync: true,
  },
  reconcileUserGroups: { key: 'reconcileUserGroups', name: 'Reconcile User Groups', pattern: /Reconcile.?User.?Group/i },
};

/**
 * The input parameter of the bulk-ingest process. Oracle's procedure says "Program Name is
 * OLC-REST" [DOC, step 10]; the REST parameter name is not published [GAP]: Fusion ESS job
 * arguments are positional (`submit.argument1`, ...) [3P], so that is our inference, overridable
 * in the plan (`ess.bulkIngestParameter`).
 */
export const DEFAULT_BULK_INGEST_PARAMETER = { name: 'submit.argument1', paramType: 'STRING', value: 'OLC-REST' } as const;

const SCHEDULED_PROCESSES_NAV = 'Navigator > Tools > Scheduled Processes';

/** The processes this plan schedules: Load and Synchronize (the order reference), step 10's, and Reconcile User Groups when private. */
export function neededProcesses(ctx: StepContext): ScheduledProcessKey[] {
  if (ctx.profile.provider.family === 'aicc') return ['loadAndSynchronizeExternalCourseData'];
  return ['loadAndSynchronizeExternalCourseData', ...STEP10, ...(ctx.plan.visibility === 'private' ? (['reconcileUserGroups'] as const) : [])];
}

const JOB_ID = /^JobDefinition:\/\/\S+$/;

/** A job definition id that an earlier status of this environment discovered, from its evidence. */
function earlierId(ctx: StepContext, key: ScheduledProcessKey): string | undefined {
  for (const step of ['scheduled-processes', 'reconcile-user-groups'] as const) {
    const found = (ctx.state.lastResults[step]?.evidence as Record<string, { jobDefinitionId?: unknown } | undefined> | undefined)?.[key]?.jobDefinitionId;
    if (typeof found === 'string' && JOB_ID.test(found)) return found;
  }
  return undefined;
}

/** ESS words learnt by `oli probe` on this pod. */
function essWords(ctx: StepContext): EssWords {
  const e = ctx.state.probe?.ess;
  return { ...(e?.recurringWords ? { recurring: e.recurringWords } : {}), ...(e?.oneOffWords ? { oneOff: e.oneOffWords } : {}) };
}

interface JobIds {
  ids: Partial<Record<ScheduledProcessKey, string>>;
  /** Where each id came from. */
  source: Partial<Record<ScheduledProcessKey, 'plan' | 'probe' | 'earlier' | 'discovered'>>;
  /** The discovery read was refused: ids still unknown are unknown because of it, not because nobody submitted the process. */
  discoveryRefused?: Refusal;
}

/** Job definition ids: configured in the plan, else confirmed by `oli probe`, else found by an earlier status, else discovered from recent requests. */
function knownJobIds(ctx: StepContext): Pick<JobIds, 'ids' | 'source'> & { missing: ScheduledProcessKey[] } {
  const ids: Partial<Record<ScheduledProcessKey, string>> = {};
  const source: JobIds['source'] = {};
  for (const key of Object.keys(PROCESSES) as ScheduledProcessKey[]) {
    const configured = ctx.plan.scheduledProcesses[key];
    const probed = ctx.state.probe?.jobDefinitionIds?.[key];
    const earlier = earlierId(ctx, key);
    if (configured) [ids[key], source[key]] = [configured, 'plan'];
    else if (probed && JOB_ID.test(probed)) [ids[key], source[key]] = [probed, 'probe'];
    else if (earlier) [ids[key], source[key]] = [earlier, 'earlier'];
  }
  return { ids, source, missing: neededProcesses(ctx).filter((k) => !ids[k]) };
}

/** One page of recent requests (the pod's own page size: no undocumented paging parameter), read once per context. */
function recentRequests(ctx: StepContext): ReturnType<typeof queryEssPage> {
  return ctx.once('ess-recent-requests', () => queryEssPage(ctx.client, {}, { signal: ctx.signal }));
}

/**
 * Whether the schedules' check must first discover job ids from the recent requests (nothing in
 * the plan, from `oli probe` or from an earlier status): then that read heads the longest chain of
 * the status (discovery, then each process's requests).
 */
export function needsJobIdDiscovery(ctx: StepContext): boolean {
  return knownJobIds(ctx).missing.length > 0;
}

/**
 * The discovery read, as the engine's sign-in request (so proving the credentials costs no round
 * trip on a first status): its error is thrown for the sign-in to judge, and the checks reuse its
 * answer (or its refusal) without asking again.
 */
export async function readRecentRequestsFirst(ctx: StepContext): Promise<void> {
  await recentRequests(ctx);
}

async function jobIds(ctx: StepContext): Promise<JobIds> {
  return ctx.once('ess-job-ids', async () => {
    const { ids, source, missing } = knownJobIds(ctx);
    if (!missing.length) return { ids, source };
    const recent = await readOrRefusal('ess-requests', () => recentRequests(ctx));
    if (!recent.ok) return { ids, source, discoveryRefused: recent.refusal };
    for (const key of missing) {
      const hit = recent.value.items.find((r) => PROCESSES[key].pattern.test(r.jobDefinitionId.split('/').pop() ?? ''));
      if (hit) [ids[key], source[key]] = [hit.jobDefinitionId, 'discovered'];
    }
    return { ids, source };
  });
}

/** Minutes after midnight UTC of a schedule's start time, when the answer shows one [INF: the schedule shape is ours]. */
export function startMinutes(r: EssRequest | undefined): number | undefined {
  const def = r?.scheduleDefinition;
  if (!def || typeof def !== 'object') return undefined;
  const entry = Object.entries(def as Record<string, unknown>).find(([k]) => /^(start(time|date)?|requestedStartTime|startDateTime)$/i.test(k));
  if (!entry || typeof entry[1] !== 'string') return undefined;
  const d = new Date(entry[1]);
  return Number.isNaN(d.getTime()) ? undefined : d.getUTCHours() * 60 + d.getUTCMinutes();
}

function hhmmMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export interface ProcessState {
  process: ScheduledProcess;
  id?: string;
  /** What the job id rests on. */
  idBasis: Basis;
  /** The oldest active daily schedule: the one kept. */
  schedule?: EssRequest;
  /** Further active daily schedules of the same process (each one would run the process again). */
  duplicates: EssRequest[];
  /** Why nobody can tell whether a schedule exists (then apply submits nothing). */
  undetermined?: string;
  /** The requests could not be read (or the id could not be discovered) because the pod refused. */
  refusal?: Refusal;
  /** How the schedule was recognised. */
  recognisedBy?: 'schedule definition' | 'requestType word';
}

export interface ProcessRequests {
  requests: EssRequest[];
  /** The pod said more requests match than it returned, even after narrowing. */
  truncated: boolean;
}

/**
 * The requests of one job definition. One page (documented parameters only); when the pod says
 * there are more and none of those returned is a schedule, the query is narrowed to the requests
 * still waiting (a schedule waits between runs).
 */
async function readProcessRequests(ctx: StepContext, id: string): Promise<ProcessRequests> {
  const words = essWords(ctx);
  // Newest first (orderBy and requestId are documented): the page holds the latest runs too (oli health).
  const first = await queryEssPage(ctx.client, { jobDefinitionId: id }, { signal: ctx.signal, orderBy: NEWEST_FIRST });
  const hasSchedule = (rs: EssRequest[]) => rs.some((r) => requestKind(r, words) === 'schedule' && isActiveRequest(r));
  if (!first.hasMore || hasSchedule(first.items)) return { requests: first.items, truncated: first.hasMore };
  const waiting = await queryEssPage(ctx.client, { jobDefinitionId: id, state: 'WAIT' }, { signal: ctx.signal, orderBy: NEWEST_FIRST });
  const seen = new Set(first.items.map((r) => r.requestId));
  return { requests: [...first.items, ...waiting.items.filter((r) => !seen.has(r.requestId))], truncated: waiting.hasMore && !hasSchedule(waiting.items) };
}

const NEWEST_FIRST = 'requestId:desc';

/** The requests of one job definition, read once per context (shared by status, health, why and diff). */
export function processRequests(ctx: StepContext, id: string): Promise<ProcessRequests> {
  return ctx.once(`ess:${id}`, () => readProcessRequests(ctx, id));
}

function idBasisOf(id: string | undefined, source: JobIds['source'][ScheduledProcessKey]): Basis {
  if (isStandIn(id)) return 'stand-in';
  return source === 'plan' ? 'documented' : 'inferred';
}

/** Reads what the pod has for a process: its schedule(s), or why it cannot tell. */
function stateOf(ctx: StepContext, process: ScheduledProcess, id: string, idBasis: Basis, read: ProcessRequests): ProcessState {
  const words = essWords(ctx);
  const active = read.requests.filter(isActiveRequest);
  const schedules = active.filter((r) => requestKind(r, words) === 'schedule').sort((a, b) => a.requestId - b.requestId);
  const unclear = active.filter((r) => requestKind(r, words) === 'undetermined');
  const [schedule, ...duplicates] = schedules;
  const base: ProcessState = { process, id, idBasis, duplicates };
  if (schedule) return { ...base, schedule, recognisedBy: schedule.scheduleField === 'present' ? 'schedule definition' : 'requestType word' };
  if (unclear.length) {
    const types = [...new Set(unclear.map((r) => r.requestType ?? '(none)'))].join(', ');
    return {
      ...base,
      undetermined: `request(s) ${unclear.map((r) => r.requestId).join(', ')} of ${id} are active but the answer shows neither a schedule definition nor a requestType word we know (requestType: ${types})`,
    };
  }
  if (read.truncated) return { ...base, undetermined: `the pod returned only part of the requests of ${id} (hasMore), and none of those is a daily schedule` };
  return base;
}

export async function readSchedules(ctx: StepContext, keys: ScheduledProcessKey[]): Promise<{ states: ProcessState[]; loadSync: ProcessState; job: JobIds }> {
  const job = await jobIds(ctx);
  const read = async (key: ScheduledProcessKey): Promise<ProcessState> => {
    const process = PROCESSES[key];
    const id = job.ids[key];
    if (!id) return { process, idBasis: 'inferred', duplicates: [], ...(job.discoveryRefused ? { refusal: job.discoveryRefused } : {}) };
    const idBasis = idBasisOf(id, job.source[key]);
    const requests = await readOrRefusal('ess-requests', () => processRequests(ctx, id));
    if (!requests.ok) return { process, id, idBasis, duplicates: [], refusal: requests.refusal };
    return stateOf(ctx, process, id, idBasis, requests.value);
  };
  const [loadSync, ...states] = await Promise.all([read('loadAndSynchronizeExternalCourseData'), ...keys.map(read)]);
  return { states, loadSync: loadSync!, job };
}

/** The daily start (minutes after midnight UTC) of Load and Synchronize: read from its schedule, else from the plan. */
function loadSyncStart(ctx: StepContext, loadSync: ProcessState): { minutes?: number; from?: 'pod' | 'plan' } {
  const read = startMinutes(loadSync.schedule);
  if (read !== undefined) return { minutes: read, from: 'pod' };
  if (loadSync.schedule && ctx.plan.ess.loadSyncStartTime) return { minutes: hhmmMinutes(ctx.plan.ess.loadSyncStartTime), from: 'plan' };
  return {};
}

/** Why a process that must run after Load and Synchronize cannot be placed after it yet, or undefined when it can. */
function orderBlocker(ctx: StepContext, loadSync: ProcessState, planned: boolean): string | undefined {
  const name = PROCESSES.loadAndSynchronizeExternalCourseData.name;
  if (loadSync.refusal) return `it must run after "${name}", whose schedule could not be read (${loadSync.refusal.message})`;
  if (!loadSync.id) return `it must run after "${name}", whose job definition id is unknown: submit "${name}" once in Scheduled Processes, or set scheduledProcesses.loadAndSynchronizeExternalCourseData in the plan`;
  if (loadSync.undetermined) return `it must run after "${name}", and whether that one is scheduled cannot be told (${loadSync.undetermined})`;
  if (!loadSync.schedule) return planned ? undefined : `it must run after "${name}", which has no daily schedule yet (apply schedules it first)`;
  if (loadSyncStart(ctx, loadSync).minutes === undefined)
    return `it must run after "${name}" (request ${loadSync.schedule.requestId}), whose start time the pod's answer does not show: set ess.loadSyncStartTime (HH:MM, UTC) in the plan`;
  return undefined;
}

async function checkSchedules(ctx: StepContext, keys: ScheduledProcessKey[], ownsLoadSync: boolean): Promise<CheckOutcome> {
  const { states, loadSync, job } = await readSchedules(ctx, keys);
  const checks: SubCheck[] = [];
  const refusals: Refusal[] = [];
  const lsName = PROCESSES.loadAndSynchronizeExternalCourseData.name;
  const orders = keys.includes('loadAndSynchronizeExternalCourseData');
  const start = loadSyncStart(ctx, loadSync);
  let missingIds = 0;
  let unscheduled = 0;
  let duplicated = 0;
  let unclear = 0;
  let unreadable = 0;
  if (!orders) {
    if (loadSync.refusal) checks.push(refused('load-sync', lsName, loadSync.refusal, l10n.t('The order of the processes cannot be checked.')));
    else if (!loadSync.id) checks.push(warn('load-sync', lsName, l10n.t('Its job definition id is unknown, so the order cannot be checked.'), 'inferred'));
    else if (loadSync.undetermined && ownsLoadSync) {
      unclear++;
      checks.push(
        fail(
          'load-sync',
          lsName,
          l10n.t('Cannot tell whether it already has a daily schedule: {0}. Apply submits nothing for it nor for the processes that run after it: in {1}, search "{2}" and check for a recurring request, then re-check.', loadSync.undetermined, SCHEDULED_PROCESSES_NAV, lsName),
          'inferred',
        ),
      );
    } else if (loadSync.undetermined) checks.push(warn('load-sync', lsName, l10n.t('Cannot tell whether it is scheduled: {0}.', loadSync.undetermined), loadSync.idBasis));
    else if (!loadSync.schedule && !ownsLoadSync) checks.push(warn('load-sync', lsName, l10n.t('Has no daily schedule: Oracle asks to run the Learning processes after it.'), loadSync.idBasis));
    else if (!loadSync.schedule) {
      // Its schedule is part of this step: the processes that run after it need it.
      unscheduled++;
      checks.push(fail('load-sync', lsName, l10n.t('No daily schedule for {0}: Oracle asks to run the Learning processes after it, so apply schedules it first.', loadSync.id), weakestBasis([loadSync.idBasis, 'documented'])!));
    } else
      checks.push(
        pass(
          'load-sync',
          lsName,
          l10n.t('Scheduled daily (request {0}{1}).', loadSync.schedule.requestId, start.minutes !== undefined ? `, ${fmt(start.minutes)} UTC${start.from === 'plan' ? ' per the plan' : ''}` : ', start time not shown'),
          weakestBasis([loadSync.idBasis, loadSync.recognisedBy === 'requestType word' ? 'inferred' : 'documented'])!,
        ),
      );
  }
  for (const s of states) {
    const label = s.process.name;
    if (s.refusal) {
      unreadable++;
      refusals.push(s.refusal);
      checks.push(refused(s.process.key, label, s.refusal, l10n.t('Whether it has a daily schedule is unknown; apply submits nothing for it.')));
    } else if (!s.id) {
      missingIds++;
      checks.push(fail(s.process.key, label, l10n.t('Job definition id unknown. Oracle does not publish it: submit "{0}" once in Scheduled Processes, or set scheduledProcesses.{1} in the plan.', label, s.process.key), 'documented'));
    } else if (s.undetermined) {
      unclear++;
      checks.push(
        fail(
          s.process.key,
          label,
          l10n.t('Cannot tell whether "{0}" already has a daily schedule: {1}. Apply submits nothing for it (a second schedule would run it twice): in {2}, search "{3}" and check for a recurring request; cancel extras, or submit one, then re-check.', label, s.undetermined, SCHEDULED_PROCESSES_NAV, label),
          'inferred',
        ),
      );
    } else if (!s.schedule) {
      unscheduled++;
      const blocker = s.process.afterLoadSync ? orderBlocker(ctx, loadSync, ownsLoadSync) : undefined;
      checks.push(fail(s.process.key, label, blocker ? `No daily schedule for ${s.id}, and apply cannot submit one yet: ${blocker}.` : `No daily schedule for ${s.id}; apply submits a daily one.`, s.idBasis));
    } else {
      const at = startMinutes(s.schedule);
      const order = s.process.afterLoadSync && start.minutes !== undefined && at !== undefined && at <= start.minutes ? ` Starts before ${lsName}: move it later.` : '';
      const basis = weakestBasis([s.idBasis, s.recognisedBy === 'requestType word' ? 'inferred' : 'documented'])!;
      checks.push((order ? warn : pass)(s.process.key, label, `Daily schedule, request ${s.schedule.requestId} (${s.schedule.state}), recognised by its ${s.recognisedBy}.${order}`, basis));
      if (s.duplicates.length) {
        duplicated++;
        checks.push(
          fail(
            `${s.process.key}:duplicates`,
            l10n.t('{0}: one schedule', label),
            l10n.t('{0} daily schedules (requests {1}): the process would run {2} times a day. Apply cancels the newer ones submitted by the user it runs as; cancel others in Scheduled Processes.', s.duplicates.length + 1, [s.schedule, ...s.duplicates].map((r) => r.requestId).join(', '), s.duplicates.length + 1),
            basis,
          ),
        );
      }
    }
    if (s.process.key === 'bulkIngestToOscs' && s.id && !s.refusal) {
      const p = ctx.plan.ess.bulkIngestParameter ?? DEFAULT_BULK_INGEST_PARAMETER;
      checks.push(
        info(
          'bulk-ingest-parameter',
          l10n.t('Program Name parameter'),
          l10n.t('Submitted with {0} = "{1}" ({2}). Oracle documents the value (Program Name OLC-REST); the parameter name is inferred: set ess.bulkIngestParameter in the plan if your pod names it otherwise.', p.name, p.value, p.paramType),
          ctx.plan.ess.bulkIngestParameter ? 'documented' : 'inferred',
        ),
      );
    }
  }
  for (const key of Object.keys(job.source) as ScheduledProcessKey[]) {
    const from = job.source[key];
    if (from === 'discovered' || from === 'earlier' || from === 'probe')
      checks.push(
        info(
          `discovered:${key}`,
          l10n.t('Discovered id'),
          l10n.t('{0}: {1} ({2}; add it to the plan to pin it).', PROCESSES[key].name, job.ids[key] ?? '', from === 'probe' ? 'confirmed by oli probe' : 'from a request submitted in the pod'),
          idBasisOf(job.ids[key], from),
        ),
      );
  }
  const evidence: Record<string, unknown> = Object.fromEntries([loadSync, ...states].map((s) => [s.process.key, { jobDefinitionId: s.id ?? null, requestId: s.schedule?.requestId ?? null }]));
  Object.assign(evidence, refusalEvidence(refusals) ?? {});
  if (missingIds) return { status: 'needs-action', detail: l10n.t('{0} process(es) without a known job definition id; see the checks.', missingIds), checks, evidence };
  if (unclear) return { status: 'needs-action', detail: l10n.t('Cannot tell whether {0} process(es) already have a daily schedule, so apply submits nothing for them: check in Scheduled Processes (see the checks).', unclear), checks, evidence };
  if (unscheduled) return { status: 'needs-action', detail: l10n.t('{0} process(es) without a daily schedule; apply submits them{1}.', unscheduled, orders ? '' : ', each after Load and Synchronize External Course Data where Oracle asks'), checks, evidence };
  if (duplicated) return { status: 'needs-action', detail: l10n.t('{0} process(es) scheduled more than once; apply cancels the newer duplicates.', duplicated), checks, evidence };
  if (unreadable) return { status: 'unknown', detail: l10n.t('{0} process(es) could not be read: {1}', unreadable, refusals[0]!.message), checks, evidence };
  return {
    status: 'done',
    detail: l10n.t('{0} process(es) scheduled daily{1}.', states.length, start.minutes !== undefined && states.some((s) => s.process.afterLoadSync) ? ' after Load and Synchronize External Course Data' : ''),
    checks,
    evidence,
  };
}

export function fmt(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function nextStart(minutes: number, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 0, minutes));
  while (d <= now) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

/** The schedule body: the plan's shape (`ess.schedule`, with "{startTime}" replaced) or ours [INF]. */
function scheduleBody(ctx: StepContext, startTime: string): EssSchedule {
  const template = ctx.plan.ess.schedule;
  if (!template) return { frequency: 'DAILY', interval: 1, startTime };
  const fill = (v: unknown): unknown =>
    typeof v === 'string' ? v.split('{startTime}').join(startTime) : Array.isArray(v) ? v.map(fill) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)])) : v;
  return fill(template) as EssSchedule;
}

async function submitDaily(ctx: StepContext, s: ProcessState, minutes: number, leftToAdmin: string[]): Promise<EssRequest | undefined> {
  const startTime = nextStart(minutes);
  const parameter = s.process.key === 'bulkIngestToOscs' ? (ctx.plan.ess.bulkIngestParameter ?? DEFAULT_BULK_INGEST_PARAMETER) : undefined;
  const body = {
    jobDefinitionId: s.id!,
    application: ctx.plan.ess.application,
    ...(ctx.plan.ess.product ? { product: ctx.plan.ess.product } : {}),
    schedule: scheduleBody(ctx, startTime),
    ...(parameter ? { requestParameters: [{ name: parameter.name, paramType: parameter.paramType, value: parameter.value }] } : {}),
  };
  const startedAt = Date.now();
  const mine = await ctx.change({ method: 'POST', url: ESS_REQUESTS_PATH, body, why: `schedule "${s.process.name}" daily at ${fmt(minutes)} UTC${parameter ? ` (${parameter.name} = ${parameter.value})` : ''}` }, () =>
    submitEssRequest(ctx.client, body, { signal: ctx.signal, words: essWords(ctx) }),
  );
  if (mine) leftToAdmin.push(...(await settleConcurrentSubmissions(ctx, s.process, s.id!, mine, startedAt)));
  return mine;
}

async function applySchedules(ctx: StepContext, keys: ScheduledProcessKey[], firstOffset: number, ownsLoadSync: boolean): Promise<void> {
  const { states, loadSync } = await readSchedules(ctx, keys);
  const orders = keys.includes('loadAndSynchronizeExternalCourseData');
  /** Duplicates the tool may not cancel (other users'): reported once every process was handled. */
  const leftToAdmin: string[] = [];
  // Oracle's order: the Learning processes run after Load and Synchronize External Course Data. When
  // this step owns that schedule and it is missing, it is submitted first, at the plan's start time.
  let base = loadSyncStart(ctx, loadSync).minutes;
  if (ownsLoadSync && !orders && loadSync.id && !loadSync.refusal && !loadSync.undetermined && !loadSync.schedule) {
    base = hhmmMinutes(ctx.plan.ess.startTime);
    const submitted = await submitDaily(ctx, loadSync, base, leftToAdmin);
    if (!submitted && !ctx.dryRun) base = undefined;
  }
  let offset = firstOffset;
  for (const s of states) {
    offset += 30;
    // Nothing is submitted where the pod could not be read or cannot tell: a wrong guess would
    // schedule the process twice. The re-check says why and what to check.
    if (!s.id || s.refusal || s.undetermined) continue;
    if (s.schedule) {
      if (s.duplicates.length) leftToAdmin.push(...(await cancelDuplicates(ctx, s.process, s.schedule, s.duplicates)));
      continue;
    }
    if (s.process.afterLoadSync && (base === undefined || orderBlocker(ctx, loadSync, true))) continue;
    const minutes = (base ?? hhmmMinutes(ctx.plan.ess.startTime)) + (base !== undefined ? offset : offset - 30);
    await submitDaily(ctx, s, minutes, leftToAdmin);
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
    const words = essWords(ctx);
    active = (await readProcessRequests(ctx, jobDefinitionId)).requests
      .filter((r) => isActiveRequest(r) && (requestKind(r, words) === 'schedule' || r.requestId === mine.requestId))
      .sort((a, b) => a.requestId - b.requestId);
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
const RECONCILE: ScheduledProcessKey[] = ['reconcileUserGroups'];

export const scheduledProcesses: StepBehaviour = {
  check: (ctx) => checkSchedules(ctx, ctx.profile.provider.family === 'aicc' ? ['loadAndSynchronizeExternalCourseData'] : STEP10, true),
  apply: (ctx) => applySchedules(ctx, ctx.profile.provider.family === 'aicc' ? ['loadAndSynchronizeExternalCourseData'] : STEP10, 0, true),
};

export const reconcileUserGroups: StepBehaviour = {
  async check(ctx) {
    if (ctx.plan.visibility !== 'private') return { status: 'not-applicable', detail: l10n.t('Visibility is public: Reconcile User Groups is only needed for private visibility.'), checks: [] };
    return checkSchedules(ctx, RECONCILE, false);
  },
  async apply(ctx) {
    if (ctx.plan.visibility !== 'private') return;
    await applySchedules(ctx, RECONCILE, STEP10.length * 30, false);
  },
};
