/**
 * `oli health` (issue 14) against the sandbox over real HTTP: a healthy pod, then each finding
 * (a failed run, a run waiting long, no schedule, two schedules, a stale content sync, the
 * certificate expiring or expired, completions readable or not, ESS refused), with its level,
 * basis, what to check, and the exit code that follows the worst level (0 / 1 / 2).
 */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { statePath } from '../../src/core/plan/stateStore';
import { runOli } from './helpers/cli';
import { setUpPod, rewritePlan, writeCertificate, COURSE, type SetUpPod } from './dayTwo.helpers';

interface Finding {
  id: string;
  area: string;
  level: string;
  title: string;
  message: string;
  check?: string;
  basis: string;
}

async function health(p: SetUpPod, args: string[] = [], env: NodeJS.ProcessEnv = p.env) {
  const r = await runOli(['health', '--json', ...args], { cwd: p.dir, env });
  const report = r.stdout ? JSON.parse(r.stdout) : undefined;
  const by = (id: string): Finding => {
    const f = (report?.findings as Finding[] | undefined)?.find((x) => x.id === id);
    assert.ok(f, `finding ${id} in ${JSON.stringify(report?.findings?.map((x: Finding) => x.id))}`);
    return f;
  };
  return { ...r, report, by };
}

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('oli health', function () {
  this.timeout(90_000);
  let p: SetUpPod | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('a healthy pod: every process scheduled with its last runs and the next one, content sync, certificate; exit 0; recorded in the state', async () => {
    p = await setUpPod();
    const r = await health(p);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.report.level, 'ok');
    for (const f of r.report.findings as Finding[]) {
      assert.ok(['ok', 'info'].includes(f.level), JSON.stringify(f));
      assert.ok(['documented', 'inferred', 'stand-in'].includes(f.basis), JSON.stringify(f));
    }
    assert.equal(r.report.processes.length, 4);
    for (const proc of r.report.processes) {
      assert.ok(proc.schedule, proc.name);
      assert.equal(proc.lastRuns.length, 3, `${proc.name}: three past daily runs`);
      assert.ok(proc.lastRuns.every((x: { state: string; kind: string; start?: string; end?: string }) => x.state === 'SUCCEEDED' && x.kind === 'scheduled' && x.start && x.end), JSON.stringify(proc.lastRuns));
      assert.equal(proc.nextRun.from, 'waiting run', 'the next run comes from ESS (a waiting child request), not from our reading of the schedule');
      assert.ok(Date.parse(proc.nextRun.at) > Date.now());
    }
    assert.equal(r.by('schedule:bulkIngestToOscs').basis, 'stand-in', 'the sandbox job id is a stand-in');
    assert.equal(r.by('content-sync').level, 'ok');
    assert.match(r.by('certificate').message, /coursera\.cer .* day\(s\) left/);
    assert.equal(r.by('certificate').basis, 'documented');
    // learnerLearningRecords applies to the learner: the administrator sees no one's completion, and is told why.
    assert.equal(r.by('completions').level, 'info');
    assert.match(r.by('completions').message, /applies to the learner/);
    assert.ok(r.report.requests <= 7, `${r.report.requests} requests`);
    const state = JSON.parse(await readFile(statePath(p.dir, 'sandbox'), 'utf8'));
    assert.equal(state.health.level, 'ok');
    assert.deepEqual({ action: state.history.at(-1).action, outcome: state.history.at(-1).outcome, via: state.history.at(-1).via }, { action: 'health', outcome: 'ok', via: 'cli' });
    const text = await runOli(['health'], { cwd: p.dir, env: p.env });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^✔ ok +\[S\] Process Learning Experience Statements$/m);
    assert.match(text.stdout, /next: .*\(waiting run \d+\)/);
    assert.ok(!text.stdout.includes(p.env.OLI_PASSWORD!), 'no secret in the output');
  });

  it('a failed run is an error with what to check (request, log, the bulk ingest parameter); exit 2', async () => {
    p = await setUpPod();
    // The bulk ingest's runs of the last 20 hours (today's) ended in error; yesterday's succeeded.
    await p.admin.essOutcome({ jobDefinitionId: p.jobs.bulkIngestToOscs!, state: 'ERROR', from: iso(Date.now() - 20 * HOUR), description: 'ORA-20001: the OSCS index is not reachable' });
    const r = await health(p);
    assert.equal(r.code, 2, r.stderr);
    const failed = r.by('run-failed:bulkIngestToOscs');
    assert.equal(failed.level, 'error');
    assert.match(failed.message, /Request \d+ \(started .*\) ended in ERROR \(PROCESS_ERROR\): ORA-20001/);
    assert.match(failed.message, /Last success: /);
    assert.match(failed.check!, /Open request \d+ in Navigator > Tools > Scheduled Processes .* Program Name parameter is OLC-REST/);
    assert.equal(r.by('content-sync').level, 'ok', 'the last success is within 48 hours');
  });

  it('a run waiting long (blocked) is a warning naming the request and what keeps runs waiting; exit 1', async () => {
    p = await setUpPod();
    // Yesterday's run (and today's) never started: blocked.
    await p.admin.essOutcome({ jobDefinitionId: p.jobs.processLearningExperienceStatements!, state: 'WAIT', from: iso(Date.now() - 30 * HOUR), description: 'Wait: blocked by request 999 (incompatibility)' });
    const r = await health(p);
    assert.equal(r.code, 1, JSON.stringify(r.report.findings));
    const waiting = r.by('run-waiting:processLearningExperienceStatements');
    assert.equal(waiting.level, 'warning');
    assert.match(waiting.message, /Request \d+ has been WAIT since .* \(\d+ (min|h)\): Wait: blocked by request 999/);
    assert.match(waiting.check!, /hold, an incompatible request/);
    assert.equal(r.by('run-stale:processLearningExperienceStatements').level, 'warning', 'no success for more than a day');
  });

  it('a process without a daily schedule is an error; two schedules a warning', async () => {
    p = await setUpPod({ unscheduled: ['processCatalogItemDeactivationsAndDeletions'] });
    await p.admin.submitInScheduledProcesses(p.jobs.processLearningExperienceStatements!, { frequency: 'DAILY', interval: 1, startTime: iso(Date.now() + 5 * HOUR) });
    const r = await health(p);
    assert.equal(r.code, 2);
    const none = r.by('schedule:processCatalogItemDeactivationsAndDeletions');
    assert.equal(none.level, 'error');
    assert.match(none.message, /No daily schedule .* after Load and Synchronize/);
    assert.match(none.check!, /oli apply --step scheduled-processes/);
    const two = r.by('schedule:processLearningExperienceStatements');
    assert.equal(two.level, 'warning');
    assert.match(two.message, /2 daily schedules \(requests \d+, \d+\)/);
  });

  it('a content sync without a success for longer than the plan allows is a warning; a failing Load and Synchronize an error', async () => {
    p = await setUpPod({ plan: { health: { contentSyncMaxAgeHours: 30 } } });
    await p.admin.essOutcome({ jobDefinitionId: p.jobs.loadAndSynchronizeExternalCourseData!, state: 'ERROR', from: iso(Date.now() - 40 * HOUR) });
    const r = await health(p);
    assert.equal(r.code, 2);
    assert.equal(r.by('run-failed:loadAndSynchronizeExternalCourseData').level, 'error');
    const sync = r.by('content-sync');
    assert.equal(sync.level, 'warning');
    assert.match(sync.message, /Load and Synchronize External Course Data: last success .*Older than 30 h/);
  });

  it('the inbound certificate: a warning within the plan\'s warning days, an error within a week or once expired', async () => {
    p = await setUpPod();
    const soon = await p.admin.certificate({ commonName: 'Coursera (expiring)', notAfter: iso(Date.now() + 20 * 24 * HOUR) });
    await writeCertificate(p, 'expiring.cer', soon.certificatePem);
    await rewritePlan(p, { jwt: { issuer: p.plan.jwt!.issuer, certificate: 'expiring.cer' } });
    const warn = await health(p);
    assert.equal(warn.code, 1);
    assert.equal(warn.by('certificate').level, 'warning');
    assert.match(warn.by('certificate').message, /expiring\.cer \(CN=Coursera \(expiring\)\) expires on .*: (19|20) day\(s\) left, within the 30-day warning/);
    assert.match(warn.by('certificate').check!, /oli rotate-cert --new FILE/);
    // A warning period of 10 days: 20 days left is fine.
    await rewritePlan(p, { jwt: { issuer: p.plan.jwt!.issuer, certificate: 'expiring.cer' }, health: { certificateWarningDays: 10 } });
    assert.equal((await health(p)).by('certificate').level, 'ok');
    // The plan's threshold is the team's and wins over the user's (--cert-warning-days, OLI_CERT_WARNING_DAYS, the VS Code setting).
    assert.equal((await health(p, ['--cert-warning-days', '40'])).by('certificate').level, 'ok');
    await rewritePlan(p, { jwt: { issuer: p.plan.jwt!.issuer, certificate: 'expiring.cer' } });
    assert.equal((await health(p, ['--cert-warning-days', '10'])).by('certificate').level, 'ok');
    assert.equal((await health(p, [], { ...p.env, OLI_CERT_WARNING_DAYS: '10' })).by('certificate').level, 'ok');
    assert.match((await health(p, [], { ...p.env, OLI_CERT_WARNING_DAYS: '25' })).by('certificate').message, /within the 25-day warning/);
    const expired = await p.admin.certificate({ commonName: 'Coursera (expired)', notBefore: iso(Date.now() - 400 * 24 * HOUR), notAfter: iso(Date.now() - 2 * 24 * HOUR) });
    await writeCertificate(p, 'expired.cer', expired.certificatePem);
    await rewritePlan(p, { jwt: { issuer: p.plan.jwt!.issuer, certificate: 'expired.cer' } });
    const gone = await health(p);
    assert.equal(gone.code, 2);
    assert.equal(gone.by('certificate').level, 'error');
    assert.match(gone.by('certificate').message, /expired on .*: Oracle can no longer verify Coursera's tokens/);
  });

  it('where the administrator may read every learner\'s records, the last completion read back is reported', async () => {
    p = await setUpPod({ variants: ['admin-reads-all-records'] });
    const users = await (await fetch(`${p.url}/hcmRestApi/scim/Users?count=20&startIndex=3&attributes=userName,emails,active`, { headers: { authorization: `Basic ${Buffer.from(`${p.env.OLI_USERNAME}:${p.env.OLI_PASSWORD}`).toString('base64')}` } })).json();
    const learner = (users.Resources as { active: boolean; emails?: { value: string; primary?: boolean }[] }[]).find((u) => u.active && u.emails?.length)!.emails![0]!.value;
    const completedAt = new Date(Date.now() - 6 * HOUR);
    await p.coursera.sendStatements([{ learner: { by: 'email', email: learner }, contentId: COURSE.externalContentId, title: COURSE.title, verb: 'completed', timestamp: completedAt.toISOString() }]);
    // The next daily run of "Process Learning Experience Statements" is tomorrow: run it once now, as an admin would.
    await p.admin.submitInScheduledProcesses(p.jobs.processLearningExperienceStatements!);
    await new Promise((res) => setTimeout(res, 120));
    const r = await health(p);
    const c = r.by('completions');
    assert.equal(c.level, 'ok', c.message);
    assert.ok(c.message.includes(completedAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace('T', ' ')), c.message);
    assert.match(c.message, /other completions may not be visible here/);
  });

  it('a pod that refuses the scheduler to the administrator: unknown (never an error), with what grants it; exit 1', async () => {
    p = await setUpPod();
    // The same pod read by an administrator who holds only IT Security Manager.
    await p.admin.createUser({ userName: 'security.only', email: 'security.only@example.com', withPerson: false, password: 'Security-only-1', roles: ['ORA_FND_IT_SECURITY_MANAGER_JOB'] });
    const r = await health(p, [], { OLI_USERNAME: 'security.only', OLI_PASSWORD: 'Security-only-1' });
    assert.equal(r.code, 1, r.stderr);
    for (const f of r.report.findings as Finding[]) assert.notEqual(f.level, 'error', JSON.stringify(f));
    const ess = r.by('schedule:loadAndSynchronizeExternalCourseData');
    assert.equal(ess.level, 'unknown');
    assert.match(ess.message, /answered 403 Forbidden/);
    assert.equal(r.by('completions').level, 'unknown');
  });

  it('a wrong password: exit 2, one line, no health recorded', async () => {
    p = await setUpPod();
    const r = await runOli(['health'], { cwd: p.dir, env: { ...p.env, OLI_PASSWORD: 'wrong-password-1' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /401/);
    const state = JSON.parse(await readFile(statePath(p.dir, 'sandbox'), 'utf8'));
    assert.equal(state.health, undefined);
  });
});
