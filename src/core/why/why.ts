/**
 * `oli why` (issue 14): why didn't learner X's completion of course Y land? A timeline of what must
 * be true for a completion to land, each link checked against the pod, ending with a verdict and
 * the first broken link in words a support desk can paste.
 */
import * as l10n from '@vscode/l10n';
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
import { deliveryOf, type DeliveryProfile } from './delivery';
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
  const title = by === 'email' ? l10n.t('The learner resolves to one active Oracle user by primary work email') : l10n.t('The learner resolves to one active Oracle user by user name');
  const base = { id: 'learner', title, basis: 'documented' as Basis };
  try {
    let identifier = input;
    // Given the other kind of identifier, find the user first, then check the identifier the provider sends.
    const given: 'email' | 'username' = input.includes('@') ? 'email' : 'username';
    if (given !== by) {
      const found = await resolver.findLearner(given, input);
      if (found.length !== 1) {
        return {
          link: {
            ...base,
            status: 'broken',
            message: given === 'email' ? l10n.t('No single Oracle user has the primary work email {0} ({1} found).', input, found.length) : l10n.t('No single Oracle user has the user name {0} ({1} found).', input, found.length),
            check: given === 'email' ? l10n.t("Check the learner's email in Oracle.") : l10n.t("Check the learner's user name in Oracle."),
          },
        };
      }
      const u = found[0]!;
      if (by === 'email' && !u.email) {
        return {
          link: {
            ...base,
            status: 'broken',
            message: l10n.t('{0} has no primary work email, and {1} identifies learners by it: no statement can be matched to them.', u.userName, provider),
            check: l10n.t('Give {0} a primary work email in Oracle, the same one {1} holds.', u.userName, provider),
          },
          user: u,
        };
      }
      identifier = by === 'email' ? u.email! : u.userName;
    }
    const users = await resolver.findLearner(by, identifier);
    const what = by === 'email' ? l10n.t('primary work email {0}', identifier) : l10n.t('user name {0}', identifier);
    if (users.length === 0) {
      return {
        link: {
          ...base,
          status: 'broken',
          message: l10n.t('No Oracle user has the {0}: {1} identifies the learner by it, so Oracle cannot match the completion to anyone.', what, provider),
          check:
            by === 'email'
              ? l10n.t("Make the learner's primary work email in Oracle identical to what {0} holds (oli identity checks a whole list).", provider)
              : l10n.t("Make the learner's user name in Oracle identical to what {0} holds (oli identity checks a whole list).", provider),
        },
      };
    }
    if (users.length > 1) {
      return {
        link: {
          ...base,
          status: 'broken',
          message: l10n.t('{0} Oracle users share the {1} ({2}): Oracle cannot tell which learner completed.', users.length, what, users.map((u) => u.userName).join(', ')),
          check: l10n.t('Give each person their own primary work email in Oracle.'),
        },
      };
    }
    const u = users[0]!;
    if (!u.active) {
      return {
        link: {
          ...base,
          status: 'broken',
          message: l10n.t('The {0} belongs to {1}, who is inactive: Oracle does not record completions for them.', what, u.userName),
          check: l10n.t("Reactivate {0}, or ask the provider to use the learner's current account.", u.userName),
        },
        user: u,
      };
    }
    return { link: { ...base, status: 'ok', message: l10n.t('The {0} is {1} (active).', what, u.userName) }, user: u };
  } catch (err) {
    if (!(err instanceof ResolverUnavailableError)) throw err;
    return {
      link: {
        ...base,
        status: 'unknown',
        message: l10n.t('Could not look the learner up: {0}', err.message),
        check: l10n.t('Give the administrator the SCIM privilege (IT Security Manager), or check the user in the Security Console.'),
      },
    };
  }
}

