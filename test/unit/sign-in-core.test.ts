/**
 * The core of issue 15: the environment's `auth` in the plan (no secret), the order the methods are
 * offered in, the OAuth session's renewal before it ends (a clock the test moves; real HTTP to the
 * sandbox's identity domain), the own key's short-lived tokens, and the redaction of OAuth's secrets.
 */
import { strict as assert } from 'node:assert';
import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { ADMIN_JWT_LIFETIME_S, createAdminKey, JwtTokenSource } from '../../src/core/auth/adminKey';
import { SIGN_IN_METHODS } from '../../src/core/auth/methods';
import { newSession, oauthSessionValue, OAuthTokenSource } from '../../src/core/auth/oauthSession';
import type { SignInStore } from '../../src/core/auth/signInStore';
import { parsePlan } from '../../src/core/plan/planFile';
import { planJsonSchema } from '../../src/core/plan/planSchemaJson';
import { authorizeUrl, createPkce, IdentityDomainClient, readCallback } from '../../src/oracle/oauthPkce';
import { redactBody, redactUrl, REDACTED } from '../../src/oracle/redact';
import { consent } from '../helpers/identityDomainBrowser';
import { testPlan } from './plan.helpers';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';

class MemoryStore implements SignInStore {
  readonly values = new Map<string, string>();
  async read(k: string) {
    return this.values.get(k);
  }
  async write(k: string, v: string) {
    this.values.set(k, v);
  }
  async remove(k: string) {
    this.values.delete(k);
  }
}

const planWith = (auth: unknown) => JSON.stringify({ ...testPlan('https://pod.example.invalid', {}, 'dev'), environments: { dev: { url: 'https://pod.example.invalid', auth } } });

