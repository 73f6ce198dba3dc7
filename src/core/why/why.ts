/**
 * `oli why` (issue 14): why didn't learner X's completion of course Y land? A timeline of what must
 * be true for a completion to land, each link checked against the pod, ending with a verdict and
 * the first broken link in words a support desk can paste.
 */
import { requestKind, type EssRequest } from '../../oracle/ess';
import { weakestBasis, type Basis } from '../../oracle/basis';
import { adfAnd, adfEq } from '../../oracle/filters';
import { readLearnerLearningRecords, type LearnerLearningRecord } from '../../oracle/learning';
import { readOrRefusal } from '../../oracle/privileges';
import { findUserAccount } from '../../oracle/userAccounts';
import { OracleXapiResolver } from '../inspect/oracleXapiResolver';
import { ResolverUnavailableError, type OracleContentItem, type OracleLearner } from '../inspect/xapi-oracle';
import { resolverSettingsOf } from '../plan/learned';
import { describeError } from '../plan/context';
import { processRequests, readSchedules } from '../plan/steps/schedules';
import { BEHAVIOURS } from '../plan/steps/registry';
import { readAsProvider } from '../plan/steps/guided';
import { OracleError } from '../../oracle/errors';
import { EnvironmentSession, type SessionOptions } from '../ops/session';
import { planCertificate } from '../health/certificate';
import type { EnvironmentState } from '../plan/stateStore';
import { deliveryOf } from './delivery';
import type { WhyLink, WhyOutcome, WhyReport } from './report';

export interface WhyOptions extends SessionOptions {
  /** The learner: a primary work email or an Oracle user name. */
  learner: string;
  /** The content: the provider's external content id or its URL. */
  content: string;
  /** When the learner completed (ISO); links that depend on it say so when it is missing. */
  since?: string;
  now?: Date;
  onProgress?: (message: string) => void;
}

const SCHEDULED_PROCESSES = 'Navigator > Tools > Scheduled Processes';
const WAITING = ['WAIT', 'READY', 'BLOCKED', 'HOLD', 'PAUSED'];
const FAILED = ['ERROR', 'ERROR_MANUAL_RECOVERY', 'VALIDATION_FAILED', 'EXPIRED', 'WARNING'];

const ms = (iso: string | undefined): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};
const when = (t: number | string | undefined): string => (t === undefined ? '?' : new Date(t).toISOString().replace(/:\d{2}\.\d{3}Z$/, ' UTC').replace('T', ' '));

interface Learner {
  link: WhyLink;
  user?: OracleLearner;
}

/** The learner, found by the identifier the provider sends (email or user name, per the plan). */
async function learnerLink(resolver: OracleXapiResolver, by: 'email' | 'username', input: string, provider: string): Promise<Learner> {
  const title = `The learner resolves to one active Oracle user by ${by === 'email' ? 'primary work email' : 'user name'}`;
  const base = { id: 'learner', title, basis: 'documented' as Basis };
  try {
    let identifier = input;
    // Given the other kind of identifier, find the user first, then check the identifier the provider sends.
    const given: 'email' | 'username' = input.includes('@') ? 'email' : 'username';
    if (given !== by) {
      const found = await resolver.findLearner(given, input);
      if (found.length !== 1) {
        return { link: { ...base, status: 'broken', message: `No single Oracle user has the ${given === 'email' ? 'primary work email' : 'user name'} ${input} (${found.length} found).`, check: `Check the learner's ${given === 'email' ? 'email' : 'user name'} in Oracle.` } };
      }
      const u = found[0]!;
      if (by === 'email' && !u.email) {
        return { link: { ...base, status: 'broken', message: `${u.userName} has no primary work email, and ${provider} identifies learners by it: no statement can be matched to them.`, check: `Give ${u.userName} a primary work email in Oracle, the same one ${provider} holds.` }, user: u };
      }
      identifier = by === 'email' ? u.email! : u.userName;
    }
    const users = await resolver.findLearner(by, identifier);
    const what = by === 'email' ? `primary work email ${identifier}` : `user name ${identifier}`;
    if (users.length === 0) {
      return {
        link: {
          ...base,
          status: 'broken',
          message: `No Oracle user has the ${what}: ${provider} identifies the learner by it, so Oracle cannot match the completion to anyone.`,
          check: `Make the learner's ${by === 'email' ? 'primary work email' : 'user name'} in Oracle identical to what ${provider} holds (oli identity checks a whole list).`,
        },
      };
    }
    if (users.length > 1) {
      return {
        link: {
          ...base,
          status: 'broken',
          message: `${users.length} Oracle users share the ${what} (${users.map((u) => u.userName).join(', ')}): Oracle cannot tell which learner completed.`,
          check: 'Give each person their own primary work email in Oracle.',
        },
      };
    }
    const u = users[0]!;
    if (!u.active) return { link: { ...base, status: 'broken', message: `The ${what} belongs to ${u.userName}, who is inactive: Oracle does not record completions for them.`, check: `Reactivate ${u.userName}, or ask the provider to use the learner's current account.` }, user: u };
    return { link: { ...base, status: 'ok', message: `The ${what} is ${u.userName} (active).` }, user: u };
  } catch (err) {
    if (!(err instanceof ResolverUnavailableError)) throw err;
    return { link: { ...base, status: 'unknown', message: `Could not look the learner up: ${err.message}`, check: 'Give the administrator the SCIM privilege (IT Security Manager), or check the user in the Security Console.' } };
  }
}

