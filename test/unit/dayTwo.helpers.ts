/**
 * A pod "after the setup" (issue 14): the whole Coursera integration done some days ago, as the
 * admin would have done it in the Oracle UI (sandbox hooks) and through the product (apply), with
 * daily schedules that started `daysAgo` days ago, so that ESS has child runs of each of them.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKit } from '../../src/core/plan/verificationKit';
import { savePlan, type PlanFile } from '../../src/core/plan/planFile';
import { CourseraSimulator, type ProviderIdentity } from '../../src/sandbox/coursera';
import { courseraKeys, DUTY, ISSUER, planFixture, ROLE, testPlan, type PlanFixture } from './plan.helpers';

const HOUR = 3_600_000;

export const SCHEDULED = ['loadAndSynchronizeExternalCourseData', 'bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions'] as const;

export interface SetUpPod extends PlanFixture {
  jobs: Record<string, string>;
  /** Start time of each process's daily schedule (daysAgo days ago, an hour apart, not at a whole hour of "now"). */
  starts: Record<string, Date>;
  /** Coursera's side: signs with its own key, as the integration user. */
  coursera: CourseraSimulator;
  identity: Extract<ProviderIdentity, { kind: 'jwt' }>;
  env: NodeJS.ProcessEnv;
}

export interface SetUpOptions {
  /** The schedules started this many days ago (default 3): ESS has that many past runs of each. */
  daysAgo?: number;
  /** Processes left without a daily schedule. */
  unscheduled?: string[];
  variants?: string[];
  plan?: Partial<PlanFile>;
  /** The Coursera course pushed by the provider (default one). */
  withContent?: boolean;
  /** When the schedules began (epoch ms; default daysAgo days and 2 hours ago): two pods set up alike share it. */
  scheduleBase?: number;
  /** Minutes added to a process's start time (a pod scheduled differently). */
  offsets?: Record<string, number>;
  /** The job role's display name (default Coursera Content Provider). */
  roleDisplayName?: string;
}

export const COURSE = { externalContentId: 'urn:coursera:course:machine-learning', title: 'Machine Learning (Coursera)', contentUrl: 'https://www.coursera.org/learn/machine-learning' };

export async function setUpPod(o: SetUpOptions = {}): Promise<SetUpPod> {
  const f = await planFixture({ ...(o.variants ? { variants: o.variants } : {}), ...(o.plan ? { plan: o.plan } : {}) });
  const a = f.admin;
  const engine = f.engine();
  await a.settings({ sso: true, selfPacedLearning: true });
  await a.createRole({ name: ROLE, displayName: o.roleDisplayName ?? 'Coursera Content Provider', category: 'JOB', duties: [DUTY] });
  for (const step of ['provider-account', 'sso', 'self-paced-learning', 'job-role'] as const) await engine.attest(step, 'set up in the sandbox (hook)');
  await engine.apply('integration-user');
  await a.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
  const keys = courseraKeys();
  await a.registerApiAuthentication({ issuer: ISSUER, alias: 'COURSERA_2025', certificate: keys.certificatePem });
  await engine.apply('api-authentication');
  const kit = (await loadKit(f.dir, 'sandbox'))!;
  await a.registerApiAuthentication({ issuer: kit.issuer, alias: kit.alias, certificate: kit.certificatePem });
  for (const step of ['external-provider', 'api-authentication'] as const) await engine.attest(step, 'set up in the sandbox (hook)');
  const jobs = (await a.info()).jobDefinitions;
  const days = o.daysAgo ?? 3;
  // Daily schedules that began `days` days ago (ESS generates their past runs: executePast), 30 minutes apart.
  const base = o.scheduleBase ?? Date.now() - days * 24 * HOUR - 2 * HOUR;
  const starts: Record<string, Date> = {};
  for (const [i, key] of SCHEDULED.entries()) {
    starts[key] = new Date(base + (i * 30 + (o.offsets?.[key] ?? 0)) * 60_000);
    if (o.unscheduled?.includes(key)) {
      await a.submitInScheduledProcesses(jobs[key]!, undefined, key === 'bulkIngestToOscs' ? [{ name: 'submit.argument1', paramType: 'STRING', value: 'OLC-REST' }] : undefined);
      continue;
    }
    await a.submitInScheduledProcesses(
      jobs[key]!,
      { frequency: 'DAILY', interval: 1, startTime: starts[key]!.toISOString() },
      key === 'bulkIngestToOscs' ? [{ name: 'submit.argument1', paramType: 'STRING', value: 'OLC-REST' }] : undefined,
    );
  }
  const identity = { kind: 'jwt' as const, issuer: ISSUER, privateKeyPem: keys.privateKeyPem, certificatePem: keys.certificatePem, userName: 'user.coursera' };
  const coursera = new CourseraSimulator(f.url, identity);
  if (o.withContent !== false) await coursera.pushCatalogItem(COURSE);
  const admin = f.credentials.admin!;
  return { ...f, jobs, starts, coursera, identity, env: { OLI_USERNAME: admin.username, OLI_PASSWORD: admin.password, OLI_ACTOR: 'support.desk' } };
}

