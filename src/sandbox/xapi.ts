import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { iso, parseInput, type SandboxContext } from './context';
import { SandboxHttpError } from './errors';
import validateStatement from '@learninglocker/xapi-validation';
import type { AssignmentStatus, LearnerRecord, SandboxUser, StoredStatement } from './model';

/**
 * xAPI statements [STAND-IN]: Oracle does not publish the path or the accepted verbs
 * (MOS 3041803.1). The path below is ours and is labelled as such wherever it is shown.
 */
export const XAPI_STANDIN_PATH = '/hcmRestApi/sandbox-standin/xapi/statements';

const ADL = 'http://adlnet.gov/expapi/verbs/';
export const ACCEPTED_VERBS = ['completed', 'passed', 'failed', 'progressed', 'initialized', 'launched'].map((v) => ADL + v);
const COMPLETING = new Set([`${ADL}completed`, `${ADL}passed`]);

const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** ISO 8601 duration (weeks, days, hours, minutes, seconds) in whole seconds; null if not parseable. */
export function durationSeconds(d: string): number | null {
  const m = DURATION.exec(d);
  if (!m || d === 'P' || d.endsWith('T')) return null;
  const [w, day, h, min, s] = m.slice(1).map((x) => (x ? Number(x) : 0)) as [number, number, number, number, number];
  return Math.round(((w * 7 + day) * 24 + h) * 3600 + min * 60 + s);
}

const Statement = z.looseObject({
  id: z.uuid().optional(),
  actor: z.looseObject({
    objectType: z.string().optional(),
    name: z.string().optional(),
    mbox: z.string().regex(/^mailto:[^@\s]+@[^@\s]+$/, 'must be mailto:<email>').optional(),
    account: z.looseObject({ homePage: z.string().optional(), name: z.string().min(1) }).optional(),
  }).refine((a) => a.mbox !== undefined || a.account !== undefined, 'actor needs mbox or account'),
  verb: z.looseObject({ id: z.string().refine((v) => ACCEPTED_VERBS.includes(v), `verb must be one of ${ACCEPTED_VERBS.join(', ')}`) }),
  object: z.looseObject({ id: z.string().min(1) }),
  result: z.looseObject({
    duration: z.string().refine((d) => durationSeconds(d) !== null, 'must be an ISO 8601 duration such as PT1H30M').optional(),
    score: z.looseObject({ scaled: z.number().min(-1).max(1).optional(), raw: z.number().optional() }).optional(),
    completion: z.boolean().optional(),
    success: z.boolean().optional(),
  }).optional(),
  timestamp: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'must be an ISO 8601 timestamp').optional(),
});
type ParsedStatement = z.infer<typeof Statement>;
const Batch = z.union([z.array(Statement).min(1), Statement]);

function reject(s: StoredStatement, reason: string): void {
  s.status = 'rejected';
  s.reason = reason;
}

function findLearner(ctx: SandboxContext, st: ParsedStatement, by: 'email' | 'username'): SandboxUser | string {
  if (by === 'email') {
    if (!st.actor.mbox) return 'the provider identifies learners by work email but actor.mbox is missing';
    const email = st.actor.mbox.slice('mailto:'.length);
    const users = ctx.tenant.usersByEmail(email).filter((u) => u.emails.some((e) => e.type === 'W' && e.primary && e.value.toLowerCase() === email.toLowerCase()));
    if (users.length === 0) return `no user has primary work email ${email}`;
    if (users.length > 1) return `${users.length} users share primary work email ${email}; the learner is ambiguous`;
    return users[0]!;
  }
  const name = st.actor.account?.name;
  if (!name) return 'the provider identifies learners by user name but actor.account.name is missing';
  return ctx.tenant.userByName(name) ?? `no user named ${name}`;
}

/**
 * ESS effect of "Process Learning Experience Statements": statements received by `at` become
 * learner records (docs/SANDBOX.md, "xAPI statements"); unmatched ones are rejected with a reason.
 */