/** The course, imported as a self-paced item (by external content id or URL). */
async function contentLink(resolver: OracleXapiResolver, content: string, provider: string): Promise<{ link: WhyLink; item?: OracleContentItem }> {
  const base = { id: 'content', title: 'The course is imported in Oracle Learning (by external id or URL)', basis: 'inferred' as Basis };
  try {
    const items = await resolver.findContent(content);
    if (!items.length) {
      return {
        link: {
          ...base,
          status: 'broken',
          message: `No self-paced item has the external id or URL ${content}: ${provider} has not pushed this course to Oracle (or it was deleted), so a statement about it matches nothing.`,
          check: `Ask ${provider} whether the course is in the catalog they send; check the content sync (oli health: Load and Synchronize External Course Data and the bulk ingest).`,
        },
      };
    }
    const active = items.filter((i) => i.status === 'ACTIVE');
    const item = active[0] ?? items[0]!;
    if (!active.length) {
      return {
        link: { ...base, status: 'broken', message: `"${item.title}" (item ${item.learningItemId}) is ${item.status}: Oracle does not record completions on it.`, check: `Ask ${provider} whether the course was retired; it comes back when they send it as active again.` },
        item,
      };
    }
    return { link: { ...base, status: 'ok', message: `"${item.title}" (item ${item.learningItemId}), active${items.length > 1 ? `; ${items.length} items match it` : ''}.` }, item };
  } catch (err) {
    if (!(err instanceof ResolverUnavailableError)) throw err;
    return { link: { ...base, status: 'unknown', message: `Could not look the course up: ${err.message}`, check: 'Check the course in Learning > Catalog.' } };
  }
}

/** A step's check turned into a link: done/attested is ok, failed or needing action is broken, unknown stays unknown. */
async function stepLink(session: EnvironmentSession, id: 'external-provider' | 'integration-user', title: string): Promise<WhyLink> {
  const ctx = session.ctx;
  const outcome = await BEHAVIOURS[id].check(ctx).catch((err: unknown) => ({ status: 'unknown' as const, detail: `Could not check: ${describeError(err)}`, checks: [] }));
  const checks = outcome.checks;
  const basis = weakestBasis(checks.filter((c) => c.outcome !== 'info').map((c) => c.basis ?? 'inferred')) ?? 'documented';
  const attestation = ctx.state.attestations[id];
  if (id === 'external-provider') {
    const listed = checks.find((c) => c.id === 'listed');
    const user = checks.find((c) => c.id === 'user');
    if (user?.outcome === 'fail') return { id: 'provider', title, status: 'broken', message: user.message, check: 'Fix the user on Configure External Providers.', basis };
    if (listed?.outcome === 'pass') return { id: 'provider', title, status: 'ok', message: `${listed.message}${user ? ` ${user.message}` : ''}`, basis };
    if (listed?.outcome === 'fail') return { id: 'provider', title, status: 'broken', message: `${listed.message} The provider is not configured on Configure External Providers: nothing it sends is accepted.`, check: 'Configure it (external-provider step).', basis };
    return {
      id: 'provider',
      title,
      status: 'unknown',
      message: `${listed?.message ?? outcome.detail}${attestation ? ` Attested by ${attestation.by} on ${attestation.at.slice(0, 10)}.` : ''}`,
      check: 'Apply api-authentication (JWT) or store the OAuth client secret, so the provider can be read as the integration user.',
      basis,
    };
  }
  if (outcome.status === 'done') return { id: 'integration-user', title, status: 'ok', message: outcome.detail, basis };
  if (outcome.status === 'unknown') return { id: 'integration-user', title, status: 'unknown', message: outcome.detail, basis };
  return { id: 'integration-user', title, status: 'broken', message: outcome.detail, check: 'Fix the integration user (oli status shows the integration-user step).', basis };
}

