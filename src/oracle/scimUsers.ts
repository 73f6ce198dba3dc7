/**
 * SCIM Users of Oracle Fusion (`/hcmRestApi/scim/Users`) [DOC]: lookups by user name and email
 * (always with server-side filters, batched with `or`), creation (never blindly retried: on a
 * conflict or an unknown outcome, the user is looked up again) and activation.
 */
import * as z from 'zod';
import type { OracleClient } from './client';
import { OracleError } from './errors';
import { scimAnyEq, scimEq } from './filters';
import { opt } from './schemaUtil';

export const SCIM_USERS_PATH = '/hcmRestApi/scim/Users';
/** Largest SCIM page (`count`) asked for [INF: Fusion documents no maximum; 1000 is the sandbox's]. */
const SCIM_MAX_COUNT = 1000;

export type ScimUser = {
  id: string;
  userName: string;
  active: boolean;
  displayName?: string;
  name?: { givenName?: string; familyName?: string };
  emails?: { value: string; type?: string; primary?: boolean }[];
};

const emailSchema = z.lazy(() => z.looseObject({
  value: z.string(),
  type: opt(z.string()),
  primary: opt(z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])),
}));

/** A Fusion SCIM user; extra attributes (meta, schemas, faUser extension, ...) are kept. */
export const scimUserSchema: z.ZodType<ScimUser> = z.lazy(() => z.looseObject({
  id: z.string().min(1),
  userName: z.string().min(1),
  active: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  displayName: opt(z.string()),
  name: opt(z.looseObject({ givenName: opt(z.string()), familyName: opt(z.string()) })),
  emails: opt(z.array(emailSchema)),
}));

type Signal = { signal?: AbortSignal };

function sig(o?: Signal): Signal {
  return o?.signal ? { signal: o.signal } : {};
}

/** The primary work email (type W), else the only work email, else undefined. */
export function primaryWorkEmail(u: ScimUser): string | undefined {
  const work = (u.emails ?? []).filter((e) => (e.type ?? '').toUpperCase() === 'W' || (e.type ?? '').toLowerCase() === 'work');
  const primary = work.find((e) => e.primary === true);
  if (primary) return primary.value;
  return work.length === 1 ? work[0]!.value : undefined;
}

/** The user with this user name (case-insensitive, as Fusion compares user names), or undefined. */
export async function findUserByUserName(c: OracleClient, userName: string, o?: Signal): Promise<ScimUser | undefined> {
  const { resources } = await c.scimList(SCIM_USERS_PATH, scimUserSchema, { filter: scimEq('userName', userName), count: 10, maxItems: 10, ...sig(o) });
  const wanted = userName.toLowerCase();
  return resources.find((u) => u.userName.toLowerCase() === wanted);
}

/** Users having this email (any of their emails, case-insensitive). Several users may share one. */
export async function findUsersByEmail(c: OracleClient, email: string, o?: Signal): Promise<ScimUser[]> {
  const { resources } = await c.scimList(SCIM_USERS_PATH, scimUserSchema, { filter: scimEq('emails.value', email), count: 100, ...sig(o) });
  const wanted = email.toLowerCase();
  return resources.filter((u) => (u.emails ?? []).some((e) => e.value.toLowerCase() === wanted));
}

/**
 * Ways of filtering SCIM Users by email, most precise first [INF: Fusion documents `userName`
 * filters; `emails.value` and the value-path form come from the SCIM RFC]. `scan` reads every
 * user (attributes userName, emails, active) when the pod accepts no email filter.
 */
export const EMAIL_FILTER_FORMS = ['emails.value', 'emails[type eq "W"].value', 'scan'] as const;
export type EmailFilterForm = (typeof EMAIL_FILTER_FORMS)[number];

/** How a pod lets users be looked up: learnt by `oli probe` (or by an earlier lookup) and passed back in. */
export interface ScimLookupSettings {
  emailFilter?: EmailFilterForm;
  /** Whether `a or b` filters are accepted. */
  orFilter?: boolean;
  /** Values per `or` filter. */
  batchSize?: number;
  /** Longest filter, in characters, the pod accepted. */
  maxFilterLength?: number;
}

/** What a lookup found out about the pod (for the report and the state), and which fallbacks it used. */
export interface ScimLookupLearned extends ScimLookupSettings {
  /** Plain-words notes: "the pod refused `or` filters; looked users up one by one". */
  fallbacks: string[];
  /** Filters the pod refused (400) while adapting. */
  refusedFilters: number;
}

