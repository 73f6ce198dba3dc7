import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { baseUrl } from './adfQuery';
import { iso, type SandboxContext } from './context';
import { SandboxHttpError } from './errors';
import { deactivateDueItems } from './learning';
import type { EssRequest } from './model';
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

export type EssState = 'WAIT' | 'RUNNING' | 'SUCCEEDED' | 'ERROR' | 'CANCELLED' | 'HOLD';
const DESCRIPTIONS: Record<EssState, string> = { WAIT: 'Wait', RUNNING: 'Running', SUCCEEDED: 'Succeeded', ERROR: 'Error', CANCELLED: 'Cancelled', HOLD: 'Hold' };

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

/** Ms after which a one-off request (or a recurring one's first run) completes; null if never. */
function effectAt(r: EssRequest, stepMs: number): number {
  const scheduledStart = r.schedule?.startTime ? Date.parse(r.schedule.startTime) : NaN;
  const start = Number.isFinite(scheduledStart) && scheduledStart > r.submittedAt ? scheduledStart : r.submittedAt;
  return start + r.heldMs + 2 * stepMs;
}

export function essState(r: EssRequest, now: number, stepMs: number): { state: EssState; processStart: number | null; processEnd: number | null } {
  if (r.cancelledAt !== null) return { state: 'CANCELLED', processStart: null, processEnd: null };
  if (r.heldAt !== null) return { state: 'HOLD', processStart: null, processEnd: null };
  if (r.schedule) return { state: 'WAIT', processStart: null, processEnd: null };
  const end = effectAt(r, stepMs);
  const start = end - stepMs;
  if (now < start) return { state: 'WAIT', processStart: null, processEnd: null };
  if (now < end) return { state: 'RUNNING', processStart: start, processEnd: null };
  return { state: runError(r) ? 'ERROR' : 'SUCCEEDED', processStart: start, processEnd: end };
}

/** Applies the effects of every run that has completed by now, in completion order. */
export function advanceEss(ctx: SandboxContext): void {
  const now = ctx.now();
  const due = [...ctx.tenant.essRequests.values()]
    .filter((r) => !r.effectApplied && r.cancelledAt === null && r.heldAt === null && effectAt(r, ctx.essStepMs) <= now)
    .sort((a, b) => effectAt(a, ctx.essStepMs) - effectAt(b, ctx.essStepMs));
  for (const r of due) {
    r.effectApplied = true;
    if (runError(r)) continue;
    EFFECTS[r.jobDefinitionId]?.(ctx, effectAt(r, ctx.essStepMs));
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
  };
  ctx.tenant.essRequests.set(r.requestId, r);
  ctx.changed();
  return r;
}

/** The request as the ESS REST API answers it; `requestParameters` only in the full form (`fields=@full`). */
export function essToJson(ctx: SandboxContext, r: EssRequest, base: string, full = true): Record<string, unknown> {
  const { state, processStart, processEnd } = essState(r, ctx.now(), ctx.essStepMs);
  const href = `${base}${ESS_ROOT}/requests/${r.requestId}`;
  const requestType = ctx.variants.requestType(r.schedule !== null);
  const error = state === 'ERROR' ? runError(r) : null;
  return {
    requestId: r.requestId,
    id: r.requestId,
    jobDefinitionId: r.jobDefinitionId,
    application: r.application,
    product: r.product,
    state,
    stateDescription: error ?? DESCRIPTIONS[state],
    // `cause` is an enum in Oracle's schema [DOC]: NON_TERMINAL, OPERATOR_CANCEL, PROCESS_ERROR, ...
    ...(state === 'CANCELLED' ? { cause: 'OPERATOR_CANCEL' } : error ? { cause: 'PROCESS_ERROR' } : {}),
    ...(requestType !== undefined ? { requestType } : {}),
    scheduleDefinition: r.schedule,
    submitter: r.submitter,
    submissionTime: iso(r.submittedAt),
    ...(processStart !== null ? { processStart: iso(processStart) } : {}),
    ...(processEnd !== null ? { processEnd: iso(processEnd) } : {}),
    ...(full ? { requestParameters: r.requestParameters } : {}),
    links: [
      { rel: 'self', href },
      { rel: 'cancel', href: `${href}/cancel` },
      { rel: 'hold', href: `${href}/hold` },
      { rel: 'release', href: `${href}/release` },
    ],
  };
}

const QUERY_ATTRS = ['jobDefinitionId', 'state', 'requestType', 'scheduleDefinition', 'submissionTime', 'application', 'product', 'submitter', 'requestId'];
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
    const { state } = essState(r, now, ctx.essStepMs);
    if (action === 'cancel') {
      if (state !== 'WAIT' && state !== 'RUNNING' && state !== 'HOLD') throw essBadRequest(`Request ${r.requestId} is ${state} and cannot be cancelled.`, 'ESS-01003');
      r.cancelledAt = now;
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
