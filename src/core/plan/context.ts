import { resolve, dirname } from 'node:path';
import { OracleClient, type RequestLogEntry, type RetryNotice } from '../../oracle/client';
import type { OracleAuth } from '../../oracle/auth';
import type { SignInLedger } from '../../oracle/signIn';
import { OracleError } from '../../oracle/errors';
import { findUserByUserName, scimUserSchema, type ScimUser } from '../../oracle/scimUsers';
import { findRoleByName, type ScimRole } from '../../oracle/scimRoles';
import { findUserAccount, listUserAccountRoles, type UserAccount } from '../../oracle/userAccounts';
import type { EnvironmentCredentials } from '../model/credentials';
import type { EnvironmentState } from './stateStore';
import { resolveEnvironment, type EnvironmentConfig, type PlanFile } from './planFile';
import type { Profile } from './profiles';

export class MissingCredentialsError extends Error {
  override readonly name = 'MissingCredentialsError';
  readonly exitCode = 2;
  constructor(readonly environment: string) {
    super(
      `No administrator credentials for environment "${environment}". In the CLI set OLI_USERNAME and OLI_PASSWORD; in VS Code run "Oracle Learning: Set Credentials".`,
    );
  }
}

export interface ClientSettings {
  onLog?: (entry: RequestLogEntry) => void;
  maxConcurrency?: number;
  /** Per-attempt timeout of each request, in ms (the client's default when absent: 30 s). */
  timeoutMs?: number;
  /** Per-attempt deadline for the connection and the first byte of the answer, in ms (the client's default when absent: 10 s). */
  firstByteTimeoutMs?: number;
  /** Told before each retry (one line for a person). */
  onRetry?: (notice: RetryNotice) => void;
  /** Sign-in gates shared by every client of the command (or window): one failed sign-in per credential at most. */
  signIns?: SignInLedger;
  /** Proxy for environments whose plan entry names none (e.g. VS Code's http.proxy). */
  defaultProxy?: string;
  /** Hosts reached without a proxy (NO_PROXY entries, e.g. VS Code's http.noProxy), added to the NO_PROXY environment variable. */
  noProxy?: string[];
  /** Refuse every method but GET (oli probe). */
  readOnly?: boolean;
}

/** How the checks judge certificates and tokens (VS Code settings, CLI flags and environment variables). */
export interface InspectionSettings {
  /** A certificate expiring within this many days is flagged (default 30). */
  certificateWarningDays?: number;
  /** Clock skew allowed for a JWT's exp, nbf and iat, in seconds (default 60). */
  clockToleranceSeconds?: number;
}

/** An Oracle client for an environment of the plan, with its CA file and proxy. */
export function clientFor(plan: PlanFile, planDir: string, environment: string, auth: OracleAuth, settings: ClientSettings = {}): OracleClient {
  const env: EnvironmentConfig = resolveEnvironment(plan, environment).config;
  return new OracleClient({
    baseUrl: env.url,
    auth,
    ...(env.caFile ? { caFile: resolve(planDir, env.caFile) } : {}),
    ...(env.proxy || settings.defaultProxy ? { proxy: env.proxy ?? settings.defaultProxy } : {}),
    ...(settings.noProxy?.length ? { noProxy: [...settings.noProxy, process.env.NO_PROXY ?? process.env.no_proxy ?? ''].filter(Boolean).join(',') } : {}),
    ...(settings.onLog ? { onLog: settings.onLog } : {}),
    maxConcurrency: settings.maxConcurrency ?? 16,
    ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.readOnly ? { readOnly: true } : {}),
    ...(settings.firstByteTimeoutMs !== undefined ? { firstByteTimeoutMs: settings.firstByteTimeoutMs } : {}),
    ...(settings.onRetry ? { onRetry: settings.onRetry } : {}),
    ...(settings.signIns ? { signIn: settings.signIns.gateFor(auth, new URL(env.url).origin) } : {}),
  });
}

/** How the administrator's requests authenticate: Basic, or the bearer tokens of their sign-in (OAuth session, own key). */
export function adminAuth(environment: string, credentials: EnvironmentCredentials): OracleAuth {
  const admin = credentials.admin;
  if (!admin) throw new MissingCredentialsError(environment);
  if (admin.kind === 'basic') return { kind: 'basic', username: admin.username, password: admin.password };
  const source = admin.source;
  return { kind: 'bearer', token: (signal) => source.token(signal), identity: source.identity, invalidate: () => source.invalidate() };
}

/** Users in the learner-identity step's sample (two requests whatever the tenant size). */
export const LEARNER_SAMPLE_SIZE = 50;

