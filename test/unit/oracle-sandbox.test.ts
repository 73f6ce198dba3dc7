/**
 * The Oracle client and API modules against the sandbox (real HTTP on 127.0.0.1): contract tests
 * that our schemas parse its responses, batched lookups, idempotent creates, ESS, learning.
 */
import { strict as assert } from 'node:assert';
import { z } from 'zod';
import { OracleClient, type RequestLogEntry } from '../../src/oracle/client';
import { OracleError } from '../../src/oracle/errors';
import { ESS_TERMINAL_STATES, getEssRequest, queryEssRequests, submitEssRequest, waitForEssRequest, type EssRequest } from '../../src/oracle/ess';
import { adfEq } from '../../src/oracle/filters';
import {
  listDigitalLearningProviders,
  listLearnerLearningRecords,
  listLearningItemTypeProviders,
  listSelfPacedItems,
  probeSelfPacedLearning,
  pushProviderContent,
  type SelfPacedItemView,
} from '../../src/oracle/learning';
import { addRoleMember, findRoleByDisplayName, findRoleByName, getRole, removeRoleMember } from '../../src/oracle/scimRoles';
import { createUser, findUserByUserName, findUsersBatched, findUsersByEmail, primaryWorkEmail, scimUserSchema, setUserActive, SCIM_USERS_PATH } from '../../src/oracle/scimUsers';
import { findUserAccount, listUserAccountRoles } from '../../src/oracle/userAccounts';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';

const PROVIDER_DUTY = 'ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY';

