/**
 * What the sandbox grew for issue 14, over direct HTTP (no product code): child runs of schedules
 * driven by its clock (past occurrences, the next run ahead of time, cascade on cancel), outcome
 * rules (errors, warnings, blocked runs), certificates of chosen validity, an expired inbound
 * certificate refused, an alias removed, the admin-reads-all-records variant, and the Coursera
 * simulator's 4-hour batches and retakes.
 */
import { strict as assert } from 'node:assert';
import { startSandbox } from '../../src/sandbox/server';
import { SandboxAdmin } from '../../src/sandbox/courseraScenario';
import { batchTime, CourseraSimulator, retakeEvents, signProviderJwt } from '../../src/sandbox/coursera';
import { basic, startTestSandbox, type TestSandbox } from './helpers/sandbox';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ESS = '/ess/rest/scheduler/v1/requests';
const JOBS = 'JobDefinition://oracle/apps/ess/hcm/learning/sandbox-standin/';
const q = (filter: string) => `q=${encodeURIComponent(filter)}`;

describe('sandbox: what issue 14 needs', function () {
  this.timeout(60_000);

  describe('runs of schedules, driven by the clock', () => {
    let clock = Date.parse('2026-06-10T12:00:00Z');
    let t: TestSandbox;
    before(async () => {
      t = await startTestSandbox({ now: () => clock, essStepMs: 1000 });
    });
    after(async () => {
      await t.close();
    });

    it('a daily schedule that began three days ago has three past runs and its next one waiting; they end from the clock', async () => {
      const job = `${JOBS}LoadSyncExternalCourseData`;
      const s = await t.hook('ess/submit', { jobDefinitionId: job, schedule: { frequency: 'DAILY', interval: 1, startTime: '2026-06-07T02:00:00Z' } });
      const list = await (await t.call(`${ESS}?${q(`jobDefinitionId eq "${job}"`)}&orderBy=requestId:asc`)).json();
      const runs = list.items.filter((r: { parentRequestId?: number }) => r.parentRequestId === s.requestId);
      assert.deepEqual(
        runs.map((r: { scheduledTime: string; state: string; requestType: string }) => [r.scheduledTime, r.state, r.requestType]),
        [
          ['2026-06-07T02:00:00.000Z', 'SUCCEEDED', 'RECUR_CHILD'],
          ['2026-06-08T02:00:00.000Z', 'SUCCEEDED', 'RECUR_CHILD'],
          ['2026-06-09T02:00:00.000Z', 'SUCCEEDED', 'RECUR_CHILD'],
          ['2026-06-10T02:00:00.000Z', 'SUCCEEDED', 'RECUR_CHILD'],
          ['2026-06-11T02:00:00.000Z', 'WAIT', 'RECUR_CHILD'],
        ],
      );
      const done = runs[3];
      assert.equal(done.processStartTime, '2026-06-10T02:00:01.000Z');
      assert.equal(done.processEndTime, '2026-06-10T02:00:02.000Z');
      assert.equal(done.absParentRequestId, s.requestId);
      assert.equal(list.items.find((r: { requestId: number }) => r.requestId === s.requestId).requestedStartTime, '2026-06-07T02:00:00Z');
      // A day later: yesterday's next run has run, a new one waits; ids follow time.
      clock += DAY;
      const later = (await (await t.call(`${ESS}?${q(`parentRequestId eq "${s.requestId}" and state eq "WAIT"`)}`)).json()).items;
      assert.equal(later.length, 1);
      assert.equal(later[0].scheduledTime, '2026-06-12T02:00:00.000Z');
      assert.ok(later[0].requestId > runs[4].requestId);
      // Cancelling the schedule cancels its waiting run.
      assert.equal((await t.call(`${ESS}/${s.requestId}/cancel`, { method: 'POST' })).status, 200);
      assert.equal((await (await t.call(`${ESS}/${later[0].requestId}`)).json()).state, 'CANCELLED');
    });

    it('outcome rules: runs in a window end in ERROR or WARNING with their description, or stay blocked in WAIT', async () => {
      const job = `${JOBS}ReconcileUserGroups`;
      // Runs at -72.5 h, -48.5 h, -24.5 h, -0.5 h, and the next at +23.5 h.
      const s = await t.hook('ess/submit', { jobDefinitionId: job, schedule: { frequency: 'DAILY', interval: 1, startTime: new Date(clock - 3 * DAY - HOUR / 2).toISOString() } });
      await t.hook('ess/outcomes', { jobDefinitionId: job, state: 'ERROR', from: new Date(clock - 49 * HOUR).toISOString(), until: new Date(clock - 25 * HOUR).toISOString(), description: 'ORA-1: broken' });
      await t.hook('ess/outcomes', { jobDefinitionId: job, state: 'WARNING', from: new Date(clock - 25 * HOUR).toISOString(), until: new Date(clock - HOUR).toISOString() });
      await t.hook('ess/outcomes', { jobDefinitionId: job, state: 'WAIT', from: new Date(clock - HOUR).toISOString(), description: 'Wait: blocked by request 1' });
      clock += 2000;
      const runs = (await (await t.call(`${ESS}?${q(`parentRequestId eq "${s.requestId}"`)}&orderBy=requestId:asc`)).json()).items as { state: string; stateDescription: string; cause?: string }[];
      assert.deepEqual(
        runs.map((r) => [r.state, r.cause ?? null]),
        [
          ['SUCCEEDED', null],
          ['ERROR', 'PROCESS_ERROR'],
          ['WARNING', 'PROCESS_WARNING'],
          ['WAIT', null],
          ['WAIT', null],
        ],
      );
      assert.equal(runs[1]!.stateDescription, 'ORA-1: broken');
      assert.equal(runs[3]!.stateDescription, 'Wait: blocked by request 1');
      const res = await t.call('/__sandbox/ess/outcomes', { method: 'DELETE', authorization: null });
      assert.equal(res.status, 200);
    });
  });

  it('certificates of chosen validity; an expired inbound certificate is refused (401); an alias can be removed', async () => {
    const t = await startTestSandbox();
    try {
      const admin = new SandboxAdmin(t.sb.url);
      await admin.createUser({ userName: 'user.coursera', email: 'user.coursera@example.com', withPerson: false, roles: ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY'] });
      const expired = await admin.certificate({ commonName: 'Old', notBefore: new Date(Date.now() - 30 * DAY).toISOString(), notAfter: new Date(Date.now() - DAY).toISOString() });
      const fresh = await admin.certificate({ commonName: 'New', notAfter: new Date(Date.now() + 10 * DAY).toISOString() });
      assert.ok(Date.parse(fresh.notAfter) - Date.now() < 10 * DAY + 60_000 && Date.parse(fresh.notAfter) - Date.now() > 10 * DAY - 60_000);
      await admin.registerApiAuthentication({ issuer: 'iss', alias: 'OLD', certificate: expired.certificatePem });
      await admin.registerApiAuthentication({ issuer: 'iss', alias: 'NEW', certificate: fresh.certificatePem });
      const read = (pair: { certificatePem: string; privateKeyPem: string }) =>
        t.call('/hcmRestApi/resources/11.13.18.05/digitalLearningProviders', { authorization: `Bearer ${signProviderJwt({ ...pair, issuer: 'iss', userName: 'user.coursera' })}` });
      assert.equal((await read(expired)).status, 401);
      assert.equal((await read(fresh)).status, 200);
      const failures = (await (await t.call('/__sandbox/auth-failures', { authorization: null })).json()).items;
      assert.equal(failures.at(-1).reason, 'jwt-certificate-expired');
      await admin.removeApiAuthentication('NEW');
      assert.equal((await read(fresh)).status, 401);
    } finally {
      await t.close();
    }
  });

  it('admin-reads-all-records: the administrator reads every learner\'s records; by default only its own', async () => {
    for (const [variants, expected] of [[[], 0], [['admin-reads-all-records'], 2]] as const) {
      const sb = await startSandbox({ port: 0, users: 20, essStepMs: 0, variants: [...variants] });
      try {
        const admin = new SandboxAdmin(sb.url);
        const keys = await admin.certificate({ commonName: 'C', notAfter: new Date(Date.now() + 100 * DAY).toISOString() });
        await admin.createUser({ userName: 'user.coursera', email: 'user.coursera@example.com', withPerson: false, roles: ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY'] });
        await admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'C', visibility: 'public', learnerIdentifier: 'username' });
        await admin.registerApiAuthentication({ issuer: 'iss', alias: 'A', certificate: keys.certificatePem });
        const sim = new CourseraSimulator(sb.url, { kind: 'jwt', issuer: 'iss', privateKeyPem: keys.privateKeyPem, certificatePem: keys.certificatePem, userName: 'user.coursera' });
        await sim.pushCatalogItem({ externalContentId: 'urn:c', title: 'C', contentUrl: 'https://www.coursera.org/learn/c' });
        // A retake: two enrollments of the same course for one learner.
        await sim.sendStatements(retakeEvents({ by: 'username', userName: 'linda.smith1' }, 'urn:c', 'C', new Date(Date.now() - 2 * DAY), new Date(Date.now() - DAY)));
        const jobs = (await admin.info()).jobDefinitions;
        await admin.submitInScheduledProcesses(jobs.processLearningExperienceStatements!);
        const records = await (await fetch(`${sb.url}/hcmRestApi/resources/11.13.18.05/learnerLearningRecords?expand=completionDetails`, { headers: { authorization: basic(sb.admin.userName, sb.admin.password) } })).json();
        assert.equal(records.items.length, expected, `variants ${variants.join(',')}`);
        if (expected) assert.deepEqual(records.items.map((r: { assignmentStatus: string }) => r.assignmentStatus), ['ORA_ASSN_REC_COMPLETE', 'ORA_ASSN_REC_COMPLETE']);
      } finally {
        await sb.close();
      }
    }
  });

  it("the Coursera simulator delivers in 4-hour batches: an event leaves with the first boundary after it", async () => {
    assert.equal(new Date(batchTime('2026-03-14T09:26:53Z')).toISOString(), '2026-03-14T12:00:00.000Z');
    assert.equal(new Date(batchTime('2026-03-14T12:00:00Z')).toISOString(), '2026-03-14T16:00:00.000Z');
    const t = await startTestSandbox();
    try {
      const admin = new SandboxAdmin(t.sb.url);
      const keys = await admin.certificate({ commonName: 'C', notAfter: new Date(Date.now() + 100 * DAY).toISOString() });
      await admin.createUser({ userName: 'user.coursera', email: 'user.coursera@example.com', withPerson: false, roles: ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY'] });
      await admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'C', visibility: 'public', learnerIdentifier: 'email' });
      await admin.registerApiAuthentication({ issuer: 'iss', alias: 'A', certificate: keys.certificatePem });
      const sim = new CourseraSimulator(t.sb.url, { kind: 'jwt', issuer: 'iss', privateKeyPem: keys.privateKeyPem, certificatePem: keys.certificatePem, userName: 'user.coursera' });
      const at = (iso: string) => ({ learner: { by: 'email' as const, email: 'a@example.com' }, contentId: 'urn:c', title: 'C', verb: 'completed' as const, timestamp: iso });
      const { sent, held } = await sim.deliverBatches([at('2026-03-14T07:10:00Z'), at('2026-03-14T09:26:53Z')], Date.parse('2026-03-14T10:00:00Z'));
      assert.deepEqual([sent.length, held.length], [1, 1]);
      const received = await (await t.call('/hcmRestApi/sandbox-standin/xapi/statements')).json();
      assert.equal(received.count, 1);
    } finally {
      await t.close();
    }
  });
});
