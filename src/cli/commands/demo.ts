import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ExitCode, UsageError } from '../errors';
import type { CliCommand } from './registry';
import { PlanEngine } from '../../core/plan/engine';
import { emptyState, saveState, statePath } from '../../core/plan/stateStore';
import { recordHealth, runHealth } from '../../core/health/health';
import { healthToText } from '../../core/health/render';
import type { HealthReport } from '../../core/health/report';
import { savePlan, type PlanFile } from '../../core/plan/planFile';
import { selfSignedRsa } from '../../core/plan/oracleJwt';
import { checkIdentities } from '../../core/plan/identity';
import { adminAuth } from '../../core/plan/context';
import { OracleClient } from '../../oracle/client';
import { loadKit } from '../../core/plan/verificationKit';
import type { StepResult } from '../../core/plan/result';
import type { EnvironmentCredentials } from '../../core/model/credentials';
import { scimUserSchema, primaryWorkEmail } from '../../oracle/scimUsers';
import { submitEssRequest, waitForEssRequest } from '../../oracle/ess';
import { listLearnerLearningRecords, listSelfPacedItems } from '../../oracle/learning';
import { CourseraSimulator, type ProgressEvent, type ProviderIdentity } from '../../sandbox/coursera';
import { SandboxAdmin } from '../../sandbox/courseraScenario';
import { practise, type PracticePlan, type PracticeStep } from '../../sandbox/practice';

const demoInput = z.object({ auth: z.enum(['jwt', 'oauth']).default('jwt'), json: z.boolean().optional(), keep: z.boolean().optional() });

export interface DemoResult {
  steps: { id: string; status: string }[];
  /** The closing `oli health` of the demo pod. */
  health: HealthReport;
  completions: { learner: string; contentId: string; title: string; status: string; completionDate?: string; actualEffortSeconds?: number; score?: number }[];
}

