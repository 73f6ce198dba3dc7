import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxStartError } from '../../src/sandbox/errors';
import { startSandbox } from '../../src/sandbox/server';
import { ADF, XAPI, basic, setupProvider, startTestSandbox } from './helpers/sandbox';

const USER_URN = 'urn:scim:schemas:core:2.0:User';
const eq = (attr: string, v: string): string => `filter=${encodeURIComponent(`${attr} eq "${v}"`)}`;

describe('sandbox state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oli-sandbox-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips users, roles, providers, content, statements and ESS requests; stores no secret in clear', async () => {
    const statePath = join(dir, 'state.json');
    const first = await startTestSandbox({ users: 100, statePath, adminPassword: 'admin-pw-1' });
    let provider;
    let seeded: { id: string; userName: string }[];
    try {
      provider = await setupProvider(first);
      await first.hook('oauth-clients', { clientId: 'c1', clientSecret: 'client-secret-XYZ', userName: provider.userName });
      const created = await first.call('/hcmRestApi/scim/Users', { body: { schemas: [USER_URN], userName: 'saved.user', password: 'user-pw-ABC', emails: [{ value: 'saved.user@example.com', type: 'W', primary: true }] } });
      assert.equal(created.status, 201);
      seeded = (await (await first.call('/hcmRestApi/scim/Users?startIndex=10&count=2')).json()).Resources;
      await first.call(`/hcmRestApi/scim/Users/${seeded[0]!.id}`, { method: 'PATCH', body: { active: false } });
      assert.equal((await first.call(`/hcmRestApi/scim/Users/${seeded[1]!.id}`, { method: 'DELETE' })).status, 204);
      await first.call(`${ADF}/digitalLearningProviders/${provider.providerId}/child/content`, {
        body: { ExternalContentId: 'urn:c-1', Title: 'Kept', ContentUrl: 'https://c.test/1' }, authorization: `Bearer ${provider.jwt()}`,
      });
      await first.call(XAPI, {
        body: { actor: { mbox: 'mailto:saved.user@example.com' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'urn:c-1' } },
        authorization: `Bearer ${provider.jwt()}`, headers: { 'X-Experience-API-Version': '1.0.3' },
      });
      await first.hook('ess/submit', { jobDefinitionId: (await first.hook('info')).jobDefinitions.reconcileUserGroups, schedule: { frequency: 'DAILY', interval: 1 } });
      await first.hook('settings', { sso: true });
    } finally {
      await first.close();
    }

    const text = readFileSync(statePath, 'utf8');
    for (const secret of ['user-pw-ABC', 'client-secret-XYZ', 'admin-pw-1']) assert.ok(!text.includes(secret), `${secret} is not in the state file`);
    const saved = JSON.parse(text);
    assert.equal(saved.seedUsers, 100);
    assert.ok(saved.users.length <= 5, `only changed users are stored (${saved.users.length})`);

    const second = await startTestSandbox({ users: 3, statePath, adminPassword: 'admin-pw-2' });
    try {
      assert.equal((await second.hook('info')).users, 100, 'the state file decides the tenant size');
      assert.equal((await second.call('/hcmRestApi/scim/Users?count=0', { authorization: basic(second.sb.admin.userName, 'admin-pw-1') })).status, 401, 'the admin password is the new one');
      const su = await (await second.call(`/hcmRestApi/scim/Users?${eq('userName', 'saved.user')}`)).json();
      assert.equal(su.totalResults, 1);
      assert.equal((await second.call('/hcmRestApi/scim/Users', { authorization: basic('saved.user', 'user-pw-ABC') })).status, 403, 'password hash survived (authenticated, no role)');
      assert.equal((await (await second.call(`/hcmRestApi/scim/Users/${seeded[0]!.id}`)).json()).active, false);
      assert.equal((await second.call(`/hcmRestApi/scim/Users/${seeded[1]!.id}`)).status, 404);
      assert.equal((await (await second.call(`/hcmRestApi/scim/Users?${eq('userName', seeded[1]!.userName)}`)).json()).totalResults, 0);
      const providers = await second.call(`${ADF}/digitalLearningProviders`, { authorization: `Bearer ${provider.jwt()}` });
      assert.equal(providers.status, 200, 'certificate, role membership and provider survived');
      const content = await (await second.call(`${ADF}/digitalLearningProviders/${provider.providerId}/child/content`, { authorization: `Bearer ${provider.jwt()}` })).json();
      assert.equal(content.items[0].ExternalContentId, 'urn:c-1');
      assert.equal((await (await second.call(XAPI)).json()).items[0].status, 'pending');
      const ess = await (await second.call('/ess/rest/scheduler/v1/requests')).json();
      // Newest first: the schedule's next run (generated ahead of time), its first run (no start time: at submission), then the schedule;
      // the runs generated before the restart are not generated again.
      assert.deepEqual(ess.items.map((i: { requestType: string }) => i.requestType), ['RECUR_CHILD', 'RECUR_CHILD', 'RECURRING']);
      assert.deepEqual(ess.items.slice(0, 2).map((i: { parentRequestId: number }) => i.parentRequestId), [ess.items[2].requestId, ess.items[2].requestId]);
      const token = await second.call('/oauth2/v1/token', {
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: (await second.hook('info')).scope }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' }, authorization: basic('c1', 'client-secret-XYZ'),
      });
      assert.equal(token.status, 200, 'the OAuth client survived');
      const created = await second.call('/hcmRestApi/scim/Users', { body: { schemas: [USER_URN], userName: 'after.restart' } });
      assert.equal(created.status, 201, 'counters continue without clashes');
    } finally {
      await second.close();
    }
  });

  it('writes changes without waiting for close (debounced)', async () => {
    const statePath = join(dir, 'live.json');
    const t = await startTestSandbox({ statePath });
    try {
      await t.hook('users', { userName: 'written.soon', email: 'written.soon@example.com' });
      const deadline = Date.now() + 10_000;
      while (!(existsSync(statePath) && readFileSync(statePath, 'utf8').includes('written.soon')) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(readFileSync(statePath, 'utf8').includes('written.soon'));
    } finally {
      await t.close();
    }
  });

  it('refuses to start on a file that is not a sandbox state, saying what to do', async () => {
    const statePath = join(dir, 'bad.json');
    writeFileSync(statePath, JSON.stringify({ hello: 'world' }));
    await assert.rejects(startSandbox({ port: 0, statePath }), (err: unknown) => {
      assert.ok(err instanceof SandboxStartError);
      assert.equal(err.reason, 'state-file');
      assert.match(err.message, /bad\.json.*Delete it or pass another --state/);
      return true;
    });
  });
});

