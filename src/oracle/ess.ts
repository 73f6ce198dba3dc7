/**
 * ESS scheduler REST (`/ess/rest/scheduler/v1/requests`, Fusion 23B+) [DOC]: submit (never
 * blindly retried), read, query and wait for a request. The Learning job definition ids are not
 * public [GAP]: callers pass them in (configured or discovered), this module never invents them.
 */
import * as z from 'zod';
import type { OracleClient } from './client';
import { OracleError } from './errors';
import { essEq } from './filters';
import { numberLike, opt } from './schemaUtil';

export const ESS_REQUESTS_PATH = '/ess/rest/scheduler/v1/requests';

export type EssRequest = {
  requestId: number;
  jobDefinitionId: string;
  state: string;
  stateDescription?: string;
  cause?: string;
  requestType?: string;
  scheduleDefinition?: unknown;
  submissionTime?: string;
  application?: string;
  product?: string;
  /** User who submitted the request. */
  submitter?: string;
  // parentRequestId, scheduledTime, processStartTime, processEndTime: listed among the queryable fields of Oracle's
  // "Query job requests" (https://docs.oracle.com/en/cloud/saas/applications-common/23d/farca/op-ess-rest-scheduler-v1-query-application-requests-get.html),
  // not in the project's Oracle reference, whose ESS list ends with "...": a pod may omit them (all optional).
  /** The parent of a child request (a run of a schedule, a job set step) [DOC: a queryable field of "Query job requests"]. */
  parentRequestId?: number;
  /** When the run is (or was) scheduled to start [DOC queryable field `scheduledTime`; `requestedStartTime` read as a fallback]. */
  scheduledTime?: string;
  /** When processing started [DOC queryable field `processStartTime`; `processStart` read too]. */
  processStart?: string;
  /** When processing ended [DOC queryable field `processEndTime`; `completedTime`, `processEnd` read too]. */
  processEnd?: string;
  /** Whether the answer carried a schedule at all: `present` (an object), `null`, or `absent` (no such field). */
  scheduleField: 'present' | 'null' | 'absent';
};

/**
 * The schedule of a submission. Oracle's page describes it in a nested schema this product does
 * not reproduce: the shape below is ours [INF] and the plan can override it (`ess.schedule`).
 */
export type EssSchedule = Record<string, unknown>;

/** States after which a request no longer changes by itself. */
export const ESS_TERMINAL_STATES: readonly string[] = Object.freeze([
  'SUCCEEDED',
  'WARNING',
  'ERROR',
  'CANCELLED',
  'EXPIRED',
  'VALIDATION_FAILED',
  'SCHEDULE_ENDED',
  'FINISHED',
  'ERROR_MANUAL_RECOVERY',
]);

const essRequestBase = () => z.looseObject({
  requestId: opt(numberLike),
  id: opt(numberLike),
  jobDefinitionId: z.string().min(1),
  state: z.string().min(1),
  stateDescription: opt(z.string()),
  cause: opt(z.string()),
  requestType: opt(z.string()),
  scheduleDefinition: z.unknown().optional(),
  schedule: z.unknown().optional(),
  submissionTime: opt(z.string()),
  application: opt(z.string()),
  product: opt(z.string()),
  submitter: opt(z.string()),
  parentRequestId: opt(numberLike),
  absParentRequestId: opt(numberLike),
  scheduledTime: opt(z.string()),
  requestedStartTime: opt(z.string()),
  processStartTime: opt(z.string()),
  processStart: opt(z.string()),
  processEndTime: opt(z.string()),
  processEnd: opt(z.string()),
  completedTime: opt(z.string()),
});