export interface FindUsersBatchedOptions {
  /** Values per `or` filter, default 50 (fewer when the pod refuses long or `or` filters). */
  batchSize?: number;
  /**
   * SCIM page size of a batch, default 4 x batchSize (at most 1000): room for shared emails (several
   * users per value) in one page, as a second page costs a round trip.
   */
  pageSize?: number;
  /** Batches in flight, default 8 (the client's own cap applies too). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called with the number of input values processed so far. */
  onProgress?: (done: number) => void;
  /** What is known of the pod's filter support (from `oli probe`): no refused request is spent finding it out again. */
  settings?: ScimLookupSettings;
  /** Called once at the end with what the lookup found out about the pod. */
  onLearn?: (learned: ScimLookupLearned) => void;
  /** Most users read when the pod accepts no email filter (default 200,000); above it the lookup fails rather than answer "missing". */
  maxScanUsers?: number;
}

/** The pod accepts no way of looking these users up within the limits: nothing can be said of them (never "missing"). */
export class ScimLookupError extends Error {
  override readonly name = 'ScimLookupError';
  readonly reason = 'lookup-unavailable';
  readonly exitCode = 2;
}

/** A 400 answer to a filter: the pod refuses that form (attribute, `or`, or length), not the request as a whole. */
function isFilterRefusal(e: unknown): e is OracleError {
  return e instanceof OracleError && e.status === 400;
}

/** Adapts batch size and filter form to what the pod accepts (halving towards the longest accepted filter). */
class FilterTuner {
  form: EmailFilterForm;
  or: boolean | undefined;
  batch: number;
  /** Longest accepted and shortest refused filter lengths. */
  maxOk: number | undefined;
  minRefused: number | undefined;
  maxOkCount = 0;
  refused = 0;
  readonly fallbacks: string[] = [];

  constructor(settings: ScimLookupSettings, batchSize: number) {
    this.form = settings.emailFilter ?? 'emails.value';
    this.or = settings.orFilter;
    this.batch = settings.orFilter === false ? 1 : Math.max(1, Math.min(batchSize, settings.batchSize ?? batchSize));
    this.maxOk = settings.maxFilterLength;
    // A learnt maximum is used as the limit until the pod refuses it.
    if (settings.maxFilterLength !== undefined) this.minRefused = settings.maxFilterLength + 1;
  }

  /** Longest filter to send now. */
  get lengthLimit(): number {
    if (this.minRefused === undefined) return Number.POSITIVE_INFINITY;
    const ok = this.maxOk ?? 0;
    if (this.minRefused - ok <= 24) return ok;
    return Math.floor((ok + this.minRefused) / 2);
  }

  accepted(filter: string, count: number): void {
    if (this.maxOk === undefined || filter.length > this.maxOk) this.maxOk = filter.length;
    if (count > 1) this.or = true;
    this.maxOkCount = Math.max(this.maxOkCount, count);
  }

  refusedFilter(filter: string, count: number): void {
    this.refused++;
    if (count > 1) {
      this.minRefused = this.minRefused === undefined ? filter.length : Math.min(this.minRefused, filter.length);
      this.batch = Math.max(1, Math.min(this.batch, Math.floor(count / 2)));
    }
  }

  /** Groups values into filters within the count and length limits. */
  pack(attr: string, values: string[]): string[][] {
    const out: string[][] = [];
    let cur: string[] = [];
    let len = 0;
    const limit = this.lengthLimit;
    for (const v of values) {
      const clause = scimEq(attr, v).length;
      const next = cur.length ? len + 4 + clause : clause;
      if (cur.length && (cur.length >= this.batch || next > limit)) {
        out.push(cur);
        cur = [];
        len = 0;
      }
      len = cur.length ? len + 4 + clause : clause;
      cur.push(v);
    }
    if (cur.length) out.push(cur);
    return out;
  }
}

/**
 * Looks many users up by user name or email with SCIM `or` filters, `batchSize` values per
 * request (pages further when a batch matches more users than the page size, e.g. shared emails).
 * Returns an entry for every distinct value (lowercased), empty when nothing matched.
 *
 * A pod that refuses a filter (400) is met where it stands, never answered with fewer results:
 * a refused `or` batch is split (the batch shrinks towards the longest filter the pod accepted;
 * `or` itself refused means one value per request), a refused `emails.value` filter is retried
 * as `emails[type eq "W"].value`, and when no email filter is accepted every user is read once
 * (up to `maxScanUsers`, else ScimLookupError).
 */
