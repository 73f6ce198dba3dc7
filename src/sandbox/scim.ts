import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { hashSecret } from './auth';
import { baseUrl } from './adfQuery';
import { iso, parseInput, type SandboxContext } from './context';
import { SandboxHttpError } from './errors';
import type { SandboxRole, SandboxUser, ScimEmail } from './model';
import { SCIM_SHORT_FILTER_MAX } from './variants';
import { FilterSyntaxError, allowed, equalityHints, evaluateFilter, parseFilter, plainResolver, type FilterNode, type Resolver } from './scimFilter';

export const SCIM_USER_SCHEMA = 'urn:scim:schemas:core:2.0:User';
export const SCIM_ROLE_SCHEMA = 'urn:oracle:apps:scim:schemas:fa:1.0:Role';
export const SCIM_LIST_SCHEMA = 'urn:scim:api:messages:2.0:ListResponse';
export const SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const FA_USER_EXTENSION = 'urn:scim:schemas:extension:fa:2.0:faUser';
const SCIM_ROOT = '/hcmRestApi/scim';

const USER_ATTRS = allowed('userName', 'id', 'active', 'displayName', 'emails', 'emails.value', 'emails.type', 'emails.primary', 'name.givenName', 'name.familyName');
const ROLE_ATTRS = allowed('name', 'displayName', 'id', 'category', 'description', 'members', 'members.value');
const INDEXED = new Set(['username', 'emails.value', 'id']);

export function userToScim(u: SandboxUser, base: string): Record<string, unknown> {
  return {
    schemas: [SCIM_USER_SCHEMA],
    id: u.id,
    meta: { resourceType: 'User', created: iso(u.created), lastModified: iso(u.lastModified), location: `${base}${SCIM_ROOT}/Users/${u.id}` },
    userName: u.userName,
    name: { familyName: u.familyName, givenName: u.givenName },
    displayName: u.displayName,
    preferredLanguage: u.preferredLanguage,
    active: u.active,
    emails: u.emails.map((e) => ({ value: e.value, type: e.type, primary: e.primary })),
    [FA_USER_EXTENSION]: { userCategory: 'DEFAULT' },
  };
}

function roleToScim(r: SandboxRole, base: string): Record<string, unknown> {
  return {
    schemas: [SCIM_ROLE_SCHEMA],
    id: r.id,
    meta: { resourceType: 'Role', created: iso(r.created), lastModified: iso(r.lastModified), location: `${base}${SCIM_ROOT}/Roles/${r.id}` },
    name: r.name,
    displayName: r.displayName,
    description: r.description,
    category: r.category,
    members: [...r.members.keys()].map((value) => ({ value })),
  };
}

const userResolver: Resolver<SandboxUser> = (u, attr) => {
  switch (attr) {
    case 'username': return u.userName;
    case 'id': return u.id;
    case 'active': return u.active;
    case 'displayname': return u.displayName;
    case 'emails': return u.emails;
    case 'name': return { givenName: u.givenName, familyName: u.familyName };
    default: return undefined;
  }
};

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const ListParams = z.object({
  filter: z.preprocess(first, z.string().optional()),
  attributes: z.preprocess(first, z.string().optional()),
  startIndex: z.preprocess(first, z.string().regex(/^-?\d+$/, 'must be a whole number').transform(Number).optional()),
  count: z.preprocess(first, z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).optional()),
});

function parseScimFilter(ctx: SandboxContext, src: string, attrs: ReadonlySet<string>, resource: 'Users' | 'Roles'): FilterNode {
  const invalid = (why: string): SandboxHttpError => new SandboxHttpError(400, `Invalid filter: ${why}.`, { scimType: 'invalidFilter' });
  const v = ctx.variants;
  if (v.has('scim-short-filter') && src.length > SCIM_SHORT_FILTER_MAX) {
    throw invalid(`the filter is ${src.length} characters long; this server accepts at most ${SCIM_SHORT_FILTER_MAX}`);
  }
  let ast: FilterNode;
  try {
    ast = parseFilter(src, attrs);
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw invalid(err.message);
    throw err;
  }
  if (v.has('scim-no-or') && filterHas(ast, (n) => n.kind === 'or')) throw invalid("the 'or' operator is not supported; send one filter per value");
  if (resource === 'Users' && v.has('scim-no-email-filter') && filterHas(ast, (n) => (n.kind === 'cmp' || n.kind === 'pr') && n.path.attr === 'emails')) {
    throw invalid('emails is not a filterable attribute here; filter on userName');
  }
  return ast;
}

