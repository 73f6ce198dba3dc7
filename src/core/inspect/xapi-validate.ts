/**
 * xAPI statement validator (1.0.3 and 2.0 / IEEE 9274.1.1), written as plain checks rather than a
 * zod schema: xAPI's rules are mostly cross-field (exactly one inverse functional identifier, Agent
 * vs Group by objectType, voiding needs a StatementRef, revision/platform only with an Activity,
 * SubStatement restrictions), and the validator must stream 100,000 statements quickly. It reports
 * every error with a JSON path, and agrees with the ADL LRS conformance suite (see the tests).
 */

export type XapiVersion = '1.0.3' | '2.0';

export interface XapiError {
  /** Dotted JSON path, e.g. "actor.mbox", "context.contextActivities.parent[0].id"; "" for the statement. */
  path: string;
  message: string;
}

export interface XapiValidation {
  valid: boolean;
  errors: XapiError[];
}

export interface ValidateXapiOptions {
  version?: XapiVersion;
}

type Obj = Record<string, unknown>;

/**
 * RFC 4122 string form (8-4-4-4-12 hex). Version and variant nibbles are not enforced: the xAPI spec's
 * own examples use ids such as 12345678-1234-5678-1234-567812345678, and so do real providers.
 */
export const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Absolute IRI: a scheme, then no whitespace or characters excluded from IRIs (RFC 3987). */
export const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$/;
const MAILTO = /^mailto:[^\s@<>"]+@[^\s@<>"]+$/i;
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;
const DURATION = /^P(?:(?=\d|T\d)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?|\d+(?:[.,]\d+)?W)$/;
/** ISO 8601 / RFC 3339 date-time with optional fraction and zone. */
export const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(?:\s*;.*)?$/;
const LANG_TAG =
  /^(?:(?:en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang)|(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}(?:-[A-Za-z]{3}){0,2})?|[A-Za-z]{4}|[A-Za-z]{5,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-x(?:-[A-Za-z0-9]{1,8})+)?)|x(?:-[A-Za-z0-9]{1,8})+)$/;

const INTERACTION_TYPES = new Set(['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric', 'other']);
const INTERACTION_COMPONENT_LISTS: Record<string, string[]> = {
  choice: ['choices'],
  sequencing: ['choices'],
  likert: ['scale'],
  matching: ['source', 'target'],
  performance: ['steps'],
};
const ALL_COMPONENT_LISTS = ['choices', 'scale', 'source', 'target', 'steps'];
const CONTEXT_ACTIVITY_KEYS = new Set(['parent', 'grouping', 'category', 'other']);
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

const STATEMENT_KEYS = new Set(['id', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'stored', 'authority', 'version', 'attachments']);
const SUBSTATEMENT_KEYS = new Set(['objectType', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'attachments']);
const AGENT_KEYS = new Set(['objectType', 'name', 'mbox', 'mbox_sha1sum', 'openid', 'account']);
const GROUP_KEYS = new Set(['objectType', 'name', 'member', 'mbox', 'mbox_sha1sum', 'openid', 'account']);
const ACCOUNT_KEYS = new Set(['homePage', 'name']);
const VERB_KEYS = new Set(['id', 'display']);
const ACTIVITY_KEYS = new Set(['objectType', 'id', 'definition']);
const DEFINITION_KEYS = new Set(['name', 'description', 'type', 'moreInfo', 'interactionType', 'correctResponsesPattern', 'choices', 'scale', 'source', 'target', 'steps', 'extensions']);
const COMPONENT_KEYS = new Set(['id', 'description']);
const STATEMENT_REF_KEYS = new Set(['objectType', 'id']);
const RESULT_KEYS = new Set(['score', 'success', 'completion', 'response', 'duration', 'extensions']);
const SCORE_FIELDS = ['scaled', 'raw', 'min', 'max'] as const;
const SCORE_KEYS = new Set<string>(SCORE_FIELDS);
const CONTEXT_KEYS_103 = new Set(['registration', 'instructor', 'team', 'contextActivities', 'revision', 'platform', 'language', 'statement', 'extensions']);
const CONTEXT_KEYS_20 = new Set([...CONTEXT_KEYS_103, 'contextAgents', 'contextGroups']);
const ATTACHMENT_KEYS = new Set(['usageType', 'display', 'description', 'contentType', 'length', 'sha2', 'fileUrl']);
const CONTEXT_AGENT_KEYS = new Set(['objectType', 'agent', 'relevantTypes']);
const CONTEXT_GROUP_KEYS = new Set(['objectType', 'group', 'relevantTypes']);

