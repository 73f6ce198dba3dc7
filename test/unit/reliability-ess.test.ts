/**
 * ESS has no uniqueness rule (no 409), so duplicate daily schedules are the dangerous kind of
 * duplicate: each one runs the Learning process again. The scheduled-processes check reports them;
 * apply cancels the newer ones submitted by the user it runs as (through Oracle's documented
 * `POST /ess/rest/scheduler/v1/requests/{id}/cancel`), leaves other users' to the administrator
 * with a message saying which to cancel, and a cancel repeated after a lost answer is harmless.
 */
import { strict as assert } from 'node:assert';
import { OracleClient } from '../../src/oracle/client';
import { cancelEssRequest, getEssRequest, queryEssRequests } from '../../src/oracle/ess';
import { byId, createJobRole, planFixture, type PlanFixture } from './plan.helpers';

function tomorrowAt(hour: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

describe('reliability: duplicate ESS schedules', function () {
  this.timeout(60_000);
  let f: PlanFixture;
  let jobs: Record<string, string>;
  let admin: OracleClient;
  let second: OracleClient;

  const submitAs = async (who: OracleClient, jobDefinitionId: string): Promise<number> => {
    const r = await who.send('POST', '/ess/rest/scheduler/v1/requests', {
      body: { jobDefinitionId, application: 'EarHcmEss', schedule: { frequency: 'DAILY', interval: 1, startTime: tomorrowAt(3) } },
      schema: (await import('zod')).z.looseObject({ requestId: (await import('zod')).z.number() }),
    });
    return r!.requestId;
  };
  const activeDaily = async (jobDefinitionId: string) =>
    (await queryEssRequests(admin, { jobDefinitionId, requestType: 'RECURRING' })).filter((r) => r.state === 'WAIT').map((r) => r.requestId).sort((a, b) => a - b);

  before(async () => {
    f = await planFixture();
    await createJobRole(f);
    await f.admin.createUser({ userName: 'user.coursera', email: 'user.coursera@example.com', withPerson: false });
    await f.admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
    await f.admin.createUser({ userName: 'second.admin', email: 'second.admin@example.com', withPerson: false, password: 'Second-admin-pw-1', roles: ['ORA_FND_IT_SECURITY_MANAGER_JOB', 'ORA_WLF_LEARNING_ADMINISTRATOR_JOB'] });
    jobs = (await f.admin.info()).jobDefinitions;
    for (const key of ['bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions']) await f.admin.submitInScheduledProcesses(jobs[key]!);
    // The processes Oracle asks to run after it need its daily schedule (and its start time) to be placed after it.
    await f.admin.submitInScheduledProcesses(jobs.loadAndSynchronizeExternalCourseData!, { frequency: 'DAILY', interval: 1, startTime: tomorrowAt(1) });
    const a = f.credentials.admin!;
    admin = new OracleClient({ baseUrl: f.url, auth: { kind: 'basic', username: a.username, password: a.password } });
    second = new OracleClient({ baseUrl: f.url, auth: { kind: 'basic', username: 'second.admin', password: 'Second-admin-pw-1' } });
    const engine = f.engine();
    await engine.attest('job-role', 'checked');
    await engine.attest('external-provider', 'validated');
  });

  after(async () => {
    admin?.close();
    second?.close();
    await f?.close();
  });

  it('the check reports duplicates; apply cancels ours, keeps the oldest and names the ones another user submitted', async () => {
    const bulk = jobs.bulkIngestToOscs!;
    const statements = jobs.processLearningExperienceStatements!;
    // Ours: two daily schedules of the bulk ingest. Another admin's: a second one of the statements process.
    await f.admin.submitInScheduledProcesses(bulk, { frequency: 'DAILY', interval: 1, startTime: tomorrowAt(2) });
    await f.admin.submitInScheduledProcesses(bulk, { frequency: 'DAILY', interval: 1, startTime: tomorrowAt(2) });
    await f.admin.submitInScheduledProcesses(statements, { frequency: 'DAILY', interval: 1, startTime: tomorrowAt(2) });
    const theirs = await submitAs(second, statements);
    const [keptBulk, dupBulk] = await activeDaily(bulk);

    const status = await f.engine().status();
    const sched = byId(status, 'scheduled-processes');
    assert.equal(sched.status, 'needs-action', sched.detail);
    const flagged = sched.checks.filter((c) => c.id.endsWith(':duplicates'));
    assert.equal(flagged.length, 2, JSON.stringify(sched.checks));
    assert.match(flagged.find((c) => c.id.startsWith('bulkIngestToOscs'))!.message, new RegExp(`2 daily schedules \\(requests ${keptBulk}, ${dupBulk}\\)`));

    const applied = await f.engine().apply('all');
    assert.ok(applied.performed.some((p) => p.includes(`/requests/${dupBulk}/cancel`) && p.includes(`request ${keptBulk} is kept`)), applied.performed.join('\n'));
    assert.deepEqual(await activeDaily(bulk), [keptBulk]);
    const after = byId(applied.results, 'scheduled-processes');
    assert.equal(after.status, 'failed', after.detail);
    assert.match(after.detail, new RegExp(`submitted by other users \\(requests ${theirs} by second\\.admin\\): cancel all but request \\d+ in Scheduled Processes`));
    assert.equal((await activeDaily(statements)).length, 2, "another user's schedule is never cancelled by the tool");

    // The administrator cancels it; the next apply has nothing to do.
    await cancelEssRequest(second, theirs);
    const clean = await f.engine().apply('all');
    assert.equal(byId(clean.results, 'scheduled-processes').status, 'done', byId(clean.results, 'scheduled-processes').detail);
    assert.deepEqual(clean.performed, []);
  });

  it("a repeated cancel (the first answer was lost) succeeds: Oracle's 400 for a cancelled request is read back", async () => {
    const id = await submitAs(admin, jobs.processCatalogItemDeactivationsAndDeletions!);
    assert.equal(await cancelEssRequest(admin, id), undefined);
    const again = await cancelEssRequest(admin, id);
    assert.equal(again?.state, 'CANCELLED');
    assert.equal((await getEssRequest(admin, id)).state, 'CANCELLED');
  });

  it('the sandbox answers the documented cancel path with 200, and its links point to it', async () => {
    const id = await submitAs(admin, jobs.reconcileUserGroups!);
    const r = await getEssRequest(admin, id);
    const links = (r as unknown as { links?: { rel: string; href: string }[] }).links ?? [];
    assert.ok(links.some((l) => l.rel === 'cancel' && l.href.endsWith(`/ess/rest/scheduler/v1/requests/${id}/cancel`)), JSON.stringify(links));
    const a = f.credentials.admin!;
    const res = await fetch(`${f.url}/ess/rest/scheduler/v1/requests/${id}/cancel`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}` } });
    assert.equal(res.status, 200);
    assert.equal((await getEssRequest(admin, id)).state, 'CANCELLED');
  });
});