describe('sign-in: the plan, the methods, the sessions and the keys', function () {
  this.timeout(30_000);

  it("the environment's auth in the plan: three methods, no secret", () => {
    const oauth = { method: 'oauth', identityDomain: 'https://idcs-0123.identity.oraclecloud.com', clientId: 'abc', scope: 'urn:opc:resource:fa:instanceid=1urn:opc:resource:consumer::all offline_access' };
    assert.deepEqual(parsePlan(planWith(oauth)).environments.dev!.auth, oauth);
    assert.deepEqual(parsePlan(planWith({ method: 'jwt' })).environments.dev!.auth, { method: 'jwt' });
    assert.deepEqual(parsePlan(planWith({ method: 'basic' })).environments.dev!.auth, { method: 'basic' });
    assert.throws(() => parsePlan(planWith({ ...oauth, clientSecret: 'x' })), /clientSecret|not a valid plan/);
    assert.throws(() => parsePlan(planWith({ method: 'basic', password: 'x' })), /password|not a valid plan/);
    assert.throws(() => parsePlan(planWith({ method: 'saml' })), /not a valid plan/);
    assert.throws(() => parsePlan(planWith({ ...oauth, identityDomain: 'http://idcs.example.invalid' })), /https/);
    const schema = JSON.stringify(planJsonSchema());
    for (const m of ['oauth', 'jwt', 'basic']) assert.ok(schema.includes(`"const":"${m}"`), `the JSON schema knows ${m}`);
  });

  it('offers OAuth, then the own JWT key, then Basic marked least preferred', () => {
    assert.deepEqual(SIGN_IN_METHODS.map((m) => m.method), ['oauth', 'jwt', 'basic']);
    assert.match(SIGN_IN_METHODS[2]!.label, /least preferred/);
  });

  it('builds the authorization request with PKCE (S256) and reads the answer, refusing another state', () => {
    const pkce = createPkce();
    assert.equal(pkce.verifier.length, 43);
    const url = new URL(authorizeUrl({ identityDomain: 'https://idcs.example.invalid/', clientId: 'c', redirectUri: 'http://127.0.0.1:1/callback?x=1&y=2', scope: 'a b', pkce }));
    assert.equal(url.pathname, '/oauth2/v1/authorize');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('redirect_uri'), 'http://127.0.0.1:1/callback?x=1&y=2');
    assert.ok(url.search.includes('scope=a%20b'), 'a space is %20');
    assert.deepEqual(readCallback(new URLSearchParams({ code: 'k', state: pkce.state }), pkce.state), { ok: true, code: 'k' });
    assert.equal(readCallback(new URLSearchParams({ code: 'k', state: 'other' }), pkce.state).ok, false);
  });

  it("never logs OAuth's secrets: the code, the verifier, the refresh token, device and user codes", () => {
    const body = redactBody(new URLSearchParams({ grant_type: 'authorization_code', code: 'CODE1', code_verifier: 'VER1', refresh_token: 'RT1', device_code: 'DC1', user_code: 'UC1', client_id: 'public' })) as string;
    for (const v of ['CODE1', 'VER1', 'RT1', 'DC1', 'UC1']) assert.ok(!body.includes(v), body);
    assert.ok(body.includes('client_id=public') && body.includes('grant_type=authorization_code'));
    assert.ok(!redactUrl('http://127.0.0.1:5/callback?code=CODE2&state=s').includes('CODE2'));
    assert.deepEqual(redactBody({ code: 'CODE3', refresh_token: 'RT3', access_token: 'AT3' }), { code: REDACTED, refresh_token: REDACTED, access_token: REDACTED });
  });

  describe('against the sandbox identity domain', () => {
    let t: TestSandbox;
    let scope: string;
    before(async () => {
      t = await startTestSandbox({ basicAuth: false });
      scope = `${(await t.hook('info')).scope} offline_access`;
      await t.hook('oauth-apps', { clientId: 'core-test', redirectUris: ['http://127.0.0.1/callback'], accessTokenTtlS: 600 });
    });
    after(() => t.close());

    async function signIn() {
      const pkce = createPkce();
      const redirectUri = 'http://127.0.0.1:9/callback';
      const c = await consent(authorizeUrl({ identityDomain: t.sb.url, clientId: 'core-test', redirectUri, scope, pkce }), t.sb.admin.userName, t.sb.admin.password);
      const answer = readCallback(new URL(c.location!).searchParams, pkce.state);
      assert.ok(answer.ok);
      const domain = new IdentityDomainClient(t.sb.url, 'core-test');
      const tokens = await domain.exchangeCode(answer.code, redirectUri, pkce.verifier);
      return { domain, tokens };
    }

    it('renews the access token shortly before it ends, stores the new pair, and ends the session once renewal is refused', async () => {
      const { domain, tokens } = await signIn();
      const store = new MemoryStore();
      const auth = { method: 'oauth' as const, identityDomain: t.sb.url, clientId: 'core-test', scope };
      let now = Date.now();
      const session = newSession({ environment: 'dev', url: t.sb.url, auth, tokens, grant: 'authorization-code', now });
      assert.equal(session.userName, t.sb.admin.userName);
      const stored = oauthSessionValue(store, 'dev', t.sb.url);
      await stored.write(session);
      const ended: string[] = [];
      const source = new OAuthTokenSource(session, stored, () => domain, { signInAgain: 'Sign in again.', onEnded: (e) => ended.push(e.message), now: () => now });
      assert.equal(await source.token(), tokens.accessToken, 'valid: no request');
      now = tokens.expiresAt - 30_000; // inside the renewal margin (60 s)
      const renewed = await source.token();
      assert.notEqual(renewed, tokens.accessToken);
      const after = (await stored.read())!;
      assert.equal(after.accessToken, renewed);
      assert.notEqual(after.refreshToken, tokens.refreshToken);
      assert.equal((await t.call('/hcmRestApi/scim/Users?count=1', { authorization: `Bearer ${renewed}` })).status, 200);
      // Refused once by the pod: one renewal, then the next token.
      assert.equal(source.invalidate(), true);
      const again = await source.token();
      assert.notEqual(again, renewed);
      await t.hook('identity-domain/revoke', {});
      source.invalidate();
      await assert.rejects(() => source.token(), (e: Error) => e.name === 'NotSignedInError' && /refused to renew the OAuth session of "dev" \(invalid_grant/.test(e.message) && /Sign in again\./.test(e.message));
      assert.equal(await stored.read(), undefined, 'the ended session is forgotten');
      assert.equal(ended.length, 1);
    });
  });

  it("the own key signs tokens of minutes (RS256, x5t of its certificate, prn and sub the administrator), renewed before they end", async () => {
    const key = createAdminKey({ environment: 'dev', url: 'https://pod.example.invalid', userName: 'admin.user' });
    assert.equal(key.issuer, 'oli-admin.admin.user');
    assert.match(key.alias, /^OLI_ADMIN_[0-9A-F]{6}$/);
    let now = Date.now();
    const source = new JwtTokenSource(key, () => now);
    const first = await source.token();
    const [h, p, s] = first.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    assert.deepEqual([header.alg, header.typ, header.x5t], ['RS256', 'JWT', key.x5t]);
    assert.deepEqual([claims.iss, claims.prn, claims.sub], [key.issuer, 'admin.user', 'admin.user']);
    assert.equal(claims.exp - claims.iat, ADMIN_JWT_LIFETIME_S);
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey(new X509Certificate(key.certificatePem).publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(s, 'base64url')));
    assert.equal(await source.token(), first, 'reused while valid');
    now += (ADMIN_JWT_LIFETIME_S - 30) * 1000;
    assert.notEqual(await source.token(), first, 'signed anew a minute before its end');
    assert.equal(source.invalidate(), false, 'a refused key is not tried again in the same command');
  });
});
