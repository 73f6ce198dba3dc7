/**
 * An administrator's OAuth session with the pod's identity domain: what is stored (access token,
 * its end, refresh token) and the token source commands use. The access token is renewed with the
 * refresh token shortly before it ends, or once after the pod refused it; a renewal the identity
 * domain refuses ends the session (it is forgotten) and the command says to sign in again.
 */
import * as z from 'zod';
import { OracleError } from '../../oracle/errors';
import { domainOrigin, tokenUser, type IdentityDomainClient, type TokenSet } from '../../oracle/oauthPkce';
import type { AccessTokenSource, TokenAdminCredential } from '../model/credentials';
import { podOrigin } from '../model/credentials';
import type { EnvironmentAuth } from '../plan/planFile';
import { NotSignedInError } from './errors';
import { signInKey, StoredValue, type SignInStore } from './signInStore';

export const storedOAuthSessionSchema = z.lazy(() => z.strictObject({
  kind: z.literal('oauth'),
  version: z.literal(1),
  environment: z.string(),
  /** The pod the session was made for (its origin). */
  origin: z.string(),
  identityDomain: z.string(),
  clientId: z.string(),
  scope: z.string(),
  userName: z.string(),
  accessToken: z.string().min(1),
  /** ISO: when the access token ends. */
  expiresAt: z.string(),
  refreshToken: z.string().min(1).optional(),
  /** ISO. */
  signedInAt: z.string(),
  /** ISO: the last renewal. */
  refreshedAt: z.string().optional(),
  grant: z.enum(['authorization-code', 'device-code']),
}));
export type StoredOAuthSession = z.infer<typeof storedOAuthSessionSchema>;

export function oauthSessionValue(store: SignInStore, environment: string, url: string): StoredValue<StoredOAuthSession> {
  return new StoredValue(store, signInKey(environment, url, 'oauthSession'), (json) => {
    const r = storedOAuthSessionSchema.safeParse(json);
    return r.success ? r.data : undefined;
  });
}

type OAuthAuth = Extract<EnvironmentAuth, { method: 'oauth' }>;

/** The session to store after a sign-in (the code or device exchange). */
export function newSession(o: { environment: string; url: string; auth: OAuthAuth; tokens: TokenSet; grant: StoredOAuthSession['grant']; now?: number }): StoredOAuthSession {
  const now = o.now ?? Date.now();
  const userName = tokenUser(o.tokens.accessToken);
  if (!userName) {
    throw new OracleError({
      reason: 'invalid-response',
      method: 'POST',
      path: '/oauth2/v1/token',
      detail: 'the access token does not say which user it acts as (no sub claim)',
      hint: 'check that the identity domain issues JWT access tokens for the Fusion resource application (its scope in the plan)',
    });
  }
  return {
    kind: 'oauth',
    version: 1,
    environment: o.environment,
    origin: podOrigin(o.url),
    identityDomain: domainOrigin(o.auth.identityDomain),
    clientId: o.auth.clientId,
    scope: o.auth.scope,
    userName,
    accessToken: o.tokens.accessToken,
    expiresAt: new Date(o.tokens.expiresAt).toISOString(),
    ...(o.tokens.refreshToken ? { refreshToken: o.tokens.refreshToken } : {}),
    signedInAt: new Date(now).toISOString(),
    grant: o.grant,
  };
}

/** Whether a stored session still matches the plan (same identity domain, client and scope). */
export function sessionMatches(s: StoredOAuthSession, auth: OAuthAuth): boolean {
  return s.identityDomain === domainOrigin(auth.identityDomain) && s.clientId === auth.clientId && s.scope === auth.scope;
}

/** Renewal margin: 60 s before the end, or 10% of a short lifetime. */
function usable(s: StoredOAuthSession, now: number): boolean {
  const end = Date.parse(s.expiresAt);
  const start = Date.parse(s.refreshedAt ?? s.signedInAt);
  const margin = Math.min(60_000, Math.max(0, (end - start) * 0.1));
  return now < end - margin;
}

const ENDING_CODES = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

