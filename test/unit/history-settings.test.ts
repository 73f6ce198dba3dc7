// Issue 13 in the core and the CLI: the run history (who, from where, the requests made, redacted),
// the settings the CLI shares with VS Code (flags and environment variables), and a first status
// (nothing pinned, nothing discovered) that proves the credentials with the read heading its longest chain.
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { runOli } from './helpers/cli';
import { startSandbox } from '../../src/sandbox/server';
import { courseraKeys, planFixture, testPlan } from './plan.helpers';
import { savePlan } from '../../src/core/plan/planFile';
import { loadState, statePath } from '../../src/core/plan/stateStore';
import { historyRequest, placeholderFilter, stepHistory, CallRecorder, MAX_CALLS_PER_ENTRY } from '../../src/core/plan/history';
import { requestTimeoutMs } from '../../src/cli/commands/planCommon';
import { numberSetting, SETTINGS } from '../../src/cli/settings';
import { PlanEngine } from '../../src/core/plan/engine';
import { emptyState } from '../../src/core/plan/stateStore';
import { STANDIN_JOB_DEFINITIONS } from '../../src/sandbox/ess';

describe('run history (issue 13): every status, apply, dry run, attestation and probe, with who, from where and the requests', function () {
  this.timeout(60_000);
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    sandbox = await startSandbox({ port: 0, users: 30, essStepMs: 20 });
    dir = await mkdtemp(join(tmpdir(), 'oli-history-'));
    await writeFile(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
    await savePlan(join(dir, 'oracle-learning.json'), testPlan(sandbox.url));
    env = { OLI_USERNAME: sandbox.admin.userName, OLI_PASSWORD: sandbox.admin.password, OLI_ACTOR: 'history.test' };
  });
  after(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('oli status, apply --dry-run, attest and probe each append an entry with by, via cli and their requests; nothing secret, no learner value', async () => {
    for (const args of [['status'], ['apply', '--all', '--dry-run'], ['attest', 'provider-account', '--note', 'contract 42 checked'], ['probe']]) {
      const r = await runOli(args, { cwd: dir, env });
      assert.ok(r.code === 0 || r.code === 1, `${args.join(' ')}: ${r.stderr}`);
    }
    const state = await loadState(statePath(dir, 'sandbox'), 'sandbox');
    const actions = state.history.map((h) => h.action);
    for (const a of ['status', 'dry-run', 'attest', 'probe'] as const) assert.ok(actions.includes(a), `${a} in ${actions.join(', ')}`);
    const status = state.history.find((h) => h.action === 'status')!;
    assert.equal(status.by, 'history.test');
    assert.equal(status.via, 'cli');
    assert.ok(status.calls && status.calls.length === status.requests, `${status.calls?.length} calls for ${status.requests} requests`);
    for (const c of status.calls!) {
      assert.match(c.request, /^GET \/(hcmRestApi|ess)\//);
      assert.equal(typeof c.ms, 'number');
    }
    const attest = state.history.find((h) => h.action === 'attest')!;
    assert.ok(attest, JSON.stringify(state.history.map((h) => h.action)));
    assert.deepEqual([attest.by, attest.via, attest.step, attest.detail], ['history.test', 'cli', 'provider-account', 'contract 42 checked']);
    const probe = state.history.find((h) => h.action === 'probe')!;
    assert.ok(probe.calls?.length && probe.calls.every((c) => c.request.startsWith('GET ')));
    const text = await readFile(statePath(dir, 'sandbox'), 'utf8');
    assert.ok(!text.includes(sandbox.admin.password), 'no password');
    assert.ok(!/Basic [A-Za-z0-9+/=]{8,}|Bearer ey/.test(text), 'no credential');
    // The learner sample and the integration user lookups quote people: their filter values are placeholders.
    assert.ok(!/@example\.com/.test(JSON.stringify(state.history)), 'no email address in the requests of the history');
    assert.ok(state.history.flatMap((h) => h.calls ?? []).some((c) => /filter=userName eq "…"/.test(c.request)));
    // A step's own history: its attestation and the statuses that read it, newest first.
    const mine = stepHistory(state.history, 'provider-account');
    assert.equal(mine[0]!.entry.action, 'status', 'the re-check after the attestation');
    assert.equal(mine[0]!.status, 'attested');
    assert.ok(mine.some((m) => m.entry.action === 'attest'));
  });

  it('placeholders: quoted filter values (SCIM and ADF q) are replaced, other parameters kept; calls beyond 60 are counted, not kept', () => {
    assert.equal(placeholderFilter('emails.value eq "a@b.c" or userName eq "x\\"y"'), 'emails.value eq "…" or userName eq "…"');
    assert.equal(placeholderFilter("Username = 'user.coursera'"), "Username = '…'");
    assert.equal(historyRequest('GET', 'https://pod.example/hcmRestApi/scim/Users?filter=userName%20eq%20%22jo%22&count=10'), 'GET /hcmRestApi/scim/Users?filter=userName eq "…"&count=10');
    const rec = new CallRecorder();
    for (let i = 0; i < MAX_CALLS_PER_ENTRY + 5; i++) rec.add({ method: 'GET', url: `https://p/x?i=${i}`, status: 200, durationMs: 1, attempt: 1 });
    const { calls, callsDropped } = rec.since(0);
    assert.equal(calls.length, MAX_CALLS_PER_ENTRY);
    assert.equal(callsDropped, 5);
  });
});

describe('settings shared with VS Code: flags, else environment variables (issue 13)', function () {
  this.timeout(60_000);

  it('OLI_TIMEOUT / OLI_CONNECT_TIMEOUT / OLI_CERT_WARNING_DAYS / OLI_CLOCK_TOLERANCE apply when the flag is absent; the flag wins; a bad value names where it came from', () => {
    assert.equal(requestTimeoutMs({}, { OLI_TIMEOUT: '12' }), 12_000);
    assert.equal(requestTimeoutMs({ timeout: '3' }, { OLI_TIMEOUT: '12' }), 3_000);
    assert.equal(requestTimeoutMs({}, {}), undefined);
    assert.equal(numberSetting({}, { OLI_CERT_WARNING_DAYS: '90' }, SETTINGS.certWarningDays), 90);
    assert.equal(numberSetting({}, { OLI_CLOCK_TOLERANCE: '0' }, SETTINGS.clockTolerance), 0);
    assert.throws(() => requestTimeoutMs({}, { OLI_TIMEOUT: 'soon' }), /OLI_TIMEOUT is a number of seconds from 1 to 600, not "soon"/);
    assert.throws(() => numberSetting({ 'cert-warning-days': '2.5' }, {}, SETTINGS.certWarningDays), /--cert-warning-days is a whole number of days/);
  });

  it('oli inspect cert honours OLI_CERT_WARNING_DAYS, oli inspect jwt OLI_CLOCK_TOLERANCE, and OLI_ENV picks the environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oli-settings-'));
    try {
      const keys = courseraKeys();
      await writeFile(join(dir, 'c.pem'), keys.certificatePem);
      const days = Math.floor((Date.parse(new X509Certificate(keys.certificatePem).validTo) - Date.now()) / 86_400_000);
      const near = await runOli(['inspect', 'cert', 'c.pem', '--json'], { cwd: dir, env: { OLI_CERT_WARNING_DAYS: String(days + 5) } });
      assert.ok(JSON.parse(near.stdout).problems.some((p: { code: string }) => p.code === 'expiring'), near.stdout);
      const far = await runOli(['inspect', 'cert', 'c.pem', '--json'], { cwd: dir, env: { OLI_CERT_WARNING_DAYS: '1' } });
      assert.ok(!JSON.parse(far.stdout).problems.some((p: { code: string }) => p.code === 'expiring'));
      // A token that expired 100 s ago: invalid with the default 60 s tolerance, not with 300.
      const now = Math.floor(Date.now() / 1000);
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const token = `${b64({ alg: 'RS256', typ: 'JWT', x5t: 'x' })}.${b64({ iss: 'i', prn: 'u', sub: 'u', iat: now - 200, exp: now - 100 })}.sig`;
      const exp = async (env: NodeJS.ProcessEnv) => (JSON.parse((await runOli(['inspect', 'jwt', token, '--json'], { cwd: dir, env })).stdout) as { checks: { id: string; status: string }[] }).checks.find((c) => c.id === 'exp')!.status;
      assert.equal(await exp({}), 'fail');
      assert.equal(await exp({ OLI_CLOCK_TOLERANCE: '300' }), 'pass');
      // Two environments and no default: OLI_ENV names the one to use.
      const plan = testPlan('https://a.invalid', { environments: { dev: { url: 'https://dev.invalid' }, test: { url: 'https://test.invalid' } }, defaultEnvironment: undefined });
      await savePlan(join(dir, 'oracle-learning.json'), plan);
      const none = await runOli(['status'], { cwd: dir, env: { OLI_USERNAME: 'u', OLI_PASSWORD: 'p' } });
      assert.match(none.stderr, /Several environments \(dev, test\); choose one with --env NAME/);
      const picked = await runOli(['status', '--timeout', '1', '--connect-timeout', '1'], { cwd: dir, env: { OLI_USERNAME: 'u', OLI_PASSWORD: 'p', OLI_ENV: 'test' } });
      assert.match(picked.stderr, /test\.invalid/, picked.stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a first status (nothing pinned, nothing discovered): two waves of requests (issue 13)', function () {
  this.timeout(60_000);

  it('the ESS discovery read is the sign-in request (it heads the longest chain); every other read follows it in one wave', async () => {
    const f = await planFixture();
    try {
      const order: string[] = [];
      const engine = new PlanEngine({ plan: f.plan, planDir: f.dir, environment: 'sandbox', credentials: f.credentials, state: emptyState('sandbox'), actor: 't', onLog: (e) => order.push(`${e.method} ${new URL(e.url).pathname}${new URL(e.url).search ? '?' : ''}`) });
      await engine.status();
      assert.equal(order[0], 'GET /ess/rest/scheduler/v1/requests', order.join('\n'));
      assert.equal(order.filter((o) => o === 'GET /ess/rest/scheduler/v1/requests').length, 1, 'the discovery read is not made twice');
      // With the job ids known (pinned in the plan here), the learner sample heads the longest chain and signs in.
      const again: string[] = [];
      const S = STANDIN_JOB_DEFINITIONS;
      const pinned = { ...f.plan, scheduledProcesses: { loadAndSynchronizeExternalCourseData: S.loadSyncExternalCourseData, bulkIngestToOscs: S.olcRestBulkIngestOscs, processLearningExperienceStatements: S.processLearningExperienceStatements, processCatalogItemDeactivationsAndDeletions: S.processCatalogItemDeactivationsDeletions } };
      await new PlanEngine({ plan: pinned, planDir: f.dir, environment: 'sandbox', credentials: f.credentials, state: emptyState('sandbox'), actor: 't', onLog: (e) => again.push(new URL(e.url).pathname) }).status();
      assert.equal(again[0], '/hcmRestApi/scim/Users');
      assert.ok(!again.some((p, i) => p === '/ess/rest/scheduler/v1/requests' && i === 0));
    } finally {
      await f.close();
    }
  });
});
