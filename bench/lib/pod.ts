/**
 * A sandbox pod set up as after a complete Coursera (JWT) integration, so that `oli status` reads
 * everything: the job role, the integration user (account, roles, no person), the provider, the
 * ESS job ids (discovered from requests the admin submitted) and their daily schedules, the API
 * Authentication verification call and an identity sample. The admin's UI work goes through the
 * sandbox's test-only hooks (SandboxAdmin), as in `oli demo`; automatic steps go through the engine.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';
import { SandboxAdmin } from '../../src/sandbox/courseraScenario';
import { PlanEngine } from '../../src/core/plan/engine';
import { emptyState } from '../../src/core/plan/stateStore';
import { savePlan, type PlanFile } from '../../src/core/plan/planFile';
import { selfSignedRsa } from '../../src/core/plan/oracleJwt';
import { loadKit } from '../../src/core/plan/verificationKit';
import type { EnvironmentCredentials } from '../../src/core/model/credentials';
import { BenchError, median } from './measure';

export interface Pod {
  sandbox: SandboxHandle;
  admin: SandboxAdmin;
  dir: string;
  planPath: string;
  /** Environment for the `oli` child process (the sandbox admin's credentials). */
  env: NodeJS.ProcessEnv;
  setLatency(ms: number): Promise<void>;
  stats(): Promise<{ total: number; byRoute: Record<string, number>; maxInFlight: number }>;
  resetStats(): Promise<void>;
  close(): Promise<void>;
}