/** Rewrites the plan file (e.g. another certificate). */
export async function rewritePlan(f: PlanFixture, change: Partial<PlanFile>): Promise<void> {
  await savePlan(join(f.dir, 'oracle-learning.json'), { ...f.plan, ...change });
}

export async function writeCertificate(f: PlanFixture, name: string, pem: string): Promise<void> {
  await writeFile(join(f.dir, name), pem);
}

export interface Fleet {
  /** The folder of the plan naming both pods (and the dead ones). */
  dir: string;
  test: SetUpPod;
  prod: SetUpPod;
  /** Per-environment credentials (OLI_USERNAME_TEST...), and a plain pair nothing accepts. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/**
 * One plan, environments test and prod on two pods (each set up as after the Coursera setup, each
 * with its own state and verification kit, named after the environment), plus `dead` environments
 * on URLs nothing answers.
 */
export async function fleet(o: { test?: SetUpOptions; prod?: SetUpOptions; dead?: Record<string, string>; dir?: string } = {}): Promise<Fleet> {
  const [test, prod] = await Promise.all([setUpPod(o.test), setUpPod(o.prod)]);
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'oli-fleet-')));
  await mkdir(join(dir, '.oracle-learning'), { recursive: true });
  await copyFile(join(test.dir, 'coursera.cer'), join(dir, 'coursera.cer'));
  for (const [name, p] of [['test', test], ['prod', prod]] as const) {
    const state = JSON.parse(await readFile(join(p.dir, '.oracle-learning', 'sandbox.state.json'), 'utf8'));
    await writeFile(join(dir, '.oracle-learning', `${name}.state.json`), JSON.stringify({ ...state, environment: name }));
    await copyFile(join(p.dir, '.oracle-learning', 'sandbox.verification-key.pem'), join(dir, '.oracle-learning', `${name}.verification-key.pem`));
    await copyFile(join(p.dir, '.oracle-learning', 'sandbox.verification.json'), join(dir, '.oracle-learning', `${name}.verification.json`));
  }
  const plan = testPlan(test.url, {}, 'test');
  plan.environments = { test: { url: test.url }, prod: { url: prod.url, production: true }, ...Object.fromEntries(Object.entries(o.dead ?? {}).map(([k, url]) => [k, { url }])) };
  delete plan.defaultEnvironment;
  await savePlan(join(dir, 'oracle-learning.json'), plan);
  const cred = (p: SetUpPod) => p.credentials.admin!;
  return {
    dir,
    test,
    prod,
    env: {
      OLI_ACTOR: 'support.desk',
      OLI_USERNAME_TEST: cred(test).username,
      OLI_PASSWORD_TEST: cred(test).password,
      OLI_USERNAME_PROD: cred(prod).username,
      OLI_PASSWORD_PROD: cred(prod).password,
      OLI_USERNAME: 'nobody',
      OLI_PASSWORD: 'nothing-listens',
    },
    async close() {
      await Promise.all([test.close(), prod.close()]);
      if (!o.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
