import type { FastifyRequest } from 'fastify';
import type * as z from 'zod';
import type { Need, Principal } from './auth';
import { SandboxHttpError } from './errors';
import type { FaultInjector, Stats } from './faults';
import type { IdentityDomain } from './identityDomain';
import type { Tenant } from './tenant';
import type { Variants } from './variants';

export const DEFAULT_PORT = 8642;
export const DEFAULT_ADMIN_USER = 'admin.sandbox';
/** Instance id used in the OAuth stand-in scope (stable, so a saved plan keeps working). */
export const DEFAULT_INSTANCE_ID = '100000001';

export interface AuthFailure {
  at: string;
  method: string;
  url: string;
  reason: string;
}

/** Public facts about a running sandbox (also GET /__sandbox/info). */
export interface SandboxInfo {
  /** Always true: this is an emulator, not Oracle. */
  emulator: true;
  instanceId: string;
  /** The scope the OAuth stand-in accepts. */
  scope: string;
  /** Stand-in ESS job definition ids (Oracle does not publish the real ones). */
  jobDefinitions: Record<string, string>;
  /** Stand-in xAPI statements path (Oracle does not publish it). */
  xapiPath: string;
  /** Stand-in OAuth token path (OCI IAM domain token endpoint). */
  tokenPath: string;
  /** Whether the pod accepts Basic (false: `basicAuth: false` / `oli sandbox --no-basic`). */
  basicAuth: boolean;
  /** The identity domain the sandbox plays on its own origin (its paths, the `iss` and `aud` of its access tokens). */
  identityDomain: { issuer: string; audience: string; authorizePath: string; tokenPath: string; devicePath: string; jwksPath: string; discoveryPath: string };
  /** Number of seeded users. */
  users: number;
  statePath: string | null;
  /** The variants this pod plays (docs/SANDBOX.md, "Variants"); empty for the default pod. */
  variants: string[];
  /** Role codes the administrator holds (per variant). */
  adminRoles: string[];
  /** The process serving this sandbox (VS Code stops the sandbox it started by this id, after checking it). */
  pid: number;
}

/** What every route module gets from the server. */
export interface SandboxContext {
  readonly tenant: Tenant;
  readonly faults: FaultInjector;
  readonly stats: Stats;
  readonly authFailures: AuthFailure[];
  readonly essStepMs: number;
  readonly variants: Variants;
  /** The identity domain (OCI IAM stand-in) whose access tokens this pod trusts. */
  readonly identityDomain: IdentityDomain;
  now(): number;
  /** Authenticates the request and checks it may do `what`; throws 401 / 403. */
  principal(request: FastifyRequest, need: Need, what: string): Principal;
  /** Records that persisted state changed (schedules a state-file write). */
  changed(): void;
  info(): SandboxInfo;
}

/** Validates `value` with `schema`, answering 400 with the first problem. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string, scimType?: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? ` at '${issue.path.join('.')}'` : '';
  throw new SandboxHttpError(400, `Invalid ${what}${where}: ${issue.message}.`, { scimType: scimType ?? 'invalidValue', code: 'SANDBOX-400' });
}

export const iso = (ms: number): string => new Date(ms).toISOString();
