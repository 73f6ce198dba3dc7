import { strict as assert } from 'node:assert';
import { ADF, basic, makeCert, setupProvider, signHs256, signRs256, startTestSandbox, unsignedJwt, type TestSandbox } from './helpers/sandbox';

const PROVIDERS = `${ADF}/digitalLearningProviders`;

describe('sandbox authentication and authorization', () => {
  let t: TestSandbox;
  let p: Awaited<ReturnType<typeof setupProvider>>;
  const nowS = (): number => Math.floor(Date.now() / 1000);

  before(async () => {
    t = await startTestSandbox();
    p = await setupProvider(t);
  });
  after(() => t.close());

  async function lastFailure(): Promise<string> {
    const { items } = await t.hook('auth-failures');
    return items.at(-1).reason;
  }

  async function expect401(token: string, reason: string): Promise<void> {
    const res = await t.call(PROVIDERS, { authorization: `Bearer ${token}` });
    assert.equal(res.status, 401, reason);
    assert.ok(res.headers.get('www-authenticate'), 'WWW-Authenticate is set');
    const body = await res.json();
    assert.equal(body.title, 'Unauthorized');
    assert.equal(body.status, 401);
    assert.equal(typeof body['o:errorDetails'][0].detail, 'string');
    assert.doesNotMatch(JSON.stringify(body), /issuer|x5t|expired|signature|inactive|HS256/i, 'the 401 does not say which check failed');
    assert.equal(await lastFailure(), reason);
  }

  describe('JWT bearer (Security Console API Authentication)', () => {
    it('accepts a valid RS256 token: 200 on the provider resources', async () => {
      const res = await t.call(PROVIDERS, { authorization: `Bearer ${p.jwt()}` });
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.items[0].ProviderName, 'Coursera');
      assert.equal(body.items[0].UserName, p.userName);
    });

    it('accepts sub alone, and an exp within the 60 s leeway', async () => {
      const token = signRs256({ alg: 'RS256', typ: 'JWT', x5t: p.cert.x5t }, { iss: p.issuer, sub: p.userName, exp: nowS() - 30 }, p.cert.privateKey);
      assert.equal((await t.call(PROVIDERS, { authorization: `Bearer ${token}` })).status, 200);
    });

    it('rejects a wrong issuer (exact match only)', async () => {
      await expect401(p.jwt({ iss: `${p.issuer}/` }), 'jwt-wrong-issuer');
      await expect401(p.jwt({ iss: p.issuer.toUpperCase() }), 'jwt-wrong-issuer');
    });

    it('rejects a token whose x5t names no registered certificate', async () => {
      const other = makeCert('someone else');
      const token = signRs256({ alg: 'RS256', typ: 'JWT', x5t: other.x5t }, { iss: p.issuer, prn: p.userName, exp: nowS() + 600 }, other.privateKey);
      await expect401(token, 'jwt-unknown-x5t');
      const noX5t = signRs256({ alg: 'RS256', typ: 'JWT' }, { iss: p.issuer, prn: p.userName, exp: nowS() + 600 }, p.cert.privateKey);
      await expect401(noX5t, 'jwt-unknown-x5t');
    });

    it('rejects the registered x5t with a signature from another key', async () => {
      const other = makeCert('impostor');
      const token = signRs256({ alg: 'RS256', typ: 'JWT', x5t: p.cert.x5t }, { iss: p.issuer, prn: p.userName, exp: nowS() + 600 }, other.privateKey);
      await expect401(token, 'jwt-bad-signature');
    });

    it('rejects HS256 (keyed with the public certificate or anything else) and alg none', async () => {
      const claims = { iss: p.issuer, prn: p.userName, exp: nowS() + 600 };
      await expect401(signHs256({ typ: 'JWT', x5t: p.cert.x5t }, claims, p.cert.certificatePem), 'jwt-alg-not-rs256');
      await expect401(signHs256({ typ: 'JWT', x5t: p.cert.x5t }, claims, 'secret'), 'jwt-alg-not-rs256');
      await expect401(unsignedJwt({ typ: 'JWT', x5t: p.cert.x5t }, claims), 'jwt-alg-not-rs256');
    });

    it('rejects an expired token and one without exp', async () => {
      await expect401(p.jwt({ exp: nowS() - 120 }), 'jwt-expired');
      const noExp = signRs256({ alg: 'RS256', typ: 'JWT', x5t: p.cert.x5t }, { iss: p.issuer, prn: p.userName }, p.cert.privateKey);
      await expect401(noExp, 'jwt-missing-exp');
    });

    it('rejects an unknown user and an inactive user', async () => {
      await expect401(p.jwt({ prn: 'no.such.user', sub: 'no.such.user' }), 'unknown-user');
      await t.hook('users', { userName: 'inactive.provider', email: 'inactive.provider@example.com', active: false, roles: ['XX_COURSERA_PROVIDER_JOB'] });
      await expect401(p.jwt({ prn: 'inactive.provider', sub: 'inactive.provider' }), 'inactive-user');
    });

    it('answers 403 to a valid token of a user without the provider duty', async () => {
      await t.hook('users', { userName: 'employee.only', email: 'employee.only@example.com', roles: ['ORA_PER_EMPLOYEE_ABSTRACT'] });
      const res = await t.call(PROVIDERS, { authorization: `Bearer ${p.jwt({ prn: 'employee.only', sub: 'employee.only' })}` });
      assert.equal(res.status, 403);
      assert.match(await res.text(), /ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY/);
    });
  });

  describe('role-based access', () => {
    it('a provider-duty-only user gets 403 on SCIM Users, ESS, userAccounts and learner records', async () => {
      const auth = `Bearer ${p.jwt()}`;
      const scim = await t.call('/hcmRestApi/scim/Users?count=1', { authorization: auth });
      assert.equal(scim.status, 403);
      assert.deepEqual((await scim.json()).schemas, ['urn:scim:api:messages:2.0:Error']);
      assert.equal((await t.call('/ess/rest/scheduler/v1/requests', { authorization: auth })).status, 403);
      assert.equal((await t.call(`${ADF}/userAccounts`, { authorization: auth })).status, 403);
      assert.equal((await t.call(`${ADF}/learnerLearningRecords`, { authorization: auth })).status, 403);
      assert.equal((await t.call(`${ADF}/learningItemTypeProviders`, { authorization: auth })).status, 200);
    });

    it('a user with no role (and no person) gets 403 everywhere; the default admin reaches what its roles grant', async () => {
      await t.hook('users', { userName: 'no.roles', email: 'no.roles@example.com', password: 'pw-no-roles', withPerson: false });
      const auth = basic('no.roles', 'pw-no-roles');
      for (const path of [PROVIDERS, '/hcmRestApi/scim/Users', '/ess/rest/scheduler/v1/requests', `${ADF}/learnerLearningRecords`, `${ADF}/userAccounts`, `${ADF}/learningSelfPacedItems`]) {
        assert.equal((await t.call(path, { authorization: auth })).status, 403, path);
      }
      for (const path of ['/hcmRestApi/scim/Users', '/ess/rest/scheduler/v1/requests', `${ADF}/learnerLearningRecords`, `${ADF}/userAccounts`, `${ADF}/learningSelfPacedItems`]) {
        assert.equal((await t.call(path)).status, 200, `admin ${path}`);
      }
      // Not the provider duty: Oracle grants digitalLearningProviders only through it.
      const providers = await t.call(PROVIDERS, { headers: { 'REST-Framework-Version': '4' } });
      assert.equal(providers.status, 403);
      const body = await providers.json();
      assert.match(body['o:errorDetails'][0].detail, /needs duty role ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY/);
    });

    it('a worker (a user with a person) holds the Employee role implicitly: their own learner records, nothing else', async () => {
      await t.hook('users', { userName: 'worker.one', email: 'worker.one@example.com', password: 'pw-worker-1' });
      const auth = basic('worker.one', 'pw-worker-1');
      const own = await t.call(`${ADF}/learnerLearningRecords`, { authorization: auth });
      assert.equal(own.status, 200);
      assert.deepEqual((await own.json()).items, []);
      for (const path of [PROVIDERS, '/hcmRestApi/scim/Users', '/ess/rest/scheduler/v1/requests', `${ADF}/userAccounts`]) {
        assert.equal((await t.call(path, { authorization: auth })).status, 403, path);
      }
    });

    it('Basic with a wrong password or no credentials is 401', async () => {
      assert.equal((await t.call(PROVIDERS, { authorization: basic(t.sb.admin.userName, 'wrong') })).status, 401);
      assert.equal(await lastFailure(), 'bad-password');
      assert.equal((await t.call(PROVIDERS, { authorization: null })).status, 401);
      assert.equal(await lastFailure(), 'missing-credentials');
    });
  });

  describe('OAuth client credentials stand-in', () => {
    let scope: string;
    before(async () => {
      scope = (await t.hook('info')).scope;
      await t.hook('oauth-clients', { clientId: 'coursera-client', clientSecret: 'client-secret-1', userName: p.userName });
    });

    const token = (form: Record<string, string>, authorization: string | null = null) =>
      t.call('/oauth2/v1/token', { body: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, authorization });

    it('issues a bearer token for the right secret and scope; the token acts as the registered user', async () => {
      const res = await token({ grant_type: 'client_credentials', scope }, basic('coursera-client', 'client-secret-1'));
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, 3600);
      assert.equal(typeof body.access_token, 'string');
      assert.equal((await t.call(PROVIDERS, { authorization: `Bearer ${body.access_token}` })).status, 200);
      assert.equal((await t.call('/hcmRestApi/scim/Users', { authorization: `Bearer ${body.access_token}` })).status, 403);
      const post = await token({ grant_type: 'client_credentials', scope, client_id: 'coursera-client', client_secret: 'client-secret-1' });
      assert.equal(post.status, 200, 'client_secret_post works too');
    });

    it('answers 401 invalid_client for a bad secret and 400 invalid_scope for another scope', async () => {
      const bad = await token({ grant_type: 'client_credentials', scope }, basic('coursera-client', 'nope'));
      assert.equal(bad.status, 401);
      const badBody = await bad.json();
      assert.equal(badBody.error, 'invalid_client');
      assert.ok(!JSON.stringify(badBody).includes('nope'));
      const wrongScope = await token({ grant_type: 'client_credentials', scope: 'urn:opc:resource:consumer::all' }, basic('coursera-client', 'client-secret-1'));
      assert.equal(wrongScope.status, 400);
      assert.equal((await wrongScope.json()).error, 'invalid_scope');
      const unknownToken = await t.call(PROVIDERS, { authorization: 'Bearer not-a-real-token' });
      assert.equal(unknownToken.status, 401);
      assert.equal(await lastFailure(), 'unknown-token');
    });
  });
});
