import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { baseUrl } from './adfQuery';
import { iso, type SandboxContext } from './context';
import { SandboxHttpError } from './errors';
import { deactivateDueItems } from './learning';
import type { EssOutcomeRule, EssRequest, EssSchedule } from './model';
import { FilterSyntaxError, allowed, evaluateFilter, parseFilter, plainResolver } from './scimFilter';
import { ESS_STRICT_MAX_ITEMS } from './variants';
import { processStatements } from './xapi';

export const ESS_ROOT = '/ess/rest/scheduler/v1';
const STANDIN = 'JobDefinition://oracle/apps/ess/hcm/learning/sandbox-standin';

/** Stand-in job definition ids: Oracle does not publish the Learning processes' ids. */
export const STANDIN_JOB_DEFINITIONS = {
  loadSyncExternalCourseData: `${STANDIN}/LoadSyncExternalCourseData`,
  olcRestBulkIngestOscs: `${STANDIN}/OlcRestBulkIngestOscs`,
  processLearningExperienceStatements: `${STANDIN}/ProcessLearningExperienceStatements`,
  processCatalogItemDeactivationsDeletions: `${STANDIN}/ProcessCatalogItemDeactivationsDeletions`,
  reconcileUserGroups: `${STANDIN}/ReconcileUserGroups`,
} as const;

const KNOWN_JOBS = new Set<string>(Object.values(STANDIN_JOB_DEFINITIONS));

/** What a job does when its run completes (evaluated lazily from the clock). */
const EFFECTS: Record<string, (ctx: SandboxContext, at: number) => void> = {
  [STANDIN_JOB_DEFINITIONS.processLearningExperienceStatements]: processStatements,
  [STANDIN_JOB_DEFINITIONS.processCatalogItemDeactivationsDeletions]: deactivateDueItems,
};

export type EssState = 'WAIT' | 'RUNNING' | 'SUCCEEDED' | 'WARNING' | 'ERROR' | 'CANCELLED' | 'HOLD';
const DESCRIPTIONS: Record<EssState, string> = { WAIT: 'Wait', RUNNING: 'Running', SUCCEEDED: 'Succeeded', WARNING: 'Warning', ERROR: 'Error', CANCELLED: 'Cancelled', HOLD: 'Hold' };

/** The bulk-ingest process's documented input: "Program Name is OLC-REST" (the seed procedure's step 10). */
export const BULK_INGEST_PROGRAM = 'OLC-REST';
/** The parameter name the sandbox documents for it [INF]: Oracle does not publish the name. */
export const BULK_INGEST_PARAMETER = 'submit.argument1';