/** The course, imported as a self-paced item (by external content id or URL). */
async function contentLink(resolver: OracleXapiResolver, content: string, provider: string): Promise<{ link: WhyLink; item?: OracleContentItem }> {
  const base = { id: 'content', title: l10n.t('The course is imported in Oracle Learning (by external id or URL)'), basis: 'inferred' as Basis };
  try {
    const items = await resolver.findContent(content);
    if (!items.length) {
      return {
        link: {
          ...base,
          status: 'broken',
          message: l10n.t('No self-paced item has the external id or URL {0}: {1} has not pushed this course to Oracle (or it was deleted), so a statement about it matches nothing.', content, provider),
          check: l10n.t('Ask {0} whether the course is in the catalog they send; check the content sync (oli health: Load and Synchronize External Course Data and the bulk ingest).', provider),
        },
      };
    }
    const active = items.filter((i) => i.status === 'ACTIVE');
    const item = active[0] ?? items[0]!;
    if (!active.length) {
      return {
        link: {
          ...base,
          status: 'broken',
          message: l10n.t('"{0}" (item {1}) is {2}: Oracle does not record completions on it.', item.title, item.learningItemId, item.status),
          check: l10n.t('Ask {0} whether the course was retired; it comes back when they send it as active again.', provider),
        },
        item,
      };
    }
    const message = items.length > 1 ? l10n.t('"{0}" (item {1}), active; {2} items match it.', item.title, item.learningItemId, items.length) : l10n.t('"{0}" (item {1}), active.', item.title, item.learningItemId);
    return { link: { ...base, status: 'ok', message }, item };
  } catch (err) {
    if (!(err instanceof ResolverUnavailableError)) throw err;
    return { link: { ...base, status: 'unknown', message: l10n.t('Could not look the course up: {0}', err.message), check: l10n.t('Check the course in Learning > Catalog.') } };
  }
}

/** A step's check turned into a link: done/attested is ok, failed or needing action is broken, unknown stays unknown. */
async function stepLink(session: EnvironmentSession, id: 'external-provider' | 'integration-user', title: string): Promise<WhyLink> {
  const ctx = session.ctx;
  const outcome = await BEHAVIOURS[id].check(ctx).catch((err: unknown) => ({ status: 'unknown' as const, detail: l10n.t('Could not check: {0}', describeError(err)), checks: [] }));
  const checks = outcome.checks;
  const basis = weakestBasis(checks.filter((c) => c.outcome !== 'info').map((c) => c.basis ?? 'inferred')) ?? 'documented';
  const attestation = ctx.state.attestations[id];
  const attested = attestation ? ` ${l10n.t('Attested by {0} on {1}.', attestation.by, attestation.at.slice(0, 10))}` : '';
  if (id === 'external-provider') {
    const listed = checks.find((c) => c.id === 'listed');
    const user = checks.find((c) => c.id === 'user');
    if (user?.outcome === 'fail') return { id: 'provider', title, status: 'broken', message: user.message, check: l10n.t('Fix the user on Configure External Providers.'), basis };
    if (listed?.outcome === 'pass') return { id: 'provider', title, status: 'ok', message: `${listed.message}${user ? ` ${user.message}` : ''}`, basis };
    if (listed?.outcome === 'fail') return { id: 'provider', title, status: 'broken', message: `${listed.message} ${l10n.t('The provider is not configured on Configure External Providers: nothing it sends is accepted.')}`, check: l10n.t('Configure it (external-provider step).'), basis };
    return {
      id: 'provider',
      title,
      status: 'unknown',
      message: `${listed?.message ?? outcome.detail}${attested}`,
      check: l10n.t('Apply api-authentication (JWT) or store the OAuth client secret, so the provider can be read as the integration user.'),
      basis,
    };
  }
  if (outcome.status === 'done') return { id: 'integration-user', title, status: 'ok', message: outcome.detail, basis };
  if (outcome.status === 'unknown') return { id: 'integration-user', title, status: 'unknown', message: outcome.detail, basis };
  return { id: 'integration-user', title, status: 'broken', message: outcome.detail, check: l10n.t('Fix the integration user (oli status shows the integration-user step).'), basis };
}

