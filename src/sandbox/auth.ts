import { X509Certificate, createHash, randomBytes, scryptSync, timingSafeEqual, verify } from 'node:crypto';
import * as z from 'zod';
import { SandboxHttpError } from './errors';
import type { SandboxUser } from './model';
import { GRANTS, forbiddenDetail, type Grant } from './security';
import type { Tenant } from './tenant';

/** What a route requires (security.ts). */
export type Need = Grant;

export interface Principal {
  user: SandboxUser;
  method: 'basic' | 'jwt' | 'oauth';
  /** Role, duty and privilege codes the user holds (Tenant.privilegeCodes). */
  codes: ReadonlySet<string>;
}

/** True when the principal holds a code that grants `grant`. */
export function may(principal: Principal, grant: Grant): boolean {
  return GRANTS[grant].anyOf.some((c) => principal.codes.has(c));
}

/** Why authentication failed; kept for GET /__sandbox/auth-failures, never sent to the client. */
export type AuthFailureReason =
  | 'missing-credentials' | 'malformed-authorization' | 'unknown-user' | 'inactive-user' | 'bad-password'
  | 'malformed-jwt' | 'jwt-alg-not-rs256' | 'jwt-unknown-x5t' | 'jwt-bad-signature' | 'jwt-wrong-issuer'
  | 'jwt-no-subject' | 'jwt-missing-exp' | 'jwt-expired' | 'jwt-certificate-expired' | 'unknown-token' | 'expired-token'
  | 'basic-disabled' | 'token-bad-signature' | 'token-wrong-issuer' | 'token-wrong-audience' | 'token-expired';

/** A rejected credential: the HTTP answer is a generic 401, `reason` goes to the auth-failure log. */
export class AuthError extends SandboxHttpError {
  constructor(readonly failure: AuthFailureReason, generic: string) {
    super(401, generic);
  }
}

const SCRYPT_N = 1024;

