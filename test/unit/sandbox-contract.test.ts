import { strict as assert } from 'node:assert';
import { ADF, basic, startTestSandbox, type TestSandbox } from './helpers/sandbox';

const USER_URN = 'urn:scim:schemas:core:2.0:User';
const ROLE_URN = 'urn:oracle:apps:scim:schemas:fa:1.0:Role';
const filterQ = (f: string): string => `filter=${encodeURIComponent(f)}`;

describe('sandbox contract (docs/SANDBOX.md) over HTTP', () => {
  let t: TestSandbox;
  let clock = Date.now();
  before(async () => {
    t = await startTestSandbox({ users: 300, now: () => clock });
  });
  after(() => t.close());

  async function firstSeeded(): Promise<{ id: string; userName: string; emails: Array<{ value: string }> }> {
    const res = await t.call(`/hcmRestApi/scim/Users?startIndex=5&count=1`);
    return (await res.json()).Resources[0];
  }

  describe('SCIM Users', () => {
    it('lists with the Fusion ListResponse shape, 1-based startIndex and count', async () => {
      const res = await t.call('/hcmRestApi/scim/Users?startIndex=3&count=7');
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.deepEqual(body.schemas, ['urn:scim:api:messages:2.0:ListResponse']);
      assert.equal(body.startIndex, 3);
      assert.equal(body.itemsPerPage, 7);
      assert.equal(body.Resources.length, 7);
      assert.equal(body.totalResults, 301, '300 seeded users + the admin');
      const u = body.Resources[0];
      assert.deepEqual(u.schemas, [USER_URN]);
      assert.match(u.id, /^[0-9A-F]{32}$/);
      assert.equal(u.meta.resourceType, 'User');
      assert.ok(u.meta.location.endsWith(`/hcmRestApi/scim/Users/${u.id}`));
      assert.deepEqual(Object.keys(u.name).sort(), ['familyName', 'givenName']);
      assert.equal(u['urn:scim:schemas:extension:fa:2.0:faUser'].userCategory, 'DEFAULT');
      assert.equal(u.preferredLanguage, 'en');
      assert.equal(typeof u.active, 'boolean');
      assert.equal(u.password, undefined);
      assert.equal(u.roles, undefined, 'roles are read through Roles, not listed on users');
    });

    it('finds a user by userName eq, case-insensitively, and projects attributes', async () => {
      const seeded = await firstSeeded();
      const res = await t.call(`/hcmRestApi/scim/Users?${filterQ(`userName eq "${seeded.userName.toUpperCase()}"`)}&attributes=userName`);
      const body = await res.json();
      assert.equal(body.totalResults, 1);
      assert.deepEqual(Object.keys(body.Resources[0]).sort(), ['id', 'schemas', 'userName']);
      assert.equal(body.Resources[0].id, seeded.id);
    });

    it('creates a user: 201, no password echoed, PersonId null in userAccounts; 409 on a duplicate userName', async () => {
      const body = {
        schemas: [USER_URN], name: { familyName: 'Integration', givenName: 'Coursera' }, active: true, userName: 'user.coursera.c1',
        emails: [{ primary: true, value: 'user.coursera.c1@example.com', type: 'W' }], displayName: 'Coursera Integration', password: 'S3cret-Value!',
      };
      const res = await t.call('/hcmRestApi/scim/Users', { body });
      assert.equal(res.status, 201);
      const text = await res.text();
      assert.ok(!text.includes('S3cret-Value!'), 'the password is never echoed');
      const created = JSON.parse(text);
      assert.equal(created.password, undefined);
      assert.equal(created.userName, 'user.coursera.c1');
      assert.match(created.id, /^[0-9A-F]{32}$/);
      assert.equal(created['urn:scim:schemas:extension:fa:2.0:faUser'].userCategory, 'DEFAULT');
      assert.ok(created.meta.created && created.meta.lastModified);

      const again = await t.call('/hcmRestApi/scim/Users', { body: { ...body, userName: 'USER.Coursera.C1' } });
      assert.equal(again.status, 409);
      const err = await again.json();
      assert.deepEqual(err.schemas, ['urn:scim:api:messages:2.0:Error']);
      assert.equal(err.status, '409');
      assert.ok(!JSON.stringify(err).includes('S3cret-Value!'));

      const ua = await t.call(`${ADF}/userAccounts?q=${encodeURIComponent("Username='user.coursera.c1'")}`);
      const uaBody = await ua.json();
      assert.equal(uaBody.count, 1);
      assert.equal(uaBody.items[0].PersonId, null);
      assert.equal(uaBody.items[0].PersonNumber, null);
      assert.equal(uaBody.items[0].GUID, created.id);
      assert.equal(uaBody.items[0].SuspendedFlag, false);

      const signIn = await t.call('/hcmRestApi/scim/Users?count=1', { authorization: basic('user.coursera.c1', 'S3cret-Value!') });
      assert.equal(signIn.status, 403, 'the password works (authenticated) but the user has no role');
    });

    it('rejects the IETF schema URN with a 400 that names the Fusion one', async () => {
      const res = await t.call('/hcmRestApi/scim/Users', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'x.y1' } });
      assert.equal(res.status, 400);
      assert.match((await res.json()).detail, /urn:scim:schemas:core:2\.0:User/);
    });

    it('PATCH (PatchOp and short form) deactivates; PUT replaces; DELETE removes', async () => {
      const created = await (await t.call('/hcmRestApi/scim/Users', { body: { schemas: [USER_URN], userName: 'patch.me1', emails: [{ value: 'patch.me1@example.com', type: 'W', primary: true }] } })).json();
      const p1 = await t.call(`/hcmRestApi/scim/Users/${created.id}`, {
        method: 'PATCH', body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
      });
      assert.equal(p1.status, 200);
      assert.equal((await p1.json()).active, false);
      const p2 = await t.call(`/hcmRestApi/scim/Users/${created.id}`, { method: 'PATCH', body: { active: true, displayName: 'Patched' } });
      const p2b = await p2.json();
      assert.equal(p2b.active, true);
      assert.equal(p2b.displayName, 'Patched');
      const put = await t.call(`/hcmRestApi/scim/Users/${created.id}`, { method: 'PUT', body: { schemas: [USER_URN], userName: 'patch.me1', displayName: 'Put' } });
      assert.equal((await put.json()).emails.length, 0, 'PUT replaces the whole user');
      assert.equal((await t.call(`/hcmRestApi/scim/Users/${created.id}`, { method: 'DELETE' })).status, 204);
      assert.equal((await t.call(`/hcmRestApi/scim/Users/${created.id}`)).status, 404);
    });

    it('answers 400 invalidFilter for a bad filter', async () => {
      for (const f of ['userName eq', 'userName eq "a" and', 'nosuch eq "x"', '(userName eq "a"', 'userName zz "a"']) {
        const res = await t.call(`/hcmRestApi/scim/Users?${filterQ(f)}`);
        assert.equal(res.status, 400, f);
        assert.equal((await res.json()).scimType, 'invalidFilter', f);
      }
    });
  });

  describe('SCIM Roles', () => {
    it('finds a role by name with the Fusion Role URN; PATCH ADD/REMOVE → 204; POST → 405', async () => {
      const res = await t.call(`/hcmRestApi/scim/Roles?${filterQ('name eq "ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY"')}`);
      const body = await res.json();
      assert.equal(body.totalResults, 1);
      const role = body.Resources[0];
      assert.deepEqual(role.schemas, [ROLE_URN]);
      assert.equal(role.category, 'DUTY');
      assert.equal(role.displayName, 'Learning Content Provider');
      assert.deepEqual(role.members, []);
      const user = await firstSeeded();

      const add = await t.call(`/hcmRestApi/scim/Roles/${role.id}`, { method: 'PATCH', body: { members: [{ value: user.id, operation: 'ADD' }] } });
      assert.equal(add.status, 204);
      const addAgain = await t.call(`/hcmRestApi/scim/Roles/${role.id}`, { method: 'PATCH', body: { members: [{ value: user.id, operation: 'ADD' }] } });
      assert.equal(addAgain.status, 204);
      const after = await (await t.call(`/hcmRestApi/scim/Roles/${role.id}`)).json();
      assert.deepEqual(after.members, [{ value: user.id }]);
      const byMember = await (await t.call(`/hcmRestApi/scim/Roles?${filterQ(`members.value eq "${user.id}"`)}`)).json();
      assert.deepEqual(byMember.Resources.map((r: { name: string }) => r.name), ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY']);
      const uar = await (await t.call(`${ADF}/userAccounts/${user.id}/child/userAccountRoles`)).json();
      assert.equal(uar.items[0].RoleCode, 'ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY');
      assert.equal(typeof uar.items[0].RoleId, 'number');
      assert.equal(typeof uar.items[0].UserRoleId, 'number');

      const remove = await t.call(`/hcmRestApi/scim/Roles/${role.id}`, { method: 'PATCH', body: { members: [{ value: user.id, operation: 'REMOVE' }] } });
      assert.equal(remove.status, 204);
      assert.deepEqual((await (await t.call(`/hcmRestApi/scim/Roles/${role.id}`)).json()).members, []);

      const unknown = await t.call(`/hcmRestApi/scim/Roles/${role.id}`, { method: 'PATCH', body: { members: [{ value: 'F'.repeat(32), operation: 'ADD' }] } });
      assert.equal(unknown.status, 400);
      const post = await t.call('/hcmRestApi/scim/Roles', { body: { schemas: [ROLE_URN], name: 'X' } });
      assert.equal(post.status, 405);
    });
  });

  describe('ADF collections and q', () => {
    it('has items/count/hasMore/limit/offset/links, pages, totalResults, fields and onlyData', async () => {
      const total = (await (await t.call('/hcmRestApi/scim/Users?count=0')).json()).totalResults;
      const res = await t.call(`${ADF}/userAccounts?limit=10&offset=20&totalResults=true`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /application\/vnd\.oracle\.adf\.resourcecollection\+json/);
      const body = await res.json();
      assert.equal(body.count, 10);
      assert.equal(body.limit, 10);
      assert.equal(body.offset, 20);
      assert.equal(body.hasMore, true);
      assert.equal(body.totalResults, total);
      assert.equal(body.links[0].rel, 'self');
      assert.equal(body.links[0].kind, 'collection');
      assert.equal(body.items[0].links[0].rel, 'self');
      const last = await (await t.call(`${ADF}/userAccounts?limit=500&offset=${total - 1}`)).json();
      assert.equal(last.count, 1);
      assert.equal(last.hasMore, false);
      const big = await (await t.call(`${ADF}/userAccounts?limit=9999`)).json();
      assert.equal(big.limit, 500);
      const dflt = await (await t.call(`${ADF}/userAccounts`)).json();
      assert.equal(dflt.limit, 25);
      const slim = await (await t.call(`${ADF}/userAccounts?fields=Username,PersonId&onlyData=true&limit=1`)).json();
      assert.deepEqual(Object.keys(slim.items[0]).sort(), ['PersonId', 'Username']);
    });

    it('parses q per REST-Framework-Version (v1 A=v;B=w, v2 RowMatch) and rejects unknown attributes', async () => {
      const u = await firstSeeded();
      const v1 = await (await t.call(`${ADF}/userAccounts?q=${encodeURIComponent(`Username=${u.userName};SuspendedFlag=false`)}`)).json();
      assert.equal(v1.count, 1);
      const v2 = await t.call(`${ADF}/userAccounts?q=${encodeURIComponent(`(Username = '${u.userName}' or Username = "nobody.x1") and SuspendedFlag = 'false'`)}`, { headers: { 'REST-Framework-Version': '2' } });
      assert.equal((await v2.json()).count, 1);
      const bad = await t.call(`${ADF}/userAccounts?q=Nope=1`);
      assert.equal(bad.status, 400);
      assert.match(bad.headers.get('content-type') ?? '', /text\/plain/, 'framework v1 errors are plain text');
      const bad4 = await t.call(`${ADF}/userAccounts?q=Nope=1`, { headers: { 'REST-Framework-Version': '4' } });
      assert.equal(bad4.status, 400);
      assert.match(bad4.headers.get('content-type') ?? '', /application\/vnd\.oracle\.adf\.error\+json/);
      const err = await bad4.json();
      assert.equal(err.status, 400);
      assert.equal(typeof err.title, 'string');
      assert.equal(typeof err['o:errorDetails'][0].detail, 'string');
      assert.equal(typeof err['o:errorDetails'][0]['o:errorCode'], 'string');
      assert.equal((await t.call(`${ADF}/userAccounts/${u.id}`)).status, 200);
      assert.equal((await t.call(`${ADF}/userAccounts/${'0'.repeat(32)}`)).status, 404);
    });

    it('learningSelfPacedItems answers 404 when self-paced learning is disabled', async () => {
      assert.equal((await t.call(`${ADF}/learningSelfPacedItems?limit=1`)).status, 200);
      await t.hook('settings', { selfPacedLearning: false });
      try {
        assert.equal((await t.call(`${ADF}/learningSelfPacedItems?limit=1`)).status, 404);
      } finally {
        await t.hook('settings', { selfPacedLearning: true });
      }
    });
  });

  describe('ESS scheduler', () => {
    const PLES = 'JobDefinition://oracle/apps/ess/hcm/learning/sandbox-standin/ProcessLearningExperienceStatements';

    it('moves a one-off request WAIT → RUNNING → SUCCEEDED from the clock', async () => {
      const res = await t.call('/ess/rest/scheduler/v1/requests', { body: { jobDefinitionId: PLES, application: 'EarHcmEss', product: 'HCM', requestParameters: [] } });
      assert.equal(res.status, 201);
      const r = await res.json();
      assert.equal(r.requestId, r.id);
      assert.equal(r.state, 'WAIT');
      assert.equal(r.requestType, 'ONCE');
      assert.equal(r.scheduleDefinition, null);
      assert.deepEqual(r.links.map((l: { rel: string }) => l.rel), ['self', 'cancel', 'hold', 'release']);
      clock += 150;
      const running = await (await t.call(`/ess/rest/scheduler/v1/requests/${r.id}?fields=@full`)).json();
      assert.equal(running.state, 'RUNNING');
      assert.ok(running.processStartTime);
      clock += 100;
      const done = await (await t.call(`/ess/rest/scheduler/v1/requests/${r.id}?fields=@full`)).json();
      assert.equal(done.state, 'SUCCEEDED');
      assert.ok(done.processEndTime);
      const q = await (await t.call(`/ess/rest/scheduler/v1/requests?q=${encodeURIComponent(`jobDefinitionId eq "${PLES}" and state eq "SUCCEEDED"`)}`)).json();
      assert.ok(q.items.some((i: { id: number }) => i.id === r.id));
      assert.deepEqual(Object.keys(q).sort(), ['count', 'hasMore', 'items', 'limit', 'offset']);
      const cancelDone = await t.call(`/ess/rest/scheduler/v1/requests/${r.id}/action/cancel`, { method: 'POST' });
      assert.equal(cancelDone.status, 400);
    });

    it('keeps a recurring request in WAIT until cancelled', async () => {
      const r = await (await t.call('/ess/rest/scheduler/v1/requests', {
        body: { jobDefinitionId: PLES, application: 'EarHcmEss', product: 'HCM', schedule: { frequency: 'DAILY', interval: 1, startTime: new Date(clock).toISOString() } },
      })).json();
      assert.equal(r.requestType, 'RECURRING');
      clock += 10_000;
      assert.equal((await (await t.call(`/ess/rest/scheduler/v1/requests/${r.id}`)).json()).state, 'WAIT');
      assert.equal((await t.call(`/ess/rest/scheduler/v1/requests/${r.id}/action/cancel`, { method: 'POST' })).status, 204);
      assert.equal((await (await t.call(`/ess/rest/scheduler/v1/requests/${r.id}`)).json()).state, 'CANCELLED');
      const recurring = await (await t.call(`/ess/rest/scheduler/v1/requests?q=${encodeURIComponent('requestType eq "RECURRING"')}`)).json();
      assert.ok(recurring.items.every((i: { requestType: string }) => i.requestType === 'RECURRING') && recurring.count >= 1);
    });

    it('answers ESS errors: unknown job ESS-01001, unknown request 404', async () => {
      const res = await t.call('/ess/rest/scheduler/v1/requests', { body: { jobDefinitionId: 'JobDefinition://nope/Nope', application: 'EarHcmEss', product: 'HCM' } });
      assert.equal(res.status, 400);
      const err = await res.json();
      assert.deepEqual(Object.keys(err).sort(), ['detail', 'errorCode', 'status', 'title']);
      assert.equal(err.errorCode, 'ESS-01001');
      const missing = await t.call('/ess/rest/scheduler/v1/requests/999999');
      assert.equal(missing.status, 404);
      assert.match((await missing.json()).errorCode, /^ESS-\d{5}$/);
    });
  });

  it('GET /__sandbox/info lists the stand-ins', async () => {
    const info = await t.hook('info');
    assert.equal(info.emulator, true);
    assert.equal(info.xapiPath, '/hcmRestApi/sandbox-standin/xapi/statements');
    assert.equal(info.scope, `urn:opc:resource:fa:instanceid=${info.instanceId}urn:opc:resource:consumer::all`);
    assert.ok(Object.values(info.jobDefinitions).every((id) => String(id).includes('/sandbox-standin/')));
  });
});
