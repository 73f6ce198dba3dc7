/**
 * JWT bearer with the administrator's own key ("Use JWT Token for Authorization", the mechanism
 * Coursera uses, step 9): a key pair and a self-signed certificate made on this machine, the
 * certificate registered under Security Console > API Authentication with a trusted issuer, then
 * short-lived tokens (header RS256 + x5t of the certificate; `iss`, `prn` and `sub` the
 * administrator, `iat`, `exp` minutes later) signed on demand. The private key is kept like the
 * OAuth tokens (SecretStorage, the OS keyring, or a 0600 file), never in the workspace; the
 * certificate (public) is written next to the plan for the upload.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import * as z from 'zod';
import type { AccessTokenSource, TokenAdminCredential } from '../model/credentials';
import { podOrigin } from '../model/credentials';
import { selfSignedRsa, signOracleJwt, x5tOf } from '../plan/oracleJwt';
import type { Guidance } from '../plan/types';
import { signInKey, StoredValue, type SignInStore } from './signInStore';

/** Lifetime of each token: minutes, renewed by signing a new one. */
export const ADMIN_JWT_LIFETIME_S = 300;
/** Validity of the self-signed certificate (the key is replaced by signing in again). */
export const ADMIN_CERT_DAYS = 365;

export const storedAdminKeySchema = z.lazy(() => z.strictObject({
  kind: z.literal('jwt'),
  version: z.literal(1),
  environment: z.string(),
  origin: z.string(),
  userName: z.string().min(1),
  issuer: z.string().min(1),
  alias: z.string().min(1),
  privateKeyPem: z.string().min(1),
  certificatePem: z.string().min(1),
  x5t: z.string().min(1),
  createdAt: z.string(),
  /** ISO: the certificate's end. */
  notAfter: z.string(),
  /** ISO: when one call signed with it was accepted; absent while the registration is pending. */
  provenAt: z.string().optional(),
}));
export type StoredAdminKey = z.infer<typeof storedAdminKeySchema>;

export function adminKeyValue(store: SignInStore, environment: string, url: string): StoredValue<StoredAdminKey> {
  return new StoredValue(store, signInKey(environment, url, 'jwtKey'), (json) => {
    const r = storedAdminKeySchema.safeParse(json);
    return r.success ? r.data : undefined;
  });
}

/** The trusted issuer of an administrator's own key when the plan names none. */
export function defaultAdminIssuer(userName: string): string {
  return `oli-admin.${userName}`;
}

/** A new key pair and self-signed certificate for `userName` on the environment's pod (not registered yet). */
export function createAdminKey(o: { environment: string; url: string; userName: string; issuer?: string; now?: Date }): StoredAdminKey {
  const now = o.now ?? new Date();
  const suffix = randomBytes(3).toString('hex').toUpperCase();
  const pair = selfSignedRsa(`oli-admin ${o.userName} (${o.environment})`, ADMIN_CERT_DAYS, now);
  return {
    kind: 'jwt',
    version: 1,
    environment: o.environment,
    origin: podOrigin(o.url),
    userName: o.userName,
    issuer: o.issuer ?? defaultAdminIssuer(o.userName),
    alias: `OLI_ADMIN_${suffix}`,
    privateKeyPem: pair.privateKeyPem,
    certificatePem: pair.certificatePem,
    x5t: x5tOf(pair.certificatePem),
    createdAt: now.toISOString(),
    notAfter: new Date(new X509Certificate(pair.certificatePem).validTo).toISOString(),
  };
}

/** File name of the certificate to upload (public; written next to the plan, in the state folder). */
export function adminCertificateFileName(environment: string, userName: string): string {
  return `${environment}.admin-${userName.replace(/[^A-Za-z0-9_.-]/g, '_')}.cer`;
}

/** The registration under API Authentication, in the guided style of step 9: checklist, deep link, what to record. */
export function registrationGuidance(key: StoredAdminKey, certificatePath: string): Guidance {
  return {
    checklist: [
      'Security Console > API Authentication > Create Oracle API Authentication Provider (or edit the provider that already has this trusted issuer).',
      `Trusted Issuer: ${key.issuer} (exactly); Token Type: JWT.`,
      `Inbound API Authentication Public Certificates: Add New Certificate; Certificate Alias: ${key.alias}; upload ${certificatePath}.`,
      `Save and Close. Tokens signed with this key act as ${key.userName} (prn and sub), with that user's roles, for ${Math.round(ADMIN_JWT_LIFETIME_S / 60)} minutes each.`,
    ],
    deepLink: { label: 'Open the Security Console', path: '/fscmUI/faces/FuseWelcome', navigation: 'Navigator > Tools > Security Console > API Authentication' },
    record: ['Trusted issuer', 'Certificate alias', 'Result of the verification call'],
  };
}

/** Short-lived tokens signed with the administrator's key (a new one a minute before the last ends). */
export class JwtTokenSource implements AccessTokenSource {
  private cached?: { token: string; exp: number };

  constructor(
    readonly key: StoredAdminKey,
    private readonly now: () => number = Date.now,
  ) {}

  get identity(): string {
    return `jwt ${this.key.issuer} as ${this.key.userName}`;
  }

  secrets(): string[] {
    return [this.key.privateKeyPem, this.cached?.token].filter((s): s is string => !!s);
  }

  /** A freshly signed token would be refused for the same reason (the registration): no second try. */
  invalidate(): boolean {
    this.cached = undefined;
    return false;
  }

  async token(): Promise<string> {
    const now = this.now();
    if (this.cached && now < this.cached.exp - 60_000) return this.cached.token;
    const token = await signOracleJwt({
      privateKeyPem: this.key.privateKeyPem,
      certificatePem: this.key.certificatePem,
      issuer: this.key.issuer,
      userName: this.key.userName,
      lifetimeSeconds: ADMIN_JWT_LIFETIME_S,
      now: new Date(now),
    });
    this.cached = { token, exp: now + ADMIN_JWT_LIFETIME_S * 1000 };
    return token;
  }
}

/** The administrator credential of a registered key. */
export function jwtCredential(source: JwtTokenSource, nextStep: string): TokenAdminCredential {
  const k = source.key;
  return {
    kind: 'jwt',
    username: k.userName,
    source,
    how: `JWT signed with your own key (trusted issuer ${k.issuer}, certificate alias ${k.alias})`,
    until: k.notAfter,
    renews: true,
    nextStep,
  };
}