export function processStatements(ctx: SandboxContext, at: number): void {
  const { tenant } = ctx;
  const pending = tenant.statements.filter((s) => s.status === 'pending' && s.receivedAt <= at);
  const when = (s: StoredStatement): number => Date.parse((s.statement.timestamp as string | undefined) ?? iso(s.receivedAt));
  pending.sort((a, b) => when(a) - when(b));
  for (const s of pending) {
    const st = Statement.parse(s.statement);
    const provider = tenant.providerByUser(s.postedBy);
    if (!provider) {
      reject(s, `no configured external provider uses integration user ${s.postedBy}`);
      continue;
    }
    const learner = findLearner(ctx, st, provider.learnerIdentifier);
    if (typeof learner === 'string') {
      reject(s, learner);
      continue;
    }
    if (!learner.active) {
      reject(s, `learner ${learner.userName} is inactive`);
      continue;
    }
    const item = [...tenant.learningItems.values()].find((i) => i.providerId === provider.providerId && (i.externalContentId === st.object.id || i.contentUrl === st.object.id));
    if (!item) {
      reject(s, `no content of provider ${provider.providerName} has ExternalContentId or ContentUrl ${st.object.id}`);
      continue;
    }
    const completing = COMPLETING.has(st.verb.id);
    let record = tenant.learnerRecords.filter((r) => r.learnerUserGuid === learner.id && r.learningItemId === item.learningItemId).at(-1);
    if (!record || record.assignmentStatus === 'ORA_ASSN_REC_COMPLETE') {
      // A new enrollment: the first statement, or a retake after a completion.
      const status: AssignmentStatus = 'ORA_ASSN_REC_ACTIVE';
      record = { learningRecordId: tenant.next('learningRecordId'), learnerUserGuid: learner.id, learningItemId: item.learningItemId, assignmentStatus: status, completions: [], created: at } satisfies LearnerRecord;
      tenant.learnerRecords.push(record);
    }
    if (completing) {
      record.assignmentStatus = 'ORA_ASSN_REC_COMPLETE';
      record.completions.push({
        CompletionDate: new Date(when(s)).toISOString(),
        ActualEffortInSeconds: st.result?.duration ? durationSeconds(st.result.duration) : null,
        Score: st.result?.score?.scaled ?? st.result?.score?.raw ?? null,
      });
    }
    s.status = 'processed';
    s.reason = null;
    s.learningRecordId = record.learningRecordId;
  }
}

/** The first problem @learninglocker/xapi-validation finds in a statement, or null. */
export function xapiProblem(statement: unknown): string | null {
  if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) return 'a statement must be a JSON object';
  let warnings: ReturnType<typeof validateStatement>;
  try {
    warnings = validateStatement(statement);
  } catch (err) {
    return `the validator could not read it (${(err as Error).message})`;
  }
  const w = warnings[0];
  if (!w) return null;
  const detail = w as unknown as { path?: unknown[]; name?: string; typeName?: string };
  const path = detail.path?.join('.') || 'statement';
  if (detail.name === 'RequiredWarning') return `${path} is required`;
  if (detail.typeName) return `${path} is not a valid ${detail.typeName}`;
  return `${path} is not valid (${detail.name ?? 'validation warning'})`;
}

const ListQuery = z.object({ status: z.enum(['pending', 'processed', 'rejected']).optional() });

export function registerXapiRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.post(XAPI_STANDIN_PATH, async (request, reply) => {
    const who = ctx.principal(request, 'provider', 'send xAPI statements');
    const version = String(request.headers['x-experience-api-version'] ?? '');
    if (!/^1\.0(\.\d+)?$/.test(version) && version !== '2.0.0') {
      throw new SandboxHttpError(400, 'Header X-Experience-API-Version is missing or unsupported: send 1.0.3 or 2.0.0.');
    }
    // Full xAPI validation first, as an LRS does, with Learning Locker's validator: an implementation
    // independent of the product's inspector, so a bug there cannot hide itself here.
    const raw = Array.isArray(request.body) ? (request.body as unknown[]) : [request.body];
    raw.forEach((st, i) => {
      const problem = xapiProblem(st);
      if (problem) throw new SandboxHttpError(400, `Statement ${i} is not valid xAPI: ${problem}.`);
    });
    const parsed = parseInput(Batch, request.body, 'xAPI statement');
    const batch = Array.isArray(parsed) ? parsed : [parsed];
    const now = ctx.now();
    const ids: string[] = [];
    for (const st of batch) {
      const id = st.id ?? randomUUID();
      const existing = ctx.tenant.statements.find((s) => s.id === id);
      if (existing) {
        if (JSON.stringify(existing.statement) !== JSON.stringify({ ...st, id })) {
          throw new SandboxHttpError(409, `Statement ${id} was already received with different content; statement ids must be unique.`);
        }
      } else {
        ctx.tenant.statements.push({ id, receivedAt: now, postedBy: who.user.userName, statement: { ...st, id }, status: 'pending', reason: null, learningRecordId: null });
      }
      ids.push(id);
    }
    ctx.changed();
    return reply.header('X-Experience-API-Version', '1.0.3').code(200).send(ids);
  });

  app.get(XAPI_STANDIN_PATH, async (request) => {
    ctx.principal(request, 'xapi-list', 'list received xAPI statements');
    const { status } = parseInput(ListQuery, request.query ?? {}, 'query parameters');
    const items = ctx.tenant.statements
      .filter((s) => !status || s.status === status)
      .map((s) => ({ id: s.id, receivedAt: iso(s.receivedAt), postedBy: s.postedBy, status: s.status, reason: s.reason, learningRecordId: s.learningRecordId, statement: s.statement }));
    return { items, count: items.length };
  });
}
