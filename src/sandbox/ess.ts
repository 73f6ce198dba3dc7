import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { baseUrl } from './adfQuery';
import { iso, type SandboxContext } from './context';
import { SandboxHttpError } from './errors';
import { deactivateDueItems } from './learning';
import type { EssRequest } from './model';
import { FilterSyntaxError, allowed, evaluateFilter, parseFilter, plainResolver } from './scimFilter';
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

export type EssState = 'WAIT' | 'RUNNING' | 'SUCCEEDED' | 'CANCELLED' | 'HOLD';
const DESCRIPTIONS: Record<EssState, string> = { WAIT: 'Wait', RUNNING: 'Running', SUCCEEDED: 'Succeeded', CANCELLED: 'Cancelled', HOLD: 'Hold' };

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
  return { state: 'SUCCEEDED', processStart: start, processEnd: end };
}

/** Applies the effects of every run that has completed by now, in completion order. */
export function advanceEss(ctx: SandboxContext): void {
  const now = ctx.now();
  const due = [...ctx.tenant.essRequests.values()]
    .filter((r) => !r.effectApplied && r.cancelledAt === null && r.heldAt === null && effectAt(r, ctx.essStepMs) <= now)
    .sort((a, b) => effectAt(a, ctx.essStepMs) - effectAt(b, ctx.essStepMs));
  for (const r of due) {
    r.effectApplied = true;
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

export function essToJson(ctx: SandboxContext, r: EssRequest, base: string): Record<string, unknown> {
  const { state, processStart, processEnd } = essState(r, ctx.now(), ctx.essStepMs);
  const href = `${base}${ESS_ROOT}/requests/${r.requestId}`;
  return {
    requestId: r.requestId,
    id: r.requestId,
    jobDefinitionId: r.jobDefinitionId,
    application: r.application,
    product: r.product,
    state,
    stateDescription: DESCRIPTIONS[state],
    ...(state === 'CANCELLED' ? { cause: `Cancelled by ${r.submitter}` } : {}),
    requestType: r.schedule ? 'RECURRING' : 'ONCE',
    scheduleDefinition: r.schedule,
    submitter: r.submitter,
    submissionTime: iso(r.submittedAt),
    ...(processStart !== null ? { processStart: iso(processStart) } : {}),
    ...(processEnd !== null ? { processEnd: iso(processEnd) } : {}),
    requestParameters: r.requestParameters,
    links: [
      { rel: 'self', href },
      { rel: 'cancel', href: `${href}/cancel` },
      { rel: 'hold', href: `${href}/hold` },
      { rel: 'release', href: `${href}/release` },
    ],
  };
}

const QUERY_ATTRS = allowed('jobDefinitionId', 'state', 'requestType', 'submissionTime', 'application', 'product', 'submitter', 'requestId');
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const QueryParams = z.object({
  q: z.preprocess(first, z.string().optional()),
  limit: z.preprocess(first, z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1)).optional()),
  offset: z.preprocess(first, z.string().regex(/^\d+$/).transform(Number).optional()),
  fields: z.preprocess(first, z.string().optional()),
});

function list(ctx: SandboxContext, request: FastifyRequest): Record<string, unknown> {
  const parsed = QueryParams.safeParse(request.query ?? {});
  if (!parsed.success) throw essBadRequest(`Invalid query parameter '${parsed.error.issues[0]!.path.join('.')}': use q, limit (1-500), offset.`);
  const { q, limit: rawLimit, offset = 0 } = parsed.data;
  const limit = Math.min(rawLimit ?? 25, 500);
  let ast = null;
  try {
    ast = q ? parseFilter(q, QUERY_ATTRS) : null;
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw essBadRequest(`Invalid q: ${err.message}. Example: q=jobDefinitionId eq "JobDefinition://..." and state eq "SUCCEEDED".`);
    throw err;
  }
  const base = baseUrl(request);
  const all = [...ctx.tenant.essRequests.values()]
    .sort((a, b) => b.requestId - a.requestId)
    .map((r) => essToJson(ctx, r, base))
    .filter((j) => !ast || evaluateFilter(ast, j, plainResolver));
  const items = all.slice(offset, offset + limit);
  return { items, count: items.length, hasMore: offset + items.length < all.length, limit, offset };
}

export function registerEssRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const byId = (id: string): EssRequest => {
    const r = /^\d+$/.test(id) ? ctx.tenant.essRequests.get(Number(id)) : undefined;
    if (!r) throw new SandboxHttpError(404, `Request ${id} was not found.`, { code: 'ESS-01002' });
    return r;
  };
  type IdParams = { Params: { id: string } };

  app.post(`${ESS_ROOT}/requests`, async (request, reply) => {
    const p = ctx.principal(request, 'admin', 'submit scheduled processes');
    const r = submitEss(ctx, request.body, p.user.userName);
    return reply.code(201).send(essToJson(ctx, r, baseUrl(request)));
  });

  app.get(`${ESS_ROOT}/requests`, async (request) => {
    ctx.principal(request, 'admin', 'query scheduled processes');
    return list(ctx, request);
  });

  app.get<IdParams>(`${ESS_ROOT}/requests/:id`, async (request) => {
    ctx.principal(request, 'admin', 'read scheduled processes');
    return essToJson(ctx, byId(request.params.id), baseUrl(request));
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
    ctx.principal(request, 'admin', 'act on scheduled processes');
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
