/**
 * HCM userAccounts (`/hcmRestApi/resources/11.13.18.05/userAccounts`) [DOC]: the account behind
 * a SCIM user (GUID = SCIM id), whether it has a person (PersonId), and its roles
 * (child `userAccountRoles`).
 */
import * as z from 'zod';
import type { OracleClient } from './client';
import { adfEq } from './filters';
import { numberLike, opt } from './schemaUtil';

export const USER_ACCOUNTS_PATH = '/hcmRestApi/resources/11.13.18.05/userAccounts';

export type UserAccount = {
  UserId: number;
  Username: string;
  SuspendedFlag: boolean;
  PersonId: number | null;
  PersonNumber?: string | null;
  CredentialsEmailSentFlag?: boolean;
  GUID: string;
  /** With `expand=userAccountRoles` (ADF `expand` [DOC]): the child collection inline. */
  userAccountRoles?: { items: UserAccountRole[]; hasMore?: boolean };
};

export const userAccountSchema: z.ZodType<UserAccount> = z.lazy(() => z.looseObject({
  UserId: numberLike,
  Username: z.string().min(1),
  SuspendedFlag: z.boolean(),
  PersonId: numberLike.nullable(),
  PersonNumber: z.string().nullish(),
  CredentialsEmailSentFlag: opt(z.boolean()),
  GUID: z.string().min(1),
  userAccountRoles: opt(z.looseObject({ items: z.array(z.lazy(() => userAccountRoleSchema)), hasMore: opt(z.boolean()) })),
}));

export type UserAccountRole = { RoleCode: string; RoleId?: number | string; UserRoleId?: number | string };

export const userAccountRoleSchema: z.ZodType<UserAccountRole> = z.lazy(() => z.looseObject({
  RoleCode: z.string().min(1),
  RoleId: opt(z.union([z.number(), z.string()])),
  UserRoleId: opt(z.union([z.number(), z.string()])),
}));

type Signal = { signal?: AbortSignal };

function sig(o?: Signal): Signal {
  return o?.signal ? { signal: o.signal } : {};
}

/**
 * The account with this user name (case-insensitive), or undefined. With `withRoles`, its roles
 * come inline (`expand=userAccountRoles`): one request instead of two.
 */
export async function findUserAccount(c: OracleClient, username: string, o?: Signal & { withRoles?: boolean }): Promise<UserAccount | undefined> {
  const items = await c.adfList(USER_ACCOUNTS_PATH, userAccountSchema, {
    q: adfEq('Username', username, c.frameworkVersion),
    maxItems: 10,
    pageSize: 10,
    ...(o?.withRoles ? { expand: 'userAccountRoles' } : {}),
    ...sig(o),
  });
  const wanted = username.toLowerCase();
  return items.find((a) => a.Username.toLowerCase() === wanted);
}

/** The roles of an account, by its GUID (the SCIM user id). */
export async function listUserAccountRoles(c: OracleClient, guid: string, o?: Signal): Promise<UserAccountRole[]> {
  return c.adfList(`${USER_ACCOUNTS_PATH}/${encodeURIComponent(guid)}/child/userAccountRoles`, userAccountRoleSchema, { pageSize: 500, ...sig(o) });
}
