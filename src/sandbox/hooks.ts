import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { baseUrl } from './adfQuery';
import { hashSecret, x5tOfPem } from './auth';
import { parseInput, type SandboxContext } from './context';
import { essState, essToJson, submitEss } from './ess';
import { SandboxHttpError } from './errors';
import type { ExternalProvider, SandboxRole, SandboxUser } from './model';
import { userToScim } from './scim';
import { providerCertificate } from './certificates';

/**
 * Test-only hooks under /__sandbox/: they simulate what an administrator does in the Oracle UI
 * (Security Console, Configure External Providers, Scheduled Processes...). No auth; product
 * code never calls them.
 */
export const HOOK_ROOT = '/__sandbox';

const RoleHook = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, _ . -'),
  displayName: z.string().min(1),
  category: z.enum(['JOB', 'DUTY', 'ABSTRACT']).default('JOB'),
  description: z.string().default(''),
  duties: z.array(z.string()).default([]),
});
const ApiAuthHook = z.object({ issuer: z.string().min(1), alias: z.string().min(1), certificate: z.string().min(1) });
const ProviderHook = z.object({
  provider: z.string().min(1),
  userName: z.string().min(1),
  catalogProfile: z.string().default('Default'),
  visibility: z.enum(['public', 'private']).default('public'),
  learnerIdentifier: z.enum(['email', 'username']).default('email'),
});
const SettingsHook = z.object({ sso: z.boolean().optional(), selfPacedLearning: z.boolean().optional() });
const UserHook = z.object({
  userName: z.string().min(1),
  email: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address').optional(),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  active: z.boolean().default(true),
  withPerson: z.boolean().default(true),
  password: z.string().min(1).optional(),
  roles: z.array(z.string()).default([]),
});
const OAuthClientHook = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1), userName: z.string().min(1) });
const PasswordHook = z.object({ userName: z.string().min(1), password: z.string().min(1) });
const OutcomeHook = z.object({
  jobDefinitionId: z.string().min(1),
  state: z.enum(['SUCCEEDED', 'ERROR', 'WARNING', 'WAIT']),
  from: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date').optional(),
  until: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date').optional(),
  description: z.string().min(1).max(2000).optional(),
});
const CertificateHook = z.object({
  commonName: z.string().min(1).max(200),
  notBefore: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date').optional(),
  notAfter: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date'),
});
const FaultsHook = z.object({ rate: z.number().min(0).max(1), seed: z.number().int().optional() });
const LatencyHook = z.object({ ms: z.number().int().min(0).max(60000) });

/**
 * What the pod holds, for assertions ("no duplicate user, membership or schedule"): users created
 * after seeding, role memberships (explicit ones; the implicit Employee role of workers is not
 * listed), ESS requests and the recurring ones per job definition.
 */
export function tenantSummary(ctx: SandboxContext): Record<string, unknown> {
  const { tenant } = ctx;
  const now = ctx.now();
  const created = tenant.changedUsers().filter((u) => u.seedIndex === null && u.id !== tenant.adminId);
  const nameOf = (id: string): string => tenant.getUser(id)?.userName ?? id;
  const recurringByJob: Record<string, { active: number; cancelled: number; requestIds: number[] }> = {};
  const requests = [...tenant.essRequests.values()].map((r) => {
    const { state } = essState(ctx, r, now);
    if (r.schedule) {
      const slot = (recurringByJob[r.jobDefinitionId] ??= { active: 0, cancelled: 0, requestIds: [] });
      if (state === 'CANCELLED') slot.cancelled++;
      else {
        slot.active++;
        slot.requestIds.push(r.requestId);
      }
    }
    return { requestId: r.requestId, jobDefinitionId: r.jobDefinitionId, recurring: r.schedule !== null, parentRequestId: r.parentRequestId, state, submitter: r.submitter, requestParameters: r.requestParameters };
  });
  return {
    users: { created: created.map((u) => ({ userName: u.userName, id: u.id, active: u.active, hasPerson: u.personId !== null })), total: tenant.userCount() },
    roles: [...tenant.roles.values()].filter((r) => r.members.size > 0).map((r) => ({ name: r.name, category: r.category, duties: r.duties, members: [...r.members.keys()].map(nameOf) })),
    ess: { requests, recurringByJob },
    externalProviders: [...tenant.externalProviders.values()].map((p) => ({ providerName: p.providerName, userName: p.userName })),
    statements: {
      pending: tenant.statements.filter((x) => x.status === 'pending').length,
      processed: tenant.statements.filter((x) => x.status === 'processed').length,
      rejected: tenant.statements.filter((x) => x.status === 'rejected').length,
    },
    variants: ctx.info().variants,
  };
}