/** True when any node of the filter (value filters included) satisfies `test`. */
function filterHas(node: FilterNode, test: (n: FilterNode) => boolean): boolean {
  if (test(node)) return true;
  switch (node.kind) {
    case 'and':
    case 'or':
      return filterHas(node.left, test) || filterHas(node.right, test);
    case 'not':
      return filterHas(node.expr, test);
    case 'cmp':
    case 'pr':
      return node.path.valueFilter !== null && filterHas(node.path.valueFilter, test);
  }
}

function projectScim(resource: Record<string, unknown>, attributes: string | undefined): Record<string, unknown> {
  if (!attributes) return resource;
  const wanted = new Set(attributes.split(',').map((a) => a.trim().split('.')[0]!.toLowerCase()).filter(Boolean));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resource)) {
    if (k === 'id' || k === 'schemas' || wanted.has(k.toLowerCase())) out[k] = v;
  }
  return out;
}

function listResponse<T>(request: FastifyRequest, rows: Iterable<T>, match: (row: T) => boolean, render: (row: T) => Record<string, unknown>) {
  const params = parseInput(ListParams, request.query ?? {}, 'query parameters');
  const startIndex = Math.max(1, params.startIndex ?? 1);
  const count = Math.min(params.count ?? 100, 1000);
  const page: Record<string, unknown>[] = [];
  let total = 0;
  for (const row of rows) {
    if (!match(row)) continue;
    total++;
    if (total >= startIndex && page.length < count) page.push(projectScim(render(row), params.attributes));
  }
  return { schemas: [SCIM_LIST_SCHEMA], totalResults: total, itemsPerPage: page.length, startIndex, Resources: page };
}

/** The unfiltered user list, paged without walking the whole tenant (100,000 seeded users). */
function listAllUsersWith(tenant: SandboxContext['tenant'], request: FastifyRequest, render: (u: SandboxUser) => Record<string, unknown>) {
  const params = parseInput(ListParams, request.query ?? {}, 'query parameters');
  const startIndex = Math.max(1, params.startIndex ?? 1);
  const count = Math.min(params.count ?? 100, 1000);
  const page: Record<string, unknown>[] = [];
  let i = 0;
  for (const u of tenant.allUsers()) {
    if (++i < startIndex) continue;
    if (page.length >= count) break;
    page.push(projectScim(render(u), params.attributes));
  }
  return { schemas: [SCIM_LIST_SCHEMA], totalResults: tenant.userCount(), itemsPerPage: page.length, startIndex, Resources: page };
}

const Email = z.object({
  value: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address'),
  type: z.string().default('W'),
  primary: z.boolean().default(false),
});
const Name = z.object({ familyName: z.string().optional(), givenName: z.string().optional() });
const UserAttrs = z.object({
  userName: z.string().min(1).max(256).optional(),
  name: Name.optional(),
  displayName: z.string().optional(),
  active: z.boolean().optional(),
  emails: z.array(Email).optional(),
  password: z.string().min(1).optional(),
  preferredLanguage: z.string().optional(),
});
const UserBody = UserAttrs.extend({
  schemas: z.array(z.string()).refine((s) => s.includes(SCIM_USER_SCHEMA), {
    message: `must include "${SCIM_USER_SCHEMA}" (Fusion's URN, not urn:ietf:params:scim:schemas:core:2.0:User)`,
  }),
  userName: z.string().min(1).max(256),
});
const PatchOp = z.object({
  schemas: z.array(z.string()).optional(),
  Operations: z.array(z.object({
    op: z.string().transform((s) => s.toLowerCase()).pipe(z.enum(['add', 'replace', 'remove'])),
    path: z.string().optional(),
    value: z.unknown().optional(),
  })).min(1),
});
const RolePatch = z.object({
  schemas: z.array(z.string()).optional(),
  members: z.array(z.object({
    value: z.string().min(1),
    operation: z.string().transform((s) => s.toUpperCase()).pipe(z.enum(['ADD', 'REMOVE', 'DELETE'])).optional(),
  })).min(1),
});

type UserAttrsInput = z.infer<typeof UserAttrs>;