/** Oracle accepts the provider's credentials: the inbound certificate is valid and, where this machine can act as the provider, a real call is accepted. */
async function credentialsLink(session: EnvironmentSession, now: Date, provider: string): Promise<WhyLink> {
  const ctx = session.ctx;
  const title = `Oracle accepts ${provider}'s credentials (API Authentication)`;
  const cert = await planCertificate(ctx.plan, ctx.planDir, ctx.environment, now);
  if (cert?.ok && cert.info.daysRemaining < 0) {
    return {
      id: 'credentials',
      title,
      status: 'broken',
      message: `The inbound certificate ${cert.file} expired on ${when(cert.info.notAfter)}: Oracle no longer verifies ${provider}'s tokens, so nothing it sends is accepted.`,
      check: `Get ${provider}'s new certificate and run oli rotate-cert --new FILE.`,
      basis: 'documented',
      at: cert.info.notAfter,
    };
  }
  const read = await readAsProvider(ctx);
  if (!read) return { id: 'credentials', title, status: 'info', message: `Not verified by a real call (no verification kit or OAuth secret on this machine)${cert?.ok ? `; the inbound certificate is valid until ${when(cert.info.notAfter)}` : ''}.`, basis: 'documented' };
  if (read.ok) return { id: 'credentials', title, status: 'ok', message: `A call ${read.how} was accepted${cert?.ok ? `; the inbound certificate is valid until ${when(cert.info.notAfter)}` : ''}.`, basis: 'documented' };
  const status = read.error instanceof OracleError ? read.error.status : undefined;
  if (status === 401) return { id: 'credentials', title, status: 'broken', message: `Oracle refused a call ${read.how} (401): the integration user cannot sign in.`, check: 'Check API Authentication (issuer and certificate) and that the integration user is active.', basis: 'documented' };
  if (status === 403) return { id: 'credentials', title, status: 'broken', message: `The integration user signed in but lacks the Learning Content Provider duty (403).`, check: 'Check the job role of the integration user.', basis: 'documented' };
  return { id: 'credentials', title, status: 'unknown', message: `The verification call failed: ${describeError(read.error)}`, basis: 'inferred' };
}

