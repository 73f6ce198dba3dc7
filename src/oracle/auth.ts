/**
 * Authentication for the Oracle REST client: HTTP Basic, Bearer (a JWT from the Security Console
 * API Authentication setup, or any token source), and OAuth client credentials from an OCI IAM
 * confidential application (token cached until shortly before it expires, refreshed once on 401).
 */
import * as z from 'zod';

export type OracleAuth =
  | { kind: 'basic'; username: string; password: string }
  | {
      kind: 'bearer';
      /** The token, or where to get a valid one (refreshed or signed anew by the source). */
      token: string | ((signal?: AbortSignal) => string | Promise<string>);
      /** Who the tokens act as, for the sign-in gate: tokens of one identity share one gate (never a secret). */
      identity?: string;
      /** After a 401: forget the current token; false when no other token is worth trying. */
      invalidate?: () => boolean;
    }
  | { kind: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string; scope: string }
  /** No credential (e.g. a public client at the identity domain's token endpoint). */
  | { kind: 'none' };

/** Token endpoint response (RFC 6749 section 5.1); extra fields tolerated. */
export const oauthTokenResponseSchema = z.lazy(() => z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
}));
export type OAuthTokenResponse = z.infer<typeof oauthTokenResponseSchema>;

export interface FetchedToken {
  accessToken: string;
  /** Lifetime in seconds as announced by the token endpoint. */
  expiresInSec?: number;
}

/** Default lifetime assumed when the token endpoint does not say (seconds). */
const DEFAULT_TOKEN_LIFETIME_SEC = 300;

/** Encodes `user:password` for HTTP Basic (UTF-8). */
export function basicCredentials(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/**
 * Produces the Authorization header for each request. Internal to the client, exported for tests
 * and for code that needs the same caching (e.g. the xAPI sender).
 */
export class AuthProvider {
  private cached?: { token: string; refreshAt: number };
  private inflight?: Promise<string>;
  private readonly secretValues = new Set<string>();

  constructor(
    readonly auth: OracleAuth,
    private readonly fetchToken: (signal?: AbortSignal) => Promise<FetchedToken>,
    private readonly now: () => number = Date.now,
  ) {
    if (auth.kind === 'basic') {
      this.secretValues.add(auth.password);
      this.secretValues.add(basicCredentials(auth.username, auth.password));
    } else if (auth.kind === 'bearer') {
      if (typeof auth.token === 'string') this.secretValues.add(auth.token);
    } else if (auth.kind === 'oauth') {
      this.secretValues.add(auth.clientSecret);
      this.secretValues.add(basicCredentials(auth.clientId, auth.clientSecret));
    }
  }

  get kind(): OracleAuth['kind'] {
    return this.auth.kind;
  }

  /** Whether a 401 may be cured by obtaining the credential again. */
  get refreshable(): boolean {
    return this.auth.kind === 'oauth' || (this.auth.kind === 'bearer' && typeof this.auth.token === 'function');
  }

  /** Every secret value known so far (for redaction of server-echoed text). */
  secrets(): string[] {
    return [...this.secretValues];
  }

  async header(signal?: AbortSignal): Promise<string> {
    const a = this.auth;
    if (a.kind === 'basic') return `Basic ${basicCredentials(a.username, a.password)}`;
    if (a.kind === 'none') return '';
    if (a.kind === 'bearer') {
      const token = typeof a.token === 'string' ? a.token : await a.token(signal);
      this.secretValues.add(token);
      return `Bearer ${token}`;
    }
    return `Bearer ${await this.oauthToken(signal)}`;
  }

  /** Forgets the cached token (after a 401); false when no other token is worth trying. */
  invalidate(): boolean {
    this.cached = undefined;
    if (this.auth.kind === 'bearer' && this.auth.invalidate) return this.auth.invalidate();
    return true;
  }

  private async oauthToken(signal?: AbortSignal): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token;
    if (!this.inflight) {
      const started = this.now();
      this.inflight = this.fetchToken(signal)
        .then((t) => {
          this.secretValues.add(t.accessToken);
          const lifetimeMs = (t.expiresInSec ?? DEFAULT_TOKEN_LIFETIME_SEC) * 1000;
          // Refresh shortly before expiry: 60 s early, or 10% of the lifetime for short-lived tokens.
          const margin = Math.min(60_000, lifetimeMs * 0.1);
          this.cached = { token: t.accessToken, refreshAt: started + lifetimeMs - margin };
          return t.accessToken;
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.inflight;
  }
}
