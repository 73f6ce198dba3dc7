/**
 * `oli probe` (issue 10): read-only (GET only; the client refuses anything else), never more than
 * one sign-in failure, each assumption confirmed / contradicted / refused / not available with its
 * basis and a redacted sample, the administrator's missing privileges per step, and what it
 * confirmed written to the environment's state, where later status and apply use it.
 */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { OracleClient } from '../../src/oracle/client';
import { OracleError } from '../../src/oracle/errors';
import { statePath } from '../../src/core/plan/stateStore';
import { runOli } from './helpers/cli';
import { planFixture, type PlanFixture } from './plan.helpers';

function envOf(f: PlanFixture, password?: string) {
  const a = f.credentials.admin as { username: string; password: string };
  return { OLI_USERNAME: a.username, OLI_PASSWORD: password ?? a.password };
}

describe('oli probe', function () {
  this.timeout(60_000);
  let f: PlanFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('sends GET only, reports every assumption with a basis, and a read-only client refuses a write before sending it', async () => {
    f = await planFixture();
    const jobs = (await f.admin.info()).jobDefinitions;
    await f.admin.submitInScheduledProcesses(jobs.processLearningExperienceStatements!);
    await f.admin.resetStats();
    const r = await runOli(['probe', '--json'], { cwd: f.dir, env: envOf(f) });
    assert.equal(r.code, 1, `a refused read (the default administrator lacks the provider duty) makes exit 1: ${r.stderr}`);
    const report = JSON.parse(r.stdout);
    const routes = Object.keys((await f.admin.stats()).requests.byRoute);
    assert.ok(routes.length > 5 && routes.every((k) => k.startsWith('GET ')), routes.join(', '));
    assert.equal(report.requests, Object.values((await f.admin.stats()).requests.byRoute).reduce((a: number, b) => a + (b as number), 0));
    for (const a of report.assumptions) {
      assert.ok(['confirmed', 'contradicted', 'refused', 'not-available'].includes(a.outcome), JSON.stringify(a));
      assert.ok(['documented', 'inferred', 'stand-in'].includes(a.basis), JSON.stringify(a));
      if (a.outcome === 'refused') assert.ok(a.status && a.privilege, JSON.stringify(a));
    }
    const by = (id: string) => report.assumptions.find((a: { id: string }) => a.id === id);
    assert.equal(by('learning.digitalLearningProviders').outcome, 'refused');
    assert.equal(by('learning.digitalLearningProviders').status, 403);
    assert.match(by('learning.digitalLearningProviders').privilege, /ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY/);
    assert.deepEqual(report.missingPrivileges.map((m: { step: string }) => m.step), ['external-provider']);
    assert.equal(by('ess.jobId.processLearningExperienceStatements').basis, 'stand-in', 'a sandbox id is labelled a stand-in');
    const ro = new OracleClient({ baseUrl: f.url, auth: { kind: 'basic', username: 'x', password: 'y' }, readOnly: true });
    await assert.rejects(ro.send('POST', '/hcmRestApi/scim/Users', { body: {} }), (e: unknown) => e instanceof OracleError && e.reason === 'config');
    assert.equal((await f.admin.stats()).requests.byRoute['POST /hcmRestApi/scim/Users'] ?? 0, 0);
  });

  it('a wrong password: one request, one sign-in failure, nothing else asked, exit 2, nothing learnt written (only the failure count, as every command)', async () => {
    f = await planFixture();
    await f.admin.resetStats();
    const r = await runOli(['probe'], { cwd: f.dir, env: envOf(f, 'wrong-password-123') });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal((await f.admin.stats()).requests.total, 1);
    const failures = (await (await fetch(`${f.url}/__sandbox/auth-failures`)).json()).items;
    assert.equal(failures.length, 1);
    assert.match(r.stdout, /Sign-in \(Basic, administrator\): refused \(401/);
    assert.match(r.stderr, /may lock the account/);
    const state = JSON.parse(await readFile(statePath(f.dir, 'sandbox'), 'utf8'));
    assert.equal(state.probe, undefined, 'nothing learnt is written after a refused sign-in');
    assert.deepEqual(Object.values(state.signIns).map((s) => (s as { refusedInARow: number }).refusedInARow), [1], 'the refusal is counted with the other commands');
    assert.doesNotMatch(JSON.stringify(state), /wrong-password-123/);
  });

  it('writes what it confirmed to the state; the next status reads the schedules without a discovery request', async () => {
    f = await planFixture({ variants: ['scim-no-or'] });
    const jobs = (await f.admin.info()).jobDefinitions;
    for (const key of ['loadAndSynchronizeExternalCourseData', 'bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions']) await f.admin.submitInScheduledProcesses(jobs[key]!);
    const r = await runOli(['probe', '--format', 'md'], { cwd: f.dir, env: envOf(f) });
    assert.match(r.stdout, /^# Probe of sandbox/m);
    assert.match(r.stdout, /\| SCIM Users: `or` filters \(`scim\.filter\.or`\) \| \[I\] inferred \| \*\*CONTRADICTED\*\* \|/);
    const password = (f.credentials.admin as { password: string }).password;
    assert.ok(!r.stdout.includes(password), 'no secret in the report');
    assert.ok(!/user\.coursera@example\.com|@example\.com/.test(r.stdout), 'no value from the pod (emails) in the report');
    const state = JSON.parse(await readFile(statePath(f.dir, 'sandbox'), 'utf8'));
    assert.equal(state.probe.scim.orFilter, false);
    assert.equal(state.probe.scim.batchSize, 1);
    assert.equal(state.probe.jobDefinitionIds.processLearningExperienceStatements, jobs.processLearningExperienceStatements);
    assert.equal(state.history.at(-1).action, 'probe');
    await f.admin.resetStats();
    const status = await runOli(['status', '--verbose'], { cwd: f.dir, env: envOf(f) });
    assert.ok(status.code === 0 || status.code === 1, status.stderr);
    const byRoute = (await f.admin.stats()).requests.byRoute;
    // One query per process (4), no discovery read; no `or` filter tried again on a pod that refuses it.
    assert.equal(byRoute['GET /ess/rest/scheduler/v1/requests'], 4, JSON.stringify(byRoute));
    assert.ok(!/ -> 400 /.test(status.stderr), status.stderr);
  });
});