/** Oracle accepts the provider's credentials: the inbound certificate is valid and, where this machine can act as the provider, a real call is accepted. */
async function credentialsLink(session: EnvironmentSession, now: Date, provider: string): Promise<WhyLink> {
  const ctx = session.ctx;
  const title = l10n.t("Oracle accepts {0}'s credentials (API Authentication)", provider);
  const cert = await planCertificate(ctx.plan, ctx.planDir, ctx.environment, now);
  if (cert?.ok && cert.info.daysRemaining < 0) {
    return {
      id: 'credentials',
      title,
      status: 'broken',
      message: l10n.t("The inbound certificate {0} expired on {1}: Oracle no longer verifies {2}'s tokens, so nothing it sends is accepted.", cert.file, when(cert.info.notAfter), provider),
      check: l10n.t("Get {0}'s new certificate and run oli rotate-cert --new FILE.", provider),
      basis: 'documented',
      at: cert.info.notAfter,
    };
  }
  const read = await readAsProvider(ctx);
  const validUntil = cert?.ok ? l10n.t('; the inbound certificate is valid until {0}', when(cert.info.notAfter)) : '';
  if (!read) return { id: 'credentials', title, status: 'info', message: l10n.t('Not verified by a real call (no verification kit or OAuth secret on this machine){0}.', validUntil), basis: 'documented' };
  if (read.ok) return { id: 'credentials', title, status: 'ok', message: l10n.t('A call {0} was accepted{1}.', read.how, validUntil), basis: 'documented' };
  const status = read.error instanceof OracleError ? read.error.status : undefined;
  if (status === 401) return { id: 'credentials', title, status: 'broken', message: l10n.t('Oracle refused a call {0} (401): the integration user cannot sign in.', read.how), check: l10n.t('Check API Authentication (issuer and certificate) and that the integration user is active.'), basis: 'documented' };
  if (status === 403) return { id: 'credentials', title, status: 'broken', message: l10n.t('The integration user signed in but lacks the Learning Content Provider duty (403).'), check: l10n.t('Check the job role of the integration user.'), basis: 'documented' };
  return { id: 'credentials', title, status: 'unknown', message: l10n.t('The verification call failed: {0}', describeError(read.error)), basis: 'inferred' };
}