describe('sandbox with 100,000 users', () => {
  it('starts and answers a SCIM userName eq filter correctly', async () => {
    const t = await startTestSandbox({ users: 100_000 });
    try {
      const one = await (await t.call('/hcmRestApi/scim/Users?startIndex=87654&count=1')).json();
      const target = one.Resources[0];
      const res = await (await t.call(`/hcmRestApi/scim/Users?${eq('userName', target.userName.toUpperCase())}`)).json();
      assert.equal(one.totalResults, 100_001);
      assert.equal(res.totalResults, 1);
      assert.equal(res.Resources[0].id, target.id);
      assert.equal(res.Resources[0].userName, target.userName);
      const t0 = performance.now();
      const fresh = await startTestSandbox({ users: 100_000 });
      try {
        const direct = await (await fresh.call(`/hcmRestApi/scim/Users?${eq('userName', target.userName)}`)).json();
        console.log(`      (a fresh 100,000-user sandbox started and answered a userName eq filter in ${Math.round(performance.now() - t0)} ms)`);
        assert.equal(direct.Resources[0].id, target.id, 'seeded users are deterministic');
      } finally {
        await fresh.close();
      }
      if (target.emails.length) {
        const byEmail = await (await t.call(`/hcmRestApi/scim/Users?${eq('emails.value', target.emails[0].value)}`)).json();
        assert.ok(byEmail.Resources.some((u: { id: string }) => u.id === target.id));
      }
      const ua = await (await t.call(`${ADF}/userAccounts?q=Username=${encodeURIComponent(target.userName)}`)).json();
      assert.equal(ua.items[0].GUID, target.id);
      assert.equal(typeof ua.items[0].PersonId, 'number', 'seeded users have persons');
    } finally {
      await t.close();
    }
  });
});