/** The whole Coursera setup against an embedded sandbox, then Coursera's side, then a completion read back. */
export async function runDemo(auth: 'jwt' | 'oauth', say: (who: string, text: string) => void, keep = false): Promise<DemoResult> {
  const { startSandbox } = await import('../../sandbox/server');
  const sandbox = await startSandbox({ port: 0, users: 200, essStepMs: 150 });
  const dir = await mkdtemp(join(tmpdir(), 'oli-demo-'));
  try {
    const admin = new SandboxAdmin(sandbox.url);
    const info = await admin.info();
    say('oli', `Sandbox pod at ${sandbox.url} (an emulator; stand-ins are labelled). Working folder ${dir}.`);

    // Coursera's side: its key pair and certificate (it keeps the key, gives Oracle the certificate).
    const coursera = selfSignedRsa('Coursera demo issuer', 365);
    const issuer = 'https://coursera.demo.invalid/oracle-learning';
    await writeFile(join(dir, 'coursera.cer'), coursera.certificatePem);
    const oauthClient = { clientId: `coursera-demo-${randomBytes(3).toString('hex')}`, clientSecret: randomBytes(24).toString('base64url') };

    const credentials: EnvironmentCredentials = { admin: { kind: 'basic', username: sandbox.admin.userName, password: sandbox.admin.password } };
    if (auth === 'oauth') credentials.providerClient = { kind: 'oauth-client', ...oauthClient };

    // Three learners the provider will report on, taken from the pod and checked to resolve cleanly.
    const adminClient = new OracleClient({ baseUrl: sandbox.url, auth: adminAuth('sandbox', credentials) });
    const page = await adminClient.scimList('/hcmRestApi/scim/Users', scimUserSchema, { count: 40, maxItems: 40, attributes: 'userName,emails,active' });
    const userNameByEmail = new Map(page.resources.filter((u) => primaryWorkEmail(u)).map((u) => [primaryWorkEmail(u)!.toLowerCase(), u.userName]));
    const candidates = page.resources.filter((u) => u.active && primaryWorkEmail(u) && u.userName !== sandbox.admin.userName).map((u) => primaryWorkEmail(u)!);
    const checked = await checkIdentities(adminClient, candidates, 'email');
    const bad = new Set(checked.problems.map((p) => p.value.toLowerCase()));
    const learners = candidates.filter((e) => !bad.has(e.toLowerCase())).slice(0, 3);
    if (learners.length < 3) throw new Error('The sandbox tenant did not offer three clean learners.');
    await writeFile(join(dir, 'learners.csv'), `email\n${learners.join('\n')}\n`);

    const plan: PlanFile = {
      version: 1,
      provider: 'coursera',
      auth,
      environments: { sandbox: { url: sandbox.url } },
      defaultEnvironment: 'sandbox',
      integrationUser: { userName: 'user.coursera', email: 'user.coursera@example.com', givenName: 'Coursera', familyName: 'Integration' },
      jobRole: { name: 'XX_COURSERA_CONTENT_PROVIDER_JOB', displayName: 'Coursera Content Provider' },
      learnerIdentifier: 'email',
      ...(auth === 'jwt' ? { jwt: { issuer, certificate: 'coursera.cer' } } : { oauth: { clientId: oauthClient.clientId, tokenUrl: `${sandbox.url}/oauth2/v1/token`, scope: info.scope } }),
      catalogProfile: 'Coursera Catalog',
      visibility: 'public',
      scheduledProcesses: {},
      ess: { application: 'EarHcmEss', startTime: '02:00' },
      identitySample: 'learners.csv',
    };
    await savePlan(join(dir, 'oracle-learning.json'), plan);
    say('oli', `Plan written: Coursera, ${auth} variant, learners identified by work email.`);

    const engine = new PlanEngine({ plan, planDir: dir, environment: 'sandbox', credentials, state: emptyState('sandbox'), actor: 'demo.admin', onProgress: () => undefined });
    const first = await engine.status();
    say('oli', `Initial status: ${summarize(first)}.`);

    const ui = (text: string) => say('admin (Oracle UI, simulated by a sandbox hook)', text);
    // What the admin does in Oracle's pages, simulated through the sandbox's hooks: the same
    // practice actions the extension offers as "Do this in the sandbox" (src/sandbox/practice.ts).
    const practice: PracticePlan = {
      providerName: 'Coursera',
      jobRole: { name: plan.jobRole.name, displayName: plan.jobRole.displayName! },
      integrationUser: plan.integrationUser.userName,
      catalogProfile: plan.catalogProfile,
      visibility: plan.visibility,
      learnerIdentifier: plan.learnerIdentifier,
      ...(auth === 'jwt' ? { jwt: { issuer, certificatePem: coursera.certificatePem } } : {}),
    };
    const simulate = async (step: PracticeStep) => ui((await practise(sandbox.url, step, practice)).simulated);
    await simulate('provider-account');
    await engine.attest('provider-account', 'Coursera for Business contract DEMO-001 allows the Oracle Learning integration.');
    await simulate('sso');
    await engine.attest('sso', 'SAML app "Coursera" in the IdP; learner sign-in tested.');
    await simulate('self-paced-learning');
    await engine.attest('self-paced-learning', 'Self-paced learning, Redwood learner pages and 24D catalog management enabled.');

    await simulate('job-role');
    await engine.attest('job-role', 'Role hierarchy holds only Learning Content Provider; allowed from all IPs.');

    say('oli', 'apply integration-user (SCIM): create user.coursera without a person, add the job role.');
    await engine.apply('integration-user');

    await simulate('external-provider');
    await engine.attest('external-provider', 'Validated on Configure External Providers; default attribute mappings kept.');

    let identity: ProviderIdentity;
    if (auth === 'jwt') {
      say('oli', 'apply api-authentication: a test issuer and certificate for the verification call.');
      await engine.apply('api-authentication');
      const kit = await loadKit(dir, 'sandbox');
      if (kit) practice.verification = { issuer: kit.issuer, alias: kit.alias, certificatePem: kit.certificatePem };
      await simulate('api-authentication');
      await engine.attest('api-authentication', `Issuer and certificate registered; verification call with the test issuer returned 200.`);
      identity = { kind: 'jwt', issuer, privateKeyPem: coursera.privateKeyPem, certificatePem: coursera.certificatePem, userName: plan.integrationUser.userName };
    } else {
      ui(`OCI IAM: confidential application ${oauthClient.clientId} (client credentials) acting as ${plan.integrationUser.userName}.`);
      await admin.registerOAuthClient({ ...oauthClient, userName: plan.integrationUser.userName });
      identity = { kind: 'oauth', tokenUrl: plan.oauth!.tokenUrl, clientId: oauthClient.clientId, clientSecret: oauthClient.clientSecret, scope: info.scope };
    }

    const ids = info.jobDefinitions;
    await simulate('scheduled-processes');

    say('oli', 'apply --all: every automatic step (ESS daily schedules, discovered job ids).');
    const applied = await engine.apply('all');
    for (const p of applied.performed) say('oli', `  changed: ${p.split('\n')[0]}`);

    const final = await engine.status();
    say('oli', `Final status: ${summarize(final)}.`);
    // Say what the pod refused (e.g. 403 where the administrator lacks a duty), even when an attestation stands.
    for (const r of final.filter((x) => !['done', 'not-applicable'].includes(x.status) && (x.status !== 'attested' || x.detail.includes('not re-checked')))) say('oli', `  ${r.id} is ${r.status}: ${r.detail}`);

    // Coursera's side.
    const sim = new CourseraSimulator(sandbox.url, identity);
    const item = { externalContentId: 'urn:coursera:course:machine-learning', title: 'Machine Learning (Coursera)', contentUrl: 'https://www.coursera.org/learn/machine-learning', expectedEffortInHours: 60 };
    say('Coursera simulator', `Pushes catalog item "${item.title}" through digitalLearningProviders.`);
    await sim.pushCatalogItem(item);
    const now = Date.now();
    const events: ProgressEvent[] = learners.flatMap((email, i): ProgressEvent[] => [
      { learner: { by: 'email', email }, contentId: item.externalContentId, title: item.title, verb: 'initialized', timestamp: new Date(now - 86_400_000 * (3 - i)).toISOString() },
      ...(i < 2
        ? [{ learner: { by: 'email' as const, email }, contentId: item.externalContentId, title: item.title, verb: 'completed' as const, timestamp: new Date(now - 3_600_000 * (i + 1)).toISOString(), durationSeconds: 5400 + i * 600, scaledScore: 0.9 - i * 0.1 }]
        : []),
    ]);
    say('Coursera simulator', `Sends ${events.length} xAPI statements (start and completion) to the stand-in statements endpoint.`);
    await sim.sendStatements(events);

    const processId = ids.processLearningExperienceStatements!;
    say('oli', 'Runs "Process Learning Experience Statements" now (ESS REST submit) and waits for it.');
    const request = await submitEssRequest(adminClient, { jobDefinitionId: processId, application: 'EarHcmEss' });
    const done = await waitForEssRequest(adminClient, request.requestId, { pollMs: 100, timeoutMs: 30_000 });
    say('oli', `ESS request ${done.requestId}: ${done.state}.`);

    // learnerLearningRecords "applies to a learner" [DOC]: each learner reads their own records
    // (an administrator's view of other learners' records is not documented). The learners sign in
    // with a password set for the demo (a sandbox hook stands in for their first sign-in).
    const [selfPaced] = await listSelfPacedItems(adminClient, { q: `ExternalContentId='${item.externalContentId}'`, maxItems: 1 });
    if (!selfPaced) throw new Error(`The pushed item ${item.externalContentId} is not in learningSelfPacedItems.`);
    const completions: DemoResult['completions'] = [];
    for (const email of learners) {
      const userName = userNameByEmail.get(email.toLowerCase())!;
      const password = randomBytes(12).toString('base64url');
      await admin.setPassword(userName, password);
      const asLearner = new OracleClient({ baseUrl: sandbox.url, auth: { kind: 'basic', username: userName, password } });
      say(`learner ${userName}`, 'Reads their own learning records (learnerLearningRecords, expand=completionDetails).');
      for (const r of await listLearnerLearningRecords(asLearner, { q: `learningItemId=${selfPaced.id}` })) {
        const c = r.completionDetails[0];
        completions.push({
          learner: email,
          contentId: item.externalContentId,
          title: String(r.learningItemTitle ?? item.title),
          status: String(r.assignmentStatus ?? 'unknown'),
          ...(c?.completionDate ? { completionDate: String(c.completionDate) } : {}),
          ...(c?.actualEffortInSeconds != null ? { actualEffortSeconds: Number(c.actualEffortInSeconds) } : {}),
          ...(c?.score != null ? { score: c.score } : {}),
        });
      }
    }
    // After the setup: what a support rotation checks first thing in the morning (oli health).
    say('oli', 'oli health: the day after the setup, read-only.');
    const health = await runHealth({ plan, planDir: dir, environment: 'sandbox', credentials, state: engine.state });
    recordHealth(engine.state, health, 'cli');
    await saveState(statePath(dir, 'sandbox'), engine.state);
    return { steps: final.map((r) => ({ id: r.id, status: r.status })), completions, health, ...(keep ? { folder: dir } : {}) };
  } finally {
    await sandbox.close();
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

function summarize(results: StepResult[]): string {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return Object.entries(counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Run the whole Coursera setup against an embedded sandbox, end to end',
  help: `Usage: oli demo [--auth jwt|oauth] [--json] [--keep]

Starts an embedded sandbox pod, writes a plan in a temporary folder and runs the whole Coursera
setup: automatic steps through Oracle's APIs; guided steps by acting as the admin through the
sandbox's test-only hooks (printed as such) and attesting them. Then it plays Coursera (a catalog
item and learners' xAPI statements, signed with its own key and issuer or its OAuth token), runs
"Process Learning Experience Statements" and reads the completions back through
learnerLearningRecords, each learner reading their own records. --keep leaves the folder (plan, state, report material) in place.`,
  options: { auth: { type: 'string' }, json: { type: 'boolean' }, keep: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const parsed = demoInput.safeParse(values);
    if (!parsed.success) throw new UsageError('--auth is jwt or oauth.');
    const { auth, json, keep } = parsed.data;
    const say = (who: string, text: string) => io.stderr(`[${who}] ${text}\n`);
    const result = await runDemo(auth, json ? say : (who, text) => io.stdout(`[${who}] ${text}\n`), keep === true);
    const ok = result.steps.every((s) => ['done', 'attested', 'not-applicable'].includes(s.status)) && result.completions.some((c) => c.completionDate);
    if (json) io.stdout(JSON.stringify(result, null, 2) + '\n');
    else {
      io.stdout('\nSteps:\n');
      for (const s of result.steps) io.stdout(`  ${s.id.padEnd(24)} ${s.status}\n`);
      io.stdout('\nCompletions read back through learnerLearningRecords (each learner reads their own):\n');
      for (const c of result.completions)
        io.stdout(`  ${c.learner.padEnd(34)} ${c.status.padEnd(22)} ${c.completionDate ?? ''}${c.actualEffortSeconds != null ? `  effort ${c.actualEffortSeconds}s` : ''}${c.score != null ? `  score ${c.score}` : ''}\n`);
      io.stdout(`\n${healthToText(result.health, { brief: true })}`);
      io.stdout(ok ? '\nDemo complete: every step done, attested or not applicable, and completions landed.\n' : '\nDemo finished with problems (see above).\n');
      if ('folder' in result) io.stdout(`Kept the plan, state and verification kit in ${String(result.folder)} (the sandbox pod itself has stopped).\n`);
    }
    return ok ? ExitCode.ok : ExitCode.problem;
  },
};