/** Runs of "Process Learning Experience Statements" since the completion. */
async function statementsLink(session: EnvironmentSession, since: number | undefined, delayMs: number | undefined, now: number, provider: string): Promise<WhyLink> {
  const ctx = session.ctx;
  const title = l10n.t('"Process Learning Experience Statements" ran successfully after the completion');
  const { states } = await readSchedules(ctx, ['processLearningExperienceStatements']);
  const s = states[0]!;
  if (s.refusal) return { id: 'statements-process', title, status: 'unknown', message: l10n.t('Its runs could not be read: {0}', s.refusal.message), check: l10n.t('Check the process in {0}.', SCHEDULED_PROCESSES), basis: 'inferred' };
  if (!s.id) return { id: 'statements-process', title, status: 'unknown', message: l10n.t('Its job definition id is unknown (Oracle does not publish it), so its runs cannot be read.'),
      check: l10n.t('Submit it once in Scheduled Processes or set scheduledProcesses.processLearningExperienceStatements in the plan.'),
      basis: 'documented',
    };
  const basis = weakestBasis([s.idBasis, 'documented'])!;
  const words = { ...(ctx.state.probe?.ess?.recurringWords ? { recurring: ctx.state.probe.ess.recurringWords } : {}) };
  const runs = (await processRequests(ctx, s.id)).requests.filter((r) => ['child', 'one-off'].includes(requestKind(r, words)));
  const startOf = (r: EssRequest) => ms(r.processStart) ?? ms(r.scheduledTime) ?? ms(r.submissionTime) ?? 0;
  const upcoming = runs.filter((r) => WAITING.includes(r.state.toUpperCase()) && (ms(r.scheduledTime) ?? 0) > now).sort((a, b) => startOf(a) - startOf(b))[0];
  const next = upcoming ? ` ${l10n.t('The next run is at {0} (request {1}).', when(ms(upcoming.scheduledTime)), upcoming.requestId)}` : s.schedule ? '' : ` ${l10n.t('It has no daily schedule.')}`;
  if (since === undefined) {
    const last = runs.filter((r) => r.state.toUpperCase() === 'SUCCEEDED').sort((a, b) => startOf(b) - startOf(a))[0];
    return { id: 'statements-process', title, status: 'unknown', message: `${last ? l10n.t('Without the completion time, whether a run came after it cannot be told; the last successful run started {0}.', when(startOf(last))) : l10n.t('Without the completion time, whether a run came after it cannot be told.')}${next}`,
      check: l10n.t('Give --since (when the learner completed).'),
      basis,
    };
  }
  const after = runs.filter((r) => startOf(r) >= since).sort((a, b) => startOf(a) - startOf(b));
  const okAfterDelivery = after.find((r) => r.state.toUpperCase() === 'SUCCEEDED' && (delayMs === undefined || startOf(r) >= since + delayMs));
  if (okAfterDelivery) return { id: 'statements-process', title, status: 'ok', message: delayMs
        ? l10n.t("Request {0} ran successfully at {1}, after {2}'s delivery window.", okAfterDelivery.requestId, when(startOf(okAfterDelivery)), provider)
        : l10n.t('Request {0} ran successfully at {1}.', okAfterDelivery.requestId, when(startOf(okAfterDelivery))), basis, at: new Date(startOf(okAfterDelivery)).toISOString() };
  const okEarly = after.find((r) => r.state.toUpperCase() === 'SUCCEEDED');
  const failed = after.filter((r) => FAILED.includes(r.state.toUpperCase()));
  if (failed.length) {
    const f = failed.at(-1)!;
    return {
      id: 'statements-process',
      title,
      status: 'broken',
      message:
        failed.length > 1
          ? l10n.t('{0} runs since the completion failed: request {1} at {2} ended in {3}{4}. Statements wait unprocessed until a run succeeds.', failed.length, f.requestId, when(startOf(f)), f.state, f.stateDescription ? ` (${f.stateDescription})` : '')
          : l10n.t('Its run since the completion failed: request {0} at {1} ended in {2}{3}. Statements wait unprocessed until a run succeeds.', f.requestId, when(startOf(f)), f.state, f.stateDescription ? ` (${f.stateDescription})` : ''),
      check: `${l10n.t('Open request {0} in {1}, read its log, fix the cause and resubmit the process.', f.requestId, SCHEDULED_PROCESSES)}${next}`,
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
      message: l10n.t(
        'Request {0}, due at {1}, is still {2}{3}: statements wait until it runs.',
        stuck.requestId,
        when(ms(stuck.scheduledTime)),
        stuck.state,
        stuck.stateDescription && !/^wait$/i.test(stuck.stateDescription) ? ` (${stuck.stateDescription})` : '',
      ),
      check: l10n.t('Open request {0} in {1}: release it or cancel what blocks it.', stuck.requestId, SCHEDULED_PROCESSES),
      basis,
      at: stuck.scheduledTime,
    };
  }
  if (okEarly) {
    return {
      id: 'statements-process',
      title,
      status: 'waiting',
      message: `${l10n.t("Request {0} ran at {1}, within {2}'s delivery window: the statement may have arrived after it.", okEarly.requestId, when(startOf(okEarly)), provider)}${next || ` ${l10n.t('The next run picks it up.')}`}`,
      basis,
      at: new Date(startOf(okEarly)).toISOString(),
    };
  }
  if (!s.schedule && !upcoming) {
    return {
      id: 'statements-process',
      title,
      status: 'broken',
      message: l10n.t('It has not run since the completion and has no daily schedule: nothing turns received statements into completions.'),
      check: l10n.t('Schedule it daily (oli apply --step scheduled-processes), or submit it once now in Scheduled Processes.'),
      basis,
    };
  }
  return { id: 'statements-process', title, status: 'waiting', message: `${l10n.t('It has not run since the completion.')}${next}`, basis, ...(upcoming?.scheduledTime ? { at: upcoming.scheduledTime } : {}) };
}

