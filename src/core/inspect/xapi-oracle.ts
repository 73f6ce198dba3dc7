/**
 * What Oracle Learning does with an xAPI statement from a content provider, per
 * shared/oracle-reference.md ("External xAPI-based content provider ... data exchange reference" [DOC]):
 * the learner is the primary work email (actor.mbox) or the Oracle Learning user name (actor.account.name),
 * per provider configuration; the content is the object id; timestamp becomes the completion date,
 * result.duration the actual effort and the score the score. Oracle does not publish which verbs it
 * accepts (MOS 3041803.1, [GAP]): the verb handling below follows the standard ADL verbs and is an
 * inference, labelled as such in `notes`.
 */
import { validateXapiStatement, type XapiError, type XapiVersion } from './xapi-validate';

export type LearnerIdentifierKind = 'email' | 'username' | 'mbox_sha1sum' | 'openid' | 'none';

/** What Oracle would do with the statement's verb. */
export type OracleVerbAction = 'completion' | 'progress' | 'not-accepted';

export interface OracleReading {
  learner: {
    by: LearnerIdentifierKind;
    /** Email without "mailto:", the account name, the hash or the openid URL; null when absent. */
    value: string | null;
    /** Oracle can map only an email (mbox) or a user name (account.name) to a learner. */
    mappable: boolean;
  };
  /** object.id when the object is an Activity: matched against the imported item's external content id / URL. */
  contentId: string | null;
  /** verb.id */
  verb: string | null;
  /** Short ADL verb name ("completed") when the verb is an ADL verb. */
  verbName: string | null;
  action: OracleVerbAction;
  /** Oracle records a completion (completion date = timestamp). */
  completion: boolean;
  /** statement timestamp (ISO 8601 as sent). */
  timestamp: string | null;
  /** result.duration in seconds (actual effort). */
  durationSeconds: number | null;
  /** result.score.scaled, else result.score.raw. */
  score: number | null;
  /** Explanations worth showing (unmappable learner, inferred verb handling, missing timestamp...). */
  notes: string[];
}

const ADL = 'http://adlnet.gov/expapi/verbs/';
const VERB_ACTIONS: Record<string, OracleVerbAction> = {
  completed: 'completion',
  passed: 'completion',
  failed: 'progress',
  progressed: 'progress',
  initialized: 'progress',
  launched: 'progress',
};
const VERB_NOTE = "Verb handling is inferred: Oracle does not publish the verbs it accepts (MOS 3041803.1); completed/passed are read as completions, progressed/initialized/launched/failed as progress";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Parses an ISO 8601 duration (PnYnMnDTnHnMnS or PnW) to seconds; years count 365 days and
 * months 30 days (xAPI durations are normally hours/minutes/seconds). Returns null when not a duration.
 */
export function durationToSeconds(duration: string): number | null {
  const m = /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/.exec(duration);
  if (!m || duration === 'P' || duration.endsWith('T')) return null;
  const n = (s: string | undefined) => (s ? Number(s.replace(',', '.')) : 0);
  const seconds = n(m[1]) * 365 * 86400 + n(m[2]) * 30 * 86400 + n(m[3]) * 7 * 86400 + n(m[4]) * 86400 + n(m[5]) * 3600 + n(m[6]) * 60 + n(m[7]);
  return Math.round(seconds * 1000) / 1000;
}

/** Oracle's reading of a statement: who, which content, what happens. Works on invalid statements too (best effort). */
export function oracleReadingOfStatement(statement: unknown): OracleReading {
  const s = isObj(statement) ? statement : {};
  const notes: string[] = [];
  const actor = isObj(s.actor) ? s.actor : {};
  let learner: OracleReading['learner'];
  if (typeof actor.mbox === 'string') {
    const mbox = actor.mbox;
    learner = { by: 'email', value: mbox.length > 7 && mbox.slice(0, 7).toLowerCase() === 'mailto:' ? mbox.slice(7) : mbox, mappable: true };
  } else if (isObj(actor.account) && typeof actor.account.name === 'string') {
    learner = { by: 'username', value: actor.account.name, mappable: true };
  } else if (typeof actor.mbox_sha1sum === 'string') {
    learner = { by: 'mbox_sha1sum', value: actor.mbox_sha1sum, mappable: false };
    notes.push('The learner is identified by mbox_sha1sum (a hash of the email): Oracle cannot map a hash to a user; the provider must send mbox (work email) or account.name (user name)');
  } else if (typeof actor.openid === 'string') {
    learner = { by: 'openid', value: actor.openid, mappable: false };
    notes.push('The learner is identified by openid: Oracle cannot map it to a user; the provider must send mbox (work email) or account.name (user name)');
  } else {
    learner = { by: 'none', value: null, mappable: false };
    notes.push(actor.objectType === 'Group' ? 'The actor is a Group: Oracle records learning per learner, so a Group actor cannot be mapped' : 'The statement has no learner identifier');
  }

  const object = isObj(s.object) ? s.object : {};
  const objectType = object.objectType ?? 'Activity';
  const contentId = objectType === 'Activity' && typeof object.id === 'string' ? object.id : null;
  if (contentId === null) notes.push(objectType === 'Activity' ? 'The object has no id: Oracle cannot find the content' : `The object is a ${String(objectType)}, not an Activity: there is no content id for Oracle to match`);

  const verbObj = isObj(s.verb) ? s.verb : {};
  const verb = typeof verbObj.id === 'string' ? verbObj.id : null;
  const verbName = verb && verb.startsWith(ADL) ? verb.slice(ADL.length) : null;
  const action: OracleVerbAction = verbName && VERB_ACTIONS[verbName] ? VERB_ACTIONS[verbName] : 'not-accepted';
  notes.push(VERB_NOTE);
  if (action === 'not-accepted') notes.push(`The verb ${verb ? JSON.stringify(verb) : '(missing)'} is not one Oracle is expected to process`);

  const timestamp = typeof s.timestamp === 'string' ? s.timestamp : null;
  if (timestamp === null && action === 'completion') notes.push('No timestamp: Oracle stores the timestamp as the completion date, so a completion without one has no date');

  const result = isObj(s.result) ? s.result : {};
  const durationSeconds = typeof result.duration === 'string' ? durationToSeconds(result.duration) : null;
  const score = isObj(result.score) ? (typeof result.score.scaled === 'number' ? result.score.scaled : typeof result.score.raw === 'number' ? result.score.raw : null) : null;
  return { learner, contentId, verb, verbName, action, completion: action === 'completion', timestamp, durationSeconds, score, notes };
}