/** Applies attribute changes; returns a new record (the tenant re-indexes it). */
function applyAttrs(ctx: SandboxContext, u: SandboxUser, a: UserAttrsInput): SandboxUser {
  if (a.userName !== undefined && a.userName.toLowerCase() !== u.userName.toLowerCase() && ctx.tenant.userByName(a.userName)) {
    throw new SandboxHttpError(409, `A user named '${a.userName}' already exists. Choose another userName or update the existing user.`, { scimType: 'uniqueness' });
  }
  const emails: ScimEmail[] | undefined = a.emails?.map((e) => ({ value: e.value, type: e.type, primary: e.primary }));
  return {
    ...u,
    userName: a.userName ?? u.userName,
    givenName: a.name?.givenName ?? u.givenName,
    familyName: a.name?.familyName ?? u.familyName,
    displayName: a.displayName ?? u.displayName,
    active: a.active ?? u.active,
    emails: emails ?? u.emails,
    preferredLanguage: a.preferredLanguage ?? u.preferredLanguage,
    passwordHash: a.password !== undefined ? hashSecret(a.password) : u.passwordHash,
    lastModified: ctx.now(),
  };
}

/** Turns SCIM PatchOp operations into attribute changes. */
function patchOpToAttrs(ops: z.infer<typeof PatchOp>['Operations']): UserAttrsInput {
  const merged: Record<string, unknown> = {};
  for (const op of ops) {
    if (!op.path) {
      if (op.op === 'remove') throw new SandboxHttpError(400, 'A remove operation needs a path.', { scimType: 'noTarget' });
      Object.assign(merged, op.value as object);
      continue;
    }
    const path = op.path.toLowerCase();
    const value = op.op === 'remove' ? (path === 'emails' ? [] : undefined) : op.value;
    if (path === 'name.givenname' || path === 'name.familyname') {
      merged.name = { ...(merged.name as object), [path === 'name.givenname' ? 'givenName' : 'familyName']: value };
    } else {
      const known: Record<string, string> = { active: 'active', displayname: 'displayName', username: 'userName', emails: 'emails', password: 'password', preferredlanguage: 'preferredLanguage', name: 'name' };
      const key = known[path];
      if (!key) throw new SandboxHttpError(400, `Unsupported PATCH path '${op.path}'.`, { scimType: 'invalidPath' });
      merged[key] = value;
    }
  }
  return parseInput(UserAttrs, merged, 'PATCH operations');
}