/** Why a run fails, or null: the bulk-ingest job needs a parameter whose value is OLC-REST (any name accepted). */
function runError(r: EssRequest): string | null {
  if (r.jobDefinitionId !== STANDIN_JOB_DEFINITIONS.olcRestBulkIngestOscs) return null;
  if (r.requestParameters.some((p) => (p.value ?? '').trim().toUpperCase() === BULK_INGEST_PROGRAM)) return null;
  return `Error: the process needs its Program Name parameter (value ${BULK_INGEST_PROGRAM}); submit it with requestParameters [{"name":"${BULK_INGEST_PARAMETER}","paramType":"STRING","value":"${BULK_INGEST_PROGRAM}"}] (any parameter name whose value is ${BULK_INGEST_PROGRAM} is accepted here).`;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Runs generated per schedule at most: older occurrences are not emulated. */
export const ESS_MAX_GENERATED_RUNS = 60;

/** Period of a schedule in ms, or null for a frequency the sandbox does not emulate (no runs are generated). */
export function schedulePeriodMs(s: EssSchedule): number | null {
  const n = Math.max(1, s.interval);
  switch (s.frequency.toUpperCase()) {
    case 'MINUTELY':
      return n * MINUTE;
    case 'HOURLY':
      return n * 60 * MINUTE;
    case 'DAILY':
      return n * DAY;
    case 'WEEKLY':
      return n * 7 * DAY;
    default:
      return null;
  }
}

/**
 * First occurrence of a schedule: its start time, even in the past (ESS's `executePast` defaults to
 * true [DOC farca "Submit a new job request"]: instances from the requested start time are
 * generated), else the submission.
 */
function firstOccurrence(r: EssRequest): number {
  const t = r.schedule?.startTime ? Date.parse(r.schedule.startTime) : Number.NaN;
  return Number.isFinite(t) ? t : r.submittedAt;
}

/** When a run is due to start: a child run at its scheduled time, a one-off at its submission. */
function startOf(r: EssRequest): number {
  return (r.scheduledAt ?? r.submittedAt) + r.heldMs;
}

/** Ms after which a run completes (WAIT and RUNNING last essStepMs each). */
function effectAt(r: EssRequest, stepMs: number): number {
  return startOf(r) + 2 * stepMs;
}

/** The outcome rule a run falls under (the last one added wins), from the test hook. */
function outcomeRule(ctx: SandboxContext, r: EssRequest): EssOutcomeRule | undefined {
  if (r.schedule) return undefined;
  const t = startOf(r);
  return ctx.tenant.essOutcomes.filter((o) => o.jobDefinitionId === r.jobDefinitionId && t >= o.from && t < o.until).at(-1);
}

export interface EssRunState {
  state: EssState;
  processStart: number | null;
  processEnd: number | null;
  /** stateDescription when it says more than the state's name. */
  description: string | null;
  cause: string | null;
}

/**
 * A request's state from the clock: a schedule (recurring parent) waits until cancelled; a run
 * (one-off or child of a schedule) waits essStepMs, runs essStepMs, then ends as its outcome rule
 * says (SUCCEEDED by default; ERROR for a bulk ingest without its Program Name); under a WAIT rule
 * it never starts.
 */
export function essState(ctx: SandboxContext, r: EssRequest, now: number = ctx.now()): EssRunState {
  const none = { processStart: null, processEnd: null, description: null, cause: null };
  if (r.cancelledAt !== null) return { ...none, state: 'CANCELLED', cause: 'OPERATOR_CANCEL' };
  if (r.heldAt !== null) return { ...none, state: 'HOLD' };
  if (r.schedule) return { ...none, state: 'WAIT' };
  const step = ctx.essStepMs;
  const end = effectAt(r, step);
  const begin = end - step;
  if (now < begin) return { ...none, state: 'WAIT' };
  const rule = outcomeRule(ctx, r);
  if (rule?.state === 'WAIT') return { ...none, state: 'WAIT', description: rule.description ?? 'Wait: the request is blocked (sandbox outcome rule).' };
  if (now < end) return { ...none, state: 'RUNNING', processStart: begin };
  const error = runError(r);
  if (error) return { state: 'ERROR', processStart: begin, processEnd: end, description: error, cause: 'PROCESS_ERROR' };
  if (rule?.state === 'ERROR') return { state: 'ERROR', processStart: begin, processEnd: end, description: rule.description ?? 'Error: the process ended in error (sandbox outcome rule).', cause: 'PROCESS_ERROR' };
  if (rule?.state === 'WARNING') return { state: 'WARNING', processStart: begin, processEnd: end, description: rule.description ?? 'Warning: the process ended with warnings (sandbox outcome rule).', cause: 'PROCESS_WARNING' };
  return { state: 'SUCCEEDED', processStart: begin, processEnd: end, description: null, cause: null };
}

/**
 * Generates the child runs of every active schedule up to now, plus its next run ahead of time (a
 * waiting child whose scheduledTime says when the process runs next), at most
 * ESS_MAX_GENERATED_RUNS per schedule, in time order (so request ids follow time).
 */
function generateRuns(ctx: SandboxContext, now: number): void {
  const due: { parent: EssRequest; at: number }[] = [];
  for (const p of ctx.tenant.essRequests.values()) {
    if (!p.schedule || p.cancelledAt !== null || p.heldAt !== null) continue;
    const period = schedulePeriodMs(p.schedule);
    if (period === null) continue;
    const first = firstOccurrence(p);
    const next = now < first ? 0 : Math.floor((now - first) / period) + 1;
    let k = p.generatedUntil === null ? 0 : Math.round((p.generatedUntil - first) / period) + 1;
    k = Math.max(k, next - ESS_MAX_GENERATED_RUNS + 1);
    for (; k <= next; k++) due.push({ parent: p, at: first + k * period });
  }
  due.sort((a, b) => a.at - b.at || a.parent.requestId - b.parent.requestId);
  for (const { parent, at } of due) {
    const child: EssRequest = {
      requestId: ctx.tenant.next('requestId'),
      jobDefinitionId: parent.jobDefinitionId,
      application: parent.application,
      product: parent.product,
      schedule: null,
      requestParameters: parent.requestParameters.map((x) => ({ ...x })),
      submitter: parent.submitter,
      submittedAt: Math.max(parent.submittedAt, Math.min(at, now)),
      cancelledAt: null,
      heldAt: null,
      heldMs: 0,
      effectApplied: false,
      parentRequestId: parent.requestId,
      scheduledAt: at,
      generatedUntil: null,
    };
    ctx.tenant.essRequests.set(child.requestId, child);
    parent.generatedUntil = at;
    ctx.changed();
  }
}

/** Generates due runs of schedules, then applies the effects of every run that has completed by now, in completion order. */
export function advanceEss(ctx: SandboxContext): void {
  const now = ctx.now();
  generateRuns(ctx, now);
  const due = [...ctx.tenant.essRequests.values()]
    .filter((r) => !r.effectApplied && !r.schedule && r.cancelledAt === null && r.heldAt === null && effectAt(r, ctx.essStepMs) <= now)
    .sort((a, b) => effectAt(a, ctx.essStepMs) - effectAt(b, ctx.essStepMs));
  for (const r of due) {
    const at = effectAt(r, ctx.essStepMs);
    const { state } = essState(ctx, r, at);
    if (state === 'WAIT') continue; // blocked: it never ran
    r.effectApplied = true;
    if (state === 'SUCCEEDED' || state === 'WARNING') EFFECTS[r.jobDefinitionId]?.(ctx, at);
    ctx.changed();
  }
}

export const EssSubmitBody = z.object({
  jobDefinitionId: z.string().min(1),
  application: z.string().default('EarHcmEss'),
  product: z.string().default('HCM'),
  schedule: z.object({ frequency: z.string().min(1), interval: z.number().int().min(1).default(1), startTime: z.string().optional() }).optional(),
  requestParameters: z.array(z.object({ name: z.string().min(1), paramType: z.string().optional(), value: z.string().optional() })).default([]),
});

function essBadRequest(detail: string, code = 'ESS-01004'): SandboxHttpError {
  return new SandboxHttpError(400, detail, { code });
}

/** Submits a request (the REST API or the Scheduled Processes hook). */
export function submitEss(ctx: SandboxContext, body: unknown, submitter: string): EssRequest {
  const parsed = EssSubmitBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw essBadRequest(`Invalid request body at '${issue.path.join('.')}': ${issue.message}.`);
  }
  const b = parsed.data;
  if (!KNOWN_JOBS.has(b.jobDefinitionId)) {
    throw essBadRequest(`Job definition ${b.jobDefinitionId} was not found. Check the id in Scheduled Processes (the Learning job ids are not published by Oracle; configure them).`, 'ESS-01001');
  }
  const r: EssRequest = {
    requestId: ctx.tenant.next('requestId'),
    jobDefinitionId: b.jobDefinitionId,
    application: b.application,
    product: b.product,
    schedule: b.schedule ?? null,
    requestParameters: b.requestParameters,
    submitter,
    submittedAt: ctx.now(),
    cancelledAt: null,
    heldAt: null,
    heldMs: 0,
    effectApplied: false,
    parentRequestId: null,
    scheduledAt: null,
    generatedUntil: null,
  };
  ctx.tenant.essRequests.set(r.requestId, r);
  ctx.changed();
  return r;
}