export async function findUsersBatched(
  c: OracleClient,
  by: 'userName' | 'email',
  values: Iterable<string> | AsyncIterable<string>,
  o: FindUsersBatchedOptions = {},
): Promise<Map<string, ScimUser[]>> {
  const batchSize = Math.max(1, Math.floor(o.batchSize ?? 50));
  const concurrency = Math.max(1, Math.floor(o.concurrency ?? 8));
  const pageSize = Math.max(1, Math.min(SCIM_MAX_COUNT, Math.floor(o.pageSize ?? batchSize * 4)));
  const tune = new FilterTuner(o.settings ?? {}, batchSize);
  const result = new Map<string, ScimUser[]>();
  const toScan: string[] = [];
  let done = 0;
  const running = new Set<Promise<void>>();
  let failure: unknown;

  const attr = (): string => (by === 'userName' ? 'userName' : tune.form === 'scan' ? 'emails.value' : tune.form);

  const record = (batch: string[], resources: ScimUser[]) => {
    const wanted = new Set(batch);
    for (const u of resources) {
      const keys = by === 'userName' ? [u.userName.toLowerCase()] : (u.emails ?? []).map((e) => e.value.toLowerCase());
      for (const k of new Set(keys)) {
        if (!wanted.has(k)) continue;
        const list = result.get(k)!;
        if (!list.some((x) => x.id === u.id)) list.push(u);
      }
    }
  };

  const one = async (batch: string[]): Promise<void> => {
    if (by === 'email' && tune.form === 'scan') {
      toScan.push(...batch);
      return;
    }
    const a = attr();
    const filter = batch.length === 1 ? scimEq(a, batch[0]!) : scimAnyEq(a, batch);
    try {
      const { resources } = await c.scimList(SCIM_USERS_PATH, scimUserSchema, { filter, count: pageSize, ...sig(o) });
      tune.accepted(filter, batch.length);
      record(batch, resources);
    } catch (e) {
      if (!isFilterRefusal(e)) throw e;
      tune.refusedFilter(filter, batch.length);
      if (batch.length > 1) {
        if (tune.or === undefined && batch.length > 2) {
          // Is it `or` itself, or the length? A two-value filter tells, cheaply.
          await one(batch.slice(0, 2));
          if (tune.or === undefined) {
            tune.or = false;
            tune.batch = 1;
            tune.fallbacks.push('the pod refused `or` filters: users were looked up one by one');
          }
          return lookup(batch.slice(2));
        }
        if (batch.length === 2 && tune.or === undefined) {
          // Both values alone: if they pass, `or` is what the pod refuses.
          for (const v of batch) await one([v]);
          if (tune.or === undefined) {
            tune.or = false;
            tune.batch = 1;
            tune.fallbacks.push('the pod refused `or` filters: users were looked up one by one');
          }
          return;
        }
        return lookup(batch);
      }
      if (by === 'userName') throw e;
      const next = EMAIL_FILTER_FORMS[EMAIL_FILTER_FORMS.indexOf(tune.form) + 1];
      if (tune.form === a && next) {
        tune.fallbacks.push(next === 'scan' ? 'the pod refused every email filter: every user was read once to match emails' : `the pod refused ${a} filters: used ${next}`);
        tune.form = next;
      }
      return one(batch);
    }
  };

  /** Re-packs values under the current limits and looks them up one filter after the other. */
  async function lookup(vals: string[]): Promise<void> {
    if (!vals.length) return;
    for (const b of tune.pack(attr(), vals)) await one(b);
  }

  const runBatch = async (batch: string[]): Promise<void> => {
    await lookup(batch);
    done += batch.length;
    o.onProgress?.(done);
  };

  const launch = async (batch: string[]) => {
    while (running.size >= concurrency) await Promise.race(running);
    if (failure) return;
    const p: Promise<void> = runBatch(batch).then(
      () => void running.delete(p),
      (e: unknown) => {
        running.delete(p);
        failure ??= e;
      },
    );
    running.add(p);
  };

  let batch: string[] = [];
  for await (const raw of values as AsyncIterable<string>) {
    if (failure) break;
    if (o.signal?.aborted) break;
    const v = String(raw).trim().toLowerCase();
    if (!v || result.has(v)) continue;
    result.set(v, []);
    batch.push(v);
    if (batch.length >= batchSize) {
      await launch(batch);
      batch = [];
    }
  }
  if (batch.length && !failure) await launch(batch);
  await Promise.all(running);
  if (failure) throw failure;
  if (o.signal?.aborted) {
    throw new OracleError({ reason: 'cancelled', method: 'GET', path: SCIM_USERS_PATH });
  }
  if (toScan.length) await scanForEmails(c, toScan, result, o.maxScanUsers ?? 200_000, o);
  if (tune.or && tune.minRefused !== undefined && tune.refused && !o.settings?.maxFilterLength)
    tune.fallbacks.push(`the pod refused filters longer than ${tune.maxOk ?? '?'} characters: users were looked up ${tune.maxOkCount} at a time`);
  o.onLearn?.({
    ...(by === 'email' ? { emailFilter: tune.form } : {}),
    ...(tune.or !== undefined ? { orFilter: tune.or } : {}),
    ...(tune.maxOkCount ? { batchSize: tune.maxOkCount } : {}),
    ...(tune.refused && tune.maxOk !== undefined ? { maxFilterLength: tune.maxOk } : o.settings?.maxFilterLength !== undefined ? { maxFilterLength: o.settings.maxFilterLength } : {}),
    fallbacks: tune.fallbacks,
    refusedFilters: tune.refused,
  });
  return result;
}

