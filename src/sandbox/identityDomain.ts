import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { AuthError, JWT_LEEWAY_S, verifySecret } from './auth';
import { parseInput, type SandboxContext } from './context';
import { SandboxHttpError } from './errors';
import type { SandboxUser } from './model';
import type { Tenant } from './tenant';

/**
 * The identity domain a Fusion pod trusts (OCI IAM), played by the sandbox on its own origin.
 *
 * Documented by Oracle ("Configure OAuth to Access Oracle Fusion Cloud Applications REST APIs",
 * OCI IAM): the identity domain associated with the pod is the authorization server, its access
 * tokens are JWTs, 2-legged and 3-legged flows, the scope of the Fusion resource application
 * (`urn:opc:resource:fa:instanceid=<id>urn:opc:resource:consumer::all`), the endpoints
 * `/oauth2/v1/authorize` and `/oauth2/v1/token`, and the signing keys at `/admin/v1/SigningCert/jwk`.
 * Stand-ins (no published shape): the sign-in and consent page, the device verification page,
 * the claims beyond iss/aud/sub/exp, how redirect URLs are matched (query ignored, any loopback
 * port, RFC 8252), refresh-token rotation, and the lifetimes. docs/SANDBOX.md lists each.
 */
export const IDCS_PATHS = {
  authorize: '/oauth2/v1/authorize',
  token: '/oauth2/v1/token',
  device: '/oauth2/v1/device',
  jwks: '/admin/v1/SigningCert/jwk',
  discovery: '/.well-known/openid-configuration',
  /** [STAND-IN] where a person types the user code of the device flow. */
  deviceVerification: '/ui/v1/device',
} as const;

/** The `iss` of the domain's access tokens [3P: OCI IAM access tokens]. */
export const IDENTITY_ISSUER = 'https://identity.oraclecloud.com/';
export const SIGNING_KID = 'SIGNING_KEY';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const CODE_TTL_MS = 60_000;
const REQUEST_TTL_MS = 10 * 60_000;
const DEVICE_TTL_S = 600;
/** [STAND-IN] seconds between device-flow polls (OCI IAM's value is not published here). */
const DEVICE_INTERVAL_S = 1;

/** The audience of the pod's resource application: the scope without its `urn:opc:resource:consumer::all` tail [INF]. */
export function fusionAudience(instanceId: string): string {
  return `urn:opc:resource:fa:instanceid=${instanceId}`;
}

/** A public integrated application (authorization code + PKCE, refresh token, device code), no secret. */
export interface PublicApp {
  clientId: string;
  redirectUris: string[];
  deviceCode: boolean;
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
}

interface PendingAuthorization {
  id: string;
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  scope: string;
  challenge: string;
  expiresAt: number;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  userName: string;
  scope: string;
  challenge: string;
  expiresAt: number;
}

interface IssuedRefresh {
  clientId: string;
  userName: string;
  scope: string;
  expiresAt: number;
}

interface DeviceAuthorization {
  clientId: string;
  scope: string;
  userCode: string;
  expiresAt: number;
  status: 'pending' | 'approved' | 'denied';
  userName?: string;
  lastPollAt?: number;
}

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const BAD_TOKEN = 'The bearer token was not accepted.';

function isLoopbackHost(h: string): boolean {
  return h === '127.0.0.1' || h === 'localhost' || h === '[::1]';
}

/**
 * Whether `given` is a registered redirect URL: the same scheme, host and path as one registered
 * (its query is ignored, so a browser-hosted VS Code's callback, which carries a request id, is
 * accepted); a registered loopback URL without a port accepts any port (RFC 8252 section 7.3).
 * [STAND-IN] OCI IAM's matching rules are not published here.
 */
export function redirectAllowed(registered: string[], given: string): boolean {
  let g: URL;
  try {
    g = new URL(given);
  } catch {
    return false;
  }
  if (g.hash) return false;
  return registered.some((r) => {
    let u: URL;
    try {
      u = new URL(r);
    } catch {
      return false;
    }
    if (u.protocol !== g.protocol || u.pathname !== g.pathname) return false;
    if (u.protocol === 'http:' && isLoopbackHost(u.hostname) && isLoopbackHost(g.hostname) && u.port === '') return true;
    return u.host === g.host;
  });
}