/** An ESS request as returned by GET (and by the submit response when complete). */
export const essRequestSchema: z.ZodType<EssRequest> = z.lazy(() => essRequestBase()
  .refine((r) => r.requestId !== undefined || r.id !== undefined, { message: 'requestId or id is required', path: ['requestId'] })
  .transform((r) => {
    const { id, schedule, absParentRequestId, requestedStartTime, processStartTime, processEndTime, completedTime, ...rest } = r;
    const hasDef = 'scheduleDefinition' in r;
    const hasSchedule = 'schedule' in r;
    const def = r.scheduleDefinition ?? schedule;
    const scheduleField: EssRequest['scheduleField'] =
      def !== undefined && def !== null && (typeof def !== 'string' || def.trim() !== '') ? 'present' : hasDef || hasSchedule ? 'null' : 'absent';
    const requestId = (r.requestId ?? id) as number;
    const out: EssRequest = { ...rest, requestId, scheduleField };
    if (def !== undefined && def !== null) out.scheduleDefinition = def;
    else delete out.scheduleDefinition;
    // A child names its parent; an absolute parent other than itself says the same [DOC: absParentRequestId].
    const parent = r.parentRequestId ?? (absParentRequestId !== undefined && absParentRequestId !== requestId ? absParentRequestId : undefined);
    if (parent !== undefined && parent > 0) out.parentRequestId = parent;
    else delete out.parentRequestId;
    const scheduled = r.scheduledTime ?? requestedStartTime;
    const started = processStartTime ?? r.processStart;
    const ended = processEndTime ?? completedTime ?? r.processEnd;
    for (const [k, v] of [['scheduledTime', scheduled], ['processStart', started], ['processEnd', ended]] as const) {
      if (v) out[k] = v;
      else delete out[k];
    }
    return out;
  }));

/** The submit response carries at least the id. */
const submitResponseSchema = z.lazy(() => z
  .looseObject({ requestId: opt(numberLike), id: opt(numberLike) })
  .refine((r) => r.requestId !== undefined || r.id !== undefined, { message: 'requestId or id is required', path: ['requestId'] }));

type Signal = { signal?: AbortSignal };

function sig(o?: Signal): Signal {
  return o?.signal ? { signal: o.signal } : {};
}

// ---------------------------------------------------------------- telling a schedule from a one-off

/**
 * `requestType` words. Oracle does not publish the REST values [GAP]; these come from the ESS Java
 * API's enum (RECUR_PARENT, SINGLETON, ...) and from what pods were seen to answer [INF]. A word
 * learnt by `oli probe` on a pod is added to these through `EssWords`.
 */
export const RECURRING_WORDS: readonly string[] = ['RECURRING', 'RECUR_PARENT', 'RECURRING_PARENT'];
export const ONE_OFF_WORDS: readonly string[] = ['ONCE', 'SINGLETON', 'ONE_TIME', 'ONETIME'];
export const CHILD_WORDS: readonly string[] = ['RECUR_CHILD', 'RECURRING_CHILD', 'SUBREQUEST', 'SUB_REQUEST', 'JOBSET_STEP'];

export interface EssWords {
  recurring?: readonly string[];
  oneOff?: readonly string[];
}

export type RequestKind = 'schedule' | 'one-off' | 'child' | 'undetermined';

/**
 * What a request is, from what it has: a schedule (a schedule or schedule definition, or a
 * recurring word), a one-off (the schedule field present and empty, or a one-off word), a child
 * run of a schedule (a parent request, or a child word: never a schedule of its own), or
 * undetermined (no schedule field and no word we know): then nobody can tell.
 */
export function requestKind(r: EssRequest, words: EssWords = {}): RequestKind {
  const type = (r.requestType ?? '').trim().toUpperCase();
  if ((r.parentRequestId !== undefined && r.parentRequestId > 0) || CHILD_WORDS.includes(type)) return 'child';
  if (r.scheduleField === 'present') return 'schedule';
  const recurring = [...RECURRING_WORDS, ...(words.recurring ?? []).map((w) => w.toUpperCase())];
  const oneOff = [...ONE_OFF_WORDS, ...(words.oneOff ?? []).map((w) => w.toUpperCase())];
  if (type && recurring.includes(type)) return 'schedule';
  if (type && oneOff.includes(type)) return 'one-off';
  if (r.scheduleField === 'null') return 'one-off';
  return 'undetermined';
}

/** Whether a request still does something (not finished, not cancelled or being cancelled). */
export function isActiveRequest(r: EssRequest): boolean {
  const s = r.state.toUpperCase();
  return !ESS_TERMINAL_STATES.includes(s) && s !== 'CANCELLING';
}

export interface SubmitEssInput {
  jobDefinitionId: string;
  application: string;
  product?: string;
  schedule?: EssSchedule;
  requestParameters?: { name: string; paramType?: string; value: string }[];
}

/** Clock skew tolerated when recognising our own submission after an unknown outcome. */
const SUBMIT_RECHECK_SKEW_MS = 2 * 60_000;

