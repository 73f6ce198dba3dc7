/**
 * The sandbox's identity domain (issue 15): authorize with a sign-in/consent page a test can drive,
 * the token endpoint's authorization code (PKCE verified), refresh and device grants, the JWKS, and
 * the pod accepting the domain's access tokens and the admin's trusted-issuer JWTs as it accepts
 * Basic, refusing expired, wrong-audience and wrong-issuer tokens; a pod without Basic.
 * Real HTTP against the sandbox; the sandbox never imports product code.
 */
import { strict as assert } from 'node:assert';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { ADF, basic, makeCert, signRs256, startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { redirectAllowed } from '../../src/sandbox/identityDomain';
import { consent as consentAt } from '../helpers/identityDomainBrowser';

const consent = (_base: string, url: string, user: string, password: string, decision: 'allow' | 'deny' = 'allow') => consentAt(url, user, password, decision);

const CLIENT = 'oli-test-public';
const REDIRECT = 'http://127.0.0.1/callback';

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

async function token(base: string, form: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/oauth2/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: await res.json() };
}

describe('sandbox: the identity domain (OCI IAM stand-in)', function () {
  this.timeout(30_000);
  let t: TestSandbox;
  let scope: string;
  const authorizeUrl = (p: { challenge: string }, extra: Record<string, string> = {}) =>
    `${t.sb.url}/oauth2/v1/authorize?${new URLSearchParams({ response_type: 'code', client_id: CLIENT, redirect_uri: 'http://127.0.0.1:5123/callback', scope: `${scope} offline_access`, state: 'st-1', code_challenge: p.challenge, code_challenge_method: 'S256', ...extra })}`;

  before(async () => {
    t = await startTestSandbox({ basicAuth: false });
    scope = (await t.hook('info')).scope;
    await t.hook('oauth-apps', { clientId: CLIENT, redirectUris: [REDIRECT] });
  });
  after(() => t.close());

  async function signIn(): Promise<any> {
    const p = pkce();
    const c = await consent(t.sb.url, authorizeUrl(p), t.sb.admin.userName, t.sb.admin.password);
    assert.equal(c.status, 302);
    const back = new URL(c.location!);
    assert.equal(back.origin + back.pathname, 'http://127.0.0.1:5123/callback', 'any loopback port of a registered loopback URL');
    assert.equal(back.searchParams.get('state'), 'st-1');
    const r = await token(t.sb.url, { grant_type: 'authorization_code', client_id: CLIENT, code: back.searchParams.get('code')!, redirect_uri: 'http://127.0.0.1:5123/callback', code_verifier: p.verifier });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }

  it('signs in through the page, exchanges the code with PKCE, and the pod accepts the access token (Basic refused)', async () => {
    const tokens = await signIn();
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.sub, t.sb.admin.userName);
    assert.equal(claims.iss, 'https://identity.oraclecloud.com/');
    const ok = await t.call(`/hcmRestApi/scim/Users?count=1`, { authorization: `Bearer ${tokens.access_token}` });
    assert.equal(ok.status, 200);
    const refused = await t.call(`/hcmRestApi/scim/Users?count=1`, { authorization: basic(t.sb.admin.userName, t.sb.admin.password) });
    assert.equal(refused.status, 401);
    assert.equal((await t.hook('auth-failures')).items.at(-1).reason, 'basic-disabled');
  });

  it('verifies the token with the published JWKS', async () => {
    const tokens = await signIn();
    const jwks = (await (await fetch(`${t.sb.url}/admin/v1/SigningCert/jwk`)).json()) as { keys: any[] };
    const [h, p, s] = tokens.access_token.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const key = createPublicKey({ key: jwks.keys.find((k) => k.kid === header.kid), format: 'jwk' });
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url')));
    const discovery = (await (await fetch(`${t.sb.url}/.well-known/openid-configuration`)).json()) as any;
    assert.equal(discovery.token_endpoint, `${t.sb.url}/oauth2/v1/token`);
    assert.ok(discovery.device_authorization_endpoint);
  });

  it('refuses a wrong verifier, a reused code, an unregistered redirect URL and a wrong password', async () => {
    const p = pkce();
    const c = await consent(t.sb.url, authorizeUrl(p), t.sb.admin.userName, t.sb.admin.password);
    const code = new URL(c.location!).searchParams.get('code')!;
    const wrong = await token(t.sb.url, { grant_type: 'authorization_code', client_id: CLIENT, code, redirect_uri: 'http://127.0.0.1:5123/callback', code_verifier: pkce().verifier });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
    const reused = await token(t.sb.url, { grant_type: 'authorization_code', client_id: CLIENT, code, redirect_uri: 'http://127.0.0.1:5123/callback', code_verifier: p.verifier });
    assert.equal(reused.body.error, 'invalid_grant', 'a code is used once, even after a failed attempt');
    const elsewhere = await fetch(authorizeUrl(p, { redirect_uri: 'https://attacker.invalid/callback' }), { redirect: 'manual' });
    assert.equal(elsewhere.status, 400, 'an unregistered redirect URL is shown an error, never redirected to');
    const noPkce = await fetch(authorizeUrl(p, { code_challenge_method: 'plain' }), { redirect: 'manual' });
    assert.equal(noPkce.status, 302);
    assert.equal(new URL(noPkce.headers.get('location')!).searchParams.get('error'), 'invalid_request');
    const bad = await consent(t.sb.url, authorizeUrl(p), t.sb.admin.userName, 'not-the-password');
    assert.equal(bad.status, 401);
    assert.match(bad.html!, /not valid/);
    const denied = await consent(t.sb.url, authorizeUrl(p), t.sb.admin.userName, '', 'deny');
    assert.equal(new URL(denied.location!).searchParams.get('error'), 'access_denied');
  });

  it('refreshes (rotating the refresh token) and refuses a revoked one', async () => {
    const tokens = await signIn();
    const r1 = await token(t.sb.url, { grant_type: 'refresh_token', client_id: CLIENT, refresh_token: tokens.refresh_token });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refresh_token, tokens.refresh_token);
    const again = await token(t.sb.url, { grant_type: 'refresh_token', client_id: CLIENT, refresh_token: tokens.refresh_token });
    assert.equal(again.body.error, 'invalid_grant', 'a used refresh token is refused');
    await t.hook('identity-domain/revoke', { userName: t.sb.admin.userName });
    const revoked = await token(t.sb.url, { grant_type: 'refresh_token', client_id: CLIENT, refresh_token: r1.body.refresh_token });
    assert.equal(revoked.body.error, 'invalid_grant');
  });

  it('the pod refuses expired, wrong-audience, wrong-issuer and ended tokens with 401', async () => {
    const user = t.sb.admin.userName;
    const cases: [Record<string, unknown>, string][] = [
      [{ expiresInS: -3600 }, 'token-expired'],
      [{ aud: 'urn:opc:resource:fa:instanceid=999' }, 'token-wrong-audience'],
      [{ iss: 'https://other-domain.invalid/' }, 'token-wrong-issuer'],
    ];
    for (const [overrides, reason] of cases) {
      const { access_token } = await t.hook('identity-domain/tokens', { userName: user, ...overrides });
      const res = await t.call(`${ADF}/userAccounts?limit=1`, { authorization: `Bearer ${access_token}` });
      assert.equal(res.status, 401, reason);
      assert.ok(res.headers.get('www-authenticate'));
      assert.equal((await t.hook('auth-failures')).items.at(-1).reason, reason);
    }
    const good = await t.hook('identity-domain/tokens', { userName: user });
    assert.equal((await t.call('/hcmRestApi/scim/Users?count=1', { authorization: `Bearer ${good.access_token}` })).status, 200);
    await t.hook('identity-domain/end-access-tokens', {});
    assert.equal((await t.call('/hcmRestApi/scim/Users?count=1', { authorization: `Bearer ${good.access_token}` })).status, 401);
    // A token signed with another key but naming the domain's key id.
    const forged = signRs256({ alg: 'RS256', typ: 'JWT', kid: 'SIGNING_KEY' }, { iss: 'https://identity.oraclecloud.com/', aud: ['urn:opc:resource:fa:instanceid=100000001'], sub: user, exp: Math.floor(Date.now() / 1000) + 600 }, makeCert('forger').privateKey);
    assert.equal((await t.call('/hcmRestApi/scim/Users?count=1', { authorization: `Bearer ${forged}` })).status, 401);
    assert.equal((await t.hook('auth-failures')).items.at(-1).reason, 'token-bad-signature');
  });

  it("accepts the administrator's own trusted-issuer JWT without Basic", async () => {
    const cert = makeCert('admin key');
    await t.hook('api-authentication-providers', { issuer: 'oli-admin.test', alias: 'OLI_ADMIN_TEST', certificate: cert.certificatePem });
    const now = Math.floor(Date.now() / 1000);
    const jwt = signRs256({ alg: 'RS256', typ: 'JWT', x5t: cert.x5t }, { iss: 'oli-admin.test', prn: t.sb.admin.userName, sub: t.sb.admin.userName, iat: now, exp: now + 300 }, cert.privateKey);
    assert.equal((await t.call(`${ADF}/userAccounts?limit=1`, { authorization: `Bearer ${jwt}`, headers: { 'REST-Framework-Version': '4' } })).status, 200);
  });

  it('runs the device code flow: pending, then tokens once the person signed in on the verification page', async () => {
    const start = await fetch(`${t.sb.url}/oauth2/v1/device`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: CLIENT, scope: `${scope} offline_access` }).toString() });
    const d = (await start.json()) as any;
    assert.ok(d.user_code && d.device_code && d.verification_uri);
    const pending = await token(t.sb.url, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: CLIENT, device_code: d.device_code });
    assert.equal(pending.status, 400);
    assert.match(pending.body.error, /authorization_pending|slow_down/);
    const page = await fetch(d.verification_uri_complete);
    assert.equal(page.status, 200);
    const approve = await fetch(d.verification_uri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ user_code: d.user_code, username: t.sb.admin.userName, password: t.sb.admin.password, decision: 'allow' }).toString() });
    assert.equal(approve.status, 200);
    const done = await token(t.sb.url, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: CLIENT, device_code: d.device_code });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal((await t.call('/hcmRestApi/scim/Users?count=1', { authorization: `Bearer ${done.body.access_token}` })).status, 200);
  });

  it('matches redirect URLs by scheme, host and path (any loopback port, query ignored)', () => {
    assert.ok(redirectAllowed([REDIRECT], 'http://127.0.0.1:40000/callback'));
    assert.ok(redirectAllowed(['http://127.0.0.1:8080/callback'], 'http://127.0.0.1:8080/callback?vscode-reqid=3'));
    assert.ok(!redirectAllowed(['http://127.0.0.1:8080/callback'], 'http://127.0.0.1:8081/callback'));
    assert.ok(!redirectAllowed([REDIRECT], 'http://127.0.0.1:40000/other'));
    assert.ok(!redirectAllowed([REDIRECT], 'https://evil.invalid/callback'));
    assert.ok(redirectAllowed(['vscode://pub.ext/did-authenticate'], 'vscode://pub.ext/did-authenticate?x=1'));
  });
});
