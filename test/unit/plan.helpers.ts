import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../src/sandbox/server';
import { SandboxAdmin } from '../../src/sandbox/courseraScenario';
import { selfSignedRsa, type SelfSignedPair } from '../../src/core/plan/oracleJwt';
import { PlanEngine } from '../../src/core/plan/engine';
import { emptyState } from '../../src/core/plan/stateStore';
import { savePlan, type PlanFile } from '../../src/core/plan/planFile';
import type { BasicAdminCredential, EnvironmentCredentials } from '../../src/core/model/credentials';
import type { StepResult } from '../../src/core/plan/result';
import type { StepId } from '../../src/core/plan/stepIds';

export const ISSUER = 'https://coursera.test.invalid/issuer';
export const ROLE = 'XX_COURSERA_CONTENT_PROVIDER_JOB';
export const DUTY = 'ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY';

let courseraPair: SelfSignedPair | undefined;
/** One Coursera key pair for the whole run (RSA generation is slow-ish). */
export function courseraKeys(): SelfSignedPair {
  courseraPair ??= selfSignedRsa('Coursera test', 365);
  return courseraPair;
}

/** The Coursera plan the tests use: one environment at `url`, certificate file coursera.cer. */
export function testPlan(url: string, overrides: Partial<PlanFile> = {}, environment = 'sandbox'): PlanFile {
  return {
    version: 1,
    provider: 'coursera',
    auth: 'jwt',
    environments: { [environment]: { url } },
    defaultEnvironment: environment,
    integrationUser: { userName: 'user.coursera', email: 'user.coursera@example.com' },
    jobRole: { name: ROLE },
    learnerIdentifier: 'email',
    jwt: { issuer: ISSUER, certificate: 'coursera.cer' },
    catalogProfile: 'Coursera',
    visibility: 'public',
    scheduledProcesses: {},
    ess: { application: 'EarHcmEss', startTime: '02:00' },
    ...overrides,
  };
}

export interface PlanFixture {
  url: string;
  admin: SandboxAdmin;
  dir: string;
  plan: PlanFile;
  credentials: EnvironmentCredentials & { admin: BasicAdminCredential };
  engine(overrides?: Partial<PlanFile>): PlanEngine;
  close(): Promise<void>;
}

export async function planFixture(options: { users?: number; plan?: Partial<PlanFile>; variants?: string[] } = {}): Promise<PlanFixture> {
  const sandbox = await startSandbox({ port: 0, users: options.users ?? 40, essStepMs: 20, ...(options.variants ? { variants: options.variants } : {}) });
  const dir = await mkdtemp(join(tmpdir(), 'oli-plan-'));
  await writeFile(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
  const plan = testPlan(sandbox.url, options.plan);
  await savePlan(join(dir, 'oracle-learning.json'), plan);
  const credentials: EnvironmentCredentials & { admin: BasicAdminCredential } = { admin: { kind: 'basic', username: sandbox.admin.userName, password: sandbox.admin.password } };
  const state = emptyState('sandbox');
  return {
    url: sandbox.url,
    admin: new SandboxAdmin(sandbox.url),
    dir,
    plan,
    credentials,
    engine: (overrides = {}) => new PlanEngine({ plan: { ...plan, ...overrides }, planDir: dir, environment: 'sandbox', credentials, state, actor: 'test.admin' }),
    async close() {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function byId(results: StepResult[], id: StepId): StepResult {
  const r = results.find((x) => x.id === id);
  if (!r) throw new Error(`no result for ${id}`);
  return r;
}

export async function createJobRole(f: PlanFixture, duties = [DUTY]): Promise<void> {
  await f.admin.createRole({ name: ROLE, displayName: 'Coursera Content Provider', category: 'JOB', duties });
}
