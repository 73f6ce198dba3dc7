/**
 * OAuth 2.0 with the pod's identity domain (OCI IAM) for a public client: authorization code with
 * PKCE (RFC 7636, S256), refresh tokens (RFC 6749 section 6) and the device authorization grant
 * (RFC 8628). The endpoints `/oauth2/v1/authorize` and `/oauth2/v1/token` are OCI IAM's [DOC];
 * `/oauth2/v1/device` and `/.well-known/openid-configuration` are inferred from OCI IAM's OAuth
 * support and confirmed, where used, by asking the domain (discovery).
 *
 * Requests go through an OracleClient without credentials (its retries, size caps, TLS and proxy
 * settings, redacted logs: `code`, `code_verifier`, `refresh_token` and `device_code` are never
 * logged). Nothing here stores a token: callers decide where (SecretStorage, the OS keyring).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { OracleClient, type OracleClientOptions } from './client';
import { OracleError } from './errors';

export const AUTHORIZE_PATH = '/oauth2/v1/authorize';
export const TOKEN_PATH = '/oauth2/v1/token';
export const DEVICE_PATH = '/oauth2/v1/device';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface Pkce {
  verifier: string;
  challenge: string;
  /** Ties the answer to this request (CSRF). */
  state: string;
}

/** A fresh PKCE verifier (32 random bytes, base64url: 43 characters), its S256 challenge and a state. */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), state: randomBytes(16).toString('base64url') };
}

/** The identity domain's origin (its URL without path, query or fragment). */
export function domainOrigin(identityDomain: string): string {
  return new URL(identityDomain).origin;
}

/** The browser URL of the authorization request (response_type=code, S256 challenge). */
export function authorizeUrl(o: { identityDomain: string; clientId: string; redirectUri: string; scope: string; pkce: Pkce }): string {
  const url = new URL(AUTHORIZE_PATH, domainOrigin(o.identityDomain));
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: o.clientId,
    redirect_uri: o.redirectUri,
    scope: o.scope,
    state: o.pkce.state,
    code_challenge: o.pkce.challenge,
    code_challenge_method: 'S256',
  };
  // Percent-encoding throughout (a space is %20, not +): survives any re-encoding on the way to the browser.
  url.search = Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return url.toString();
}

export type CallbackResult = { ok: true; code: string } | { ok: false; error: string; description?: string };

/** Reads the redirect's query: the code, or the error the domain sent back; a state that differs is refused. */
export function readCallback(query: URLSearchParams, expectedState: string): CallbackResult {
  if (query.get('state') !== expectedState) return { ok: false, error: 'state_mismatch', description: 'the answer does not belong to this sign-in (state differs); start again' };
  const error = query.get('error');
  if (error) return { ok: false, error, ...(query.get('error_description') ? { description: query.get('error_description')! } : {}) };
  const code = query.get('code');
  return code ? { ok: true, code } : { ok: false, error: 'invalid_request', description: 'the answer carries no code' };
}

const tokenResponseSchema = z.lazy(() => z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
}));

export interface TokenSet {
  accessToken: string;
  /** ms since the epoch. */
  expiresAt: number;
  refreshToken?: string;
  scope?: string;
}

const deviceResponseSchema = z.lazy(() => z.looseObject({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.string().url(),
  verification_uri_complete: z.string().url().optional(),
  expires_in: z.coerce.number().positive(),
  interval: z.coerce.number().positive().optional(),
}));
export type DeviceAuthorization = z.infer<typeof deviceResponseSchema>;

const discoverySchema = z.lazy(() => z.looseObject({
  issuer: z.string().optional(),
  authorization_endpoint: z.string().optional(),
  token_endpoint: z.string().optional(),
  device_authorization_endpoint: z.string().optional(),
  grant_types_supported: z.array(z.string()).optional(),
}));

/** Default lifetime when the token endpoint does not say (seconds). */
const DEFAULT_LIFETIME_S = 300;

/** The `exp` of a JWT access token (ms), if it is one. */
export function jwtExpiry(token: string): number | undefined {
  const claims = jwtClaims(token);
  return typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
}

/** The claims of a JWT, unverified (the pod verifies it): for the user name and the expiry only. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Who an access token acts as: `sub` (OCI IAM's user name [3P]), else `user_displayname`. */
export function tokenUser(token: string): string | undefined {
  const c = jwtClaims(token);
  if (typeof c?.sub === 'string' && c.sub) return c.sub;
  if (typeof c?.user_displayname === 'string' && c.user_displayname) return c.user_displayname;
  return undefined;
}