/** A request the apply would send; recorded instead of sent in a dry run. */
export interface PlannedRequest {
  method: string;
  url: string;
  body?: unknown;
  why: string;
}

/**
 * Everything a step's check or apply needs. Reads shared by several steps (the integration user,
 * the job role) are fetched once per context and reused, so a full status makes a fixed number of
 * requests whatever the size of the tenant.
 */
export class StepContext {
  readonly performed: string[] = [];
  readonly planned: PlannedRequest[] = [];
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly plan: PlanFile,
    readonly planDir: string,
    readonly environment: string,
    readonly profile: Profile,
    readonly client: OracleClient,
    readonly credentials: EnvironmentCredentials,
    readonly state: EnvironmentState,
    readonly signal: AbortSignal | undefined,
    readonly settings: ClientSettings,
    readonly dryRun = false,
    /** How certificates and tokens are judged (the user's settings; defaults 30 days and 60 s). */
    readonly inspection: InspectionSettings = {},
  ) {}

  get baseUrl(): string {
    return this.client.baseUrl;
  }

  /** Path of a file named in the plan (relative to the plan file). */
  planRelative(path: string): string {
    return resolve(this.planDir, path);
  }

  once<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fetch();
      this.memo.set(key, p);
    }
    return p;
  }

  /** Forget cached reads (after an apply changed the pod). */
  invalidate(): void {
    this.memo.clear();
  }

  integrationUser(): Promise<ScimUser | undefined> {
    return this.once('integration-user', () => findUserByUserName(this.client, this.plan.integrationUser.userName, { signal: this.signal }));
  }

  /**
   * A fixed-size sample of the tenant's users (the learner-identity step checks them when the plan
   * names no learner file): read once, and the engine's sign-in request when it is needed (it heads
   * the longest chain of reads, so proving the credentials with it costs no extra round trip).
   */
  learnerSample(): Promise<ScimUser[]> {
    return this.once('learner-sample', async () => {
      const page = await this.client.scimList('/hcmRestApi/scim/Users', scimUserSchema, {
        attributes: 'userName,emails,active',
        count: LEARNER_SAMPLE_SIZE,
        maxItems: LEARNER_SAMPLE_SIZE,
        ...(this.signal ? { signal: this.signal } : {}),
      });
      return page.resources;
    });
  }

  integrationUserAccount(): Promise<UserAccount | undefined> {
    return this.once('integration-user-account', () => findUserAccount(this.client, this.plan.integrationUser.userName, { signal: this.signal, withRoles: true }));
  }

  /**
   * The integration user's role codes: inline in the account read (`expand=userAccountRoles`),
   * or from the child collection when the pod did not expand it or paged it.
   */
  async integrationUserRoles(): Promise<string[] | undefined> {
    return this.once('integration-user-roles', async () => {
      const account = await this.integrationUserAccount();
      if (!account) return undefined;
      const inline = account.userAccountRoles;
      const roles = inline && !inline.hasMore ? inline.items : await listUserAccountRoles(this.client, account.GUID, { signal: this.signal });
      return roles.map((r) => r.RoleCode);
    });
  }

  jobRole(): Promise<ScimRole | undefined> {
    return this.once('job-role', () => findRoleByName(this.client, this.plan.jobRole.name, { signal: this.signal }));
  }

  /** A client for the same pod with another identity (the provider's bearer token). */
  withBearer(token: string | (() => Promise<string>)): OracleClient {
    return clientFor(this.plan, this.planDir, this.environment, { kind: 'bearer', token }, this.settings);
  }

  /** A client for the same pod acting through an OAuth client-credentials token. */
  withOAuth(auth: Extract<OracleAuth, { kind: 'oauth' }>): OracleClient {
    return clientFor(this.plan, this.planDir, this.environment, auth, this.settings);
  }

  /** A local action (no request to the pod), skipped and described in a dry run. */
  async local(why: string, run: () => Promise<void>): Promise<void> {
    if (this.dryRun) {
      this.planned.push({ method: 'LOCAL', url: '(this machine)', why });
      return;
    }
    await run();
  }

  /** Runs a change, or records it in a dry run. */
  async change<T>(request: PlannedRequest, run: () => Promise<T>): Promise<T | undefined> {
    if (this.dryRun) {
      this.planned.push({ ...request, url: new URL(request.url, this.baseUrl).toString() });
      return undefined;
    }
    const out = await run();
    this.performed.push(`${request.method} ${request.url}: ${request.why}`);
    return out;
  }
}

export function describeError(err: unknown): string {
  if (err instanceof OracleError) return err.userMessage();
  return (err as Error)?.message ?? String(err);
}

export function planDirOf(planPath: string): string {
  return dirname(resolve(planPath));
}