const langCache = new Map<string, boolean>();

// Hand-written equivalents of UUID and IRI (the hot path: 100,000 statements hold several each;
// test/unit/property-parsers.test.ts checks that they agree with the expressions).
const HEX = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** Same as UUID.test(v). */
export function isUuid(v: string): boolean {
  if (v.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = v.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (c >= 128 || HEX[c] === 0) return false;
  }
  return true;
}

/** Characters of a URI scheme after its first letter: A-Z a-z 0-9 + . - */
const SCHEME = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-') SCHEME[c.charCodeAt(0)] = 1;
/** ASCII characters IRI refuses after the scheme: regex \s (tab to CR, space) and < > " { } | \ ^ ` */
const NOT_IRI = new Uint8Array(128);
for (const c of '\t\n\v\f\r <>"{}|\\^`') NOT_IRI[c.charCodeAt(0)] = 1;

/** Same as IRI.test(v): a letter, scheme characters, ":", then no regex whitespace and none of < > " { } | \ ^ `. */
export function isIri(v: string): boolean {
  const n = v.length;
  if (n === 0) return false;
  const first = v.charCodeAt(0);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return false;
  let i = 1;
  for (; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128 || SCHEME[c] === 0) break;
  }
  if (i === n || v.charCodeAt(i) !== 58) return false;
  for (i++; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 128) {
      if (NOT_IRI[c] === 1) return false;
    } else if (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff) return false;
  }
  return true;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digit = (v: string, i: number): number => {
  const c = v.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/**
 * The usual timestamp form, YYYY-MM-DDTHH:MM:SS(.fraction)?Z, read without a regular expression:
 * its parts, or undefined for any other form (then read by TIMESTAMP).
 */
function plainUtcTimestamp(v: string): [number, number, number, number, number, number] | undefined {
  const n = v.length;
  if (n < 20 || v.charCodeAt(n - 1) !== 90 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return undefined;
  const d = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18].map((i) => digit(v, i));
  if (d.some((x) => x < 0)) return undefined;
  if (n > 20) {
    const sep = v.charCodeAt(19);
    if ((sep !== 46 && sep !== 44) || n === 21) return undefined;
    for (let i = 20; i < n - 1; i++) if (digit(v, i) < 0) return undefined;
  }
  return [d[0]! * 1000 + d[1]! * 100 + d[2]! * 10 + d[3]!, d[4]! * 10 + d[5]!, d[6]! * 10 + d[7]!, d[8]! * 10 + d[9]!, d[10]! * 10 + d[11]!, d[12]! * 10 + d[13]!];
}

class Checker {
  readonly errors: XapiError[] = [];
  constructor(readonly version: XapiVersion) {}

  err(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  isObj(v: unknown, path: string, what: string): v is Obj {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return true;
    this.err(path, `${what} must be a JSON object, got ${kind(v)}`);
    return false;
  }

  keys(o: Obj, allowed: Set<string>, path: string, what: string): void {
    for (const k in o) {
      if (!allowed.has(k)) {
        const hint = [...allowed].find((a) => a.toLowerCase() === k.toLowerCase());
        this.err(join(path, k), hint ? `"${k}" is not a ${what} property; keys are case-sensitive, did you mean "${hint}"?` : `"${k}" is not a ${what} property`);
      } else if (o[k] === null) {
        this.err(join(path, k), `${k} must not be null (only extension values may be null)`);
      }
    }
  }

  str(v: unknown, path: string, what: string, nonEmpty = false): v is string {
    if (typeof v !== 'string') {
      this.err(path, `${what} must be a string, got ${kind(v)}`);
      return false;
    }
    if (nonEmpty && v === '') {
      this.err(path, `${what} must not be empty`);
      return false;
    }
    return true;
  }

  iri(v: unknown, path: string, what: string): void {
    if (this.str(v, path, what) && !isIri(v)) this.err(path, `${what} must be an absolute IRI (e.g. https://example.com/...), got ${JSON.stringify(v)}`);
  }

  uuid(v: unknown, path: string, what: string): void {
    if (this.str(v, path, what) && !isUuid(v)) this.err(path, `${what} must be a UUID (RFC 4122, e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6), got ${JSON.stringify(v)}`);
  }

  timestamp(v: unknown, path: string, what: string): void {
    if (!this.str(v, path, what)) return;
    const plain = plainUtcTimestamp(v);
    if (plain) {
      this.realDate(v, plain[0], plain[1], plain[2], plain[3], plain[4], plain[5], path, what);
      return;
    }
    const m = TIMESTAMP.exec(v);
    if (!m) {
      this.err(path, `${what} must be an ISO 8601 date-time such as 2024-05-01T12:00:00.000Z, got ${JSON.stringify(v)}`);
      return;
    }
    const zone = m[8];
    if (zone && /^-00(?::?00)?$/.test(zone)) {
      this.err(path, `${what} uses the offset ${zone}, which xAPI forbids (-00:00 means "unknown offset"); use Z or +00:00`);
      return;
    }
    this.realDate(v, +m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] === undefined ? 0 : +m[6], path, what);
  }

  realDate(v: string, y: number, mo: number, d: number, h: number, mi: number, s: number, path: string, what: string): void {
    const days = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : DAYS_IN_MONTH[mo - 1]!;
    if (mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || s > 60) {
      this.err(path, `${what} ${JSON.stringify(v)} is not a real date and time`);
    }
  }

  langMap(v: unknown, path: string, what: string): void {
    if (!this.isObj(v, path, `${what} (a language map)`)) return;
    for (const tag in v) {
      let ok = langCache.get(tag);
      if (ok === undefined) {
        ok = LANG_TAG.test(tag);
        if (langCache.size < 10_000) langCache.set(tag, ok);
      }
      if (!ok) this.err(join(path, tag), `"${tag}" is not an RFC 5646 language tag (e.g. en-US)`);
      const value = v[tag];
      if (typeof value !== 'string') this.err(join(path, tag), `${what} values must be strings, got ${kind(value)}`);
    }
  }

  extensions(v: unknown, path: string): void {
    if (!this.isObj(v, path, 'extensions')) return;
    for (const k in v) {
      if (!isIri(k)) this.err(join(path, k), `extension key ${JSON.stringify(k)} must be an absolute IRI`);
    }
  }

  // ---- actors

  actor(v: unknown, path: string, what: string): void {
    if (!this.isObj(v, path, what)) return;
    if (v.objectType === 'Group') this.group(v, path, what);
    else if (v.objectType === undefined || v.objectType === 'Agent') this.agent(v, path, what);
    else this.err(join(path, 'objectType'), `${what} objectType must be "Agent" or "Group", got ${JSON.stringify(v.objectType)}`);
  }

  agent(o: Obj, path: string, what: string): void {
    this.keys(o, AGENT_KEYS, path, 'Agent');
    if (o.name !== undefined) this.str(o.name, join(path, 'name'), 'name');
    const n = this.ifis(o, path);
    if (n !== 1) this.err(path, n === 0 ? `${what} (an Agent) needs exactly one identifier: mbox, mbox_sha1sum, openid or account` : `${what} (an Agent) has ${n} identifiers; use exactly one of mbox, mbox_sha1sum, openid, account`);
  }

  group(o: Obj, path: string, what: string): void {
    this.keys(o, GROUP_KEYS, path, 'Group');
    if (o.name !== undefined) this.str(o.name, join(path, 'name'), 'name');
    const n = this.ifis(o, path);
    if (n > 1) this.err(path, `${what} (an identified Group) has ${n} identifiers; use exactly one`);
    if (o.member !== undefined) {
      if (!Array.isArray(o.member)) this.err(join(path, 'member'), `member must be an array of Agents, got ${kind(o.member)}`);
      else {
        if (n === 0 && o.member.length === 0) this.err(join(path, 'member'), 'An anonymous Group (no identifier) needs at least one member');
        o.member.forEach((m, i) => {
          const p = `${join(path, 'member')}[${i}]`;
          if (!this.isObj(m, p, 'a Group member')) return;
          if (m.objectType !== undefined && m.objectType !== 'Agent') this.err(join(p, 'objectType'), 'Group members must be Agents (objectType "Agent")');
          else this.agent(m, p, 'a Group member');
        });
      }
    } else if (n === 0) {
      this.err(path, `${what} is an anonymous Group (no identifier) without "member"`);
    }
  }

  /** Validates the inverse functional identifiers present and returns how many there are. */
  ifis(o: Obj, path: string): number {
    let n = 0;
    if (o.mbox !== undefined) {
      n++;
      if (this.str(o.mbox, join(path, 'mbox'), 'mbox') && !MAILTO.test(o.mbox)) this.err(join(path, 'mbox'), `mbox must be "mailto:" followed by an email address, got ${JSON.stringify(o.mbox)}`);
    }
    if (o.mbox_sha1sum !== undefined) {
      n++;
      if (this.str(o.mbox_sha1sum, join(path, 'mbox_sha1sum'), 'mbox_sha1sum') && !SHA1_HEX.test(o.mbox_sha1sum)) this.err(join(path, 'mbox_sha1sum'), 'mbox_sha1sum must be the 40 hex digits of a SHA-1 digest');
    }
    if (o.openid !== undefined) {
      n++;
      this.iri(o.openid, join(path, 'openid'), 'openid');
    }
    if (o.account !== undefined) {
      n++;
      const p = join(path, 'account');
      if (this.isObj(o.account, p, 'account')) {
        this.keys(o.account, ACCOUNT_KEYS, p, 'account');
        if (o.account.homePage === undefined) this.err(join(p, 'homePage'), 'account needs homePage (an IRL)');
        else this.iri(o.account.homePage, join(p, 'homePage'), 'account homePage');
        if (o.account.name === undefined) this.err(join(p, 'name'), 'account needs name');
        else this.str(o.account.name, join(p, 'name'), 'account name');
      }
    }
    return n;
  }

  // ---- verb, object

  verb(v: unknown, path: string): string | undefined {
    if (!this.isObj(v, path, 'verb')) return undefined;
    this.keys(v, VERB_KEYS, path, 'verb');
    if (v.id === undefined) this.err(join(path, 'id'), 'verb needs id (an IRI)');
    else this.iri(v.id, join(path, 'id'), 'verb id');
    if (v.display !== undefined) this.langMap(v.display, join(path, 'display'), 'verb display');
    return typeof v.id === 'string' ? v.id : undefined;
  }

  object(v: unknown, path: string, inSub: boolean): string | undefined {
    if (!this.isObj(v, path, 'object')) return undefined;
    const t = v.objectType === undefined ? 'Activity' : v.objectType;
    switch (t) {
      case 'Activity':
        this.activity(v, path);
        break;
      case 'Agent':
        this.agent(v, path, 'object');
        break;
      case 'Group':
        this.group(v, path, 'object');
        break;
      case 'StatementRef':
        this.keys(v, STATEMENT_REF_KEYS, path, 'StatementRef');
        if (v.id === undefined) this.err(join(path, 'id'), 'StatementRef needs id (a UUID)');
        else this.uuid(v.id, join(path, 'id'), 'StatementRef id');
        break;
      case 'SubStatement':
        if (inSub) this.err(join(path, 'objectType'), 'A SubStatement cannot contain another SubStatement');
        else this.statement(v, path, true);
        break;
      default:
        this.err(join(path, 'objectType'), `object objectType must be Activity, Agent, Group, SubStatement or StatementRef, got ${JSON.stringify(t)}`);
    }
    return typeof t === 'string' ? t : undefined;
  }

  activity(o: Obj, path: string): void {
    this.keys(o, ACTIVITY_KEYS, path, 'Activity');
    if (o.id === undefined) this.err(join(path, 'id'), 'An Activity needs id (an IRI)');
    else this.iri(o.id, join(path, 'id'), 'Activity id');
    if (o.definition !== undefined) this.definition(o.definition, join(path, 'definition'));
  }

  definition(v: unknown, path: string): void {
    if (!this.isObj(v, path, 'Activity definition')) return;
    this.keys(v, DEFINITION_KEYS, path, 'Activity definition');
    if (v.name !== undefined) this.langMap(v.name, join(path, 'name'), 'name');
    if (v.description !== undefined) this.langMap(v.description, join(path, 'description'), 'description');
    if (v.type !== undefined) this.iri(v.type, join(path, 'type'), 'type');
    if (v.moreInfo !== undefined) this.iri(v.moreInfo, join(path, 'moreInfo'), 'moreInfo');
    if (v.extensions !== undefined) this.extensions(v.extensions, join(path, 'extensions'));
    const it = v.interactionType;
    if (it !== undefined && this.str(it, join(path, 'interactionType'), 'interactionType') && !INTERACTION_TYPES.has(it)) {
      this.err(join(path, 'interactionType'), `interactionType must be one of ${[...INTERACTION_TYPES].join(', ')}, got ${JSON.stringify(it)}`);
    }
    if (v.correctResponsesPattern !== undefined) {
      if (it === undefined) this.err(join(path, 'correctResponsesPattern'), 'correctResponsesPattern needs an interactionType');
      if (!Array.isArray(v.correctResponsesPattern)) this.err(join(path, 'correctResponsesPattern'), 'correctResponsesPattern must be an array of strings');
      else v.correctResponsesPattern.forEach((s, i) => this.str(s, `${join(path, 'correctResponsesPattern')}[${i}]`, 'a correct response pattern'));
    }
    const allowedLists = typeof it === 'string' ? (INTERACTION_COMPONENT_LISTS[it] ?? []) : [];
    for (const list of ALL_COMPONENT_LISTS) {
      const value = v[list];
      if (value === undefined) continue;
      const p = join(path, list);
      if (it === undefined) this.err(p, `${list} needs an interactionType`);
      else if (typeof it === 'string' && INTERACTION_TYPES.has(it) && !allowedLists.includes(list)) this.err(p, `${list} is not used with interactionType "${it}"`);
      if (!Array.isArray(value)) {
        this.err(p, `${list} must be an array of interaction components`);
        continue;
      }
      const ids = new Set<string>();
      value.forEach((c, i) => {
        const cp = `${p}[${i}]`;
        if (!this.isObj(c, cp, 'an interaction component')) return;
        this.keys(c, COMPONENT_KEYS, cp, 'interaction component');
        if (c.id === undefined) this.err(join(cp, 'id'), 'An interaction component needs id');
        else if (this.str(c.id, join(cp, 'id'), 'interaction component id', true)) {
          if (ids.has(c.id)) this.err(join(cp, 'id'), `Duplicate interaction component id ${JSON.stringify(c.id)}`);
          ids.add(c.id);
        }
        if (c.description !== undefined) this.langMap(c.description, join(cp, 'description'), 'description');
      });
    }
  }

  // ---- result, context, attachments

  result(v: unknown, path: string): void {
    if (!this.isObj(v, path, 'result')) return;
    this.keys(v, RESULT_KEYS, path, 'result');
    if (v.success !== undefined && typeof v.success !== 'boolean') this.err(join(path, 'success'), `success must be true or false, got ${kind(v.success)}`);
    if (v.completion !== undefined && typeof v.completion !== 'boolean') this.err(join(path, 'completion'), `completion must be true or false, got ${kind(v.completion)}`);
    if (v.response !== undefined) this.str(v.response, join(path, 'response'), 'response');
    if (v.duration !== undefined && this.str(v.duration, join(path, 'duration'), 'duration') && !DURATION.test(v.duration)) {
      this.err(join(path, 'duration'), `duration must be an ISO 8601 duration such as PT1H30M or PT45.5S, got ${JSON.stringify(v.duration)}`);
    }
    if (v.extensions !== undefined) this.extensions(v.extensions, join(path, 'extensions'));
    if (v.score !== undefined) this.score(v.score, join(path, 'score'));
  }

  score(v: unknown, path: string): void {
    if (!this.isObj(v, path, 'score')) return;
    this.keys(v, SCORE_KEYS, path, 'score');
    for (const k of SCORE_FIELDS) {
      if (v[k] !== undefined && (typeof v[k] !== 'number' || !Number.isFinite(v[k]))) this.err(join(path, k), `score ${k} must be a number, got ${kind(v[k])}`);
    }
    const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
    if (num(v.scaled) && (v.scaled < -1 || v.scaled > 1)) this.err(join(path, 'scaled'), `score scaled must be between -1 and 1, got ${v.scaled}`);
    if (num(v.min) && num(v.max) && v.min >= v.max) this.err(join(path, 'min'), `score min (${v.min}) must be less than max (${v.max})`);
    if (num(v.raw) && num(v.min) && v.raw < v.min) this.err(join(path, 'raw'), `score raw (${v.raw}) is below min (${v.min})`);
    if (num(v.raw) && num(v.max) && v.raw > v.max) this.err(join(path, 'raw'), `score raw (${v.raw}) is above max (${v.max})`);
  }

  context(v: unknown, path: string, objectType: string | undefined): void {
    if (!this.isObj(v, path, 'context')) return;
    this.keys(v, this.version === '2.0' ? CONTEXT_KEYS_20 : CONTEXT_KEYS_103, path, 'context');
    if (v.registration !== undefined) this.uuid(v.registration, join(path, 'registration'), 'registration');
    if (v.instructor !== undefined) this.actor(v.instructor, join(path, 'instructor'), 'instructor');
    if (v.team !== undefined) {
      const p = join(path, 'team');
      if (this.isObj(v.team, p, 'team')) {
        if (v.team.objectType !== 'Group') this.err(join(p, 'objectType'), 'team must be a Group (objectType "Group")');
        else this.group(v.team, p, 'team');
      }
    }
    if (v.contextActivities !== undefined) this.contextActivities(v.contextActivities, join(path, 'contextActivities'));
    if (v.revision !== undefined) {
      this.str(v.revision, join(path, 'revision'), 'revision');
      if (objectType !== undefined && objectType !== 'Activity') this.err(join(path, 'revision'), 'context revision is only allowed when the object is an Activity');
    }
    if (v.platform !== undefined) {
      this.str(v.platform, join(path, 'platform'), 'platform');
      if (objectType !== undefined && objectType !== 'Activity') this.err(join(path, 'platform'), 'context platform is only allowed when the object is an Activity');
    }
    if (v.language !== undefined && this.str(v.language, join(path, 'language'), 'language') && !LANG_TAG.test(v.language)) {
      this.err(join(path, 'language'), `language must be an RFC 5646 tag (e.g. en-US), got ${JSON.stringify(v.language)}`);
    }
    if (v.statement !== undefined) {
      const p = join(path, 'statement');
      if (this.isObj(v.statement, p, 'context statement')) {
        if (v.statement.objectType !== 'StatementRef') this.err(join(p, 'objectType'), 'context statement must be a StatementRef (objectType "StatementRef")');
        this.keys(v.statement, STATEMENT_REF_KEYS, p, 'StatementRef');
        if (v.statement.id === undefined) this.err(join(p, 'id'), 'StatementRef needs id (a UUID)');
        else this.uuid(v.statement.id, join(p, 'id'), 'StatementRef id');
      }
    }
    if (v.extensions !== undefined) this.extensions(v.extensions, join(path, 'extensions'));
    if (this.version === '2.0') {
      this.contextActors(v.contextAgents, join(path, 'contextAgents'), 'contextAgent', 'agent');
      this.contextActors(v.contextGroups, join(path, 'contextGroups'), 'contextGroup', 'group');
    }
  }

  contextActors(v: unknown, path: string, objectType: 'contextAgent' | 'contextGroup', member: 'agent' | 'group'): void {
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      this.err(path, `${path.split('.').pop()} must be an array of ${objectType} objects`);
      return;
    }
    v.forEach((item, i) => {
      const p = `${path}[${i}]`;
      if (!this.isObj(item, p, `a ${objectType}`)) return;
      this.keys(item, member === 'agent' ? CONTEXT_AGENT_KEYS : CONTEXT_GROUP_KEYS, p, objectType);
      if (item.objectType !== objectType) this.err(join(p, 'objectType'), `objectType must be "${objectType}"`);
      const m = item[member];
      if (m === undefined) this.err(join(p, member), `a ${objectType} needs "${member}"`);
      else if (member === 'agent') {
        if (this.isObj(m, join(p, member), 'agent')) {
          if (m.objectType !== undefined && m.objectType !== 'Agent') this.err(join(p, member, 'objectType'), 'contextAgent agent must be an Agent');
          else this.agent(m, join(p, member), 'agent');
        }
      } else if (this.isObj(m, join(p, member), 'group')) {
        if (m.objectType !== 'Group') this.err(join(p, member, 'objectType'), 'contextGroup group must be a Group (objectType "Group")');
        else this.group(m, join(p, member), 'group');
      }
      if (item.relevantTypes !== undefined) {
        if (!Array.isArray(item.relevantTypes) || item.relevantTypes.length === 0) this.err(join(p, 'relevantTypes'), 'relevantTypes must be a non-empty array of IRIs');
        else item.relevantTypes.forEach((t, j) => this.iri(t, `${join(p, 'relevantTypes')}[${j}]`, 'relevantType'));
      }
    });
  }

  contextActivities(v: unknown, path: string): void {
    if (!this.isObj(v, path, 'contextActivities')) return;
    for (const k in v) {
      const p = join(path, k);
      if (!CONTEXT_ACTIVITY_KEYS.has(k)) {
        this.err(p, `"${k}" is not a contextActivities key (parent, grouping, category, other)`);
        continue;
      }
      const value = v[k];
      if (value === null) {
        this.err(p, `${k} must not be null`);
        continue;
      }
      const list = Array.isArray(value) ? value : [value];
      list.forEach((a, i) => {
        const ap = Array.isArray(value) ? `${p}[${i}]` : p;
        if (!this.isObj(a, ap, 'a context activity')) return;
        if (a.objectType !== undefined && a.objectType !== 'Activity') this.err(join(ap, 'objectType'), 'context activities must be Activities');
        else this.activity(a, ap);
      });
    }
  }

  attachments(v: unknown, path: string): void {
    if (!Array.isArray(v)) {
      this.err(path, `attachments must be an array, got ${kind(v)}`);
      return;
    }
    v.forEach((a, i) => {
      const p = `${path}[${i}]`;
      if (!this.isObj(a, p, 'an attachment')) return;
      this.keys(a, ATTACHMENT_KEYS, p, 'attachment');
      for (const req of ['usageType', 'display', 'contentType', 'length', 'sha2']) if (a[req] === undefined) this.err(join(p, req), `an attachment needs ${req}`);
      if (a.usageType !== undefined) this.iri(a.usageType, join(p, 'usageType'), 'usageType');
      if (a.display !== undefined) this.langMap(a.display, join(p, 'display'), 'display');
      if (a.description !== undefined) this.langMap(a.description, join(p, 'description'), 'description');
      if (a.contentType !== undefined && this.str(a.contentType, join(p, 'contentType'), 'contentType') && !MIME.test(a.contentType)) this.err(join(p, 'contentType'), `contentType must be a MIME type such as application/pdf, got ${JSON.stringify(a.contentType)}`);
      if (a.length !== undefined && !(typeof a.length === 'number' && Number.isInteger(a.length) && a.length >= 0)) this.err(join(p, 'length'), `length must be a non-negative integer, got ${kind(a.length)}`);
      if (a.sha2 !== undefined && this.str(a.sha2, join(p, 'sha2'), 'sha2') && !/^[0-9a-fA-F]{56,128}$/.test(a.sha2)) this.err(join(p, 'sha2'), 'sha2 must be the hex SHA-2 digest of the attachment');
      if (a.fileUrl !== undefined) this.iri(a.fileUrl, join(p, 'fileUrl'), 'fileUrl');
    });
  }

  // ---- statement

  statement(s: Obj, path: string, sub: boolean): void {
    this.keys(s, sub ? SUBSTATEMENT_KEYS : STATEMENT_KEYS, path, sub ? 'SubStatement' : 'Statement');
    if (!sub && s.id !== undefined) this.uuid(s.id, join(path, 'id'), 'id');
    if (s.actor === undefined) this.err(join(path, 'actor'), 'A statement needs actor');
    else this.actor(s.actor, join(path, 'actor'), 'actor');
    let verbId: string | undefined;
    if (s.verb === undefined) this.err(join(path, 'verb'), 'A statement needs verb');
    else verbId = this.verb(s.verb, join(path, 'verb'));
    let objectType: string | undefined;
    if (s.object === undefined) this.err(join(path, 'object'), 'A statement needs object');
    else objectType = this.object(s.object, join(path, 'object'), sub);
    if (verbId === VOIDED && objectType !== undefined && objectType !== 'StatementRef') {
      this.err(join(path, 'object'), 'A voiding statement (verb voided) must have a StatementRef object');
    }
    if (s.result !== undefined) this.result(s.result, join(path, 'result'));
    if (s.context !== undefined) this.context(s.context, join(path, 'context'), objectType);
    if (s.timestamp !== undefined) this.timestamp(s.timestamp, join(path, 'timestamp'), 'timestamp');
    if (s.attachments !== undefined) this.attachments(s.attachments, join(path, 'attachments'));
    if (!sub) {
      if (s.stored !== undefined) this.timestamp(s.stored, join(path, 'stored'), 'stored');
      if (s.authority !== undefined) this.authority(s.authority, join(path, 'authority'));
      if (s.version !== undefined && this.str(s.version, join(path, 'version'), 'version')) {
        const ok = this.version === '2.0' ? /^(?:1\.0(?:\.\d+)?|2\.0(?:\.\d+)?)$/.test(s.version) : /^1\.0(?:\.\d+)?$/.test(s.version);
        if (!ok) this.err(join(path, 'version'), `version must be ${this.version === '2.0' ? '"1.0.x" or "2.0.x"' : '"1.0" or "1.0.x"'}, got ${JSON.stringify(s.version)}`);
      }
    } else if (s.objectType !== 'SubStatement') {
      this.err(join(path, 'objectType'), 'A SubStatement needs objectType "SubStatement"');
    }
  }

  authority(v: unknown, path: string): void {
    if (!this.isObj(v, path, 'authority')) return;
    if (v.objectType === 'Group') {
      this.group(v, path, 'authority');
      const n = Array.isArray(v.member) ? v.member.length : 0;
      if (!Array.isArray(v.member) || n !== 2 || v.mbox !== undefined || v.mbox_sha1sum !== undefined || v.openid !== undefined || v.account !== undefined) {
        this.err(path, 'A Group authority must be an anonymous Group of exactly two Agents (OAuth consumer and user)');
      }
    } else this.actor(v, path, 'authority');
  }
}

function join(path: string, key: string, more?: string): string {
  const p = path ? `${path}.${key}` : key;
  return more ? `${p}.${more}` : p;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

/**
 * Validates one xAPI statement (already parsed JSON) against xAPI 1.0.3 (default) or 2.0.
 * Pure and synchronous; errors carry a JSON path and a message saying what to fix.
 */
export function validateXapiStatement(statement: unknown, options: ValidateXapiOptions = {}): XapiValidation {
  const c = new Checker(options.version ?? '1.0.3');
  if (c.isObj(statement, '', 'A statement')) c.statement(statement, '', false);
  return { valid: c.errors.length === 0, errors: c.errors };
}
