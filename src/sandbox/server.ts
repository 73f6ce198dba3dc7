import { randomBytes } from 'node:crypto';
import fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import * as z from 'zod';
import { AuthError, authenticate, authorize, hashSecret } from './auth';
import { DEFAULT_ADMIN_USER, DEFAULT_INSTANCE_ID, DEFAULT_PORT, type AuthFailure, type SandboxContext, type SandboxInfo } from './context';
import { SandboxHttpError, SandboxStartError, sendError } from './errors';
import { STANDIN_JOB_DEFINITIONS, advanceEss, registerEssRoutes } from './ess';
import { FaultInjector, Stats, registerTraffic } from './faults';
import { registerHookRoutes } from './hooks';
import { registerOraclePages } from './oraclePages';
import { registerLearningRoutes } from './learning';
import { OAUTH_TOKEN_PATH, fusionScope, registerOAuthRoutes } from './oauth';
import { IDCS_PATHS, IDENTITY_ISSUER, IdentityDomain, fusionAudience, registerIdentityDomainRoutes } from './identityDomain';
import { StateWriter, loadStateFile } from './persist';
import { registerScimRoutes } from './scim';
import { DEFAULT_ADMIN_ROLES, PROVIDER_DUTY } from './security';
import { Tenant } from './tenant';
import { registerUserAccountRoutes } from './userAccounts';
import { Variants, parseVariants } from './variants';
import { XAPI_STANDIN_PATH, registerXapiRoutes } from './xapi';


export const SandboxOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(DEFAULT_PORT),
  /** Always 127.0.0.1: the sandbox never listens on other interfaces. */
  host: z.literal('127.0.0.1').default('127.0.0.1'),
  adminUser: z.string().min(1).default(DEFAULT_ADMIN_USER),
  adminPassword: z.string().min(1).optional(),
  users: z.number().int().min(0).max(200_000).default(200),
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  faultRate: z.number().min(0).max(1).default(0),
  faultSeed: z.number().int().default(1),
  statePath: z.string().min(1).optional(),
  essStepMs: z.number().int().min(0).default(500),
  now: z.custom<() => number>((v) => typeof v === 'function').optional(),
  /** Variant names (docs/SANDBOX.md, "Variants"); an unknown name rejects with the valid ones. */
  variants: z.union([z.array(z.string()), z.string()]).optional(),
  /** False: the pod refuses Basic authentication (a pod whose people sign in through SSO); OAuth and JWT bearer still work. */
  basicAuth: z.boolean().default(true),
  /** Public integrated applications registered in the identity domain at start (as the `/__sandbox/oauth-apps` hook does). */
  oauthApps: z.array(z.object({ clientId: z.string().min(1), redirectUris: z.array(z.string().url()) })).default([]),
});
export type SandboxOptions = z.input<typeof SandboxOptionsSchema>;

export interface SandboxHandle {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  admin: { userName: string; password: string };
  /** True when the admin password was generated (and so should be shown to the user once). */
  passwordGenerated: boolean;
  info: SandboxInfo;
  /** Stops listening (dropping open connections) and writes the state file. */
  close(): Promise<void>;
}

/** Roles whose membership of the admin the variants decide (set on every start and reset). */
const ADMIN_MANAGED_ROLES = [...DEFAULT_ADMIN_ROLES, PROVIDER_DUTY];

function ensureAdmin(tenant: Tenant, userName: string, password: string, variants: Variants): void {
  const user = tenant.userByName(userName);
  if (!user) throw new SandboxStartError('options', `Admin user ${userName} could not be created.`);
  user.passwordHash = hashSecret(password);
  user.active = true;
  tenant.setManagedRoles(user.id, ADMIN_MANAGED_ROLES, variants.adminRoles());
}

/** The sandbox's compiler factories: a route with a JSON schema is a mistake here (parse with zod instead). */
function refuseSchemas(): never {
  throw new Error('The sandbox compiles no JSON schemas: parse the input of a route with zod (src/sandbox/context.ts parseInput).');
}