/**
 * The request as the ESS REST API answers it; `requestParameters` only in the full form
 * (`fields=@full`). Time and parent fields carry the names Oracle documents as queryable
 * [DOC farca "Query job requests"]: scheduledTime, requestedStartTime, processStartTime,
 * processEndTime, completedTime, parentRequestId, absParentRequestId.
 */
export function essToJson(ctx: SandboxContext, r: EssRequest, base: string, full = true): Record<string, unknown> {
  const { state, processStart, processEnd, description, cause } = essState(ctx, r);
  const href = `${base}${ESS_ROOT}/requests/${r.requestId}`;
  const requestType = r.parentRequestId !== null ? ctx.variants.childRequestType() : ctx.variants.requestType(r.schedule !== null);
  return {
    requestId: r.requestId,
    id: r.requestId,
    jobDefinitionId: r.jobDefinitionId,
    application: r.application,
    product: r.product,
    state,
    stateDescription: description ?? DESCRIPTIONS[state],
    // `cause` is an enum in Oracle's schema [DOC]: NON_TERMINAL, OPERATOR_CANCEL, PROCESS_ERROR, PROCESS_WARNING, ...
    ...(cause ? { cause } : {}),
    ...(requestType !== undefined ? { requestType } : {}),
    scheduleDefinition: r.schedule,
    submitter: r.submitter,
    submissionTime: iso(r.submittedAt),
    ...(r.schedule ? (r.schedule.startTime ? { requestedStartTime: r.schedule.startTime } : {}) : { scheduledTime: iso(r.scheduledAt ?? r.submittedAt) }),
    ...(processStart !== null ? { processStartTime: iso(processStart) } : {}),
    ...(processEnd !== null ? { processEndTime: iso(processEnd), completedTime: iso(processEnd) } : {}),
    ...(r.parentRequestId !== null ? { parentRequestId: r.parentRequestId } : {}),
    absParentRequestId: r.parentRequestId ?? r.requestId,
    ...(full ? { requestParameters: r.requestParameters } : {}),
    links: [
      { rel: 'self', href },
      { rel: 'cancel', href: `${href}/cancel` },
      { rel: 'hold', href: `${href}/hold` },
      { rel: 'release', href: `${href}/release` },
    ],
  };
}