// ---------------------------------------------------------------- resolution against an environment

/** An Oracle user as the resolver sees it (from SCIM Users / userAccounts). */
export interface OracleLearner {
  id: string;
  userName: string;
  /** Primary work email. */
  email: string | null;
  active: boolean;
}

/** An imported self-paced item (learningSelfPacedItems). */
export interface OracleContentItem {
  learningItemId: string | number;
  title: string;
  externalContentId: string | null;
  contentUrl: string | null;
  status: string;
}

/**
 * Looks learners and content up in a connected environment. Implemented over Oracle REST elsewhere;
 * tests use an in-memory one. Each method returns every match (duplicates matter).
 */
export interface XapiResolver {
  /** Users whose primary work email (by 'email', case-insensitive) or user name (by 'username') is `value`. */
  findLearner(by: 'email' | 'username', value: string): Promise<OracleLearner[]>;
  /** Items whose external content id or content URL equals `contentId`. */
  findContent(contentId: string): Promise<OracleContentItem[]>;
}

/**
 * A resolver could not read the pod for a lookup (a refused filter, a 403/404, an answer in an
 * unexpected shape): nothing can be said about that learner or content, never "not found".
 */
export class ResolverUnavailableError extends Error {
  override readonly name = 'ResolverUnavailableError';
  readonly reason = 'unavailable';
}

export type CompletionBlockCode =
  | 'invalid-statement'
  | 'learner-not-checked'
  | 'content-not-checked'
  | 'unmappable-identifier'
  | 'identifier-mismatch'
  | 'no-such-user'
  | 'duplicate-users'
  | 'inactive-user'
  | 'missing-content-id'
  | 'unknown-content'
  | 'inactive-content'
  | 'verb-not-accepted'
  | 'verb-not-completion'
  | 'missing-timestamp';

export interface CompletionExplanation {
  /** Oracle would record a completion for a known, active learner on a known item. */
  lands: boolean;
  /** What would be recorded: a completion, progress only, or nothing. */
  outcome: 'completion' | 'progress' | 'nothing';
  /** Every reason the completion would not land, most fundamental first. Empty when it lands. */
  reasons: { code: CompletionBlockCode; message: string }[];
  learner: OracleLearner | null;
  content: OracleContentItem | null;
  reading: OracleReading;
  errors: XapiError[];
}

export interface ExplainCompletionOptions {
  version?: XapiVersion;
  /** How the provider is configured to identify learners in Oracle (Configure External Providers). */
  learnerIdentifier?: 'email' | 'username';
}

/**
 * Says exactly why a completion would (not) land: validates the statement, maps the learner
 * (unmappable identifier, wrong identifier kind for the provider configuration, no such user,
 * duplicate users, inactive user), finds the content (missing id, unknown, inactive), and checks
 * the verb and the timestamp.
 */
