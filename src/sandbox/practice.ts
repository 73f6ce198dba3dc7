import { SandboxAdmin, SandboxHookError } from './courseraScenario';

/**
 * Practice on the local sandbox: for each step that needs what an administrator does in Oracle's
 * pages, do it in the sandbox through its test-only hooks (SandboxAdmin), and say what was
 * simulated. Used by `oli demo` and by the extension's "Do this in the sandbox" (which runs it only
 * against the sandbox the extension started, after checking that it answers as an emulator).
 * Never a substitute for Oracle: every sentence returned says it is a simulation.
 *
 * The sandbox never imports product code, so the plan reaches this module as plain values.
 */
export const PRACTICE_STEPS = ['provider-account', 'sso', 'self-paced-learning', 'job-role', 'external-provider', 'api-authentication', 'scheduled-processes', 'reconcile-user-groups'] as const;
export type PracticeStep = (typeof PRACTICE_STEPS)[number];

export const PROVIDER_DUTY_CODE = 'ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY';

export interface PracticePlan {
  /** The provider's name on Configure External Providers, e.g. "Coursera". */
  providerName: string;
  jobRole: { name: string; displayName: string };
  integrationUser: string;
  catalogProfile: string;
  visibility: 'public' | 'private';
  learnerIdentifier: 'email' | 'username';
  /** JWT variant: the provider's trusted issuer and public certificate (PEM). */
  jwt?: { issuer: string; certificatePem: string };
  /** The api-authentication step's verification kit (public half), when it exists. */
  verification?: { issuer: string; alias: string; certificatePem: string };
}

export interface PracticeOutcome {
  step: PracticeStep;
  /** What was simulated, in one or two sentences, starting with the Oracle page it stands for. */
  simulated: string;
}

export type PracticeErrorReason = 'not-applicable' | 'needs-earlier-step' | 'hook-failed';

export class PracticeError extends Error {
  override readonly name = 'PracticeError';
  constructor(
    readonly reason: PracticeErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** 409 from a hook: what the step asks for already exists in the sandbox (a repeated practice is a no-op). */
async function createOrKeep(work: () => Promise<unknown>): Promise<'created' | 'existed'> {
  try {
    await work();
    return 'created';
  } catch (err) {
    if (err instanceof SandboxHookError && err.status === 409) return 'existed';
    throw err;
  }
}

function tomorrowAtUtc(hour: number, now = new Date()): string {
  const d = new Date(now);
  d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

const ONCE_EACH = ['bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions'] as const;

async function simulate(admin: SandboxAdmin, step: PracticeStep, p: PracticePlan): Promise<string> {
  switch (step) {
    case 'provider-account':
      return `Nothing to simulate in the pod: for practice, the ${p.providerName} account is taken as active with integrations enabled (in real life, confirm it with ${p.providerName}).`;
    case 'sso':
      await admin.settings({ sso: true });
      return 'Single sign-on marked as configured in the sandbox, which has no identity provider (in real life, configure the SAML or OIDC application and test a learner sign-in).';
    case 'self-paced-learning':
      await admin.settings({ selfPacedLearning: true });
      return 'Learning Setup: self-paced learning enabled (the sandbox has no Redwood settings to simulate).';
    case 'job-role': {
      const r = await createOrKeep(() => admin.createRole({ name: p.jobRole.name, displayName: p.jobRole.displayName, category: 'JOB', duties: [PROVIDER_DUTY_CODE] }));
      return `Security Console > Roles: job role ${p.jobRole.name} ${r === 'created' ? 'created' : 'already existed'}, holding only the duty role Learning Content Provider (${PROVIDER_DUTY_CODE}).`;
    }
    case 'external-provider':
      try {
        await admin.configureExternalProvider({ provider: p.providerName, userName: p.integrationUser, catalogProfile: p.catalogProfile, visibility: p.visibility, learnerIdentifier: p.learnerIdentifier });
      } catch (err) {
        if (err instanceof SandboxHookError && err.status === 400 && /does not exist/.test(err.message)) {
          throw new PracticeError('needs-earlier-step', `The integration user ${p.integrationUser} does not exist yet: run the integration user step first (Configure External Providers needs it).`);
        }
        throw err;
      }
      return `Configure External Providers: ${p.providerName} enabled with ${p.integrationUser}, catalog profile "${p.catalogProfile}", ${p.visibility} visibility, learners identified by ${p.learnerIdentifier === 'email' ? 'work email' : 'user name'}; validated.`;
    case 'api-authentication': {
      if (!p.jwt) throw new PracticeError('not-applicable', 'Only the JWT variant registers a trusted issuer under API Authentication.');
      const alias = `${p.providerName.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_PRACTICE`;
      await createOrKeep(() => admin.registerApiAuthentication({ issuer: p.jwt!.issuer, alias, certificate: p.jwt!.certificatePem }));
      let text = `Security Console > API Authentication: trusted issuer "${p.jwt.issuer}", token type JWT, the provider certificate as inbound certificate ${alias}`;
      if (p.verification) {
        const v = p.verification;
        await createOrKeep(() => admin.registerApiAuthentication({ issuer: v.issuer, alias: v.alias, certificate: v.certificatePem }));
        text += `; the test issuer "${v.issuer}" registered with the verification certificate ${v.alias}`;
      }
      return `${text}.`;
    }
    case 'scheduled-processes': {
      const ids = (await admin.info()).jobDefinitions;
      await admin.submitInScheduledProcesses(ids.loadAndSynchronizeExternalCourseData!, { frequency: 'DAILY', interval: 1, startTime: tomorrowAtUtc(1) });
      // The bulk ingest takes its program name as a parameter ("Program Name is OLC-REST", procedure step 10).
      for (const key of ONCE_EACH) await admin.submitInScheduledProcesses(ids[key]!, undefined, key === 'bulkIngestToOscs' ? [{ name: 'submit.argument1', paramType: 'STRING', value: 'OLC-REST' }] : undefined);
      if (p.visibility === 'private') await admin.submitInScheduledProcesses(ids.reconcileUserGroups!);
      return `Scheduled Processes: "Load and Synchronize External Course Data" scheduled daily at 01:00 UTC; "ESS job to run Bulk ingest to OSCS" (Program Name OLC-REST), "Process Learning Experience Statements" and "Process Learning Catalog Item Deactivations and Deletions"${p.visibility === 'private' ? ' and "Reconcile User Groups"' : ''} each submitted once (their job definition ids are sandbox stand-ins).`;
    }
    case 'reconcile-user-groups': {
      if (p.visibility !== 'private') throw new PracticeError('not-applicable', 'Reconcile User Groups is only needed with private visibility.');
      await admin.submitInScheduledProcesses((await admin.info()).jobDefinitions.reconcileUserGroups!);
      return 'Scheduled Processes: "Reconcile User Groups" submitted once (its job definition id is a sandbox stand-in).';
    }
  }
}

/** Does in the sandbox, through its hooks, what an administrator does in Oracle's pages for `step`. */
export async function practise(baseUrl: string, step: PracticeStep, plan: PracticePlan): Promise<PracticeOutcome> {
  const admin = new SandboxAdmin(baseUrl);
  try {
    return { step, simulated: await simulate(admin, step, plan) };
  } catch (err) {
    if (err instanceof PracticeError) throw err;
    throw new PracticeError('hook-failed', `The sandbox could not simulate it: ${err instanceof Error ? err.message : String(err)}`);
  }
}