const QUERY_ATTRS = [
  'jobDefinitionId', 'state', 'requestType', 'scheduleDefinition', 'submissionTime', 'application', 'product', 'submitter', 'requestId',
  'scheduledTime', 'requestedStartTime', 'processStartTime', 'processEndTime', 'completedTime', 'parentRequestId', 'absParentRequestId',
];
/** Query parameters Oracle documents for GET /requests [DOC farca "Query job requests"]. */
const DOCUMENTED_QUERY_PARAMS = ['q', 'fields', 'excludeFields', 'orderBy', 'id'];
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const QueryParams = z.object({
  q: z.preprocess(first, z.string().optional()),
  limit: z.preprocess(first, z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1)).optional()),
  offset: z.preprocess(first, z.string().regex(/^\d+$/).transform(Number).optional()),
  fields: z.preprocess(first, z.string().optional()),
  excludeFields: z.preprocess(first, z.string().optional()),
  orderBy: z.preprocess(first, z.string().optional()),
  id: z.preprocess(first, z.string().regex(/^\d+$/).transform(Number).optional()),
});

/** `fields` / `excludeFields` lists; Oracle's examples quote them (`?fields="requestId"`). */
function fieldList(v: string | undefined): string[] | null {
  if (v === undefined) return null;
  return v.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);
}

/** Applies `fields` (`@full` = everything, requestParameters included) and `excludeFields`. */
function projectEss(ctx: SandboxContext, r: EssRequest, base: string, fields: string[] | null, exclude: string[] | null): Record<string, unknown> {
  const full = fields?.includes('@full') || fields?.some((f) => f.toLowerCase() === 'requestparameters') || false;
  let json = essToJson(ctx, r, base, full);
  if (fields && !fields.includes('@full')) {
    const want = new Set(fields.map((f) => f.toLowerCase()));
    json = Object.fromEntries(Object.entries(json).filter(([k]) => want.has(k.toLowerCase())));
  }
  if (exclude) {
    const drop = new Set(exclude.map((f) => f.toLowerCase()));
    json = Object.fromEntries(Object.entries(json).filter(([k]) => !drop.has(k.toLowerCase())));
  }
  return json;
}

/** Page size of the paged query variants (`/requests/search/{pageIndex}`, `/query/{application}/requests`) [INF]. */
export const ESS_SEARCH_PAGE_SIZE = 25;
const PAGED_QUERY_PARAMS = ['q', 'fields', 'excludeFields', 'orderBy'];

/** A paged query [DOC paths]: 1-based `pageIndex` [INF], ESS_SEARCH_PAGE_SIZE requests a page. */
interface Paged {
  pageIndex: number;
  application?: string;
}