export interface OAuthSourceOptions {
  /** How to sign in again, for the message (`oli login --env dev`, or "Sign In" in VS Code). */
  signInAgain: string;
  /** Told once when the identity domain refused to renew the session (it is forgotten). */
  onEnded?: (err: NotSignedInError) => void;
  /** Told after a renewal was stored. */
  onRenewed?: (s: StoredOAuthSession) => void;
  now?: () => number;
}

/** Access tokens of a stored OAuth session, renewed with its refresh token (one renewal at a time). */
export class OAuthTokenSource implements AccessTokenSource {
  private stale = false;
  private inflight?: Promise<string>;
  private readonly now: () => number;

  constructor(
    private session: StoredOAuthSession,
    private readonly stored: StoredValue<StoredOAuthSession>,
    private readonly domain: () => IdentityDomainClient,
    private readonly o: OAuthSourceOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  get identity(): string {
    return `oauth ${this.session.userName} via ${this.session.identityDomain}`;
  }

  get current(): StoredOAuthSession {
    return this.session;
  }

  secrets(): string[] {
    return [this.session.accessToken, this.session.refreshToken].filter((s): s is string => !!s);
  }

  invalidate(): boolean {
    // Without a refresh token, no other token can be had: the refusal stands (one failed sign-in).
    if (!this.session.refreshToken) return false;
    this.stale = true;
    return true;
  }

  token(signal?: AbortSignal): Promise<string> {
    if (!this.stale && usable(this.session, this.now())) return Promise.resolve(this.session.accessToken);
    this.inflight ??= this.renew(signal).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private adopt(s: StoredOAuthSession): string {
    this.session = s;
    this.stale = false;
    return s.accessToken;
  }

  private ended(reason: 'session-ended', detail: string): NotSignedInError {
    const err = new NotSignedInError(reason, this.session.environment, 'oauth', `${detail} ${this.o.signInAgain}`);
    this.o.onEnded?.(err);
    return err;
  }

  private async renew(signal?: AbortSignal): Promise<string> {
    const refused = this.stale ? this.session.accessToken : undefined;
    // Another window or command may have renewed it meanwhile (refresh tokens are used once).
    const latest = await this.stored.read().catch(() => undefined);
    if (latest && latest.accessToken !== this.session.accessToken && latest.accessToken !== refused && usable(latest, this.now())) return this.adopt(latest);
    const base = latest && latest.accessToken !== refused ? latest : this.session;
    const refreshToken = base.refreshToken ?? this.session.refreshToken;
    if (!refreshToken) {
      await this.stored.remove().catch(() => undefined);
      throw this.ended('session-ended', `The OAuth session of "${this.session.environment}" ended at ${new Date(Date.parse(this.session.expiresAt)).toLocaleString()} and holds no refresh token (add offline_access to the scope in the plan to get one).`);
    }
    let tokens: TokenSet;
    try {
      tokens = await this.domain().refresh(refreshToken, signal);
    } catch (err) {
      if (err instanceof OracleError && (err.status === 400 || err.status === 401) && ENDING_CODES.has(err.code ?? '')) {
        const again = await this.stored.read().catch(() => undefined);
        if (again && again.refreshToken !== refreshToken && usable(again, this.now())) return this.adopt(again);
        await this.stored.remove().catch(() => undefined);
        throw this.ended('session-ended', `The identity domain refused to renew the OAuth session of "${this.session.environment}" (${err.code}: its refresh token expired or was revoked); it is forgotten.`);
      }
      throw err;
    }
    const next: StoredOAuthSession = {
      ...this.session,
      accessToken: tokens.accessToken,
      expiresAt: new Date(tokens.expiresAt).toISOString(),
      refreshToken: tokens.refreshToken ?? refreshToken,
      refreshedAt: new Date(this.now()).toISOString(),
    };
    await this.stored.write(next);
    this.o.onRenewed?.(next);
    return this.adopt(next);
  }
}

/** The administrator credential of a stored OAuth session. */
export function oauthCredential(source: OAuthTokenSource, nextStep: string): TokenAdminCredential {
  const s = source.current;
  return {
    kind: 'oauth',
    username: s.userName,
    source,
    how: `OAuth with the identity domain ${s.identityDomain}`,
    until: s.expiresAt,
    renews: !!s.refreshToken,
    nextStep,
  };
}
