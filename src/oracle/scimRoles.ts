/**
 * SCIM Roles of Oracle Fusion (`/hcmRestApi/scim/Roles`) [DOC]: lookups by name (role code) and
 * display name, and membership changes with PATCH `{"members":[{"value","operation"}]}` (204).
 * Roles cannot be created by SCIM.
 */
import * as z from 'zod';
import type { OracleClient } from './client';
import { OracleError } from './errors';
import { scimEq } from './filters';
import { opt } from './schemaUtil';

export const SCIM_ROLES_PATH = '/hcmRestApi/scim/Roles';

export type ScimRole = { id: string; name: string; displayName?: string; description?: string; category?: string; members: { value: string }[] };

export const scimRoleSchema: z.ZodType<ScimRole> = z.lazy(() => z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  displayName: opt(z.string()),
  description: opt(z.string()),
  category: opt(z.string()),
  members: z
    .array(z.looseObject({ value: z.string() }))
    .nullish()
    .transform((m) => m ?? []),
}));

type Signal = { signal?: AbortSignal };

function sig(o?: Signal): Signal {
  return o?.signal ? { signal: o.signal } : {};
}

/** The role with this name (role code, e.g. ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY), or undefined. */
export async function findRoleByName(c: OracleClient, name: string, o?: Signal): Promise<ScimRole | undefined> {
  const { resources } = await c.scimList(SCIM_ROLES_PATH, scimRoleSchema, { filter: scimEq('name', name), count: 10, maxItems: 10, ...sig(o) });
  return resources.find((r) => r.name === name) ?? resources.find((r) => r.name.toLowerCase() === name.toLowerCase());
}

/** Roles with this display name (display names are not unique). */
export async function findRoleByDisplayName(c: OracleClient, displayName: string, o?: Signal): Promise<ScimRole[]> {
  const { resources } = await c.scimList(SCIM_ROLES_PATH, scimRoleSchema, { filter: scimEq('displayName', displayName), ...sig(o) });
  return resources;
}

export async function getRole(c: OracleClient, id: string, o?: Signal): Promise<ScimRole> {
  return c.get(`${SCIM_ROLES_PATH}/${encodeURIComponent(id)}`, scimRoleSchema, sig(o));
}

async function patchMember(c: OracleClient, roleId: string, userId: string, operation: 'ADD' | 'REMOVE', o?: Signal): Promise<void> {
  if (!roleId || !userId) {
    throw new OracleError({ reason: 'config', method: 'PATCH', path: `${SCIM_ROLES_PATH}/{id}`, detail: 'the role id or user id is empty', hint: 'look the role and the user up first' });
  }
  await c.send('PATCH', `${SCIM_ROLES_PATH}/${encodeURIComponent(roleId)}`, {
    body: { members: [{ value: userId, operation }] },
    // Adding an existing member or removing an absent one leaves the same state: safe to retry.
    idempotent: true,
    ...sig(o),
  });
}

/** Adds a user to a role (a no-op when already a member). */
export function addRoleMember(c: OracleClient, roleId: string, userId: string, o?: Signal): Promise<void> {
  return patchMember(c, roleId, userId, 'ADD', o);
}

export function removeRoleMember(c: OracleClient, roleId: string, userId: string, o?: Signal): Promise<void> {
  return patchMember(c, roleId, userId, 'REMOVE', o);
}