/** The learner's records of the course, where the administrator may read them. */
async function recordLinks(
  session: EnvironmentSession,
  learner: OracleLearner | undefined,
  item: OracleContentItem | undefined,
  since: number | undefined,
  provider: string,
  delivery: DeliveryProfile,
): Promise<{ record: WhyLink; retake: WhyLink }> {
  const ctx = session.ctx;
  const title = l10n.t("The completion is on the learner's record");
  const retakeTitle = l10n.t('A retake is another enrollment');
  const retakeBasis: Basis = 'documented';
  const retake = delivery.retake;
  const retakeInfo = retake ? l10n.t('{0} documents that {1}.', provider, retake) : l10n.t('Oracle documents no retake behaviour for {0}.', provider);
  const explainRetake = (records: LearnerLearningRecord[] | undefined): WhyLink => {
    if (!records) {
      const latestOne = delivery.retakeIsAnotherEnrollment ? ` ${l10n.t('If the learner retook it, look at their latest enrollment of the course, not the first one.')}` : '';
      return { id: 'retake', title: retakeTitle, status: 'info', message: `${retakeInfo}${latestOne}`, basis: retakeBasis };
    }
    if (records.length <= 1) return { id: 'retake', title: retakeTitle, status: 'info', message: l10n.t('One enrollment of this course: no retake. {0}', retakeInfo), basis: retakeBasis };
    const sorted = [...records].sort((a, b) => Number(b.assignmentRecordId ?? 0) - Number(a.assignmentRecordId ?? 0));
    const desc = (r: LearnerLearningRecord) =>
      `${r.assignmentRecordNumber ?? r.assignmentRecordId} ${statusWord(r)}${r.completionDetails[0]?.completionDate ? l10n.t(' (completed {0})', when(r.completionDetails.at(-1)!.completionDate)) : ''}`;
    return {
      id: 'retake',
      title: retakeTitle,
      status: 'info',
      message: l10n.t('{0} enrollments of this course: the latest is {1}; earlier: {2}. {3} Look at the latest enrollment.', records.length, desc(sorted[0]!), sorted.slice(1).map(desc).join(', '), retakeInfo),
      basis: retakeBasis,
    };
  };
  if (!learner || !item) return { record: { id: 'record', title, status: 'unknown', message: l10n.t('Not checked: the learner or the course is not known in Oracle (see above).'), basis: 'documented' }, retake: explainRetake(undefined) };
  const account = await readOrRefusal('user-accounts', () => findUserAccount(ctx.client, learner.userName, ctx.signal ? { signal: ctx.signal } : {}));
  const personNumber = account.ok ? account.value?.PersonNumber : undefined;
  if (!personNumber) {
    const why = account.ok ? l10n.t('{0} has no person number in userAccounts', learner.userName) : account.refusal.message;
    return { record: { id: 'record', title, status: 'unknown', message: l10n.t("The learner's records could not be looked up: {0}.", why), basis: 'documented' }, retake: explainRetake(undefined) };
  }
  const q = adfAnd([adfEq('assignedToNumber', personNumber), adfEq('learningItemId', Number(item.learningItemId))]);
  const read = await readOrRefusal('learner-learning-records', () => readLearnerLearningRecords(ctx.client, { q, ...(ctx.signal ? { signal: ctx.signal } : {}) }));
  const notVisible: WhyLink = {
    id: 'record',
    title,
    status: 'unknown',
    message: l10n.t(
      'Not visible to the administrator: Oracle documents learnerLearningRecords as a resource that applies to the learner (each learner reads their own records), so whether the record shows the completion cannot be read here.',
    ),
    check: l10n.t('Ask the learner to open My Learning (or check the learning record in the Oracle UI).'),
    basis: 'documented',
  };
  if (!read.ok) return { record: { ...notVisible, message: l10n.t("Could not read the learner's records: {0}", read.refusal.message) }, retake: explainRetake(undefined) };
  const records = read.value.items;
  if (!records.length) {
    // Whether the administrator sees other learners' records of this course tells "no record" from "not visible".
    const others = await readOrRefusal('learner-learning-records', () => readLearnerLearningRecords(ctx.client, { q: adfEq('learningItemId', Number(item.learningItemId)), maxItems: 1, ...(ctx.signal ? { signal: ctx.signal } : {}) }));
    if (others.ok && others.value.items.some((r) => r.assignedToNumber && r.assignedToNumber !== personNumber)) {
      return {
        record: {
          id: 'record',
          title,
          status: 'broken',
          message: l10n.t("The learner has no record of this course, while other learners' records of it are visible: no statement about this learner and course was processed."),
          check: l10n.t('Check the links above; if they all hold, ask {0} whether they sent the completion.', provider),
          basis: 'inferred',
        },
        retake: explainRetake([]),
      };
    }
    return { record: notVisible, retake: explainRetake(undefined) };
  }
  const completions = records.flatMap((r) => r.completionDetails.map((c) => ({ r, at: ms(c.completionDate) }))).filter((c): c is { r: LearnerLearningRecord; at: number } => c.at !== undefined);
  const fresh = completions.filter((c) => since === undefined || c.at >= since - 24 * 3_600_000).sort((a, b) => b.at - a.at)[0];
  if (fresh) {
    return {
      record: { id: 'record', title, status: 'ok', message: l10n.t('Record {0} shows the course completed on {1}.', fresh.r.assignmentRecordNumber ?? fresh.r.assignmentRecordId ?? '?', when(fresh.at)), basis: 'documented', at: new Date(fresh.at).toISOString() },
      retake: explainRetake(records),
    };
  }
  const latest = [...records].sort((a, b) => Number(b.assignmentRecordId ?? 0) - Number(a.assignmentRecordId ?? 0))[0]!;
  return {
    record: {
      id: 'record',
      title,
      status: 'broken',
      message:
        since !== undefined
          ? l10n.t(
              "Oracle has the learner's enrollment {0} ({1}) but no completion since {2}: {3} has sent the start, not the completion, or it was not processed yet.",
              latest.assignmentRecordNumber ?? latest.assignmentRecordId ?? '?',
              statusWord(latest),
              when(since),
              provider,
            )
          : l10n.t(
              "Oracle has the learner's enrollment {0} ({1}) but no completion: {2} has sent the start, not the completion, or it was not processed yet.",
              latest.assignmentRecordNumber ?? latest.assignmentRecordId ?? '?',
              statusWord(latest),
              provider,
            ),
      check: l10n.t('If the links above hold, ask {0} whether the completion was sent.', provider),
      basis: 'documented',
    },
    retake: explainRetake(records),
  };
}