/**
 * Submits a request. Never retried blindly: when the outcome is unknown (connection lost,
 * timeout, 502/504), the requests of that job definition submitted since the call started are
 * queried and the newest one is returned; if none is found, the original error is thrown (nothing
 * was submitted, it is safe to submit again).
 */
export async function submitEssRequest(c: OracleClient, input: SubmitEssInput, o?: Signal & { words?: EssWords }): Promise<EssRequest> {
  const startedAt = Date.now();
  const body: Record<string, unknown> = { jobDefinitionId: input.jobDefinitionId, application: input.application };
  if (input.product !== undefined) body.product = input.product;
  if (input.schedule) body.schedule = input.schedule;
  if (input.requestParameters?.length) body.requestParameters = input.requestParameters;
  let submitted: z.infer<typeof submitResponseSchema> | undefined;
  try {
    submitted = await c.send('POST', ESS_REQUESTS_PATH, { body, schema: submitResponseSchema, ...sig(o) });
  } catch (e) {
    if (!(e instanceof OracleError) || !e.outcomeUnknown) throw e;
    const found = await findOwnSubmission(c, input, startedAt, o);
    if (found) return found;
    throw new OracleError({
      reason: e.reason,
      method: e.method,
      path: e.path,
      ...(e.status !== undefined && { status: e.status }),
      detail: `${e.detail ?? e.reason}; no request for ${input.jobDefinitionId} was found since the submission started, so it was not submitted`,
      retryable: true,
      hint: 'submit it again',
    });
  }
  if (!submitted) {
    throw new OracleError({ reason: 'invalid-response', method: 'POST', path: ESS_REQUESTS_PATH, detail: 'the submit response has no body', hint: 'check Scheduled Processes for the request, then run again' });
  }
  const full = essRequestSchema.safeParse(submitted);
  if (full.success) return full.data;
  return getEssRequest(c, Number(submitted.requestId ?? submitted.id), o);
}

async function findOwnSubmission(c: OracleClient, input: SubmitEssInput, startedAt: number, o?: Signal & { words?: EssWords }): Promise<EssRequest | undefined> {
  const candidates = await queryEssRequests(c, { jobDefinitionId: input.jobDefinitionId }, o);
  const since = startedAt - SUBMIT_RECHECK_SKEW_MS;
  const wanted: RequestKind = input.schedule ? 'schedule' : 'one-off';
  const recent = candidates.filter((r) => {
    const t = r.submissionTime ? Date.parse(r.submissionTime) : Number.NaN;
    if (Number.isNaN(t) || t < since) return false;
    const kind = requestKind(r, o?.words);
    return kind === wanted || kind === 'undetermined';
  });
  recent.sort((a, b) => Date.parse(b.submissionTime!) - Date.parse(a.submissionTime!) || b.requestId - a.requestId);
  return recent[0];
}

/** States of a request that is cancelled or on its way there (Oracle: best-effort cancel of a running request). */
const CANCELLED_STATES = ['CANCELLED', 'CANCELLING'];

/**
 * Cancels a request (`POST /ess/rest/scheduler/v1/requests/{requestId}/cancel` [DOC, "Cancel an
 * ongoing request"]; a recurring parent cascades to its children). Safe to repeat: when Oracle
 * answers 400 (unsupported state) because the request is already cancelled or finished, the
 * request is read back and the call succeeds if it is cancelled, cancelling or otherwise over.
 */
export async function cancelEssRequest(c: OracleClient, id: number, o?: Signal): Promise<EssRequest | undefined> {
  try {
    await c.send('POST', `${ESS_REQUESTS_PATH}/${encodeURIComponent(String(id))}/cancel`, { idempotent: true, ...sig(o) });
    return undefined;
  } catch (e) {
    if (!(e instanceof OracleError) || e.status !== 400) throw e;
    const now = await getEssRequest(c, id, o);
    const state = now.state.toUpperCase();
    if (CANCELLED_STATES.includes(state) || ESS_TERMINAL_STATES.includes(state)) return now;
    throw e;
  }
}

/** A request with all its fields (`fields=@full`). */
export async function getEssRequest(c: OracleClient, id: number, o?: Signal): Promise<EssRequest> {
  return c.get(`${ESS_REQUESTS_PATH}/${encodeURIComponent(String(id))}`, essRequestSchema, { query: { fields: '@full' }, ...sig(o) });
}