export async function explainCompletion(statement: unknown, resolver: XapiResolver, options: ExplainCompletionOptions = {}): Promise<CompletionExplanation> {
  const validation = validateXapiStatement(statement, options.version ? { version: options.version } : {});
  const reading = oracleReadingOfStatement(statement);
  const reasons: CompletionExplanation['reasons'] = [];
  if (!validation.valid) {
    reasons.push({ code: 'invalid-statement', message: `The statement is not valid xAPI (${validation.errors.length} error${validation.errors.length > 1 ? 's' : ''}, first: ${validation.errors[0]!.path || 'statement'}: ${validation.errors[0]!.message}); the endpoint rejects it` });
  }

  let learner: OracleLearner | null = null;
  const { by, value } = reading.learner;
  if (!reading.learner.mappable || value === null) {
    reasons.push({ code: 'unmappable-identifier', message: by === 'none' ? 'The statement has no learner Oracle can map (needs mbox or account.name)' : `The learner is identified by ${by}, which Oracle cannot map to a user; the provider must send mbox (work email) or account.name (user name)` });
  } else if (options.learnerIdentifier && options.learnerIdentifier !== by) {
    reasons.push({
      code: 'identifier-mismatch',
      message: `The provider is configured to identify learners by ${options.learnerIdentifier === 'email' ? 'work email (mbox)' : 'user name (account.name)'}, but the statement sends ${by === 'email' ? 'an email (mbox)' : 'a user name (account.name)'} ${JSON.stringify(value)}; change the provider's learner identifier or what it sends`,
    });
  } else {
    const kind = by as 'email' | 'username';
    const matches = await unavailableAsNull(resolver.findLearner(kind, value), (m) =>
      reasons.push({ code: 'learner-not-checked', message: `Could not look the learner ${JSON.stringify(value)} up in this environment: ${m}` }),
    );
    if (matches === null) {
      // Reason recorded: nothing is said about this learner.
    } else if (matches.length === 0) {
      reasons.push({ code: 'no-such-user', message: `No Oracle user has ${kind === 'email' ? 'the primary work email' : 'the user name'} ${JSON.stringify(value)}; check the learner's ${kind === 'email' ? 'work email in HCM' : 'user name'} or the identity mapping` });
    } else if (matches.length > 1) {
      reasons.push({ code: 'duplicate-users', message: `${matches.length} Oracle users share ${kind === 'email' ? 'the work email' : 'the user name'} ${JSON.stringify(value)} (${matches.map((m) => m.userName).join(', ')}); Oracle cannot tell which learner completed, so make the email unique` });
    } else {
      learner = matches[0]!;
      if (!learner.active) reasons.push({ code: 'inactive-user', message: `The Oracle user ${learner.userName} is inactive; learning records are not created for inactive users` });
    }
  }

  let content: OracleContentItem | null = null;
  if (reading.contentId === null) {
    reasons.push({ code: 'missing-content-id', message: 'The statement has no Activity object id, so no content can be matched' });
  } else {
    const items = await unavailableAsNull(resolver.findContent(reading.contentId), (m) =>
      reasons.push({ code: 'content-not-checked', message: `Could not look the content ${JSON.stringify(reading.contentId)} up in this environment: ${m}` }),
    );
    if (items === null) {
      // Reason recorded: nothing is said about this content.
    } else if (items.length === 0) {
      reasons.push({ code: 'unknown-content', message: `No imported learning item has external content id or URL ${JSON.stringify(reading.contentId)}; the content was not synchronised (check "Load and Synchronize External Course Data") or the provider sends another id` });
    } else {
      content = items.find((i) => i.status === 'ACTIVE') ?? items[0]!;
      if (content.status !== 'ACTIVE') reasons.push({ code: 'inactive-content', message: `The learning item ${JSON.stringify(content.title)} (${content.learningItemId}) is ${content.status}; records are not added to inactive items` });
    }
  }

  if (reading.action === 'not-accepted') {
    reasons.push({ code: 'verb-not-accepted', message: `The verb ${reading.verb ? JSON.stringify(reading.verb) : '(missing)'} is not one Oracle is expected to process (inferred list: ADL completed, passed, failed, progressed, initialized, launched)` });
  } else if (reading.action === 'progress') {
    reasons.push({ code: 'verb-not-completion', message: `The verb "${reading.verbName}" records progress, not a completion (inferred); a completion needs "completed" or "passed"` });
  }
  if (reading.action === 'completion' && reading.timestamp === null) {
    reasons.push({ code: 'missing-timestamp', message: 'The statement has no timestamp, which Oracle stores as the completion date; the provider must send one' });
  }

  const blockedOutright = reasons.some((r) => r.code !== 'verb-not-completion');
  const outcome: CompletionExplanation['outcome'] = blockedOutright ? 'nothing' : reading.action === 'completion' ? 'completion' : reading.action === 'progress' ? 'progress' : 'nothing';
  return { lands: reasons.length === 0, outcome, reasons, learner, content, reading, errors: validation.errors };
}

/** Whether the only reasons a statement does not land are lookups the environment did not allow (nothing is known, nothing is wrong). */
export function onlyUnchecked(e: CompletionExplanation): boolean {
  return e.reasons.length > 0 && e.reasons.every((r) => r.code === 'learner-not-checked' || r.code === 'content-not-checked' || r.code === 'verb-not-completion') && e.reasons.some((r) => r.code !== 'verb-not-completion');
}

async function unavailableAsNull<T>(lookup: Promise<T>, onUnavailable: (message: string) => void): Promise<T | null> {
  try {
    return await lookup;
  } catch (err) {
    if (!(err instanceof ResolverUnavailableError)) throw err;
    onUnavailable(err.message);
    return null;
  }
}