async function hook(sb: SandboxHandle, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sb.url}/__sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`hook ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

describe('oracle client against the sandbox', function () {
  this.timeout(30_000);
  let sb: SandboxHandle;
  let admin: OracleClient;
  let jobs: Record<string, string>;
  const logs: RequestLogEntry[] = [];

  before(async () => {
    sb = await startSandbox({ port: 0, users: 300, essStepMs: 30, adminPassword: 'Admin-Sandbox-Pw1' });
    admin = new OracleClient({ baseUrl: sb.url, auth: { kind: 'basic', username: sb.admin.userName, password: sb.admin.password }, proxy: '', onLog: (e) => logs.push(e) });
    jobs = (await hook(sb, 'info')).jobDefinitions;
  });

  after(async () => {
    admin.close();
    await sb.close();
  });

  describe('contract: SCIM Users', () => {
    it('lists with paging and finds a seeded user by user name and by email', async () => {
      const page = await admin.scimList(SCIM_USERS_PATH, scimUserSchema, { count: 40, maxItems: 100 });
      assert.equal(page.resources.length, 100);
      assert.ok((page.totalResults ?? 0) >= 300);
      assert.equal(new Set(page.resources.map((u) => u.id)).size, 100);
      const seeded = page.resources.find((u) => primaryWorkEmail(u) && u.active)!;
      assert.match(seeded.id, /^[0-9A-F]{32}$/);
      const byName = await findUserByUserName(admin, seeded.userName.toUpperCase());
      assert.equal(byName?.id, seeded.id);
      const byEmail = await findUsersByEmail(admin, primaryWorkEmail(seeded)!);
      assert.ok(byEmail.some((u) => u.id === seeded.id));
      assert.equal(await findUserByUserName(admin, 'nobody.here"x\\y'), undefined);
    });

    it('findUsersBatched sends ceil(n/batchSize) requests with OR filters and maps every value', async () => {
      const { resources } = await admin.scimList(SCIM_USERS_PATH, scimUserSchema, { count: 120, maxItems: 120 });
      const names = resources.map((u) => u.userName);
      const values = [...names, 'ghost.one', 'ghost.two', 'ghost.three', 'ghost.four', 'ghost.five'];
      await hook(sb, 'stats/reset', {});
      const before = admin.stats.requests;
      const progress: number[] = [];
      async function* stream() {
        for (const v of values) yield v;
      }
      const found = await findUsersBatched(admin, 'userName', stream(), { batchSize: 50, onProgress: (d) => progress.push(d) });
      assert.equal(admin.stats.requests - before, Math.ceil(values.length / 50));
      const stats = (await hook(sb, 'stats')).requests;
      assert.equal(stats.byRoute['GET /hcmRestApi/scim/Users'], 3);
      assert.equal(found.size, values.length);
      for (const u of resources) assert.deepEqual(found.get(u.userName.toLowerCase())?.map((x) => x.id), [u.id]);
      assert.deepEqual(found.get('ghost.one'), []);
      assert.equal(progress.at(-1), values.length);

      const emails = resources.map(primaryWorkEmail).filter((e): e is string => !!e);
      const byEmail = await findUsersBatched(admin, 'email', emails, { batchSize: 25, concurrency: 2 });
      for (const e of emails) assert.ok((byEmail.get(e.toLowerCase()) ?? []).length >= 1, e);
    });

    it('createUser creates once; a second call gets 409 and returns the existing user with created:false', async () => {
      const input = { userName: 'user.coursera', email: 'coursera.integration@example.com', givenName: 'Coursera', familyName: 'Integration', password: 'Init-Pass-9876' };
      const first = await createUser(admin, input);
      assert.equal(first.created, true);
      assert.equal(first.user.userName, 'user.coursera');
      assert.equal(primaryWorkEmail(first.user), input.email);
      const second = await createUser(admin, { ...input, userName: 'USER.COURSERA' });
      assert.equal(second.created, false);
      assert.equal(second.user.id, first.user.id);
      assert.ok(!JSON.stringify(logs).includes('Init-Pass-9876'), 'the password never reaches a log');
      const account = await findUserAccount(admin, 'user.coursera');
      assert.equal(account?.GUID, first.user.id);
      assert.equal(account?.PersonId, null);
    });

    it('setUserActive deactivates and reactivates', async () => {
      const u = (await findUserByUserName(admin, 'user.coursera'))!;
      await setUserActive(admin, u.id, false);
      assert.equal((await findUserByUserName(admin, 'user.coursera'))?.active, false);
      await setUserActive(admin, u.id, true);
      assert.equal((await findUserByUserName(admin, 'user.coursera'))?.active, true);
    });
  });

  describe('contract: SCIM Roles and userAccounts', () => {
    it('finds the provider duty, adds and removes a member idempotently', async () => {
      const duty = await findRoleByName(admin, PROVIDER_DUTY);
      assert.ok(duty);
      assert.equal(duty.category, 'DUTY');
      assert.ok((await findRoleByDisplayName(admin, duty.displayName!)).some((r) => r.id === duty.id));
      assert.equal(await findRoleByName(admin, 'ORA_NO_SUCH_ROLE'), undefined);
      const u = (await findUserByUserName(admin, 'user.coursera'))!;
      await addRoleMember(admin, duty.id, u.id);
      await addRoleMember(admin, duty.id, u.id);
      assert.equal((await getRole(admin, duty.id)).members.filter((m) => m.value === u.id).length, 1);
      const roles = await listUserAccountRoles(admin, u.id);
      assert.ok(roles.some((r) => r.RoleCode === PROVIDER_DUTY));
      await removeRoleMember(admin, duty.id, u.id);
      assert.ok(!(await getRole(admin, duty.id)).members.some((m) => m.value === u.id));
    });

    it('reads a seeded account with a person and its roles', async () => {
      const account = await findUserAccount(admin, sb.admin.userName);
      assert.ok(account);
      assert.equal(typeof account.UserId, 'number');
      assert.equal(account.SuspendedFlag, false);
      const roles = await listUserAccountRoles(admin, account.GUID);
      assert.ok(roles.some((r) => r.RoleCode === 'ORA_FND_IT_SECURITY_MANAGER_JOB'));
      assert.equal(await findUserAccount(admin, "o'neil.nobody"), undefined);
    });

    it('expand=userAccountRoles brings the roles inline, the same as the child collection', async () => {
      const account = await findUserAccount(admin, sb.admin.userName, { withRoles: true });
      assert.ok(account?.userAccountRoles);
      assert.equal(account.userAccountRoles.hasMore, false);
      const child = await listUserAccountRoles(admin, account.GUID);
      assert.deepEqual(account.userAccountRoles.items.map((r) => r.RoleCode).sort(), child.map((r) => r.RoleCode).sort());
      assert.equal((await findUserAccount(admin, sb.admin.userName))?.userAccountRoles, undefined, 'not expanded unless asked');
    });
  });

  describe('contract: ESS', () => {
    it('submits, reads, queries and waits for a one-off request', async () => {
      const states: string[] = [];
      const submitted = await submitEssRequest(admin, { jobDefinitionId: jobs.loadSyncExternalCourseData!, application: 'EarHcmEss', product: 'HCM' });
      assert.equal(typeof submitted.requestId, 'number');
      assert.equal(submitted.jobDefinitionId, jobs.loadSyncExternalCourseData);
      const read = await getEssRequest(admin, submitted.requestId);
      assert.equal(read.requestId, submitted.requestId);
      const listed = await queryEssRequests(admin, { jobDefinitionId: jobs.loadSyncExternalCourseData! });
      assert.ok(listed.some((r) => r.requestId === submitted.requestId));
      const done = await waitForEssRequest(admin, submitted.requestId, { pollMs: 10, onState: (r) => states.push(r.state) });
      assert.equal(done.state, 'SUCCEEDED');
      assert.ok(ESS_TERMINAL_STATES.includes(done.state));
      assert.equal(states.at(-1), 'SUCCEEDED');
    });

    it('a daily schedule is a RECURRING request that waitForEssRequest does not wait for forever', async () => {
      const r = await submitEssRequest(admin, {
        jobDefinitionId: jobs.reconcileUserGroups!,
        application: 'EarHcmEss',
        schedule: { frequency: 'DAILY', interval: 1, startTime: new Date(Date.now() + 3600_000).toISOString() },
      });
      assert.equal(r.requestType, 'RECURRING');
      const recurring = await queryEssRequests(admin, { jobDefinitionId: jobs.reconcileUserGroups!, requestType: 'RECURRING' });
      assert.ok(recurring.some((x) => x.requestId === r.requestId));
      await assert.rejects(waitForEssRequest(admin, r.requestId, { pollMs: 10, timeoutMs: 60 }), (e: unknown) => e instanceof OracleError && e.reason === 'timeout');
    });

    it('an unknown job definition is an ESS error with its code', async () => {
      await assert.rejects(submitEssRequest(admin, { jobDefinitionId: 'JobDefinition://nope/Nope', application: 'EarHcmEss' }), (e: unknown) => {
        assert.ok(e instanceof OracleError);
        assert.equal(e.code, 'ESS-01001');
        assert.equal(e.status, 400);
        return true;
      });
    });
  });

  describe('contract: learning resources', () => {
    it('probes self-paced learning, pushes content as the provider, reads items, providers and learner records', async () => {
      assert.deepEqual(await probeSelfPacedLearning(admin), { available: true, status: 200 });
      await hook(sb, 'settings', { selfPacedLearning: false });
      assert.deepEqual(await probeSelfPacedLearning(admin), { available: false, status: 404 });
      await hook(sb, 'settings', { selfPacedLearning: true });

      await hook(sb, 'users', { userName: 'user.provider', email: 'prov@example.com', withPerson: false, password: 'Prov-Pass-1234', roles: [PROVIDER_DUTY] });
      await hook(sb, 'external-providers', { provider: 'Coursera', userName: 'user.provider', learnerIdentifier: 'username' });
      const provider = new OracleClient({ baseUrl: sb.url, auth: { kind: 'basic', username: 'user.provider', password: 'Prov-Pass-1234' }, proxy: '' });
      const providers = await listDigitalLearningProviders(provider);
      const coursera = providers.find((p) => p.ProviderName === 'Coursera')!;
      assert.ok(coursera);
      assert.ok((await listLearningItemTypeProviders(provider)).some((p) => p.name === 'Coursera'));

      const pushed = (await pushProviderContent(provider, coursera.ProviderId, {
        ExternalContentId: "urn:course:o'reilly-1",
        Title: 'Machine Learning',
        ContentUrl: 'https://www.coursera.org/learn/machine-learning',
        Languages: ['en'],
        ExpectedEffortInHours: 10,
      })) as SelfPacedItemView;
      assert.match(pushed.id ?? '', /^\d+$/);
      const items = await listSelfPacedItems(admin, { q: adfEq('ExternalContentId', "urn:course:o'reilly-1") });
      assert.equal(items.length, 1);
      assert.equal(items[0]!.id, pushed.id);
      await assert.rejects(listSelfPacedItems(provider), (e: unknown) => e instanceof OracleError && e.reason === 'forbidden');

      // A learner completes it: the provider sends a statement (sandbox stand-in path, test only),
      // the admin runs "Process Learning Experience Statements", the record appears with its completion.
      const learner = (await admin.scimList(SCIM_USERS_PATH, scimUserSchema, { count: 1, maxItems: 1, filter: `active eq true and userName ne "${sb.admin.userName}"` })).resources[0]!;
      const info = await hook(sb, 'info');
      await provider.send('POST', info.xapiPath, {
        headers: { 'X-Experience-API-Version': '1.0.3' },
        body: {
          actor: { account: { homePage: 'https://www.coursera.org', name: learner.userName } },
          verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
          object: { id: "urn:course:o'reilly-1" },
          result: { duration: 'PT1H30M', score: { scaled: 0.9 } },
          timestamp: '2025-05-01T12:00:00Z',
        },
      });
      const run: EssRequest = await submitEssRequest(admin, { jobDefinitionId: jobs.processLearningExperienceStatements!, application: 'EarHcmEss' });
      assert.equal((await waitForEssRequest(admin, run.requestId, { pollMs: 10 })).state, 'SUCCEEDED');
      // learnerLearningRecords applies to the learner [DOC]: the admin sees none of their records.
      assert.deepEqual(await listLearnerLearningRecords(admin, { q: `learningItemId=${pushed.id}` }), []);
      await hook(sb, 'passwords', { userName: learner.userName, password: 'Learner-Pass-1' });
      const asLearner = new OracleClient({ baseUrl: sb.url, auth: { kind: 'basic', username: learner.userName, password: 'Learner-Pass-1' }, proxy: '' });
      const records = await listLearnerLearningRecords(asLearner, { q: `learningItemId=${pushed.id}` });
      asLearner.close();
      assert.equal(records.length, 1);
      assert.equal(records[0]!.assignmentStatus, 'ORA_ASSN_REC_COMPLETE');
      assert.equal(records[0]!.learningItemId, pushed.id);
      assert.equal(records[0]!.completionDetails.length, 1);
      assert.equal(records[0]!.completionDetails[0]!.actualEffortInSeconds, 5400);
      assert.equal(records[0]!.completionDetails[0]!.score, 0.9);
      assert.equal(records[0]!.completionDetails[0]!.completionDate, '2025-05-01T12:00:00.000Z');
      provider.close();
    });
  });

  describe('errors from the sandbox', () => {
    it('a wrong password is reason auth with the Basic hint', async () => {
      const bad = new OracleClient({ baseUrl: sb.url, auth: { kind: 'basic', username: sb.admin.userName, password: 'wrong-password-1' }, proxy: '' });
      await assert.rejects(findUserByUserName(bad, 'x'), (e: unknown) => e instanceof OracleError && e.reason === 'auth' && /user name and password/.test(e.message) && !e.message.includes('wrong-password-1'));
    });

    it('a bad SCIM filter is a 400 with scimType invalidFilter', async () => {
      await assert.rejects(admin.scimList(SCIM_USERS_PATH, z.unknown(), { filter: 'userName zz "x"' }), (e: unknown) => e instanceof OracleError && e.status === 400 && e.code === 'invalidFilter');
    });
  });
});