function list(ctx: SandboxContext, request: FastifyRequest, paged?: Paged): Record<string, unknown> {
  const strict = ctx.variants.has('ess-strict-query') || paged !== undefined;
  const raw = { ...((request.query ?? {}) as Record<string, unknown>) };
  if (paged) delete raw.pageIndex;
  if (strict) {
    const documented = paged ? PAGED_QUERY_PARAMS : DOCUMENTED_QUERY_PARAMS;
    const refused = Object.keys(raw).filter((k) => !documented.includes(k));
    if (refused.length) {
      const more = paged ? `pages hold ${ESS_SEARCH_PAGE_SIZE} requests; ask for the next pageIndex` : `at most ${ESS_STRICT_MAX_ITEMS} requests are returned; narrow q to see others`;
      throw essBadRequest(`Query parameter '${refused[0]}' is not supported by this endpoint: use ${documented.join(', ')} (${more}).`);
    }
  }
  const parsed = QueryParams.safeParse(raw);
  if (!parsed.success) throw essBadRequest(`Invalid query parameter '${parsed.error.issues[0]!.path.join('.')}': use q, fields, excludeFields, orderBy, id${strict ? '' : ', limit (1-500), offset'}.`);
  const { q, id, orderBy } = parsed.data;
  const limit = paged ? ESS_SEARCH_PAGE_SIZE : strict ? ESS_STRICT_MAX_ITEMS : Math.min(parsed.data.limit ?? 25, 500);
  const offset = paged ? (paged.pageIndex - 1) * ESS_SEARCH_PAGE_SIZE : (parsed.data.offset ?? 0);
  const attrs = allowed(...QUERY_ATTRS.filter((a) => a !== 'requestType' || ctx.variants.requestType(true) !== undefined));
  let ast = null;
  try {
    ast = q ? parseFilter(q, attrs) : null;
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw essBadRequest(`Invalid q: ${err.message}. Example: q=jobDefinitionId eq "JobDefinition://..." and state eq "SUCCEEDED".`);
    throw err;
  }
  const base = baseUrl(request);
  let rows = [...ctx.tenant.essRequests.values()]
    .filter((r) => (id === undefined || r.requestId === id) && (paged?.application === undefined || r.application.toLowerCase() === paged.application.toLowerCase()))
    .sort((a, b) => b.requestId - a.requestId)
    .map((r) => ({ r, json: essToJson(ctx, r, base) }))
    .filter(({ json }) => !ast || evaluateFilter(ast, json, plainResolver));
  if (orderBy) rows = orderEss(rows, orderBy);
  const page = rows.slice(offset, offset + limit);
  const fields = fieldList(parsed.data.fields);
  const exclude = fieldList(parsed.data.excludeFields);
  const items = page.map(({ r }) => projectEss(ctx, r, base, fields, exclude));
  const hasMore = offset + items.length < rows.length;
  if (paged) return { items, count: items.length, hasMore, pageIndex: paged.pageIndex };
  return { items, count: items.length, hasMore, limit, offset };
}

function pageIndexOf(v: unknown): number {
  const s = String(Array.isArray(v) ? v[0] : (v ?? '1'));
  if (!/^\d+$/.test(s) || Number(s) < 1) throw essBadRequest(`Invalid pageIndex '${s}': pages are numbered from 1.`);
  return Number(s);
}

/** `orderBy=field[:asc|:desc]`; Oracle uses only the first field listed [DOC]. */
function orderEss<T extends { json: Record<string, unknown> }>(rows: T[], orderBy: string): T[] {
  const [field = '', dir = 'asc'] = orderBy.split(',')[0]!.trim().split(':');
  if (!QUERY_ATTRS.some((a) => a.toLowerCase() === field.toLowerCase()) || !/^(asc|desc)$/i.test(dir)) {
    throw essBadRequest(`Invalid orderBy '${orderBy}': use fieldName[:asc|:desc] with a queryable field.`);
  }
  const sign = dir.toLowerCase() === 'desc' ? -1 : 1;
  const get = (j: Record<string, unknown>): unknown => Object.entries(j).find(([k]) => k.toLowerCase() === field.toLowerCase())?.[1];
  return [...rows].sort((a, b) => {
    const x = get(a.json) as string | number | undefined;
    const y = get(b.json) as string | number | undefined;
    if (x === y) return 0;
    if (x === undefined || x === null) return sign;
    if (y === undefined || y === null) return -sign;
    return (x < y ? -1 : 1) * sign;
  });
}