/** Salted scrypt hash of a password or client secret (the only form in memory and in the state file). */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, 32, { N: SCRYPT_N });
  return `scrypt$${SCRYPT_N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function verifySecret(secret: string, stored: string | null): boolean {
  if (!stored) return false;
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(secret, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n) });
  return timingSafeEqual(actual, expected);
}

/** base64url SHA-1 of the certificate's DER (the JWT header `x5t`); throws on a bad PEM. */
export function x5tOfPem(pem: string): string {
  const cert = new X509Certificate(pem);
  return createHash('sha1').update(cert.raw).digest('base64url');
}

/** Seconds of clock skew tolerated on `exp`. */
export const JWT_LEEWAY_S = 60;

const JwtHeader = z.object({ alg: z.string(), typ: z.string().optional(), x5t: z.string().optional(), kid: z.string().optional() });
const JwtClaims = z.object({
  iss: z.string().optional(),
  prn: z.string().optional(),
  sub: z.string().optional(),
  exp: z.number().optional(),
  iat: z.number().optional(),
});

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const BAD_TOKEN = 'The bearer token was not accepted.';

/** Verifies a Security Console API Authentication JWT (docs/SANDBOX.md) and returns its user. */
export function verifyJwt(tenant: Tenant, token: string, nowMs: number): SandboxUser {
  const parts = token.split('.');
  if (parts.length !== 3) throw new AuthError('malformed-jwt', BAD_TOKEN);
  const [h, p, s] = parts as [string, string, string];
  const header = JwtHeader.safeParse(decodeJson(h));
  if (!header.success) throw new AuthError('malformed-jwt', BAD_TOKEN);
  if (header.data.alg !== 'RS256') throw new AuthError('jwt-alg-not-rs256', BAD_TOKEN);
  const registration = header.data.x5t ? [...tenant.apiAuthProviders.values()].find((r) => r.x5t === header.data.x5t) : undefined;
  if (!registration) throw new AuthError('jwt-unknown-x5t', BAD_TOKEN);
  const certificate = new X509Certificate(registration.certificatePem);
  // [INF] Oracle does not document it, but a certificate past its validity is not trusted.
  if (nowMs > Date.parse(certificate.validTo)) throw new AuthError('jwt-certificate-expired', BAD_TOKEN);
  const key = certificate.publicKey;
  const signatureOk = s.length > 0 && verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
  if (!signatureOk) throw new AuthError('jwt-bad-signature', BAD_TOKEN);
  const claims = JwtClaims.safeParse(decodeJson(p));
  if (!claims.success) throw new AuthError('malformed-jwt', BAD_TOKEN);
  if (claims.data.iss !== registration.issuer) throw new AuthError('jwt-wrong-issuer', BAD_TOKEN);
  if (claims.data.exp === undefined) throw new AuthError('jwt-missing-exp', BAD_TOKEN);
  if (nowMs / 1000 > claims.data.exp + JWT_LEEWAY_S) throw new AuthError('jwt-expired', BAD_TOKEN);
  const name = claims.data.prn ?? claims.data.sub;
  if (!name) throw new AuthError('jwt-no-subject', BAD_TOKEN);
  const user = tenant.userByName(name);
  if (!user) throw new AuthError('unknown-user', BAD_TOKEN);
  if (!user.active) throw new AuthError('inactive-user', BAD_TOKEN);
  return user;
}

function basicUser(tenant: Tenant, encoded: string): SandboxUser {
  const generic = 'The user name or password is not valid.';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new AuthError('malformed-authorization', generic);
  const user = tenant.userByName(decoded.slice(0, colon));
  if (!user) throw new AuthError('unknown-user', generic);
  if (!verifySecret(decoded.slice(colon + 1), user.passwordHash)) throw new AuthError('bad-password', generic);
  if (!user.active) throw new AuthError('inactive-user', generic);
  return user;
}

function oauthUser(tenant: Tenant, token: string, nowMs: number): SandboxUser {
  const issued = tenant.oauthTokens.get(token);
  if (!issued) throw new AuthError('unknown-token', BAD_TOKEN);
  if (issued.expiresAt <= nowMs) throw new AuthError('expired-token', BAD_TOKEN);
  const user = tenant.userByName(issued.userName);
  if (!user) throw new AuthError('unknown-user', BAD_TOKEN);
  if (!user.active) throw new AuthError('inactive-user', BAD_TOKEN);
  return user;
}

/** What else decides authentication: the identity domain whose access tokens the pod trusts, and whether Basic is accepted. */
export interface AuthOptions {
  /** Verifies the identity domain's JWT access tokens (identityDomain.ts). */
  identity?: { owns(token: string): boolean; verifyAccessToken(tenant: Tenant, token: string, nowMs: number): SandboxUser };
  /** False: the pod refuses Basic (a pod whose people sign in through SSO only); default true. */
  basicAuth?: boolean;
}

/** Authenticates an `Authorization` header (Basic, JWT bearer, identity domain access token or OAuth stand-in bearer); throws AuthError. */
export function authenticate(tenant: Tenant, authorization: string | undefined, nowMs: number, options: AuthOptions = {}): Principal {
  if (!authorization) throw new AuthError('missing-credentials', 'Authentication is required (Basic or Bearer).');
  const m = /^(Basic|Bearer)\s+(\S+)\s*$/i.exec(authorization);
  if (!m) throw new AuthError('malformed-authorization', 'The Authorization header is not Basic or Bearer.');
  const scheme = m[1]!.toLowerCase();
  const value = m[2]!;
  let user: SandboxUser;
  let method: Principal['method'];
  if (scheme === 'basic') {
    if (options.basicAuth === false) throw new AuthError('basic-disabled', 'Basic authentication is not accepted by this pod; sign in with a bearer token.');
    user = basicUser(tenant, value);
    method = 'basic';
  } else if (value.split('.').length === 3 && options.identity?.owns(value)) {
    user = options.identity.verifyAccessToken(tenant, value, nowMs);
    method = 'oauth';
  } else if (value.split('.').length === 3) {
    user = verifyJwt(tenant, value, nowMs);
    method = 'jwt';
  } else {
    user = oauthUser(tenant, value, nowMs);
    method = 'oauth';
  }
  return { user, method, codes: tenant.privilegeCodes(user.id) };
}

/** Throws a 403 naming the missing privilege or duty unless the principal's roles grant `need`. */
export function authorize(principal: Principal, need: Need, what: string): void {
  if (!may(principal, need)) throw new SandboxHttpError(403, forbiddenDetail(principal.user.userName, need, what));
}