/** Runs of "Process Learning Experience Statements" since the completion. */
async function statementsLink(session: EnvironmentSession, since: number | undefined, delayMs: number | undefined, now: number, provider: string): Promise<WhyLink> {
  const ctx = session.ctx;
  const title = '"Process Learning Experience Statements" ran successfully after the completion';
  const { states } = await readSchedules(ctx, ['processLearningExperienceStatements']);
  const s = states[0]!;
  if (s.refusal) return { id: 'statements-process', title, status: 'unknown', message: `Its runs could not be read: ${s.refusal.message}`, check: `Check the process in ${SCHEDULED_PROCESSES}.`, basis: 'inferred' };
  if (!s.id) return { id: 'statements-process', title, status: 'unknown', message: 'Its job definition id is unknown (Oracle does not publish it), so its runs cannot be read.', check: 'Submit it once in Scheduled Processes or set scheduledProcesses.processLearningExperienceStatements in the plan.', basis: 'documented' };
  const basis = weakestBasis([s.idBasis, 'documented'])!;
  const words = { ...(ctx.state.probe?.ess?.recurringWords ? { recurring: ctx.state.probe.ess.recurringWords } : {}) };
  const runs = (await processRequests(ctx, s.id)).requests.filter((r) => ['child', 'one-off'].includes(requestKind(r, words)));
  const startOf = (r: EssRequest) => ms(r.processStart) ?? ms(r.scheduledTime) ?? ms(r.submissionTime) ?? 0;
  const upcoming = runs.filter((r) => WAITING.includes(r.state.toUpperCase()) && (ms(r.scheduledTime) ?? 0) > now).sort((a, b) => startOf(a) - startOf(b))[0];
  const next = upcoming ? ` The next run is at ${when(ms(upcoming.scheduledTime))} (request ${upcoming.requestId}).` : s.schedule ? '' : ' It has no daily schedule.';
  if (since === undefined) {
    const last = runs.filter((r) => r.state.toUpperCase() === 'SUCCEEDED').sort((a, b) => startOf(b) - startOf(a))[0];
    return { id: 'statements-process', title, status: 'unknown', message: `Without the completion time, whether a run came after it cannot be told${last ? `; the last successful run started ${when(startOf(last))}` : ''}.${next}`, check: 'Give --since (when the learner completed).', basis };
  }
  const after = runs.filter((r) => startOf(r) >= since).sort((a, b) => startOf(a) - startOf(b));
  const okAfterDelivery = after.find((r) => r.state.toUpperCase() === 'SUCCEEDED' && (delayMs === undefined || startOf(r) >= since + delayMs));
  if (okAfterDelivery) return { id: 'statements-process', title, status: 'ok', message: `Request ${okAfterDelivery.requestId} ran successfully at ${when(startOf(okAfterDelivery))}${delayMs ? `, after ${provider}'s delivery window` : ''}.`, basis, at: new Date(startOf(okAfterDelivery)).toISOString() };
  const okEarly = after.find((r) => r.state.toUpperCase() === 'SUCCEEDED');
  const failed = after.filter((r) => FAILED.includes(r.state.toUpperCase()));
  if (failed.length) {
    const f = failed.at(-1)!;
    return {
      id: 'statements-process',
      title,
      status: 'broken',
      message: `${failed.length > 1 ? `${failed.length} runs` : 'Its run'} since the completion failed: request ${f.requestId} at ${when(startOf(f))} ended in ${f.state}${f.stateDescription ? ` (${f.stateDescription})` : ''}. Statements wait unprocessed until a run succeeds.`,
      check: `Open request ${f.requestId} in ${SCHEDULED_PROCESSES}, read its log, fix the cause and resubmit the process.${next}`,
      basis,
      at: new Date(startOf(f)).toISOString(),
    };
  }
  const stuck = after.find((r) => WAITING.includes(r.state.toUpperCase()) && (ms(r.scheduledTime) ?? now) < now - 3_600_000);
  if (stuck) {
    return {
      id: 'statements-process',
      title,
      status: 'broken',
      message: `Request ${stuck.requestId}, due at ${when(ms(stuck.scheduledTime))}, is still ${stuck.state}${stuck.stateDescription && !/^wait$/i.test(stuck.stateDescription) ? ` (${stuck.stateDescription})` : ''}: statements wait until it runs.`,
      check: `Open request ${stuck.requestId} in ${SCHEDULED_PROCESSES}: release it or cancel what blocks it.`,
      basis,
      at: stuck.scheduledTime,
    };
  }
  if (okEarly) {
    return {
      id: 'statements-process',
      title,
      status: 'waiting',
      message: `Request ${okEarly.requestId} ran at ${when(startOf(okEarly))}, within ${provider}'s delivery window: the statement may have arrived after it.${next || ' The next run picks it up.'}`,
      basis,
      at: new Date(startOf(okEarly)).toISOString(),
    };
  }
  if (!s.schedule && !upcoming) {
    return {
      id: 'statements-process',
      title,
      status: 'broken',
      message: 'It has not run since the completion and has no daily schedule: nothing turns received statements into completions.',
      check: 'Schedule it daily (oli apply --step scheduled-processes), or submit it once now in Scheduled Processes.',
      basis,
    };
  }
  return { id: 'statements-process', title, status: 'waiting', message: `It has not run since the completion.${next}`, basis, ...(upcoming?.scheduledTime ? { at: upcoming.scheduledTime } : {}) };
}

/** The learner's records of the course, where the administrator may read them. */
async function recordLinks(
  session: EnvironmentSession,
  learner: OracleLearner | undefined,
  item: OracleContentItem | undefined,
  since: number | undefined,
  provider: string,
  retake: string | undefined,
): Promise<{ record: WhyLink; retake: WhyLink }> {
  const ctx = session.ctx;
  const title = "The completion is on the learner's record";
  const retakeTitle = 'A retake is another enrollment';
  const retakeBasis: Basis = 'documented';
  const retakeInfo = retake ? `${provider} documents that ${retake}.` : `Oracle documents no retake behaviour for ${provider}.`;
  const explainRetake = (records: LearnerLearningRecord[] | undefined): WhyLink => {
    if (!records) return { id: 'retake', title: retakeTitle, status: 'info', message: `${retakeInfo}${retake?.includes('another enrollment') ? ' If the learner retook it, look at their latest enrollment of the course, not the first one.' : ''}`, basis: retakeBasis };
    if (records.length <= 1) return { id: 'retake', title: retakeTitle, status: 'info', message: `One enrollment of this course: no retake. ${retakeInfo}`, basis: retakeBasis };
    const sorted = [...records].sort((a, b) => Number(b.assignmentRecordId ?? 0) - Number(a.assignmentRecordId ?? 0));
    const desc = (r: LearnerLearningRecord) => `${r.assignmentRecordNumber ?? r.assignmentRecordId} ${statusWord(r)}${r.completionDetails[0]?.completionDate ? ` (completed ${when(r.completionDetails.at(-1)!.completionDate)})` : ''}`;
    return {
      id: 'retake',
      title: retakeTitle,
      status: 'info',
      message: `${records.length} enrollments of this course: the latest is ${desc(sorted[0]!)}; earlier: ${sorted.slice(1).map(desc).join(', ')}. ${retakeInfo} Look at the latest enrollment.`,
      basis: retakeBasis,
    };
  };
  if (!learner || !item) return { record: { id: 'record', title, status: 'unknown', message: 'Not checked: the learner or the course is not known in Oracle (see above).', basis: 'documented' }, retake: explainRetake(undefined) };
  const account = await readOrRefusal('user-accounts', () => findUserAccount(ctx.client, learner.userName, ctx.signal ? { signal: ctx.signal } : {}));
  const personNumber = account.ok ? account.value?.PersonNumber : undefined;
  if (!personNumber) {
    const why = account.ok ? `${learner.userName} has no person number in userAccounts` : account.refusal.message;
    return { record: { id: 'record', title, status: 'unknown', message: `The learner's records could not be looked up: ${why}.`, basis: 'documented' }, retake: explainRetake(undefined) };
  }
  const q = adfAnd([adfEq('assignedToNumber', personNumber), adfEq('learningItemId', Number(item.learningItemId))]);
  const read = await readOrRefusal('learner-learning-records', () => readLearnerLearningRecords(ctx.client, { q, ...(ctx.signal ? { signal: ctx.signal } : {}) }));
  const notVisible: WhyLink = {
    id: 'record',
    title,
    status: 'unknown',
    message: `Not visible to the administrator: Oracle documents learnerLearningRecords as a resource that applies to the learner (each learner reads their own records), so whether the record shows the completion cannot be read here.`,
    check: 'Ask the learner to open My Learning (or check the learning record in the Oracle UI).',
    basis: 'documented',
  };
  if (!read.ok) return { record: { ...notVisible, message: `Could not read the learner's records: ${read.refusal.message}` }, retake: explainRetake(undefined) };
  const records = read.value.items;
  if (!records.length) {
    // Whether the administrator sees other learners' records of this course tells "no record" from "not visible".
    const others = await readOrRefusal('learner-learning-records', () => readLearnerLearningRecords(ctx.client, { q: adfEq('learningItemId', Number(item.learningItemId)), maxItems: 1, ...(ctx.signal ? { signal: ctx.signal } : {}) }));
    if (others.ok && others.value.items.some((r) => r.assignedToNumber && r.assignedToNumber !== personNumber)) {
      return {
        record: { id: 'record', title, status: 'broken', message: `The learner has no record of this course, while other learners' records of it are visible: no statement about this learner and course was processed.`, check: `Check the links above; if they all hold, ask ${provider} whether they sent the completion.`, basis: 'inferred' },
        retake: explainRetake([]),
      };
    }
    return { record: notVisible, retake: explainRetake(undefined) };
  }
  const completions = records.flatMap((r) => r.completionDetails.map((c) => ({ r, at: ms(c.completionDate) }))).filter((c): c is { r: LearnerLearningRecord; at: number } => c.at !== undefined);
  const fresh = completions.filter((c) => since === undefined || c.at >= since - 24 * 3_600_000).sort((a, b) => b.at - a.at)[0];
  if (fresh) {
    return {
      record: { id: 'record', title, status: 'ok', message: `Record ${fresh.r.assignmentRecordNumber ?? fresh.r.assignmentRecordId} shows the course completed on ${when(fresh.at)}.`, basis: 'documented', at: new Date(fresh.at).toISOString() },
      retake: explainRetake(records),
    };
  }
  const latest = [...records].sort((a, b) => Number(b.assignmentRecordId ?? 0) - Number(a.assignmentRecordId ?? 0))[0]!;
  return {
    record: {
      id: 'record',
      title,
      status: 'broken',
      message: `Oracle has the learner's enrollment ${latest.assignmentRecordNumber ?? latest.assignmentRecordId} (${statusWord(latest)}) but no completion${since !== undefined ? ` since ${when(since)}` : ''}: ${provider} has sent the start, not the completion, or it was not processed yet.`,
      check: `If the links above hold, ask ${provider} whether the completion was sent.`,
      basis: 'documented',
    },
    retake: explainRetake(records),
  };
}

function statusWord(r: LearnerLearningRecord): string {
  const s = (r.assignmentStatus ?? '').toUpperCase();
  return s.includes('COMPLETE') ? 'completed' : s.includes('ACTIVE') ? 'in progress' : (r.assignmentStatus ?? 'status unknown');
}

/** The verdict: the completion is on the record; else the first broken link; else the first waiting one; else what could not be checked. */
function verdictOf(links: WhyLink[], o: { learner: string; content: string; since?: number; provider: string; title?: string }): WhyReport['verdict'] {
  const course = o.title ? `"${o.title}" (${o.content})` : o.content;
  const head = `Learner ${o.learner}, ${o.provider} course ${course}${o.since !== undefined ? `, completed around ${when(o.since)}` : ''}`;
  const record = links.find((l) => l.id === 'record');
  const make = (outcome: WhyOutcome, text: string, link?: WhyLink) => ({ outcome, text, ...(link ? { link: link.id } : {}) });
  if (record?.status === 'ok') return make('landed', `${head}: LANDED. ${record.message}`, record);
  const broken = links.find((l) => l.status === 'broken');
  if (broken) return make('not-landed', `${head}: NOT LANDED. Cause: ${broken.message}${broken.check ? ` Next step: ${broken.check}` : ''}`, broken);
  const waiting = links.find((l) => l.status === 'waiting');
  if (waiting) return make('not-yet', `${head}: NOT YET, as expected: ${waiting.message}${waiting.at ? ` Check again after ${when(waiting.at)}.` : ''}`, waiting);
  const unknown = links.filter((l) => l.status === 'unknown' && l.id !== 'record');
  if (unknown.length) return make('cannot-tell', `${head}: CANNOT TELL. Could not check: ${unknown.map((l) => `${l.title} (${l.message})`).join('; ')}`, unknown[0]);
  return make(
    'should-have-landed',
    `${head}: everything Oracle needs is in place and "Process Learning Experience Statements" ran after the delivery window, so it should be on the learner's record. An administrator cannot read the record itself (learnerLearningRecords applies to the learner): ask the learner to refresh My Learning; if it is still missing, send this report to Oracle Support.`,
  );
}

/** Checks every link of a completion's way into Oracle, against the pod. */
export async function runWhy(o: WhyOptions): Promise<WhyReport> {
  const now = o.now ?? new Date();
  const since = o.since !== undefined ? ms(o.since) : undefined;
  const session = new EnvironmentSession(o);
  const ctx = session.ctx;
  const provider = ctx.profile.provider.displayName;
  const delivery = deliveryOf(ctx.plan.provider, provider);
  o.onProgress?.(`Following ${o.learner}'s completion of ${o.content} on ${o.environment}…`);
  await session.signIn(() => ctx.integrationUser());
  const resolver = new OracleXapiResolver(ctx.client, ctx.signal, resolverSettingsOf(ctx.state.probe));
  const [learner, content, providerLink, userLink, credentials, statements] = await Promise.all([
    learnerLink(resolver, ctx.plan.learnerIdentifier, o.learner, provider),
    contentLink(resolver, o.content, provider),
    stepLink(session, 'external-provider', `${provider} is configured with the integration user`),
    stepLink(session, 'integration-user', 'The integration user is active and holds the job role'),
    credentialsLink(session, now, provider),
    statementsLink(session, since, delivery.delayMs, now.getTime(), provider),
  ]);
  const deliveryLink: WhyLink = (() => {
    const title = `${provider}'s delivery delay has passed`;
    if (delivery.delayMs === undefined) return { id: 'delivery', title, status: 'info', message: `${delivery.sends}. Whether a statement arrived cannot be read (Oracle publishes no API for received statements).`, basis: delivery.basis };
    if (since === undefined) return { id: 'delivery', title, status: 'unknown', message: `${delivery.sends}: without the completion time it cannot be told whether its statement is due yet.`, check: 'Give --since (when the learner completed).', basis: delivery.basis };
    const due = since + delivery.delayMs;
    if (now.getTime() < due) return { id: 'delivery', title, status: 'waiting', message: `${delivery.sends}: this completion's statement is due by ${when(due)} (${delivery.delayText}).`, basis: delivery.basis, at: new Date(due).toISOString() };
    return { id: 'delivery', title, status: 'ok', message: `${delivery.sends}: the statement was due by ${when(due)} (${delivery.delayText}). Whether it arrived cannot be read (Oracle publishes no API for received statements).`, basis: delivery.basis, at: new Date(due).toISOString() };
  })();
  const { record, retake } = await recordLinks(session, learner.user, content.item, since, provider, delivery.retake);
  const completion: WhyLink | undefined =
    since !== undefined ? { id: 'completion', title: `The learner completed the course in ${provider}`, status: 'info', message: `Around ${when(since)} (given with --since).`, basis: 'documented', at: new Date(since).toISOString() } : undefined;
  const links = [...(completion ? [completion] : []), learner.link, content.link, providerLink, userLink, credentials, deliveryLink, statements, record, retake];
  const report: WhyReport = {
    environment: o.environment,
    url: session.url,
    at: now.toISOString(),
    requests: session.requests,
    provider,
    learner: o.learner,
    content: o.content,
    since: since !== undefined ? new Date(since).toISOString() : null,
    links,
    verdict: verdictOf(links, { learner: o.learner, content: o.content, ...(since !== undefined ? { since } : {}), provider, ...(content.item ? { title: content.item.title } : {}) }),
  };
  o.onProgress?.(`Verdict: ${report.verdict.outcome} (${session.requests} request(s)).`);
  return report;
}

/** Records the run in the environment's history (who asked about whom, and the verdict). */
export function recordWhy(state: EnvironmentState, r: WhyReport, source: 'cli' | 'vscode'): void {
  state.history.push({ at: r.at, action: 'why', requests: r.requests, outcome: r.verdict.outcome, via: source, detail: `learner ${r.learner}, content ${r.content}${r.since ? `, since ${r.since}` : ''}: ${r.verdict.link ?? r.verdict.outcome}` });
}