function buildApp(ctx: SandboxContext, reset: () => void, injector: FaultInjector, stats: Stats): { app: FastifyInstance; releaseStalled: () => void } {
  const app = fastify({
    logger: false,
    forceCloseConnections: true,
    bodyLimit: 10 * 1024 * 1024,
    // No route declares a JSON schema (every input is parsed with zod): fastify's default compilers
    // (Ajv, fast-json-stringify) are never built, and the bundles leave them out (scripts/build.mjs).
    schemaController: { compilersFactory: { buildValidator: refuseSchemas, buildSerializer: refuseSchemas } },
  });
  app.addContentTypeParser(/^application\/[\w.-]+\+json/, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch (err) {
      done(Object.assign(err as Error, { statusCode: 400 }), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const releaseStalled = registerTraffic(app, injector, stats);
  app.addHook('preHandler', async () => advanceEss(ctx));
  app.setErrorHandler((err: FastifyError | SandboxHttpError, request, reply) => {
    if (err instanceof SandboxHttpError) return sendError(request, reply, err);
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const detail = status === 500
      ? `The sandbox failed to handle ${request.method} ${request.url.split('?')[0]}: ${err.message}. This is a sandbox bug; please report it.`
      : `The request could not be read: ${err.message}.`;
    return sendError(request, reply, new SandboxHttpError(status, detail, { scimType: 'invalidSyntax' }));
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(request, reply, new SandboxHttpError(404, `No resource ${request.method} ${request.url.split('?')[0]} in this sandbox (see docs/SANDBOX.md for what it emulates).`));
  });
  registerScimRoutes(app, ctx);
  registerUserAccountRoutes(app, ctx);
  registerLearningRoutes(app, ctx);
  registerXapiRoutes(app, ctx);
  registerEssRoutes(app, ctx);
  registerOAuthRoutes(app, ctx);
  registerIdentityDomainRoutes(app, ctx, ctx.identityDomain);
  registerHookRoutes(app, ctx, reset);
  registerOraclePages(app, ctx);
  return { app, releaseStalled };
}

/** Starts the Oracle pod emulator on 127.0.0.1 (docs/SANDBOX.md). */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const parsed = SandboxOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SandboxStartError('options', `Invalid sandbox option '${issue.path.join('.')}': ${issue.message}.`);
  }
  const o = parsed.data;
  const variants = new Variants(parseVariants(o.variants));
  const now = o.now ?? Date.now;
  const passwordGenerated = o.adminPassword === undefined;
  const adminPassword = o.adminPassword ?? randomBytes(12).toString('base64url');
  const tenant = (o.statePath ? loadStateFile(o.statePath, o.adminUser) : null) ?? new Tenant(o.users, o.adminUser, DEFAULT_INSTANCE_ID);
  if (!tenant.userByName(o.adminUser)) {
    throw new SandboxStartError('options', `The state file has no user ${o.adminUser}; start with the admin user it was saved with, or another --state file.`);
  }
  tenant.addMissingSeededRoles();
  ensureAdmin(tenant, o.adminUser, adminPassword, variants);
  const injector = new FaultInjector(o.faultRate, o.faultSeed, o.latencyMs);
  const stats = new Stats();
  const authFailures: AuthFailure[] = [];
  const identityDomain = new IdentityDomain(fusionAudience(tenant.instanceId), now);
  for (const a of o.oauthApps) identityDomain.apps.set(a.clientId, { clientId: a.clientId, redirectUris: a.redirectUris, deviceCode: true, accessTokenTtlS: 3600, refreshTokenTtlS: 7 * 86_400 });
  let writer: StateWriter | null = null;
  const info = (): SandboxInfo => ({
    emulator: true,
    instanceId: tenant.instanceId,
    scope: fusionScope(tenant.instanceId),
    jobDefinitions: { ...STANDIN_JOB_DEFINITIONS },
    xapiPath: XAPI_STANDIN_PATH,
    tokenPath: OAUTH_TOKEN_PATH,
    basicAuth: o.basicAuth,
    identityDomain: {
      issuer: IDENTITY_ISSUER,
      audience: identityDomain.audience,
      authorizePath: IDCS_PATHS.authorize,
      tokenPath: IDCS_PATHS.token,
      devicePath: IDCS_PATHS.device,
      jwksPath: IDCS_PATHS.jwks,
      discoveryPath: IDCS_PATHS.discovery,
    },
    users: tenant.seedUsers,
    statePath: o.statePath ?? null,
    variants: [...variants.list],
    adminRoles: variants.adminRoles(),
    pid: process.pid,
  });
  const ctx: SandboxContext = {
    tenant,
    faults: injector,
    stats,
    authFailures,
    essStepMs: o.essStepMs,
    variants,
    identityDomain,
    now,
    principal(request, need, what) {
      try {
        const p = authenticate(tenant, request.headers.authorization, now(), { identity: identityDomain, basicAuth: o.basicAuth });
        authorize(p, need, what);
        return p;
      } catch (err) {
        if (err instanceof AuthError) {
          authFailures.push({ at: new Date(now()).toISOString(), method: request.method, url: request.url.split('?')[0]!, reason: err.failure });
          if (authFailures.length > 100) authFailures.shift();
        }
        throw err;
      }
    },
    changed: () => writer?.schedule(),
    info,
  };
  const reset = (): void => {
    tenant.reset();
    ensureAdmin(tenant, o.adminUser, adminPassword, variants);
    authFailures.length = 0;
    ctx.changed();
  };
  if (o.statePath) writer = new StateWriter(o.statePath, () => tenant);
  const { app, releaseStalled } = buildApp(ctx, reset, injector, stats);
  try {
    await app.listen({ port: o.port, host: '127.0.0.1' });
  } catch (err) {
    await app.close().catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new SandboxStartError('port-in-use', `Port ${o.port} on 127.0.0.1 is already in use. Stop the other process or choose another port (0 = any free port).`);
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  ctx.changed();
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    admin: { userName: o.adminUser, password: adminPassword },
    passwordGenerated,
    info: info(),
    close: () => {
      closing ??= (async () => {
        releaseStalled();
        await app.close();
        await writer?.flush();
      })();
      return closing;
    },
  };
}