function statusWord(r: LearnerLearningRecord): string {
  const s = (r.assignmentStatus ?? '').toUpperCase();
  return s.includes('COMPLETE') ? l10n.t('completed') : s.includes('ACTIVE') ? l10n.t('in progress') : (r.assignmentStatus ?? l10n.t('status unknown'));
}

/** The verdict: the completion is on the record; else the first broken link; else the first waiting one; else what could not be checked. */
function verdictOf(links: WhyLink[], o: { learner: string; content: string; since?: number; provider: string; title?: string }): WhyReport['verdict'] {
  const course = o.title ? `"${o.title}" (${o.content})` : o.content;
  const head = o.since !== undefined ? l10n.t('Learner {0}, {1} course {2}, completed around {3}', o.learner, o.provider, course, when(o.since)) : l10n.t('Learner {0}, {1} course {2}', o.learner, o.provider, course);
  const record = links.find((l) => l.id === 'record');
  const make = (outcome: WhyOutcome, text: string, link?: WhyLink) => ({ outcome, text, ...(link ? { link: link.id } : {}) });
  if (record?.status === 'ok') return make('landed', l10n.t('{0}: LANDED. {1}', head, record.message), record);
  const broken = links.find((l) => l.status === 'broken');
  if (broken) {
    const text = broken.check ? l10n.t('{0}: NOT LANDED. Cause: {1} Next step: {2}', head, broken.message, broken.check) : l10n.t('{0}: NOT LANDED. Cause: {1}', head, broken.message);
    return make('not-landed', text, broken);
  }
  const waiting = links.find((l) => l.status === 'waiting');
  if (waiting) {
    const text = waiting.at ? l10n.t('{0}: NOT YET, as expected: {1} Check again after {2}.', head, waiting.message, when(waiting.at)) : l10n.t('{0}: NOT YET, as expected: {1}', head, waiting.message);
    return make('not-yet', text, waiting);
  }
  const unknown = links.filter((l) => l.status === 'unknown' && l.id !== 'record');
  if (unknown.length) return make('cannot-tell', l10n.t('{0}: CANNOT TELL. Could not check: {1}', head, unknown.map((l) => `${l.title} (${l.message})`).join('; ')), unknown[0]);
  return make(
    'should-have-landed',
    l10n.t(
      '{0}: everything Oracle needs is in place and "Process Learning Experience Statements" ran after the delivery window, so it should be on the learner\'s record. An administrator cannot read the record itself (learnerLearningRecords applies to the learner): ask the learner to refresh My Learning; if it is still missing, send this report to Oracle Support.',
      head,
    ),
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
  o.onProgress?.(l10n.t("Following {0}'s completion of {1} on {2}…", o.learner, o.content, o.environment));
  await session.signIn(() => ctx.integrationUser());
  const resolver = new OracleXapiResolver(ctx.client, ctx.signal, resolverSettingsOf(ctx.state.probe));
  const [learner, content, providerLink, userLink, credentials, statements] = await Promise.all([
    learnerLink(resolver, ctx.plan.learnerIdentifier, o.learner, provider),
    contentLink(resolver, o.content, provider),
    stepLink(session, 'external-provider', l10n.t('{0} is configured with the integration user', provider)),
    stepLink(session, 'integration-user', l10n.t('The integration user is active and holds the job role')),
    credentialsLink(session, now, provider),
    statementsLink(session, since, delivery.delayMs, now.getTime(), provider),
  ]);
  const deliveryLink: WhyLink = (() => {
    const title = l10n.t("{0}'s delivery delay has passed", provider);
    if (delivery.delayMs === undefined) return { id: 'delivery', title, status: 'info', message: l10n.t('{0}. Whether a statement arrived cannot be read (Oracle publishes no API for received statements).', delivery.sends), basis: delivery.basis };
    if (since === undefined) {
      return {
        id: 'delivery',
        title,
        status: 'unknown',
        message: l10n.t('{0}: without the completion time it cannot be told whether its statement is due yet.', delivery.sends),
        check: l10n.t('Give --since (when the learner completed).'),
        basis: delivery.basis,
      };
    }
    const due = since + delivery.delayMs;
    const delay = delivery.delayText ?? '';
    if (now.getTime() < due) return { id: 'delivery', title, status: 'waiting', message: l10n.t("{0}: this completion's statement is due by {1} ({2}).", delivery.sends, when(due), delay), basis: delivery.basis, at: new Date(due).toISOString() };
    return {
      id: 'delivery',
      title,
      status: 'ok',
      message: l10n.t('{0}: the statement was due by {1} ({2}). Whether it arrived cannot be read (Oracle publishes no API for received statements).', delivery.sends, when(due), delay),
      basis: delivery.basis,
      at: new Date(due).toISOString(),
    };
  })();
  const { record, retake } = await recordLinks(session, learner.user, content.item, since, provider, delivery);
  const completion: WhyLink | undefined =
    since !== undefined ? { id: 'completion', title: l10n.t('The learner completed the course in {0}', provider), status: 'info', message: l10n.t('Around {0} (given with --since).', when(since)), basis: 'documented', at: new Date(since).toISOString() } : undefined;
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
  o.onProgress?.(l10n.t('Verdict: {0} ({1} request(s)).', report.verdict.outcome, session.requests));
  return report;
}

/** Records the run in the environment's history (who asked about whom, and the verdict). */
export function recordWhy(state: EnvironmentState, r: WhyReport, source: 'cli' | 'vscode'): void {
  state.history.push({ at: r.at, action: 'why', requests: r.requests, outcome: r.verdict.outcome, via: source, detail: `learner ${r.learner}, content ${r.content}${r.since ? `, since ${r.since}` : ''}: ${r.verdict.link ?? r.verdict.outcome}` });
}