export function registerHookRoutes(app: FastifyInstance, ctx: SandboxContext, reset: () => void): void {
  const { tenant } = ctx;
  const conflict = (what: string): SandboxHttpError => new SandboxHttpError(409, `${what} already exists.`);
  const roleCodes = (codes: string[]): SandboxRole[] =>
    codes.map((c) => {
      const r = tenant.roleByName(c);
      if (!r) throw new SandboxHttpError(400, `Unknown role ${c}.`);
      return r;
    });

  app.post(`${HOOK_ROOT}/roles`, async (request, reply) => {
    const b = parseInput(RoleHook, request.body, 'role');
    if (tenant.roleByName(b.name)) throw conflict(`Role ${b.name}`);
    roleCodes(b.duties);
    const now = ctx.now();
    const role: SandboxRole = {
      id: randomUUID().replace(/-/g, '').toUpperCase(), roleId: tenant.next('roleId'), name: b.name, displayName: b.displayName,
      description: b.description, category: b.category, duties: b.duties, members: new Map(), created: now, lastModified: now,
    };
    tenant.roles.set(role.id, role);
    ctx.changed();
    return reply.code(201).send({ id: role.id, name: role.name, displayName: role.displayName, category: role.category, duties: role.duties });
  });

  app.post(`${HOOK_ROOT}/api-authentication-providers`, async (request, reply) => {
    const b = parseInput(ApiAuthHook, request.body, 'API authentication provider');
    if (tenant.apiAuthProviders.has(b.alias)) throw conflict(`Certificate alias ${b.alias}`);
    let x5t: string;
    try {
      x5t = x5tOfPem(b.certificate);
    } catch {
      throw new SandboxHttpError(400, 'certificate is not a PEM X.509 certificate.');
    }
    tenant.apiAuthProviders.set(b.alias, { alias: b.alias, issuer: b.issuer, certificatePem: b.certificate, x5t, created: ctx.now() });
    ctx.changed();
    return reply.code(201).send({ alias: b.alias, issuer: b.issuer, x5t });
  });

  // The admin removes an inbound certificate (its alias) from API Authentication.
  app.delete<{ Params: { alias: string } }>(`${HOOK_ROOT}/api-authentication-providers/:alias`, async (request) => {
    if (!tenant.apiAuthProviders.delete(request.params.alias)) throw new SandboxHttpError(404, `No certificate alias ${request.params.alias}.`);
    ctx.changed();
    return { removed: request.params.alias };
  });

  app.post(`${HOOK_ROOT}/external-providers`, async (request, reply) => {
    const b = parseInput(ProviderHook, request.body, 'external provider');
    if (!tenant.userByName(b.userName)) throw new SandboxHttpError(400, `User ${b.userName} does not exist; create the integration user first.`);
    const existing = tenant.providerByName(b.provider);
    const p: ExternalProvider = {
      providerId: existing?.providerId ?? tenant.next('providerId'),
      providerName: b.provider,
      providerCode: b.provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
      status: 'ACTIVE',
      userName: b.userName,
      catalogProfile: b.catalogProfile,
      visibility: b.visibility,
      learnerIdentifier: b.learnerIdentifier,
    };
    tenant.externalProviders.set(p.providerId, p);
    ctx.changed();
    return reply.code(existing ? 200 : 201).send({
      ProviderId: p.providerId, ProviderName: p.providerName, ProviderCode: p.providerCode, Status: p.status, UserName: p.userName,
      CatalogProfile: p.catalogProfile, Visibility: p.visibility, learnerIdentifier: p.learnerIdentifier,
    });
  });

  app.post(`${HOOK_ROOT}/settings`, async (request) => {
    const b = parseInput(SettingsHook, request.body ?? {}, 'settings');
    Object.assign(tenant.settings, b);
    ctx.changed();
    return tenant.settings;
  });

  app.post(`${HOOK_ROOT}/users`, async (request, reply) => {
    const b = parseInput(UserHook, request.body, 'user');
    if (tenant.userByName(b.userName)) throw conflict(`User ${b.userName}`);
    const roles = roleCodes(b.roles);
    const now = ctx.now();
    const userId = tenant.next('userId');
    const [first = b.userName, last = ''] = b.userName.split('.');
    const givenName = b.givenName ?? first;
    const familyName = b.familyName ?? last;
    const user: SandboxUser = {
      id: randomUUID().replace(/-/g, '').toUpperCase(), userId, userName: b.userName, givenName, familyName,
      displayName: `${givenName} ${familyName}`.trim(), emails: b.email ? [{ value: b.email, type: 'W', primary: true }] : [],
      active: b.active, personId: b.withPerson ? userId - 200000000000 : null, personNumber: b.withPerson ? String(userId % 10000000) : null,
      passwordHash: b.password ? hashSecret(b.password) : null, preferredLanguage: 'en', created: now, lastModified: now, seedIndex: null,
    };
    tenant.addUser(user);
    for (const r of roles) tenant.addMember(r, user.id);
    ctx.changed();
    return reply.code(201).send(userToScim(user, baseUrl(request)));
  });

  // The user signs in and sets a password (e.g. a learner, so a test or the demo can act as them).
  app.post(`${HOOK_ROOT}/passwords`, async (request) => {
    const b = parseInput(PasswordHook, request.body, 'password');
    const user = tenant.userByName(b.userName);
    if (!user) throw new SandboxHttpError(400, `User ${b.userName} does not exist.`);
    tenant.replaceUser({ ...user, passwordHash: hashSecret(b.password), lastModified: ctx.now() });
    ctx.changed();
    return { userName: user.userName };
  });

  app.get(`${HOOK_ROOT}/state`, async () => tenantSummary(ctx));

  app.post(`${HOOK_ROOT}/oauth-clients`, async (request, reply) => {
    const b = parseInput(OAuthClientHook, request.body, 'OAuth client');
    if (tenant.oauthClients.has(b.clientId)) throw conflict(`OAuth client ${b.clientId}`);
    tenant.oauthClients.set(b.clientId, { clientId: b.clientId, secretHash: hashSecret(b.clientSecret), userName: b.userName });
    ctx.changed();
    return reply.code(201).send({ clientId: b.clientId, userName: b.userName, scope: ctx.info().scope });
  });

  app.post(`${HOOK_ROOT}/ess/submit`, async (request, reply) => {
    const r = submitEss(ctx, request.body, tenant.adminUserName);
    return reply.code(201).send(essToJson(ctx, r, baseUrl(request)));
  });

  // How the runs of a job end: runs starting in [from, until) end in `state` (WAIT: they never start).
  app.post(`${HOOK_ROOT}/ess/outcomes`, async (request, reply) => {
    const b = parseInput(OutcomeHook, request.body, 'ESS outcome rule');
    const rule = {
      jobDefinitionId: b.jobDefinitionId,
      state: b.state,
      from: b.from ? Date.parse(b.from) : Number.NEGATIVE_INFINITY,
      until: b.until ? Date.parse(b.until) : Number.POSITIVE_INFINITY,
      description: b.description ?? null,
    };
    tenant.essOutcomes.push(rule);
    return reply.code(201).send({ ...b, rules: tenant.essOutcomes.length });
  });
  app.delete(`${HOOK_ROOT}/ess/outcomes`, async () => {
    tenant.essOutcomes = [];
    return { rules: 0 };
  });

  // The provider's side: a key pair and a self-signed certificate with the validity asked for.
  app.post(`${HOOK_ROOT}/certificates`, async (request, reply) => {
    const b = parseInput(CertificateHook, request.body, 'certificate request');
    const notBefore = b.notBefore ? Date.parse(b.notBefore) : ctx.now() - 60_000;
    const notAfter = Date.parse(b.notAfter);
    if (notAfter <= notBefore) throw new SandboxHttpError(400, 'notAfter must be later than notBefore.');
    return reply.code(201).send(providerCertificate(b.commonName, notBefore, notAfter));
  });

  app.post(`${HOOK_ROOT}/faults`, async (request) => {
    const b = parseInput(FaultsHook, request.body, 'fault settings');
    ctx.faults.configure(b.rate, b.seed);
    return { rate: ctx.faults.rate, seed: ctx.faults.seed };
  });

  app.post(`${HOOK_ROOT}/latency`, async (request) => {
    const b = parseInput(LatencyHook, request.body, 'latency');
    ctx.faults.latencyMs = b.ms;
    return { ms: b.ms };
  });

  app.post(`${HOOK_ROOT}/reset`, async () => {
    reset();
    return { reset: true };
  });

  app.get(`${HOOK_ROOT}/stats`, async () => ctx.stats.snapshot());
  app.post(`${HOOK_ROOT}/stats/reset`, async () => {
    ctx.stats.reset();
    return ctx.stats.snapshot();
  });
  app.get(`${HOOK_ROOT}/info`, async () => ctx.info());
  app.get(`${HOOK_ROOT}/auth-failures`, async () => ({ items: ctx.authFailures }));
}