export function registerEssRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const byId = (id: string): EssRequest => {
    const r = /^\d+$/.test(id) ? ctx.tenant.essRequests.get(Number(id)) : undefined;
    if (!r) throw new SandboxHttpError(404, `Request ${id} was not found.`, { code: 'ESS-01002' });
    return r;
  };
  type IdParams = { Params: { id: string } };

  app.post(`${ESS_ROOT}/requests`, async (request, reply) => {
    const p = ctx.principal(request, 'ess', 'submit scheduled processes');
    const r = submitEss(ctx, request.body, p.user.userName);
    return reply.code(201).send(essToJson(ctx, r, baseUrl(request)));
  });

  app.get(`${ESS_ROOT}/requests`, async (request) => {
    ctx.principal(request, 'ess', 'query scheduled processes');
    return list(ctx, request);
  });

  // The documented paged variants [DOC farca "Query job requests with pageIndex" / "... with pagination"].
  app.get<{ Params: { pageIndex: string } }>(`${ESS_ROOT}/requests/search/:pageIndex`, async (request) => {
    ctx.principal(request, 'ess', 'query scheduled processes');
    return list(ctx, request, { pageIndex: pageIndexOf(request.params.pageIndex) });
  });

  app.get<{ Params: { application: string } }>(`${ESS_ROOT}/query/:application/requests`, async (request) => {
    ctx.principal(request, 'ess', 'query scheduled processes');
    return list(ctx, request, { pageIndex: pageIndexOf((request.query as Record<string, unknown> | undefined)?.pageIndex), application: request.params.application });
  });

  app.get<IdParams>(`${ESS_ROOT}/requests/:id`, async (request) => {
    ctx.principal(request, 'ess', 'read scheduled processes');
    const q = (request.query ?? {}) as Record<string, unknown>;
    const str = (v: unknown): string | undefined => (typeof first(v) === 'string' ? (first(v) as string) : undefined);
    return projectEss(ctx, byId(request.params.id), baseUrl(request), fieldList(str(q.fields)), fieldList(str(q.excludeFields)));
  });

  type ActionParams = { Params: { id: string; action: string } };
  // Oracle documents POST /ess/rest/scheduler/v1/requests/{requestId}/cancel (and /hold, /release)
  // answering 200 "Operation initiated" [DOC applications-common, Scheduler REST endpoints].
  app.post<ActionParams>(`${ESS_ROOT}/requests/:id/:action`, async (request, reply) => {
    act(request.params.id, request.params.action, request);
    return reply.code(200).send({ links: [{ rel: 'self', href: `${baseUrl(request)}${ESS_ROOT}/requests/${request.params.id}` }] });
  });

  // The earlier /action/{action} form, kept for existing callers (answers 204).
  app.post<ActionParams>(`${ESS_ROOT}/requests/:id/action/:action`, async (request, reply) => {
    act(request.params.id, request.params.action, request);
    return reply.code(204).send();
  });

  function act(id: string, action: string, request: FastifyRequest): void {
    ctx.principal(request, 'ess', 'act on scheduled processes');
    const r = byId(id);
    const now = ctx.now();
    const { state } = essState(ctx, r, now);
    if (action === 'cancel') {
      if (state !== 'WAIT' && state !== 'RUNNING' && state !== 'HOLD') throw essBadRequest(`Request ${r.requestId} is ${state} and cannot be cancelled.`, 'ESS-01003');
      r.cancelledAt = now;
      // Cancelling a schedule cancels its runs that have not ended [DOC "Cancel an ongoing request": a recurring parent cascades].
      for (const c of ctx.tenant.essRequests.values()) {
        if (c.parentRequestId === r.requestId && c.cancelledAt === null && ['WAIT', 'RUNNING', 'HOLD'].includes(essState(ctx, c, now).state)) c.cancelledAt = now;
      }
    } else if (action === 'hold') {
      if (state !== 'WAIT') throw essBadRequest(`Request ${r.requestId} is ${state}; only a waiting request can be held.`, 'ESS-01003');
      r.heldAt = now;
    } else if (action === 'release') {
      if (state !== 'HOLD') throw essBadRequest(`Request ${r.requestId} is ${state}; only a held request can be released.`, 'ESS-01003');
      r.heldMs += now - r.heldAt!;
      r.heldAt = null;
    } else {
      throw new SandboxHttpError(404, `Unknown action '${action}': use cancel, hold or release.`, { code: 'ESS-01005' });
    }
    ctx.changed();
  }
}
