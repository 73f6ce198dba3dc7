/**
 * Schedules that a wrong guess cannot duplicate (issue 10): a schedule is recognised by what the
 * request has (a schedule definition, its job id, not cancelled), not by one requestType word;
 * when nobody can tell, apply submits nothing and says what to check in Scheduled Processes. Only
 * documented ESS query parameters are sent. The bulk ingest carries its Program Name parameter,
 * and the processes Oracle orders after "Load and Synchronize External Course Data" start after it.
 */
import { strict as assert } from 'node:assert';
import { requestKind, type EssRequest } from '../../src/oracle/ess';
import { OracleClient } from '../../src/oracle/client';
import { startRewritingProxy } from './helpers/rewriting-proxy';
import { byId, createJobRole, planFixture, type PlanFixture } from './plan.helpers';

const ESS_QUERY = /^\/ess\/rest\/scheduler\/v1\/requests(\?|$)/;

function tomorrowAt(hour: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

const req = (o: Partial<EssRequest>): EssRequest => ({ requestId: 1, jobDefinitionId: 'JobDefinition://x/Y', state: 'WAIT', scheduleField: 'absent', ...o });

async function ready(f: PlanFixture, o: { loadSync?: boolean } = {}): Promise<Record<string, string>> {
  await createJobRole(f);
  await f.admin.createUser({ userName: 'user.coursera', email: 'user.coursera@example.com', withPerson: false });
  await f.admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
  const engine = f.engine();
  await engine.attest('job-role', 'checked');
  await engine.apply('integration-user');
  await engine.attest('external-provider', 'validated');
  const jobs = (await f.admin.info()).jobDefinitions;
  for (const key of ['bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions']) await f.admin.submitInScheduledProcesses(jobs[key]!);
  if (o.loadSync !== false) await f.admin.submitInScheduledProcesses(jobs.loadAndSynchronizeExternalCourseData!, { frequency: 'DAILY', interval: 1, startTime: tomorrowAt(1) });
  return jobs;
}

function adminClient(f: PlanFixture): OracleClient {
  const a = f.credentials.admin as { username: string; password: string };
  return new OracleClient({ baseUrl: f.url, auth: { kind: 'basic', username: a.username, password: a.password } });
}

describe('schedules: recognised by what a request has', function () {
  this.timeout(60_000);
  let f: PlanFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('requestKind: a schedule definition or a recurring word makes a schedule; a parent makes a child; nothing known is undetermined', () => {
    assert.equal(requestKind(req({ scheduleField: 'present', scheduleDefinition: {} })), 'schedule');
    assert.equal(requestKind(req({ requestType: 'RECUR_PARENT' })), 'schedule');
    assert.equal(requestKind(req({ requestType: 'SINGLETON', scheduleField: 'null' })), 'one-off');
    assert.equal(requestKind(req({ scheduleField: 'null' })), 'one-off');
    assert.equal(requestKind(req({ scheduleField: 'present', parentRequestId: 7 })), 'child', 'a run of a schedule is never a schedule of its own');
    assert.equal(requestKind(req({ requestType: 'RECUR_CHILD' })), 'child');
    assert.equal(requestKind(req({ requestType: 'PERIODIC' })), 'undetermined');
    assert.equal(requestKind(req({ requestType: 'PERIODIC' }), { recurring: ['periodic'] }), 'schedule', 'a word learnt by the probe');
    assert.equal(requestKind(req({})), 'undetermined');
  });

  it('a pod whose answers show neither a schedule definition nor a word we know: needs-action, and apply submits nothing', async () => {
    f = await planFixture({ variants: ['admin-provider-duty'] });
    const jobs = await ready(f);
    // A daily schedule the admin submitted in the UI, which this pod describes in words we do not know.
    await f.admin.submitInScheduledProcesses(jobs.processLearningExperienceStatements!, { frequency: 'DAILY', interval: 1, startTime: tomorrowAt(3) });
    const proxy = await startRewritingProxy(f.url, [
      {
        match: (m, url) => m === 'GET' && ESS_QUERY.test(url),
        body: (json) => ({ ...json, items: json.items.map(({ scheduleDefinition: _d, ...r }: Record<string, unknown>) => ({ ...r, requestType: 'PERIODIC' })) }),
      },
    ]);
    try {
      const plan = { environments: { sandbox: { url: proxy.url } } };
      const out = await f.engine(plan).apply('scheduled-processes');
      const r = byId(out.results, 'scheduled-processes');
      assert.equal(r.status, 'needs-action', r.detail);
      assert.match(r.detail, /Cannot tell whether \d process\(es\) already have a daily schedule, so apply submits nothing for them/);
      const statements = r.checks.find((c) => c.id === 'processLearningExperienceStatements')!;
      assert.match(statements.message, /neither a schedule definition nor a requestType word we know \(requestType: PERIODIC\).*Scheduled Processes/);
      assert.match(r.checks.find((c) => c.id === 'load-sync')!.message, /Cannot tell whether it already has a daily schedule/);
      assert.match(r.checks.find((c) => c.id === 'bulkIngestToOscs')!.message, /apply cannot submit one yet: it must run after "Load and Synchronize External Course Data"/);
      assert.ok(!proxy.seen.some((s) => s.startsWith('POST /ess/rest/scheduler/v1/requests')), proxy.seen.join('\n'));
      assert.deepEqual(out.performed, []);
    } finally {
      await proxy.close();
    }
  });

  it('ESS is asked with documented query parameters only (q, fields, orderBy ...), never limit or offset', async () => {
    f = await planFixture({ variants: ['admin-provider-duty'] });
    await ready(f);
    const proxy = await startRewritingProxy(f.url, []);
    try {
      const plan = { environments: { sandbox: { url: proxy.url } } };
      await f.engine(plan).apply('all');
      await f.engine(plan).status();
      const ess = proxy.seen.filter((s) => s.startsWith('GET /ess/'));
      assert.ok(ess.length > 0);
      for (const s of ess) for (const name of new URL(s.slice(4), 'http://x').searchParams.keys()) assert.ok(['q', 'fields', 'excludeFields', 'orderBy', 'id'].includes(name), s);
    } finally {
      await proxy.close();
    }
  });

  it('the bulk ingest carries its Program Name parameter (name overridable in the plan); the ordered processes start after Load and Synchronize', async () => {
    f = await planFixture({ variants: ['admin-provider-duty'] });
    const jobs = await ready(f);
    const engine = f.engine({ ess: { application: 'EarHcmEss', startTime: '00:00', bulkIngestParameter: { name: 'ProgramName', paramType: 'STRING', value: 'OLC-REST' } } });
    const out = await engine.apply('scheduled-processes');
    assert.equal(byId(out.results, 'scheduled-processes').status, 'done', byId(out.results, 'scheduled-processes').detail);
    const admin = adminClient(f);
    try {
      const { getEssRequest, queryEssRequests } = await import('../../src/oracle/ess');
      const daily = async (key: string) => (await queryEssRequests(admin, { jobDefinitionId: jobs[key]! })).filter((r) => r.scheduleField === 'present' && r.state === 'WAIT');
      const [bulk] = await daily('bulkIngestToOscs');
      const full = (await getEssRequest(admin, bulk!.requestId)) as EssRequest & { requestParameters?: { name: string; value: string }[] };
      assert.deepEqual(full.requestParameters?.map((p) => [p.name, p.value]), [['ProgramName', 'OLC-REST']]);
      const minutes = (r: EssRequest) => {
        const d = new Date((r.scheduleDefinition as { startTime: string }).startTime);
        return d.getUTCHours() * 60 + d.getUTCMinutes();
      };
      const base = minutes((await daily('loadAndSynchronizeExternalCourseData'))[0]!);
      for (const key of ['bulkIngestToOscs', 'processCatalogItemDeactivationsAndDeletions']) assert.ok(minutes((await daily(key))[0]!) > base, `${key} starts after Load and Synchronize (01:00), not at the plan's 00:00`);
    } finally {
      admin.close();
    }
  });

  it('Load and Synchronize not scheduled yet: apply schedules it first, then the processes that run after it', async () => {
    f = await planFixture({ variants: ['admin-provider-duty'] });
    const jobs = await ready(f, { loadSync: false });
    await f.admin.submitInScheduledProcesses(jobs.loadAndSynchronizeExternalCourseData!);
    const before = byId(await f.engine().status(), 'scheduled-processes');
    assert.match(before.checks.find((c) => c.id === 'load-sync')!.message, /apply schedules it first/);
    const out = await f.engine().apply('scheduled-processes');
    assert.equal(byId(out.results, 'scheduled-processes').status, 'done', byId(out.results, 'scheduled-processes').detail);
    assert.match(out.performed[0]!, /Load and Synchronize External Course Data" daily at 02:00 UTC/);
    assert.equal(out.performed.length, 4);
    assert.deepEqual((await f.engine().apply('scheduled-processes')).performed, [], 'a second apply changes nothing');
  });
});