/** Matches emails by reading every user once (the pod accepts no email filter). */
async function scanForEmails(c: OracleClient, emails: string[], result: Map<string, ScimUser[]>, maxScanUsers: number, o: Signal): Promise<void> {
  const { resources, totalResults } = await c.scimList(SCIM_USERS_PATH, scimUserSchema, { attributes: 'userName,emails,active', count: SCIM_MAX_COUNT, maxItems: maxScanUsers + 1, ...sig(o) });
  if (resources.length > maxScanUsers || (totalResults !== undefined && totalResults > maxScanUsers)) {
    throw new ScimLookupError(
      `The pod refuses every SCIM email filter, and matching ${emails.length} email(s) would mean reading all ${totalResults ?? `more than ${maxScanUsers}`} users: not done. Look the learners up by user name, or ask Oracle Support which email filter the pod accepts.`,
    );
  }
  const wanted = new Set(emails);
  for (const u of resources) {
    for (const k of new Set((u.emails ?? []).map((e) => e.value.toLowerCase()))) {
      if (!wanted.has(k)) continue;
      const list = result.get(k)!;
      if (!list.some((x) => x.id === u.id)) list.push(u);
    }
  }
}

export interface CreateUserInput {
  userName: string;
  email: string;
  givenName: string;
  familyName: string;
  displayName?: string;
  password?: string;
}

/**
 * Creates a user (work email primary, type W). A create is never sent twice blindly: on 409 the
 * existing user is returned with created:false; when the outcome is unknown (connection lost,
 * timeout, 502/504) the user is looked up, returned with created:false if present, else the
 * create is sent once more.
 */
export async function createUser(c: OracleClient, input: CreateUserInput, o?: Signal): Promise<{ user: ScimUser; created: boolean }> {
  const body: Record<string, unknown> = {
    schemas: ['urn:scim:schemas:core:2.0:User'],
    name: { familyName: input.familyName, givenName: input.givenName },
    active: true,
    userName: input.userName,
    emails: [{ primary: true, value: input.email, type: 'W' }],
    displayName: input.displayName ?? `${input.givenName} ${input.familyName}`.trim(),
  };
  if (input.password !== undefined) body.password = input.password;
  const maxCreates = 2;
  for (let creates = 1; ; creates++) {
    try {
      const user = await c.send('POST', SCIM_USERS_PATH, { body, schema: scimUserSchema, ...sig(o) });
      if (user) return { user, created: true };
      // 201 without a body: read it back.
      const created = await findUserByUserName(c, input.userName, o);
      if (created) return { user: created, created: true };
      throw new OracleError({ reason: 'invalid-response', method: 'POST', path: SCIM_USERS_PATH, detail: 'the create succeeded but the user cannot be found', hint: 'look the user up in the Security Console, then run again' });
    } catch (e) {
      if (!(e instanceof OracleError) || !(e.reason === 'conflict' || e.outcomeUnknown)) throw e;
      const existing = await findUserByUserName(c, input.userName, o);
      if (existing) return { user: existing, created: false };
      if (e.reason === 'conflict' || creates >= maxCreates) throw e;
      // Outcome unknown and the user does not exist: the create was not applied, send it again.
    }
  }
}

/** Activates or deactivates a user (PATCH with the attribute, as Fusion accepts [INF]). Idempotent. */
export async function setUserActive(c: OracleClient, id: string, active: boolean, o?: Signal): Promise<void> {
  await c.send('PATCH', `${SCIM_USERS_PATH}/${encodeURIComponent(id)}`, {
    body: { schemas: ['urn:scim:schemas:core:2.0:User'], active },
    idempotent: true,
    ...sig(o),
  });
}
