import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { byId, createJobRole, courseraKeys, DUTY, ISSUER, planFixture, ROLE, type PlanFixture } from './plan.helpers';
import { OracleClient } from '../../src/oracle/client';
import { findUserByUserName } from '../../src/oracle/scimUsers';
import { findRoleByName } from '../../src/oracle/scimRoles';
import { queryEssRequests } from '../../src/oracle/ess';
import { CourseraSimulator } from '../../src/sandbox/coursera';
import { signOracleJwt } from '../../src/core/plan/oracleJwt';
import { loadKit } from '../../src/core/plan/verificationKit';
import { STEP_IDS } from '../../src/core/plan/stepIds';
import { loadState, statePath } from '../../src/core/plan/stateStore';

function adminClient(f: PlanFixture): OracleClient {
  const a = f.credentials.admin!;
  return new OracleClient({ baseUrl: f.url, auth: { kind: 'basic', username: a.username, password: a.password } });
}

describe('plan engine against the sandbox', function () {
  this.timeout(60_000);
  let f: PlanFixture;
  beforeEach(async () => {
    f = await planFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it('reads all eleven steps of a fresh pod, with guided steps waiting and dependants blocked', async () => {
    const results = await f.engine().status();
    assert.deepEqual(
      results.map((r) => r.id),
      [...STEP_IDS],
    );
    assert.equal(byId(results, 'provider-account').status, 'needs-action');
    assert.equal(byId(results, 'job-role').status, 'needs-action');
    assert.match(byId(results, 'job-role').detail, /No role with the code/);
    assert.equal(byId(results, 'integration-user').status, 'blocked');
    assert.equal(byId(results, 'provider-credentials').status, 'done', byId(results, 'provider-credentials').detail);
    assert.equal(byId(results, 'reconcile-user-groups').status, 'not-applicable');
    // The state file holds the results and no secret.
    const text = await readFile(statePath(f.dir, 'sandbox'), 'utf8');
    assert.ok(!text.includes(f.credentials.admin!.password));
    const state = await loadState(statePath(f.dir, 'sandbox'), 'sandbox');
    assert.equal(Object.keys(state.lastResults).length, 11);
  });

  it('integration-user: apply creates the user without a person and adds the role; a second apply creates nothing', async () => {
    await createJobRole(f);
    const engine = f.engine();
    await engine.attest('job-role', 'hierarchy checked in the Security Console');
    const first = await engine.apply('integration-user');
    assert.equal(byId(first.results, 'integration-user').status, 'done', byId(first.results, 'integration-user').detail);
    assert.equal(first.performed.length, 2, first.performed.join('\n'));
    const client = adminClient(f);
    const user = await findUserByUserName(client, 'user.coursera');
    assert.ok(user?.active);
    const role = await findRoleByName(client, ROLE);
    assert.deepEqual(role?.members.map((m) => m.value), [user!.id]);

    const before = (await f.admin.stats()).requests.byRoute;
    const second = await f.engine().apply('integration-user');
    assert.deepEqual(second.performed, []);
    const after = (await f.admin.stats()).requests.byRoute;
    const posts = (m: Record<string, number>) => Object.entries(m).filter(([k]) => /^(POST|PATCH)/.test(k)).reduce((n, [, v]) => n + v, 0);
    assert.equal(posts(after), posts(before), 'the second apply sent no POST or PATCH');
    assert.equal((await client.scimList('/hcmRestApi/scim/Users', (await import('../../src/oracle/scimUsers')).scimUserSchema, { filter: 'userName eq "user.coursera"' })).resources.length, 1);
  });

  it('integration-user: an existing user with a person is failed with the reason, and apply leaves it alone', async () => {
    await createJobRole(f);
    await f.admin.createUser({ userName: 'user.coursera', email: 'user.coursera@example.com', withPerson: true });
    const engine = f.engine();
    await engine.attest('job-role', 'checked');
    const out = await engine.apply('integration-user');
    const r = byId(out.results, 'integration-user');
    assert.equal(r.status, 'failed');
    assert.match(r.detail, /linked to a person/);
    assert.deepEqual(out.performed, []);
  });

  it('integration-user: inactive, or holding other roles, is failed', async () => {
    await createJobRole(f);
    await f.admin.createUser({ userName: 'user.coursera', email: 'user.coursera@example.com', active: false, roles: [ROLE, 'ORA_PER_EMPLOYEE_ABSTRACT'] });
    const engine = f.engine();
    await engine.attest('job-role', 'checked');
    const r = byId(await engine.status(), 'integration-user');
    assert.equal(r.status, 'failed');
    assert.match(r.detail, /inactive/);
    assert.match(r.detail, /other roles \(ORA_PER_EMPLOYEE_ABSTRACT\)/);
  });

  it('dry run lists the redacted requests and changes nothing', async () => {
    await createJobRole(f);
    const engine = f.engine();
    await engine.attest('job-role', 'checked');
    const out = await engine.apply('integration-user', { dryRun: true });
    assert.deepEqual(
      out.plannedRequests.map((p) => `${p.method} ${new URL(p.url).pathname.replace(/[0-9A-F]{32}/, '{id}')}`),
      ['POST /hcmRestApi/scim/Users', 'PATCH /hcmRestApi/scim/Roles/{id}'],
    );
    assert.equal(await findUserByUserName(adminClient(f), 'user.coursera'), undefined);
  });

  it('an attestation does not stand against live evidence', async () => {
    const engine = f.engine();
    const r = await engine.attest('job-role', 'I created it, promise');
    assert.equal(r.status, 'needs-action');
    assert.match(r.detail, /Attested by test.admin .* but the pod says otherwise/);
    await createJobRole(f);
    assert.equal(byId(await f.engine().status(), 'job-role').status, 'attested');
  });

  it('automatic steps cannot be attested; guided steps cannot be applied through an API', async () => {
    const engine = f.engine();
    await assert.rejects(engine.attest('integration-user', 'x'), /cannot be attested/);
    await assert.rejects(engine.apply('sso'), /nothing to apply/);
  });

  it('scheduled processes: unknown ids need action; discovered from submitted requests; apply schedules each once', async () => {
    // About job ids, not permissions: an admin who also holds the provider duty, so external-provider
    // (which scheduled-processes follows) reads instead of answering 403.
    await f.close();
    f = await planFixture({ variants: ['admin-provider-duty'] });
    const info = await f.admin.info();
    let r = byId(await f.engine().status(), 'scheduled-processes');
    assert.ok(['needs-action', 'blocked'].includes(r.status));
    assert.match(r.detail, /without a known job definition id/);

    for (const key of ['bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions'])
      await f.admin.submitInScheduledProcesses(info.jobDefinitions[key]!);
    await f.admin.submitInScheduledProcesses(info.jobDefinitions.loadAndSynchronizeExternalCourseData!, { frequency: 'DAILY', interval: 1, startTime: '2030-01-01T01:00:00.000Z' });
    // external-provider is guided and precedes it: set it up and attest it so the step is not blocked.
    await createJobRole(f);
    await f.engine().attest('job-role', 'checked');
    await f.engine().apply('integration-user');
    await f.admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
    const engine = f.engine();
    await engine.attest('external-provider', 'validated');
    const out = await engine.apply('scheduled-processes');
    r = byId(out.results, 'scheduled-processes');
    assert.equal(r.status, 'done', r.detail + JSON.stringify(r.checks));
    assert.equal(out.performed.length, 3);
    const again = await f.engine().apply('scheduled-processes');
    assert.deepEqual(again.performed, []);
    const recurring = await queryEssRequests(adminClient(f), { jobDefinitionId: info.jobDefinitions.processLearningExperienceStatements!, requestType: 'RECURRING' });
    assert.equal(recurring.length, 1, 'exactly one daily schedule, never a duplicate');
    const start = new Date((recurring[0]!.scheduleDefinition as { startTime: string }).startTime);
    assert.ok(start.getUTCHours() * 60 + start.getUTCMinutes() > 60, 'scheduled after Load and Synchronize External Course Data (01:00)');
  });

  it('job ids discovered by one status are reused by the next, which reads the schedules without a discovery request', async () => {
    const info = await f.admin.info();
    for (const key of ['loadAndSynchronizeExternalCourseData', 'bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions'])
      await f.admin.submitInScheduledProcesses(info.jobDefinitions[key]!);
    const essGets = async () => (await f.admin.stats()).requests.byRoute['GET /ess/rest/scheduler/v1/requests'] ?? 0;
    const engine = f.engine();
    await f.admin.resetStats();
    const first = byId(await engine.status(), 'scheduled-processes');
    const firstGets = await essGets();
    await f.admin.resetStats();
    const second = byId(await engine.status(), 'scheduled-processes');
    assert.deepEqual(second.evidence, first.evidence);
    assert.equal(await essGets(), firstGets - 1, 'no discovery read the second time');
    assert.ok(second.checks.some((c) => c.id.startsWith('discovered:')), 'still says the ids are discovered, not pinned');
  });

  it('private visibility makes reconcile-user-groups applicable', async () => {
    const r = byId(await f.engine({ visibility: 'private' }).status(), 'reconcile-user-groups');
    assert.notEqual(r.status, 'not-applicable');
  });

  it('api-authentication: the verification kit proves the JWT path once registered', async () => {
    await createJobRole(f);
    const engine = f.engine();
    await engine.attest('job-role', 'checked');
    await engine.apply('integration-user');
    await engine.apply('api-authentication');
    const kit = await loadKit(f.dir, 'sandbox');
    assert.ok(kit);
    const keyText = await readFile(join(f.dir, '.oracle-learning', 'sandbox.verification-key.pem'), 'utf8');
    assert.ok(!(await readFile(statePath(f.dir, 'sandbox'), 'utf8')).includes(keyText.split('\n')[1]!), 'the private key is not in the state file');
    let r = byId(await engine.status(), 'api-authentication');
    assert.match(JSON.stringify(r.checks), /401/);
    await f.admin.registerApiAuthentication({ issuer: kit.issuer, alias: kit.alias, certificate: kit.certificatePem });
    r = byId(await engine.status(), 'api-authentication');
    const verification = r.checks.find((c) => c.id === 'verification');
    assert.equal(verification?.outcome, 'pass', verification?.message);
  });

  it('a wrong issuer in the plan: the Coursera push gets 401 and status explains why', async () => {
    const wrong = `${ISSUER} `;
    await createJobRole(f);
    const engine = f.engine({ jwt: { issuer: wrong, certificate: 'coursera.cer', sampleToken: 'sample.jwt' } });
    await engine.attest('job-role', 'checked');
    await engine.apply('integration-user');
    await f.admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
    // The admin registers what the plan says; Coursera signs with its real issuer.
    await f.admin.registerApiAuthentication({ issuer: wrong, alias: 'COURSERA', certificate: courseraKeys().certificatePem });
    const sim = new CourseraSimulator(f.url, { kind: 'jwt', issuer: ISSUER, ...courseraKeys(), userName: 'user.coursera' });
    await assert.rejects(sim.pushCatalogItem({ externalContentId: 'c1', title: 'C1', contentUrl: 'https://www.coursera.org/learn/c1' }), (e: Error & { status?: number }) => e.status === 401);
    await writeFile(join(f.dir, 'sample.jwt'), await signOracleJwt({ ...courseraKeys(), issuer: ISSUER, userName: 'user.coursera' }));
    const r = byId(await engine.status(), 'provider-credentials');
    assert.equal(r.status, 'failed');
    assert.match(r.detail, /whitespace/);
    assert.ok(r.checks.some((c) => c.id === 'sample-iss' && c.outcome === 'fail'), JSON.stringify(r.checks));
  });

  it('learner identity: duplicates, inactive and missing learners from a list', async () => {
    await f.admin.createUser({ userName: 'dup.one', email: 'dup@example.com' });
    await f.admin.createUser({ userName: 'dup.two', email: 'dup@example.com' });
    await f.admin.createUser({ userName: 'sleepy', email: 'sleepy@example.com', active: false });
    await f.admin.createUser({ userName: 'fine', email: 'fine@example.com' });
    await writeFile(join(f.dir, 'learners.csv'), 'name,email\nA,dup@example.com\nB,sleepy@example.com\nC,nobody@example.com\nD,FINE@example.com\nE,not-an-email\n');
    const r = byId(await f.engine({ identitySample: 'learners.csv' }).status(), 'learner-identity');
    assert.equal(r.status, 'needs-action');
    assert.deepEqual((r.evidence as { summary: unknown }).summary, { total: 5, matched: 1, missing: 1, duplicate: 1, inactive: 1, invalid: 1 });
  });

  it('the provider duty alone reaches only the provider resources', async () => {
    await createJobRole(f, [DUTY]);
    const engine = f.engine();
    await engine.attest('job-role', 'checked');
    await engine.apply('integration-user');
    await f.admin.registerApiAuthentication({ issuer: ISSUER, alias: 'COURSERA', certificate: courseraKeys().certificatePem });
    const token = await signOracleJwt({ ...courseraKeys(), issuer: ISSUER, userName: 'user.coursera' });
    const asProvider = new OracleClient({ baseUrl: f.url, auth: { kind: 'bearer', token } });
    await assert.rejects(findUserByUserName(asProvider, 'user.coursera'), (e: Error & { status?: number }) => e.status === 403);
  });
});

describe('plan engine request count', function () {
  this.timeout(120_000);
  it('a full status makes the same number of requests on a 10-user and a 100,000-user tenant', async () => {
    const counts: number[] = [];
    for (const users of [10, 100_000]) {
      const f = await planFixture({ users });
      try {
        await f.admin.resetStats();
        const engine = f.engine();
        await engine.status();
        const stats = await f.admin.stats();
        counts.push(stats.requests.total);
        assert.equal(stats.requests.total, engine.requestCount);
      } finally {
        await f.close();
      }
    }
    assert.equal(counts[0], counts[1], `requests: ${counts.join(' vs ')}`);
    assert.ok(counts[0]! <= 20, `a status makes a small fixed number of requests (${counts[0]})`);
  });
});
