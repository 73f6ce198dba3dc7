/**
 * ESS scheduler REST (`/ess/rest/scheduler/v1/requests`, Fusion 23B+) [DOC]: submit (never
 * blindly retried), read, query and wait for a request. The Learning job definition ids are not
 * public [GAP]: callers pass them in (configured or discovered), this module never invents them.
 */
import { z } from 'zod';
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
};

export type EssSchedule = { frequency: 'DAILY'; interval: number; startTime: string };

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

const essRequestBase = z.looseObject({
  requestId: opt(numberLike),
  id: opt(numberLike),
  jobDefinitionId: z.string().min(1),
  state: z.string().min(1),
  stateDescription: opt(z.string()),
  cause: opt(z.string()),
  requestType: opt(z.string()),
  scheduleDefinition: z.unknown().optional(),
  submissionTime: opt(z.string()),
  application: opt(z.string()),
  product: opt(z.string()),
  submitter: opt(z.string()),
});

/** An ESS request as returned by GET (and by the submit response when complete). */
export const essRequestSchema: z.ZodType<EssRequest> = essRequestBase
  .refine((r) => r.requestId !== undefined || r.id !== undefined, { message: 'requestId or id is required', path: ['requestId'] })
  .transform((r) => {
    const { id, ...rest } = r;
    return { ...rest, requestId: (r.requestId ?? id) as number };
  });

/** The submit response carries at least the id. */
const submitResponseSchema = z
  .looseObject({ requestId: opt(numberLike), id: opt(numberLike) })
  .refine((r) => r.requestId !== undefined || r.id !== undefined, { message: 'requestId or id is required', path: ['requestId'] });

type Signal = { signal?: AbortSignal };

function sig(o?: Signal): Signal {
  return o?.signal ? { signal: o.signal } : {};
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
export async function submitEssRequest(c: OracleClient, input: SubmitEssInput, o?: Signal): Promise<EssRequest> {
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

async function findOwnSubmission(c: OracleClient, input: SubmitEssInput, startedAt: number, o?: Signal): Promise<EssRequest | undefined> {
  const candidates = await queryEssRequests(c, { jobDefinitionId: input.jobDefinitionId }, o);
  const since = startedAt - SUBMIT_RECHECK_SKEW_MS;
  const wantType = input.schedule ? 'RECURRING' : 'ONCE';
  const recent = candidates.filter((r) => {
    const t = r.submissionTime ? Date.parse(r.submissionTime) : Number.NaN;
    if (Number.isNaN(t) || t < since) return false;
    return !r.requestType || r.requestType.toUpperCase() === wantType;
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

/** Requests matching all given attributes (server-side `q=attr eq "value" and ...`). */
export async function queryEssRequests(
  c: OracleClient,
  filter: { jobDefinitionId?: string; state?: string; requestType?: string },
  o?: Signal & { maxItems?: number },
): Promise<EssRequest[]> {
  const clauses: string[] = [];
  if (filter.jobDefinitionId !== undefined) clauses.push(essEq('jobDefinitionId', filter.jobDefinitionId));
  if (filter.state !== undefined) clauses.push(essEq('state', filter.state));
  if (filter.requestType !== undefined) clauses.push(essEq('requestType', filter.requestType));
  return c.adfList(ESS_REQUESTS_PATH, essRequestSchema, {
    ...(clauses.length && { q: clauses.join(' and ') }),
    pageSize: 100,
    ...(o?.maxItems !== undefined && { maxItems: o.maxItems }),
    ...sig(o),
  });
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
