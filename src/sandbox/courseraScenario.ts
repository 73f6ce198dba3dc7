import * as z from 'zod';

/**
 * What an administrator does by hand in the Oracle UI (Security Console, Configure External
 * Providers, Scheduled Processes), simulated through the sandbox's test-only `/__sandbox/` hooks.
 * Only the demo, the tests and the local-sandbox practice actions of the extension (labelled
 * simulations, refused for any environment but the sandbox the extension started) use this; product code
 * that talks to a pod never does.
 */
export const sandboxInfoSchema = z.looseObject({
  instanceId: z.union([z.string(), z.number()]),
  scope: z.string(),
  jobDefinitions: z.record(z.string(), z.string()),
  xapiPath: z.string(),
  variants: z.array(z.string()).default([]),
  adminRoles: z.array(z.string()).default([]),
});
export type SandboxInfo = z.infer<typeof sandboxInfoSchema>;

/** The sandbox names its stand-in job definitions a little differently from the plan file. */
const PLAN_KEYS: Record<string, string> = {
  loadSyncExternalCourseData: 'loadAndSynchronizeExternalCourseData',
  olcRestBulkIngestOscs: 'bulkIngestToOscs',
  processCatalogItemDeactivationsDeletions: 'processCatalogItemDeactivationsAndDeletions',
};

export class SandboxHookError extends Error {
  override readonly name = 'SandboxHookError';
  constructor(
    message: string,
    /** The hook's HTTP status (409: it already exists), when it answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export class SandboxAdmin {
  constructor(readonly baseUrl: string) {}

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(new URL(`/__sandbox/${path}`, this.baseUrl), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new SandboxHookError(`sandbox hook ${method} /__sandbox/${path} answered ${res.status}: ${text.slice(0, 200)}`, res.status);
    return text ? JSON.parse(text) : undefined;
  }

  /** The sandbox's facts; `jobDefinitions` keyed as the plan's scheduledProcesses keys. */
  async info(): Promise<SandboxInfo> {
    const raw = sandboxInfoSchema.parse(await this.call('GET', 'info'));
    const jobDefinitions: Record<string, string> = {};
    for (const [key, id] of Object.entries(raw.jobDefinitions)) jobDefinitions[PLAN_KEYS[key] ?? key] = id;
    return { ...raw, jobDefinitions };
  }
  settings(s: { sso?: boolean; selfPacedLearning?: boolean }) {
    return this.call('POST', 'settings', s);
  }
  createRole(r: { name: string; displayName: string; category: string; duties: string[] }) {
    return this.call('POST', 'roles', r);
  }
  registerApiAuthentication(p: { issuer: string; alias: string; certificate: string }) {
    return this.call('POST', 'api-authentication-providers', p);
  }
  /** The admin removes an inbound certificate alias from API Authentication. */
  removeApiAuthentication(alias: string) {
    return this.call('DELETE', `api-authentication-providers/${encodeURIComponent(alias)}`);
  }
  configureExternalProvider(p: { provider: string; userName: string; catalogProfile: string; visibility: string; learnerIdentifier: 'email' | 'username' }) {
    return this.call('POST', 'external-providers', p);
  }
  /** A user signs in and sets a password (so the demo or a test can act as them, e.g. a learner). */
  setPassword(userName: string, password: string) {
    return this.call('POST', 'passwords', { userName, password });
  }
  registerOAuthClient(c: { clientId: string; clientSecret: string; userName: string }) {
    return this.call('POST', 'oauth-clients', c);
  }
  createUser(u: { userName: string; email: string; active?: boolean; withPerson?: boolean; password?: string; roles?: string[] }) {
    return this.call('POST', 'users', u);
  }
  /** An admin submits a process from Scheduled Processes (once, or on a daily schedule), with its parameters. */
  submitInScheduledProcesses(
    jobDefinitionId: string,
    schedule?: { frequency: 'DAILY'; interval: number; startTime: string },
    requestParameters?: { name: string; paramType?: string; value: string }[],
  ) {
    return this.call('POST', 'ess/submit', { jobDefinitionId, ...(schedule ? { schedule } : {}), ...(requestParameters?.length ? { requestParameters } : {}) });
  }
  /** Runs of a job starting in [from, until) end in `state` (WAIT: blocked, they never start). */
  essOutcome(rule: { jobDefinitionId: string; state: 'SUCCEEDED' | 'ERROR' | 'WARNING' | 'WAIT'; from?: string; until?: string; description?: string }) {
    return this.call('POST', 'ess/outcomes', rule);
  }
  /** The provider's side: a key pair and a certificate with the validity asked for. */
  async certificate(c: { commonName: string; notBefore?: string; notAfter: string }): Promise<{ certificatePem: string; privateKeyPem: string; notBefore: string; notAfter: string; x5t: string }> {
    return (await this.call('POST', 'certificates', c)) as { certificatePem: string; privateKeyPem: string; notBefore: string; notAfter: string; x5t: string };
  }
  async state(): Promise<Record<string, unknown>> {
    return (await this.call('GET', 'state')) as Record<string, unknown>;
  }
  faults(rate: number, seed?: number) {
    return this.call('POST', 'faults', { rate, ...(seed !== undefined ? { seed } : {}) });
  }
  async stats(): Promise<{ requests: { total: number; byRoute: Record<string, number>; maxInFlight?: number } }> {
    return (await this.call('GET', 'stats')) as { requests: { total: number; byRoute: Record<string, number>; maxInFlight?: number } };
  }
  resetStats() {
    return this.call('POST', 'stats/reset');
  }
}
