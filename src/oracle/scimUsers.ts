/**
 * SCIM Users of Oracle Fusion (`/hcmRestApi/scim/Users`) [DOC]: lookups by user name and email
 * (always with server-side filters, batched with `or`), creation (never blindly retried: on a
 * conflict or an unknown outcome, the user is looked up again) and activation.
 */
import { z } from 'zod';
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

const emailSchema = z.looseObject({
  value: z.string(),
  type: opt(z.string()),
  primary: opt(z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])),
});

/** A Fusion SCIM user; extra attributes (meta, schemas, faUser extension, ...) are kept. */
export const scimUserSchema: z.ZodType<ScimUser> = z.looseObject({
  id: z.string().min(1),
  userName: z.string().min(1),
  active: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  displayName: opt(z.string()),
  name: opt(z.looseObject({ givenName: opt(z.string()), familyName: opt(z.string()) })),
  emails: opt(z.array(emailSchema)),
});

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

export interface FindUsersBatchedOptions {
  /** Values per `or` filter, default 50. */
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
}

/**
 * Looks many users up by user name or email with SCIM `or` filters, `batchSize` values per
 * request (pages further when a batch matches more users than the page size, e.g. shared emails).
 * Returns an entry for every distinct value (lowercased), empty when nothing matched.
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
  const attr = by === 'userName' ? 'userName' : 'emails.value';
  const result = new Map<string, ScimUser[]>();
  let done = 0;
  const running = new Set<Promise<void>>();
  let failure: unknown;

  const runBatch = async (batch: string[]): Promise<void> => {
    const { resources } = await c.scimList(SCIM_USERS_PATH, scimUserSchema, {
      filter: scimAnyEq(attr, batch),
      count: pageSize,
      ...sig(o),
    });
    const wanted = new Set(batch);
    for (const u of resources) {
      const keys = by === 'userName' ? [u.userName.toLowerCase()] : (u.emails ?? []).map((e) => e.value.toLowerCase());
      for (const k of new Set(keys)) {
        if (!wanted.has(k)) continue;
        const list = result.get(k)!;
        if (!list.some((x) => x.id === u.id)) list.push(u);
      }
    }
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
    if (batch.length === batchSize) {
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
  return result;
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