export function registerScimRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { tenant } = ctx;
  const userOr404 = (id: string): SandboxUser => {
    const u = tenant.getUser(id);
    if (!u) throw new SandboxHttpError(404, `No user with id ${id}. Search with filter=userName eq "..." to find its id.`);
    return u;
  };
  const roleOr404 = (id: string): SandboxRole => {
    const r = tenant.roles.get(id);
    if (!r) throw new SandboxHttpError(404, `No role with id ${id}. Search with filter=name eq "..." to find its id.`);
    return r;
  };
  type IdParams = { Params: { id: string } };
  const listAllUsers = (request: FastifyRequest, render: (u: SandboxUser) => Record<string, unknown>) => listAllUsersWith(tenant, request, render);

  app.get(`${SCIM_ROOT}/Users`, async (request) => {
    ctx.principal(request, 'scim', 'read users');
    const { filter } = parseInput(ListParams, request.query ?? {}, 'query parameters');
    const ast = filter ? parseScimFilter(ctx, filter, USER_ATTRS, 'Users') : null;
    const base = baseUrl(request);
    if (!ast) return listAllUsers(request, (u) => userToScim(u, base));
    const hints = equalityHints(ast, INDEXED);
    let rows: Iterable<SandboxUser> = tenant.allUsers();
    if (hints) {
      const found = new Map<string, SandboxUser>();
      for (const hint of hints) {
        const users =
          hint.attr === 'username'
            ? [tenant.userByName(hint.value)]
            : hint.attr === 'emails.value'
              ? tenant.usersByEmail(hint.value)
              : hint.attr === 'id'
                ? [tenant.getUser(hint.value.toUpperCase())]
                : [];
        for (const u of users) if (u) found.set(u.id, u);
      }
      rows = found.values();
    }
    return listResponse(request, rows, (u) => evaluateFilter(ast, u, userResolver), (u) => userToScim(u, base));
  });

  app.get<IdParams>(`${SCIM_ROOT}/Users/:id`, async (request) => {
    ctx.principal(request, 'scim', 'read users');
    const q = parseInput(ListParams, request.query ?? {}, 'query parameters');
    return projectScim(userToScim(userOr404(request.params.id), baseUrl(request)), q.attributes);
  });

  app.post(`${SCIM_ROOT}/Users`, async (request, reply) => {
    ctx.principal(request, 'scim', 'create users');
    const body = parseInput(UserBody, request.body, 'SCIM user');
    if (tenant.userByName(body.userName)) {
      throw new SandboxHttpError(409, `A user named '${body.userName}' already exists. Look it up with filter=userName eq "${body.userName}" instead of creating it again.`, { scimType: 'uniqueness' });
    }
    const now = ctx.now();
    const blank: SandboxUser = {
      id: randomUUID().replace(/-/g, '').toUpperCase(), userId: tenant.next('userId'), userName: body.userName, givenName: '', familyName: '',
      displayName: body.userName, emails: [], active: true, personId: null, personNumber: null, passwordHash: null, preferredLanguage: 'en',
      created: now, lastModified: now, seedIndex: null,
    };
    const user = applyAttrs(ctx, blank, { ...body, userName: undefined });
    tenant.addUser(user);
    ctx.changed();
    return reply.code(201).send(userToScim(user, baseUrl(request)));
  });

  app.put<IdParams>(`${SCIM_ROOT}/Users/:id`, async (request) => {
    ctx.principal(request, 'scim', 'update users');
    const existing = userOr404(request.params.id);
    const body = parseInput(UserBody, request.body, 'SCIM user');
    const updated = applyAttrs(ctx, existing, { active: true, emails: [], name: { givenName: '', familyName: '' }, displayName: body.userName, ...body });
    tenant.replaceUser(updated);
    ctx.changed();
    return userToScim(updated, baseUrl(request));
  });

  app.patch<IdParams>(`${SCIM_ROOT}/Users/:id`, async (request) => {
    ctx.principal(request, 'scim', 'update users');
    const existing = userOr404(request.params.id);
    const raw = request.body as Record<string, unknown> | null;
    const attrs = raw && typeof raw === 'object' && 'Operations' in raw
      ? patchOpToAttrs(parseInput(PatchOp, raw, 'SCIM PatchOp').Operations)
      : parseInput(UserAttrs, raw, 'user attributes');
    const updated = applyAttrs(ctx, existing, attrs);
    tenant.replaceUser(updated);
    ctx.changed();
    return userToScim(updated, baseUrl(request));
  });

  app.delete<IdParams>(`${SCIM_ROOT}/Users/:id`, async (request, reply) => {
    ctx.principal(request, 'scim', 'delete users');
    userOr404(request.params.id);
    tenant.deleteUser(request.params.id);
    ctx.changed();
    return reply.code(204).send();
  });

  app.get(`${SCIM_ROOT}/Roles`, async (request) => {
    ctx.principal(request, 'scim', 'read roles');
    const { filter } = parseInput(ListParams, request.query ?? {}, 'query parameters');
    const ast = filter ? parseScimFilter(ctx, filter, ROLE_ATTRS, 'Roles') : null;
    const base = baseUrl(request);
    return listResponse(request, tenant.roles.values(), (r) => !ast || evaluateFilter(ast, roleToScim(r, base), plainResolver), (r) => roleToScim(r, base));
  });

  app.get<IdParams>(`${SCIM_ROOT}/Roles/:id`, async (request) => {
    ctx.principal(request, 'scim', 'read roles');
    const q = parseInput(ListParams, request.query ?? {}, 'query parameters');
    return projectScim(roleToScim(roleOr404(request.params.id), baseUrl(request)), q.attributes);
  });

  app.patch<IdParams>(`${SCIM_ROOT}/Roles/:id`, async (request, reply) => {
    ctx.principal(request, 'scim', 'change role memberships');
    const role = roleOr404(request.params.id);
    const body = parseInput(RolePatch, request.body, 'role PATCH (expected {"members":[{"value":"<userId>","operation":"ADD"|"REMOVE"}]})');
    for (const m of body.members) {
      if (!tenant.hasUser(m.value)) throw new SandboxHttpError(400, `members value ${m.value} is not a user id. Members are users (SCIM user ids), not roles.`, { scimType: 'invalidValue' });
    }
    for (const m of body.members) {
      if ((m.operation ?? 'ADD') === 'ADD') tenant.addMember(role, m.value);
      else role.members.delete(m.value);
    }
    role.lastModified = ctx.now();
    ctx.changed();
    return reply.code(204).send();
  });

  const notAllowed = async (): Promise<never> => {
    throw new SandboxHttpError(405, 'Roles cannot be created, replaced or deleted through SCIM: create job roles in the Security Console.', { headers: { Allow: 'GET, PATCH' } });
  };
  app.post(`${SCIM_ROOT}/Roles`, notAllowed);
  app.put(`${SCIM_ROOT}/Roles/:id`, notAllowed);
  app.delete(`${SCIM_ROOT}/Roles/:id`, notAllowed);
}