export type IdentityDomainSettings = Omit<OracleClientOptions, 'baseUrl' | 'auth' | 'readOnly'>;

/** The token endpoint of one identity domain, for one public client. */
export class IdentityDomainClient {
  private readonly client: OracleClient;

  constructor(
    readonly identityDomain: string,
    readonly clientId: string,
    settings: IdentityDomainSettings = {},
    private readonly now: () => number = Date.now,
  ) {
    this.client = new OracleClient({ ...settings, baseUrl: domainOrigin(identityDomain), auth: { kind: 'none' }, maxRetries: settings.maxRetries ?? 2 });
  }

  close(): void {
    this.client.close();
  }

  private async tokenRequest(form: Record<string, string>, signal?: AbortSignal): Promise<TokenSet> {
    const started = this.now();
    const body = await this.client.send('POST', TOKEN_PATH, {
      body: { ...form, client_id: this.clientId },
      form: true,
      // Asking for a token changes nothing a retry could duplicate; a code is used once, so a retried exchange fails clearly (invalid_grant).
      idempotent: form.grant_type !== 'authorization_code',
      schema: tokenResponseSchema,
      ...(signal ? { signal } : {}),
    });
    if (!body) throw new OracleError({ reason: 'invalid-response', method: 'POST', path: TOKEN_PATH, detail: 'the token endpoint answered without a body' });
    const expiresAt = jwtExpiry(body.access_token) ?? started + (body.expires_in ?? DEFAULT_LIFETIME_S) * 1000;
    return { accessToken: body.access_token, expiresAt, ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}), ...(body.scope ? { scope: body.scope } : {}) };
  }

  /** Exchanges an authorization code (with its PKCE verifier) for tokens. */
  exchangeCode(code: string, redirectUri: string, verifier: string, signal?: AbortSignal): Promise<TokenSet> {
    return this.tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, signal);
  }

  /** New tokens from a refresh token (the answer may carry a new refresh token: keep it). */
  refresh(refreshToken: string, signal?: AbortSignal): Promise<TokenSet> {
    return this.tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }, signal);
  }

  /** What the domain says it offers (OpenID discovery), or undefined when it does not answer it. */
  async discover(signal?: AbortSignal): Promise<z.infer<typeof discoverySchema> | undefined> {
    try {
      return await this.client.get(DISCOVERY_PATH, discoverySchema, signal ? { signal } : {});
    } catch (err) {
      if (err instanceof OracleError && err.reason === 'cancelled') throw err;
      return undefined;
    }
  }

  /** Starts the device flow (RFC 8628): a code for the person to type on the domain's page. */
  async startDevice(scope: string, signal?: AbortSignal): Promise<DeviceAuthorization> {
    const body = await this.client.send('POST', DEVICE_PATH, { body: { client_id: this.clientId, scope }, form: true, idempotent: true, schema: deviceResponseSchema, ...(signal ? { signal } : {}) });
    if (!body) throw new OracleError({ reason: 'invalid-response', method: 'POST', path: DEVICE_PATH, detail: 'the device endpoint answered without a body' });
    return body;
  }

  /**
   * Polls the token endpoint until the person answered on the verification page (or the code
   * expired): waits `interval` seconds between polls, 5 more after `slow_down`.
   */
  async pollDevice(d: DeviceAuthorization, sleep: (ms: number, signal?: AbortSignal) => Promise<void>, signal?: AbortSignal): Promise<TokenSet> {
    let interval = (d.interval ?? 5) * 1000;
    const deadline = this.now() + d.expires_in * 1000;
    for (;;) {
      await sleep(interval, signal);
      try {
        return await this.tokenRequest({ grant_type: DEVICE_GRANT, device_code: d.device_code }, signal);
      } catch (err) {
        if (!(err instanceof OracleError) || err.status !== 400) throw err;
        if (err.code === 'slow_down') interval += 5000;
        else if (err.code !== 'authorization_pending') throw err;
        if (this.now() > deadline) throw new OracleError({ reason: 'auth', method: 'POST', path: TOKEN_PATH, status: 400, code: 'expired_token', detail: 'the code expired before anyone signed in', hint: 'start signing in again' });
      }
    }
  }
}