/** The identity domain's state: its signing key, applications, codes, refresh tokens and device requests (memory only). */
export class IdentityDomain {
  readonly apps = new Map<string, PublicApp>();
  private readonly privateKey: KeyObject;
  private readonly jwk: Record<string, unknown>;
  /** The key the pod verifies with: read back from the published JWK, as a pod would. */
  private readonly publicKey: KeyObject;
  private readonly pending = new Map<string, PendingAuthorization>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly refreshTokens = new Map<string, IssuedRefresh>();
  private readonly devices = new Map<string, DeviceAuthorization>();
  /** Access tokens the test hook ended before their `exp` (by jti). */
  private readonly ended = new Set<string>();
  private readonly issued = new Set<string>();

  constructor(
    readonly audience: string,
    private readonly now: () => number,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: SIGNING_KID, use: 'sig', alg: 'RS256' };
    this.publicKey = createPublicKey({ key: this.jwk as JsonWebKey, format: 'jwk' });
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [this.jwk] };
  }

  /** Signs an access token (RS256, kid of the domain's key). `overrides` lets a test craft a wrong one. */
  mint(userName: string, clientId: string, scope: string, ttlS: number, overrides: { iss?: string; aud?: string; expiresInS?: number } = {}): { token: string; expiresIn: number } {
    const iat = Math.floor(this.now() / 1000);
    const expiresIn = overrides.expiresInS ?? ttlS;
    const jti = randomBytes(12).toString('hex');
    const claims = {
      iss: overrides.iss ?? IDENTITY_ISSUER,
      aud: [overrides.aud ?? this.audience],
      sub: userName,
      sub_type: 'user',
      client_id: clientId,
      scope,
      iat,
      exp: iat + expiresIn,
      jti,
    };
    const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: SIGNING_KID })}.${b64(claims)}`;
    this.issued.add(jti);
    return { token: `${input}.${sign('sha256', Buffer.from(input), this.privateKey).toString('base64url')}`, expiresIn };
  }

  /** Whether the token claims to be this domain's (its header names the domain's key). */
  owns(token: string): boolean {
    const header = decodePart(token.split('.')[0]);
    return header?.kid === SIGNING_KID && header.x5t === undefined;
  }

  /** The pod's check of a domain access token: signature, issuer, audience, expiry, user. */
  verifyAccessToken(tenant: Tenant, token: string, nowMs: number): SandboxUser {
    const [h, p, s] = token.split('.') as [string, string, string];
    const header = decodePart(h);
    if (!header || header.alg !== 'RS256') throw new AuthError('malformed-jwt', BAD_TOKEN);
    const ok = !!s && verify('sha256', Buffer.from(`${h}.${p}`), this.publicKey, Buffer.from(s, 'base64url'));
    if (!ok) throw new AuthError('token-bad-signature', BAD_TOKEN);
    const claims = decodePart(p);
    if (!claims) throw new AuthError('malformed-jwt', BAD_TOKEN);
    if (claims.iss !== IDENTITY_ISSUER) throw new AuthError('token-wrong-issuer', BAD_TOKEN);
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(this.audience)) throw new AuthError('token-wrong-audience', BAD_TOKEN);
    if (typeof claims.exp !== 'number' || nowMs / 1000 > claims.exp + JWT_LEEWAY_S) throw new AuthError('token-expired', BAD_TOKEN);
    if (typeof claims.jti === 'string' && this.ended.has(claims.jti)) throw new AuthError('token-expired', BAD_TOKEN);
    const user = typeof claims.sub === 'string' ? tenant.userByName(claims.sub) : undefined;
    if (!user) throw new AuthError('unknown-user', BAD_TOKEN);
    if (!user.active) throw new AuthError('inactive-user', BAD_TOKEN);
    return user;
  }

  /** Test hook: every access token issued so far is refused from now on, as if past its `exp`. */
  endAccessTokens(): number {
    for (const j of this.issued) this.ended.add(j);
    const n = this.issued.size;
    this.issued.clear();
    return n;
  }

  /** Test hook: refresh tokens (of one user, or all) are revoked, as an administrator ends sessions in the domain. */
  revokeRefreshTokens(userName?: string): number {
    let n = 0;
    for (const [t, r] of this.refreshTokens) {
      if (userName === undefined || r.userName.toLowerCase() === userName.toLowerCase()) {
        this.refreshTokens.delete(t);
        n++;
      }
    }
    return n;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, v] of this.pending) if (v.expiresAt <= now) this.pending.delete(k);
    for (const [k, v] of this.codes) if (v.expiresAt <= now) this.codes.delete(k);
    for (const [k, v] of this.refreshTokens) if (v.expiresAt <= now) this.refreshTokens.delete(k);
    for (const [k, v] of this.devices) if (v.expiresAt <= now) this.devices.delete(k);
  }

  startAuthorization(a: Omit<PendingAuthorization, 'id' | 'expiresAt'>): PendingAuthorization {
    this.sweep();
    const p = { ...a, id: randomBytes(16).toString('base64url'), expiresAt: this.now() + REQUEST_TTL_MS };
    this.pending.set(p.id, p);
    return p;
  }

  pendingAuthorization(id: string): PendingAuthorization | undefined {
    const p = this.pending.get(id);
    return p && p.expiresAt > this.now() ? p : undefined;
  }

  finishAuthorization(id: string): void {
    this.pending.delete(id);
  }

  issueCode(c: Omit<IssuedCode, 'expiresAt'>): string {
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { ...c, expiresAt: this.now() + CODE_TTL_MS });
    return code;
  }

  /** One use only: a code presented twice is refused the second time. */
  takeCode(code: string): IssuedCode | undefined {
    const c = this.codes.get(code);
    this.codes.delete(code);
    return c && c.expiresAt > this.now() ? c : undefined;
  }

  issueRefresh(r: Omit<IssuedRefresh, 'expiresAt'>, ttlS: number): string {
    const token = randomBytes(32).toString('base64url');
    this.refreshTokens.set(token, { ...r, expiresAt: this.now() + ttlS * 1000 });
    return token;
  }

  /** Rotation: a refresh token is used once, and the answer carries a new one [STAND-IN]. */
  takeRefresh(token: string): IssuedRefresh | undefined {
    const r = this.refreshTokens.get(token);
    this.refreshTokens.delete(token);
    return r && r.expiresAt > this.now() ? r : undefined;
  }

  startDevice(clientId: string, scope: string): { deviceCode: string; userCode: string } {
    this.sweep();
    const deviceCode = randomBytes(32).toString('base64url');
    const raw = randomBytes(8).toString('hex').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 8);
    const userCode = `${raw.slice(0, 4)}-${raw.slice(4, 8)}`;
    this.devices.set(deviceCode, { clientId, scope, userCode, expiresAt: this.now() + DEVICE_TTL_S * 1000, status: 'pending' });
    return { deviceCode, userCode };
  }

  deviceByUserCode(userCode: string): DeviceAuthorization | undefined {
    const want = userCode.trim().toUpperCase();
    return [...this.devices.values()].find((d) => d.userCode === want && d.expiresAt > this.now());
  }

  device(deviceCode: string): DeviceAuthorization | undefined {
    return this.devices.get(deviceCode);
  }

  endDevice(deviceCode: string): void {
    this.devices.delete(deviceCode);
  }
}

const PAGE_STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; color: #1f1f1f; background: #f4f4f4; }
  header { background: #312d2a; color: #ffffff; padding: 12px 24px; }
  header h1 { margin: 0; font-size: 1.25em; }
  header p { margin: 4px 0 0; }
  main { max-width: 30em; margin: 24px auto; background: #ffffff; border: 1px solid #c8c8c8; border-radius: 6px; padding: 16px 24px; }
  label { display: block; margin-top: 12px; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: 6px; font-size: 1em; }
  .buttons { margin-top: 16px; display: flex; gap: 8px; }
  button { padding: 6px 16px; font-size: 1em; }
  .error { color: #a1260d; font-weight: 600; }
  code { word-break: break-all; }
`;
const STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', `default-src 'none'; style-src ${STYLE_HASH}; frame-ancestors 'none'`)
    .header('cache-control', 'no-store')
    .send(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header role="banner"><h1>Local sandbox: identity domain sign-in (this is not Oracle)</h1><p>A stand-in for the OCI IAM identity domain of the pod, running on your machine.</p></header>
<main>
${body}
</main>
</body>
</html>
`);
}

function signInForm(action: string, hidden: Record<string, string>, intro: string, error?: string, withUserCode = false): string {
  const fields = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  return `<h2>Sign in</h2>
<p>${intro}</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
${fields}
${withUserCode ? '<label for="user_code">Code shown by the application</label>\n<input id="user_code" name="user_code" autocomplete="off" required>' : ''}
<label for="username">User name</label>
<input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="buttons"><button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny" formnovalidate>Deny</button></div>
</form>`;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  if (status === 401) reply.header('WWW-Authenticate', 'Basic realm="identity-domain-standin"');
  return reply.code(status).header('cache-control', 'no-store').type('application/json').send({ error, error_description: description });
}

function redirectWith(reply: FastifyReply, redirectUri: string, params: Record<string, string | undefined>): FastifyReply {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return reply.code(302).header('location', url.toString()).header('cache-control', 'no-store').send();
}

const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

function signInUser(tenant: Tenant, userName: string, password: string): SandboxUser | undefined {
  const user = tenant.userByName(userName.trim());
  if (!user || !user.active || !verifySecret(password, user.passwordHash)) return undefined;
  return user;
}

const AuthorizeQuery = z.object({
  response_type: z.string().optional(),
  client_id: z.string().optional(),
  redirect_uri: z.string().optional(),
  scope: z.string().optional(),
  state: z.string().optional(),
  code_challenge: z.string().optional(),
  code_challenge_method: z.string().optional(),
});
const AuthorizeForm = z.object({ request: z.string().default(''), username: z.string().default(''), password: z.string().default(''), decision: z.string().default('deny') });
const DeviceForm = z.object({ user_code: z.string().default(''), username: z.string().default(''), password: z.string().default(''), decision: z.string().default('deny') });
const GrantForm = z.object({
  grant_type: z.string().optional(),
  client_id: z.string().optional(),
  code: z.string().optional(),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
  refresh_token: z.string().optional(),
  device_code: z.string().optional(),
  scope: z.string().optional(),
});

const AppHook = z.object({
  clientId: z.string().min(1),
  redirectUris: z.array(z.string().url()).default([]),
  deviceCode: z.boolean().default(true),
  accessTokenTtlS: z.number().int().min(1).max(86_400).default(3600),
  refreshTokenTtlS: z.number().int().min(1).max(90 * 86_400).default(7 * 86_400),
});
const MintHook = z.object({
  userName: z.string().min(1),
  clientId: z.string().default('sandbox-test'),
  iss: z.string().optional(),
  aud: z.string().optional(),
  expiresInS: z.number().int().optional(),
});
const RevokeHook = z.object({ userName: z.string().min(1).optional() });

/** The scope a public app may ask for: the Fusion scope, optionally with `offline_access` (a refresh token) and `openid`. */
function checkScope(ctx: SandboxContext, scope: string | undefined): { ok: true; scope: string; offline: boolean } | { ok: false; description: string } {
  const expected = ctx.info().scope;
  const parts = (scope ?? '').split(/\s+/).filter(Boolean);
  if (!parts.includes(expected)) return { ok: false, description: `The scope must include ${expected}.` };
  const unknown = parts.filter((p) => p !== expected && p !== 'offline_access' && p !== 'openid');
  if (unknown.length) return { ok: false, description: `Unknown scope ${unknown[0]}.` };
  return { ok: true, scope: parts.join(' '), offline: parts.includes('offline_access') };
}

function tokenAnswer(domain: IdentityDomain, app: PublicApp, userName: string, scope: string, offline: boolean): Record<string, unknown> {
  const fusion = scope.split(' ').filter((s) => s !== 'offline_access' && s !== 'openid').join(' ');
  const { token, expiresIn } = domain.mint(userName, app.clientId, fusion, app.accessTokenTtlS);
  const out: Record<string, unknown> = { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope };
  if (offline) out.refresh_token = domain.issueRefresh({ clientId: app.clientId, userName, scope }, app.refreshTokenTtlS);
  return out;
}

/**
 * The token endpoint's user grants (authorization code with PKCE, refresh token, device code), for
 * public applications. Client credentials stay in oauth.ts. Answers a reply, or undefined when the
 * grant is not one of these.
 */
export function userGrant(ctx: SandboxContext, domain: IdentityDomain, request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  const form = GrantForm.safeParse(request.body ?? {});
  if (!form.success) return oauthError(reply, 400, 'invalid_request', 'The form fields are not valid.');
  const f = form.data;
  if (f.grant_type !== 'authorization_code' && f.grant_type !== 'refresh_token' && f.grant_type !== DEVICE_GRANT) return undefined;
  const app = f.client_id ? domain.apps.get(f.client_id) : undefined;
  if (!app) return oauthError(reply, 401, 'invalid_client', 'Unknown client (a public application sends its client_id).');
  if (f.grant_type === 'authorization_code') {
    const code = f.code ? domain.takeCode(f.code) : undefined;
    if (!code || code.clientId !== app.clientId) return oauthError(reply, 400, 'invalid_grant', 'The authorization code is invalid, expired or already used.');
    if (code.redirectUri !== f.redirect_uri) return oauthError(reply, 400, 'invalid_grant', 'redirect_uri differs from the authorization request.');
    if (!f.code_verifier || s256(f.code_verifier) !== code.challenge) return oauthError(reply, 400, 'invalid_grant', 'The PKCE code_verifier does not match the code_challenge.');
    const user = ctx.tenant.userByName(code.userName);
    if (!user?.active) return oauthError(reply, 400, 'invalid_grant', 'The user is no longer active.');
    return reply.header('cache-control', 'no-store').send(tokenAnswer(domain, app, user.userName, code.scope, code.scope.split(' ').includes('offline_access')));
  }
  if (f.grant_type === 'refresh_token') {
    const r = f.refresh_token ? domain.takeRefresh(f.refresh_token) : undefined;
    if (!r || r.clientId !== app.clientId) return oauthError(reply, 400, 'invalid_grant', 'The refresh token is invalid, expired or revoked.');
    const user = ctx.tenant.userByName(r.userName);
    if (!user?.active) return oauthError(reply, 400, 'invalid_grant', 'The user is no longer active.');
    return reply.header('cache-control', 'no-store').send(tokenAnswer(domain, app, user.userName, r.scope, true));
  }
  if (!app.deviceCode) return oauthError(reply, 400, 'unauthorized_client', 'This application is not allowed the device code grant.');
  const d = f.device_code ? domain.device(f.device_code) : undefined;
  if (!d || d.clientId !== app.clientId) return oauthError(reply, 400, 'invalid_grant', 'Unknown device code.');
  const now = ctx.now();
  if (d.expiresAt <= now) {
    domain.endDevice(f.device_code!);
    return oauthError(reply, 400, 'expired_token', 'The device code expired; start again.');
  }
  const tooSoon = d.lastPollAt !== undefined && now - d.lastPollAt < DEVICE_INTERVAL_S * 500;
  d.lastPollAt = now;
  if (d.status === 'denied') {
    domain.endDevice(f.device_code!);
    return oauthError(reply, 400, 'access_denied', 'The user denied the request.');
  }
  if (d.status === 'pending') return oauthError(reply, 400, tooSoon ? 'slow_down' : 'authorization_pending', 'The user has not answered yet.');
  domain.endDevice(f.device_code!);
  return reply.header('cache-control', 'no-store').send(tokenAnswer(domain, app, d.userName!, d.scope, d.scope.split(' ').includes('offline_access')));
}

export function registerIdentityDomainRoutes(app: FastifyInstance, ctx: SandboxContext, domain: IdentityDomain): void {
  const base = (request: FastifyRequest): string => `${request.protocol}://${request.headers.host ?? '127.0.0.1'}`;

  app.get(IDCS_PATHS.discovery, async (request) => {
    const b = base(request);
    return {
      issuer: IDENTITY_ISSUER,
      authorization_endpoint: `${b}${IDCS_PATHS.authorize}`,
      token_endpoint: `${b}${IDCS_PATHS.token}`,
      device_authorization_endpoint: `${b}${IDCS_PATHS.device}`,
      jwks_uri: `${b}${IDCS_PATHS.jwks}`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_GRANT],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    };
  });

  app.get(IDCS_PATHS.jwks, async (_request, reply) => reply.header('cache-control', 'no-store').send(domain.jwks()));

  app.get(IDCS_PATHS.authorize, async (request, reply) => {
    const q = AuthorizeQuery.parse(request.query ?? {});
    const client = q.client_id ? domain.apps.get(q.client_id) : undefined;
    // Errors about the client or the redirect URL are shown, never redirected (RFC 6749 section 4.1.2.1).
    if (!client) return page(reply, 400, 'Sign-in error', '<p class="error" role="alert">Unknown application (client_id). Register it as a public integrated application first.</p>');
    if (!q.redirect_uri || !redirectAllowed(client.redirectUris, q.redirect_uri)) {
      return page(reply, 400, 'Sign-in error', '<p class="error" role="alert">This redirect URL is not registered for the application.</p>');
    }
    const back = (error: string, description: string) => redirectWith(reply, q.redirect_uri!, { error, error_description: description, state: q.state });
    if (q.response_type !== 'code') return back('unsupported_response_type', 'Only response_type=code is supported.');
    if (!q.code_challenge || q.code_challenge_method !== 'S256') return back('invalid_request', 'A public client must send a PKCE code_challenge with code_challenge_method=S256.');
    const scope = checkScope(ctx, q.scope);
    if (!scope.ok) return back('invalid_scope', scope.description);
    const p = domain.startAuthorization({ clientId: client.clientId, redirectUri: q.redirect_uri, state: q.state, scope: scope.scope, challenge: q.code_challenge });
    return page(reply, 200, 'Sign in: local sandbox identity domain', signInForm('authorize', { request: p.id }, `<strong>${escapeHtml(client.clientId)}</strong> asks to use the pod's REST APIs as you (scope <code>${escapeHtml(scope.scope)}</code>).`));
  });

  app.post(IDCS_PATHS.authorize, async (request, reply) => {
    const f = AuthorizeForm.parse(request.body ?? {});
    const p = domain.pendingAuthorization(f.request);
    if (!p) return page(reply, 400, 'Sign-in error', '<p class="error" role="alert">This sign-in request expired or was already used. Start signing in again from the application.</p>');
    if (f.decision !== 'allow') {
      domain.finishAuthorization(p.id);
      return redirectWith(reply, p.redirectUri, { error: 'access_denied', error_description: 'The user denied the request.', state: p.state });
    }
    const user = signInUser(ctx.tenant, f.username, f.password);
    if (!user) {
      return page(reply, 401, 'Sign in: local sandbox identity domain', signInForm('authorize', { request: p.id }, `<strong>${escapeHtml(p.clientId)}</strong> asks to use the pod's REST APIs as you.`, 'The user name or password is not valid.'));
    }
    domain.finishAuthorization(p.id);
    const code = domain.issueCode({ clientId: p.clientId, redirectUri: p.redirectUri, userName: user.userName, scope: p.scope, challenge: p.challenge });
    return redirectWith(reply, p.redirectUri, { code, state: p.state });
  });

  app.post(IDCS_PATHS.device, async (request, reply) => {
    const f = GrantForm.safeParse(request.body ?? {});
    const clientId = f.success ? f.data.client_id : undefined;
    const client = clientId ? domain.apps.get(clientId) : undefined;
    if (!client) return oauthError(reply, 401, 'invalid_client', 'Unknown client.');
    if (!client.deviceCode) return oauthError(reply, 400, 'unauthorized_client', 'This application is not allowed the device code grant.');
    const scope = checkScope(ctx, f.success ? f.data.scope : undefined);
    if (!scope.ok) return oauthError(reply, 400, 'invalid_scope', scope.description);
    const d = domain.startDevice(client.clientId, scope.scope);
    const verification = `${base(request)}${IDCS_PATHS.deviceVerification}`;
    return reply.header('cache-control', 'no-store').send({
      device_code: d.deviceCode,
      user_code: d.userCode,
      verification_uri: verification,
      verification_uri_complete: `${verification}?user_code=${encodeURIComponent(d.userCode)}`,
      expires_in: DEVICE_TTL_S,
      interval: DEVICE_INTERVAL_S,
    });
  });

  app.get(IDCS_PATHS.deviceVerification, async (request, reply) => {
    const userCode = String((request.query as Record<string, unknown>)?.user_code ?? '');
    return page(reply, 200, 'Sign in a device: local sandbox identity domain', signInForm('device', userCode ? { user_code: userCode } : {}, 'Type the code the application shows, then sign in to let it use the pod\'s REST APIs as you.', undefined, !userCode));
  });

  app.post(IDCS_PATHS.deviceVerification, async (request, reply) => {
    const f = DeviceForm.parse(request.body ?? {});
    const d = domain.deviceByUserCode(f.user_code);
    if (!d) return page(reply, 400, 'Sign-in error', '<p class="error" role="alert">Unknown or expired code. Start again from the application.</p>');
    if (f.decision !== 'allow') {
      d.status = 'denied';
      return page(reply, 200, 'Denied', '<p>Denied. You can close this page.</p>');
    }
    const user = signInUser(ctx.tenant, f.username, f.password);
    if (!user) return page(reply, 401, 'Sign in a device', signInForm('device', { user_code: d.userCode }, 'Sign in to let the application use the pod\'s REST APIs as you.', 'The user name or password is not valid.'));
    d.status = 'approved';
    d.userName = user.userName;
    return page(reply, 200, 'Signed in', '<p>Signed in. Go back to the application; you can close this page.</p>');
  });

  // Test-only hooks: what an administrator does in the identity domain's console.
  app.post('/__sandbox/oauth-apps', async (request, reply) => {
    const b = parseInput(AppHook, request.body, 'integrated application');
    if (domain.apps.has(b.clientId) || ctx.tenant.oauthClients.has(b.clientId)) throw new SandboxHttpError(409, `Application ${b.clientId} already exists.`);
    domain.apps.set(b.clientId, { ...b });
    return reply.code(201).send({ clientId: b.clientId, redirectUris: b.redirectUris, deviceCode: b.deviceCode, scope: `${ctx.info().scope} offline_access` });
  });
  app.post('/__sandbox/identity-domain/tokens', async (request) => {
    const b = parseInput(MintHook, request.body, 'token request');
    const t = domain.mint(b.userName, b.clientId, ctx.info().scope, 3600, { ...(b.iss !== undefined && { iss: b.iss }), ...(b.aud !== undefined && { aud: b.aud }), ...(b.expiresInS !== undefined && { expiresInS: b.expiresInS }) });
    return { access_token: t.token, expires_in: t.expiresIn };
  });
  app.post('/__sandbox/identity-domain/end-access-tokens', async () => ({ ended: domain.endAccessTokens() }));
  app.post('/__sandbox/identity-domain/revoke', async (request) => {
    const b = parseInput(RevokeHook, request.body ?? {}, 'revocation');
    return { revoked: domain.revokeRefreshTokens(b.userName) };
  });
}