/** The ESS collection answer: items and, when the pod says so, whether more exist than it returned. */
const essCollectionSchema = z.lazy(() => z.looseObject({ items: z.array(z.unknown()), hasMore: z.boolean().optional(), count: z.number().optional() }));

export interface EssQueryFilter {
  jobDefinitionId?: string;
  state?: string;
  /** Only when a pod was seen to accept it (`oli probe`): Oracle does not publish the words [GAP]. */
  requestType?: string;
}

export interface EssPage {
  items: EssRequest[];
  /** True when the pod says more requests match than it returned (one page only: no documented paging parameter is sent). */
  hasMore: boolean;
}

/**
 * Requests matching all given attributes: one GET with only documented query parameters
 * [DOC "Query job requests": q (SCIM filter syntax), fields, excludeFields, orderBy, id]. No
 * `limit`/`offset`: they are not listed for this endpoint, so the pod's own page is all one gets,
 * and `hasMore` says whether it was the whole answer.
 */
export async function queryEssPage(c: OracleClient, filter: EssQueryFilter, o?: Signal & { orderBy?: string; fields?: string }): Promise<EssPage> {
  const clauses: string[] = [];
  if (filter.jobDefinitionId !== undefined) clauses.push(essEq('jobDefinitionId', filter.jobDefinitionId));
  if (filter.state !== undefined) clauses.push(essEq('state', filter.state));
  if (filter.requestType !== undefined) clauses.push(essEq('requestType', filter.requestType));
  const query: Record<string, string> = {};
  if (clauses.length) query.q = clauses.join(' and ');
  if (o?.orderBy) query.orderBy = o.orderBy;
  if (o?.fields) query.fields = o.fields;
  const page = await c.get(ESS_REQUESTS_PATH, essCollectionSchema, { query, ...sig(o) });
  const items = page.items.map((item, i) => {
    const r = essRequestSchema.safeParse(item);
    if (r.success) return r.data;
    throw new OracleError({
      reason: 'invalid-response',
      method: 'GET',
      path: ESS_REQUESTS_PATH,
      detail: `items[${i}]: ${r.error.issues
        .slice(0, 2)
        .map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`)
        .join('; ')}`,
      hint: 'the pod answered in a shape we did not expect: run `oli probe` and report the sample',
    });
  });
  return { items, hasMore: page.hasMore === true };
}

/** The requests of one page matching the filter (see queryEssPage). */
export async function queryEssRequests(c: OracleClient, filter: EssQueryFilter, o?: Signal & { maxItems?: number }): Promise<EssRequest[]> {
  const { items } = await queryEssPage(c, filter, o);
  return o?.maxItems !== undefined ? items.slice(0, o.maxItems) : items;
}

export interface WaitForEssOptions {
  /** Poll interval, default 5000 ms. */
  pollMs?: number;
  /** Give up after, default 30 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called when the state changes (and once with the first state seen). */
  onState?: (r: EssRequest) => void;
  /** Test hook: the sleep between polls. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls a request until it reaches a terminal state (a recurring parent request stays in WAIT: do not wait for it). */
export async function waitForEssRequest(c: OracleClient, id: number, o: WaitForEssOptions = {}): Promise<EssRequest> {
  const pollMs = o.pollMs ?? 5000;
  const timeoutMs = o.timeoutMs ?? 30 * 60_000;
  const deadline = Date.now() + timeoutMs;
  const pause = o.sleep ?? sleep;
  const path = `${ESS_REQUESTS_PATH}/${id}`;
  let last: string | undefined;
  for (;;) {
    const r = await getEssRequest(c, id, o);
    if (r.state !== last) {
      last = r.state;
      o.onState?.(r);
    }
    if (ESS_TERMINAL_STATES.includes(r.state.toUpperCase())) return r;
    if (Date.now() + pollMs > deadline) {
      throw new OracleError({
        reason: 'timeout',
        method: 'GET',
        path,
        detail: `request ${id} is still ${r.state} after ${Math.round(timeoutMs / 1000)} s`,
        retryable: true,
        hint: 'check the request in Scheduled Processes, or wait longer',
      });
    }
    try {
      await pause(pollMs, o.signal);
    } catch {
      throw new OracleError({ reason: 'cancelled', method: 'GET', path });
    }
  }
}