async function hook(url: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(new URL(`/__sandbox/${path}`, url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new BenchError('setup', `sandbox hook ${path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}

/** Starts a sandbox of `users` users (no latency during set-up). */
export async function startPod(users: number): Promise<Pod> {
  const sandbox = await startSandbox({ port: 0, users, latencyMs: 0, essStepMs: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'oli-bench-'));
  const admin = new SandboxAdmin(sandbox.url);
  return {
    sandbox,
    admin,
    dir,
    planPath: join(dir, 'oracle-learning.json'),
    env: { ...process.env, OLI_USERNAME: sandbox.admin.userName, OLI_PASSWORD: sandbox.admin.password, OLI_TRACE: '', OLI_DEBUG: '' },
    setLatency: (ms) => hook(sandbox.url, 'latency', { ms }),
    async stats() {
      const s = await admin.stats();
      return { total: s.requests.total, byRoute: s.requests.byRoute, maxInFlight: s.requests.maxInFlight ?? Number.NaN };
    },
    resetStats: async () => void (await admin.resetStats()),
    async close() {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal plan for the pod (Coursera, JWT), written to pod.planPath. */
export function benchPlan(pod: Pod, extra: Partial<PlanFile> = {}): PlanFile {
  return {
    version: 1,
    provider: 'coursera',
    auth: 'jwt',
    environments: { sandbox: { url: pod.sandbox.url } },
    defaultEnvironment: 'sandbox',
    integrationUser: { userName: 'user.coursera', email: 'user.coursera@example.com', givenName: 'Coursera', familyName: 'Integration' },
    jobRole: { name: 'XX_COURSERA_CONTENT_PROVIDER_JOB', displayName: 'Coursera Content Provider' },
    learnerIdentifier: 'email',
    jwt: { issuer: 'https://coursera.bench.invalid/oracle-learning', certificate: 'coursera.cer' },
    catalogProfile: 'Coursera Catalog',
    visibility: 'public',
    scheduledProcesses: {},
    ess: { application: 'EarHcmEss', startTime: '02:00' },
    ...extra,
  };
}

/**
 * Completes the whole Coursera integration on the pod (as `oli demo` does), so that a status
 * afterwards finds every step done or waiting only for an attestation.
 */
export async function setUpCourseraIntegration(pod: Pod, learnerEmails: string[]): Promise<{ pinnedPlanPath: string }> {
  const coursera = selfSignedRsa('Coursera bench issuer', 365);
  await writeFile(join(pod.dir, 'coursera.cer'), coursera.certificatePem);
  await writeFile(join(pod.dir, 'learners.csv'), `email\n${learnerEmails.join('\n')}\n`);
  const plan = benchPlan(pod, { identitySample: 'learners.csv' });
  await savePlan(pod.planPath, plan);
  const credentials: EnvironmentCredentials = { admin: { kind: 'basic', username: pod.sandbox.admin.userName, password: pod.sandbox.admin.password } };
  const engine = new PlanEngine({ plan, planDir: pod.dir, environment: 'sandbox', credentials, state: emptyState('sandbox'), actor: 'bench', onProgress: () => undefined });
  const a = pod.admin;
  await a.settings({ sso: true, selfPacedLearning: true });
  await a.createRole({ name: plan.jobRole.name, displayName: plan.jobRole.displayName!, category: 'JOB', duties: ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY'] });
  for (const step of ['provider-account', 'sso', 'self-paced-learning', 'job-role'] as const) await engine.attest(step, 'bench set-up (sandbox hook)');
  await engine.apply('integration-user');
  await a.configureExternalProvider({ provider: 'Coursera', userName: plan.integrationUser.userName, catalogProfile: plan.catalogProfile, visibility: plan.visibility, learnerIdentifier: 'email' });
  await a.registerApiAuthentication({ issuer: plan.jwt!.issuer, alias: 'COURSERA_BENCH', certificate: coursera.certificatePem });
  await engine.apply('api-authentication');
  const kit = await loadKit(pod.dir, 'sandbox');
  if (!kit) throw new BenchError('setup', 'apply api-authentication did not create the verification kit');
  await a.registerApiAuthentication({ issuer: kit.issuer, alias: kit.alias, certificate: kit.certificatePem });
  for (const step of ['external-provider', 'api-authentication'] as const) await engine.attest(step, 'bench set-up (sandbox hook)');
  const ids = (await a.info()).jobDefinitions;
  const tomorrow = new Date(Date.now() + 86_400_000);
  tomorrow.setUTCHours(1, 0, 0, 0);
  await a.submitInScheduledProcesses(ids.loadAndSynchronizeExternalCourseData!, { frequency: 'DAILY', interval: 1, startTime: tomorrow.toISOString() });
  // Each process submitted once, as an admin would in Scheduled Processes; the bulk ingest with its Program Name (OLC-REST).
  for (const key of ['bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions', 'reconcileUserGroups'])
    await a.submitInScheduledProcesses(ids[key]!, undefined, key === 'bulkIngestToOscs' ? [{ name: 'submit.argument1', paramType: 'STRING', value: 'OLC-REST' }] : undefined);
  await engine.apply('all');
  const results = await engine.status();
  // A second plan with the job ids pinned, as `oli status` advises once it has discovered them.
  const evidence = (results.find((r) => r.id === 'scheduled-processes')?.evidence ?? {}) as Record<string, { jobDefinitionId?: string | null }>;
  const pinned: Record<string, string> = { ...ids };
  for (const [key, v] of Object.entries(evidence)) if (v?.jobDefinitionId && v.jobDefinitionId !== ids[key]) throw new BenchError('setup', `status discovered ${v.jobDefinitionId} for ${key}, the pod says ${ids[key]}`);
  const pinnedPlanPath = join(pod.dir, 'oracle-learning.pinned.json');
  await savePlan(pinnedPlanPath, { ...plan, scheduledProcesses: pinned });
  const notDone = results.filter((r) => !['done', 'attested', 'not-applicable'].includes(r.status));
  if (notDone.length) throw new BenchError('setup', `the pod set-up left steps open: ${notDone.map((r) => `${r.id} ${r.status}: ${r.detail}`).join(' | ')}`);
  return { pinnedPlanPath };
}

/** Primary work emails of a few active users that resolve cleanly (read through SCIM, no latency). */
export async function cleanLearners(pod: Pod, n: number): Promise<string[]> {
  const auth = 'Basic ' + Buffer.from(`${pod.sandbox.admin.userName}:${pod.sandbox.admin.password}`).toString('base64');
  const res = await fetch(new URL('/hcmRestApi/scim/Users?count=60&attributes=userName,emails,active', pod.sandbox.url), { headers: { authorization: auth } });
  const body = (await res.json()) as { Resources: { userName: string; active: boolean; emails?: { value: string; primary?: boolean }[] }[] };
  const emails = body.Resources.filter((u) => u.active && u.userName !== pod.sandbox.admin.userName).map((u) => u.emails?.find((e) => e.primary)?.value).filter((e): e is string => !!e);
  const counts = new Map<string, number>();
  for (const e of emails) counts.set(e.toLowerCase(), (counts.get(e.toLowerCase()) ?? 0) + 1);
  return emails.filter((e) => counts.get(e.toLowerCase()) === 1).slice(0, n);
}

/**
 * Requests the round-trip reference is the median of, one after another. The sandbox draws each
 * latency between 0.75 and 1.25 times the set one (seeded): the median of five fell where those
 * five draws fell (187-189 ms at 200 ms, every run), 25 sit near the set latency.
 */
export const ROUND_TRIP_SAMPLES = 25;

/** One round trip: the median of ROUND_TRIP_SAMPLES requests (roundTripMs) made one after another. */
export async function roundTripReferenceMs(pod: Pod): Promise<number> {
  const rts: number[] = [];
  for (let i = 0; i < ROUND_TRIP_SAMPLES; i++) rts.push(await roundTripMs(pod));
  return median(rts);
}

/** Wall time of one authenticated request to the pod from this process (one round trip). */
export async function roundTripMs(pod: Pod): Promise<number> {
  const auth = 'Basic ' + Buffer.from(`${pod.sandbox.admin.userName}:${pod.sandbox.admin.password}`).toString('base64');
  const url = new URL(`/hcmRestApi/scim/Users?filter=${encodeURIComponent(`userName eq "${pod.sandbox.admin.userName}"`)}`, pod.sandbox.url);
  const started = process.hrtime.bigint();
  const res = await fetch(url, { headers: { authorization: auth } });
  await res.arrayBuffer();
  if (!res.ok) throw new BenchError('setup', `round-trip probe answered ${res.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}
