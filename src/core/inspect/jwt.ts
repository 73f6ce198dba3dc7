import { createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { compactVerify } from 'jose';
import * as z from 'zod';
import { describeCertificate, loadCertificates, reportFor, type CertificateInfo, type CertificateReport, type LoadedCertificates } from './certificates';
import { decodeBase64urlStrict } from './encoding';
import { InspectError, assertSize } from './errors';

/** Every check the JWT inspector can report; each attack class fails its own id. */
export type JwtCheckId =
  | 'format'
  | 'payload-json'
  | 'alg-none'
  | 'alg-allowed'
  | 'hmac-with-public-key'
  | 'header-jwk'
  | 'header-jku'
  | 'header-x5u'
  | 'header-x5c'
  | 'crit'
  | 'x5t-present'
  | 'x5t-matches-certificate'
  | 'certificate-rsa'
  | 'certificate-validity'
  | 'key-selection'
  | 'key-import'
  | 'key-use'
  | 'key-alg'
  | 'key-strength'
  | 'signature'
  | 'iss'
  | 'prn'
  | 'sub'
  | 'exp-present'
  | 'exp'
  | 'nbf'
  | 'iat';

export interface JwtCheck {
  id: JwtCheckId;
  /** The check ran and passed. A check that could not run is never ok. */
  ok: boolean;
  /**
   * The check could not run: `certificate` (no inbound certificate was given, so nothing about the
   * signature or the certificate can be said) or `blocked` (an earlier check failed, so running it
   * would mean nothing). Absent when the check ran.
   */
  notChecked?: 'certificate' | 'blocked';
  message: string;
}

/** What became of a check: it passed, it failed, or it could not run. */
export type JwtCheckStatus = 'pass' | 'fail' | 'not-checked';

export function jwtCheckStatus(c: JwtCheck): JwtCheckStatus {
  return c.notChecked ? 'not-checked' : c.ok ? 'pass' : 'fail';
}

/**
 * The verdict, with what could not be checked kept apart from what failed: a token whose signature
 * was never checked is "not verified", not "invalid" because of it (and not valid either).
 */
export interface JwtVerdict {
  /** `valid`: every check ran and passed; `not-verified`: some checks could not run for want of the certificate; `invalid`: otherwise a check failed. */
  status: 'valid' | 'not-verified' | 'invalid';
  total: number;
  failed: JwtCheckId[];
  /** Checks that need the inbound certificate. */
  needCertificate: JwtCheckId[];
  /** Checks not run because an earlier one failed. */
  blocked: JwtCheckId[];
  /** One line, e.g. "decoded, not verified (4 checks need the inbound certificate); 1 failed: exp". */
  text: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function jwtVerdict(checks: JwtCheck[]): JwtVerdict {
  const failed = checks.filter((c) => jwtCheckStatus(c) === 'fail').map((c) => c.id);
  const needCertificate = checks.filter((c) => c.notChecked === 'certificate').map((c) => c.id);
  const blocked = checks.filter((c) => c.notChecked === 'blocked').map((c) => c.id);
  const failedText = failed.length ? `${failed.length} failed: ${failed.join(', ')}` : '';
  const blockedText = blocked.length ? `${plural(blocked.length, 'check', 'checks')} not run because of ${failed.length === 1 ? 'it' : 'them'} (${blocked.join(', ')})` : '';
  let status: JwtVerdict['status'];
  let text: string;
  if (!failed.length && !needCertificate.length && !blocked.length) {
    status = 'valid';
    text = `valid: all ${checks.length} checks passed`;
  } else if (needCertificate.length) {
    status = 'not-verified';
    text = [`decoded, not verified (${plural(needCertificate.length, 'check needs', 'checks need')} the inbound certificate)`, failedText, blockedText].filter(Boolean).join('; ');
  } else {
    status = 'invalid';
    text = [`invalid: ${failed.length} of ${checks.length} checks failed (${failed.join(', ')})`, blockedText].filter(Boolean).join('; ');
  }
  return { status, total: checks.length, failed, needCertificate, blocked, text };
}

export interface JwtSignatureResult {
  verified: boolean;
  /** "signature verified with certificate ..." or "decoded, not verified: <why>". */
  reason: string;
  /** The certificate the token was checked against (Oracle mode), when one was selected. */
  certificate: { index: number; subject: string; sha1: string; x5t: string } | null;
}

export interface JwtReport {
  mode: 'oracle' | 'generic';
  /** Decoded protected header: shown even when verification fails. */
  header: Record<string, unknown>;
  /** Decoded claims (JSON object), or the payload text when it is not JSON. */
  payload: Record<string, unknown> | string;
  signature: JwtSignatureResult;
  checks: JwtCheck[];
  /** Every check ran and passed (a check that could not run leaves the token not valid). */
  valid: boolean;
  /** Failures and checks that could not run, kept apart. */
  verdict: JwtVerdict;
  /** exp / nbf / iat as ISO dates, for display (null when absent or not a NumericDate). */
  times: { exp: string | null; nbf: string | null; iat: string | null };
}

interface CommonJwtOptions {
  /** Verification date (default now). */
  now?: Date;
  /** Allowed clock skew for exp, nbf and iat, in seconds (default 60). */
  clockToleranceSeconds?: number;
}

/** Oracle's inbound profile (Security Console > API Authentication). */
export interface OracleJwtOptions extends CommonJwtOptions {
  mode?: 'oracle';
  /**
   * The inbound certificate(s): file contents (PEM, DER, PKCS#7, PKCS#12) or already loaded certificates.
   * Without a certificate the token is decoded and its claims checked, but `signature`,
   * `x5t-matches-certificate`, `certificate-rsa` and `certificate-validity` fail ("no certificate given").
   */
  certificates?: Buffer | string | LoadedCertificates;
  /** Alias of `certificates` (one certificate file). */
  certificate?: Buffer | string;
  /** PKCS#12 password, when `certificates` is a PKCS#12 file. */
  password?: string;
  /** The trusted issuer configured in API Authentication: `iss` must equal it exactly. */
  issuer?: string;
  /** The integration user (e.g. user.coursera): `prn` and `sub` must equal it. */
  user?: string;
}

/** Generic JWS verification against a PEM, JWK or JWKS key with an explicit algorithm allow-list. */
export interface GenericJwtOptions extends CommonJwtOptions {
  mode: 'generic';
  /** PEM (certificate, public key; a private key is reduced to its public half), JWK or JWKS (JSON text or object). */
  key: Buffer | string | Record<string, unknown>;
  algorithms: string[];
  issuer?: string;
  subject?: string;
}

export type InspectJwtOptions = OracleJwtOptions | GenericJwtOptions;

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;
/** Oracle API Authentication accepts RS256 only [3P Oracle A-Team; see shared/oracle-reference.md]. */
export const ORACLE_ALGORITHMS = ['RS256'] as const;

const KNOWN_ALGORITHMS = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

const JwkSchema = z.lazy(() => z.looseObject({
  kty: z.string(),
  kid: z.string().optional(),
  alg: z.string().optional(),
  use: z.string().optional(),
  key_ops: z.array(z.string()).optional(),
  k: z.string().optional(),
  n: z.string().optional(),
  e: z.string().optional(),
  crv: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
}));
type Jwk = z.infer<typeof JwkSchema>;
const JwksSchema = z.lazy(() => z.object({ keys: z.array(z.unknown()) }));

interface DecodedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown> | string;
  payloadIsJson: boolean;
  segmentsStrict: boolean;
  formatProblem: string | null;
  compact: string;
}

/** Splits and decodes a compact JWS/JWT without verifying it. Throws InspectError('not-a-jwt') when the header is unreadable. */
export function decodeJwt(token: string): DecodedToken {
  assertSize(Buffer.byteLength(token, 'utf8'), 'The token');
  let compact = token.trim();
  if (/^bearer\s+/i.test(compact)) compact = compact.replace(/^bearer\s+/i, '');
  const parts = compact.split('.');
  if (compact === '' || parts.length !== 3) {
    throw new InspectError(
      'not-a-jwt',
      parts.length === 5 ? 'The input is a JWE (5 parts, encrypted), not a signed JWT; Oracle expects a signed JWT (header.payload.signature)' : `The input is not a JWT: expected 3 dot-separated base64url parts (header.payload.signature), found ${compact === '' ? 'nothing' : `${parts.length}`}`,
    );
  }
  const [h, p, s] = parts as [string, string, string];
  const headerBytes = decodeBase64urlStrict(h) ?? (/^[A-Za-z0-9_\-+/=]*$/.test(h) ? Buffer.from(h, 'base64url') : null);
  let header: unknown;
  try {
    header = headerBytes ? JSON.parse(headerBytes.toString('utf8')) : undefined;
  } catch {
    header = undefined;
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) {
    throw new InspectError('not-a-jwt', 'The input is not a JWT: its first part does not decode (base64url) to a JSON object header');
  }
  const problems: string[] = [];
  if (!decodeBase64urlStrict(h)) problems.push('header');
  const payloadBytes = decodeBase64urlStrict(p);
  if (!payloadBytes) problems.push('payload');
  if (!decodeBase64urlStrict(s)) problems.push('signature');
  const payloadText = (payloadBytes ?? Buffer.from(p.replace(/[^A-Za-z0-9_-]/g, ''), 'base64url')).toString('utf8');
  let payload: Record<string, unknown> | string = payloadText;
  let payloadIsJson = false;
  try {
    const parsed: unknown = JSON.parse(payloadText);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      payload = parsed as Record<string, unknown>;
      payloadIsJson = true;
    }
  } catch {
    /* a JWS payload need not be JSON; claim checks report it */
  }
  return {
    header: header as Record<string, unknown>,
    payload,
    payloadIsJson,
    segmentsStrict: problems.length === 0,
    formatProblem: problems.length ? `the ${problems.join(', ')} part${problems.length > 1 ? 's are' : ' is'} not strict base64url (RFC 7515 section 2: URL-safe alphabet, no padding, no other characters)` : null,
    compact,
  };
}

interface CandidateKey {
  kind: 'public' | 'secret';
  key: KeyObject | Uint8Array | null;
  importError: string | null;
  jwk: Jwk | null;
  label: string;
  kid: string | undefined;
}

/**
 * Inspects a JWT: decodes it (always), then verifies it either against Oracle's inbound profile
 * (default: RS256 only, x5t = SHA-1 thumbprint of the inbound certificate, iss exact, prn/sub = user,
 * exp present and not passed, nbf/iat not in the future) or, with `mode: 'generic'`, against a PEM/JWK/JWKS
 * key and an explicit algorithm allow-list. Never throws for a bad token that decodes; throws
 * InspectError when the input is not a JWT or the key/certificate cannot be read.
 */
export async function inspectJwt(token: string, options: InspectJwtOptions): Promise<JwtReport> {
  const decoded = decodeJwt(token);
  return options.mode === 'generic' ? inspectGeneric(decoded, options) : inspectOracle(decoded, options);
}

function headerChecks(decoded: DecodedToken, allowed: readonly string[], checks: JwtCheck[]): string {
  const alg = typeof decoded.header.alg === 'string' ? decoded.header.alg : '';
  checks.push(
    decoded.formatProblem
      ? { id: 'format', ok: false, message: `Malformed token: ${decoded.formatProblem}` }
      : { id: 'format', ok: true, message: 'Three strict base64url parts' },
  );
  const isNone = alg.toLowerCase() === 'none';
  checks.push({
    id: 'alg-none',
    ok: !isNone && alg !== '',
    message: isNone ? `alg is "${alg}": an unsigned token; it is never accepted` : alg === '' ? 'The header has no alg' : `alg is "${alg}", not "none"`,
  });
  checks.push({
    id: 'alg-allowed',
    ok: allowed.includes(alg),
    message: allowed.includes(alg) ? `alg ${alg} is allowed` : `alg "${alg}" is not allowed (allowed: ${allowed.join(', ')})`,
  });
  for (const [name, id] of [['jwk', 'header-jwk'], ['jku', 'header-jku'], ['x5u', 'header-x5u'], ['x5c', 'header-x5c']] as const) {
    const present = name in decoded.header;
    checks.push({
      id,
      ok: !present,
      message: present
        ? `The header carries "${name}": a key chosen by the token itself is never trusted (key-injection attack); verification uses only the configured ${name === 'x5c' ? 'certificate' : 'key'}`
        : `No "${name}" header`,
    });
  }
  const crit = decoded.header.crit;
  checks.push(
    crit === undefined
      ? { id: 'crit', ok: true, message: 'No critical header extensions' }
      : { id: 'crit', ok: false, message: `The header marks ${JSON.stringify(crit)} as critical; no critical extension is supported, so the token must be rejected (RFC 7515 section 4.1.11)` },
  );
  return alg;
}

function hmacCheck(alg: string, keyIsPublic: boolean, checks: JwtCheck[]): boolean {
  const hs = /^HS\d+$/i.test(alg);
  const bad = hs && keyIsPublic;
  checks.push({
    id: 'hmac-with-public-key',
    ok: !bad,
    message: bad
      ? `alg ${alg} is an HMAC (shared-secret) algorithm but the verification key is public-key material: a verifier that used the public key bytes as the HMAC secret could be forged by anyone (algorithm confusion)`
      : hs
        ? `alg ${alg} with a shared secret`
        : 'Not an HMAC algorithm',
  });
  return !bad;
}

async function verifySignature(compact: string, key: KeyObject | Uint8Array, alg: string): Promise<{ ok: boolean; error: string | null }> {
  try {
    await compactVerify(compact, key, { algorithms: [alg] });
    return { ok: true, error: null };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { ok: false, error: e.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'the signature does not match' : (e.message ?? String(err)) };
  }
}

async function inspectOracle(decoded: DecodedToken, options: OracleJwtOptions): Promise<JwtReport> {
  const now = options.now ?? new Date();
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const source = options.certificates ?? options.certificate;
  const loaded: LoadedCertificates | null =
    source === undefined ? null : isLoaded(source) ? source : loadCertificates(source, options.password === undefined ? {} : { password: options.password });
  const infos = loaded ? loaded.certificates.map((c) => describeCertificate(c, now)) : [];
  const checks: JwtCheck[] = [];
  const alg = headerChecks(decoded, ORACLE_ALGORITHMS, checks);
  checks.splice(1, 0,
    decoded.payloadIsJson
      ? { id: 'payload-json', ok: true, message: 'The payload is a JSON claims set' }
      : { id: 'payload-json', ok: false, message: 'The payload is not a JSON object, so it carries no claims (iss, prn, sub, exp); Oracle needs a JWT claims set' },
  );
  hmacCheck(alg, true, checks);

  const x5t = decoded.header.x5t;
  checks.push(
    typeof x5t === 'string' && x5t !== ''
      ? { id: 'x5t-present', ok: true, message: `x5t is "${x5t}"` }
      : { id: 'x5t-present', ok: false, message: 'The header has no x5t; Oracle selects the inbound certificate by x5t (base64url SHA-1 thumbprint of the certificate), so it is required' },
  );
  let index = typeof x5t === 'string' ? infos.findIndex((c) => c.x5t === x5t) : -1;
  if (typeof x5t === 'string' && x5t !== '') {
    if (index >= 0) {
      checks.push({ id: 'x5t-matches-certificate', ok: true, message: `x5t matches certificate ${index + 1} (${infos[index]!.subject})` });
    } else {
      const hexLike = /^[0-9a-fA-F:]{40,59}$/.test(x5t) ? ' (it looks like a hex thumbprint; x5t must be the base64url of the SHA-1 digest bytes)' : '';
      const s256 = infos.findIndex((c) => c.x5tS256 === x5t);
      const hint = s256 >= 0 ? ` (it is the SHA-256 thumbprint of certificate ${s256 + 1}; Oracle expects the SHA-1 one in x5t)` : hexLike;
      checks.push({
        id: 'x5t-matches-certificate',
        ok: false,
        message: `x5t "${x5t}" is not the SHA-1 thumbprint of ${infos.length === 1 ? 'the certificate' : 'any of the certificates'} (${infos.map((c) => c.x5t).join(', ')})${hint}; the token was made for another certificate, or the wrong certificate was uploaded`,
      });
    }
  } else {
    checks.push({ id: 'x5t-matches-certificate', ok: false, notChecked: 'blocked', message: 'Not compared: the token has no x5t to match against the certificate' });
  }
  if (!loaded) {
    // Decode-only: no certificate given, so nothing about the signature can be said.
    const missing = 'no certificate given (pass the inbound certificate to verify)';
    const i = checks.findIndex((c) => c.id === 'x5t-matches-certificate');
    checks[i] = { id: 'x5t-matches-certificate', ok: false, notChecked: 'certificate', message: `x5t not compared: ${missing}` };
    checks.push({ id: 'certificate-rsa', ok: false, notChecked: 'certificate', message: `Not checked: ${missing}` });
    checks.push({ id: 'certificate-validity', ok: false, notChecked: 'certificate', message: `Not checked: ${missing}` });
    checks.push({ id: 'signature', ok: false, notChecked: 'certificate', message: `Signature not checked: ${missing}` });
    claimChecksOracle(decoded, options, checks);
    const times = timeChecks(decoded, now, tolerance, true, checks);
    return finish('oracle', decoded, { verified: false, reason: `decoded, not verified: ${missing}`, certificate: null }, checks, times);
  }
  if (index < 0) index = 0;
  const cert = loaded.certificates[index]!;
  const info = infos[index]!;
  const certRef = { index, subject: info.subject, sha1: info.sha1, x5t: info.x5t };
  const certIsRsa = info.keyType === 'RSA';
  checks.push({
    id: 'certificate-rsa',
    ok: certIsRsa,
    message: certIsRsa ? `Certificate ${index + 1} has an RSA key (${info.keySize} bits)` : `Certificate ${index + 1} has a ${info.keyType} key; RS256 needs an RSA certificate`,
  });
  const usable = info.status === 'valid' || info.status === 'expiring';
  checks.push({
    id: 'certificate-validity',
    ok: usable,
    message: usable
      ? `Certificate ${index + 1} is valid until ${info.notAfter}`
      : `Certificate ${index + 1} is ${info.status === 'expired' ? `expired since ${info.notAfter}` : `not valid before ${info.notBefore}`} (inference: Oracle is expected to refuse tokens checked against it)`,
  });

  let signature: JwtSignatureResult;
  const blockers = checks.filter((c) => !c.ok && (c.id === 'alg-none' || c.id === 'alg-allowed' || c.id === 'hmac-with-public-key' || c.id === 'certificate-rsa' || c.id === 'format' || c.id.startsWith('header-') || c.id === 'crit'));
  if (blockers.length) {
    signature = { verified: false, reason: `decoded, not verified: ${blockers.map((b) => b.id).join(', ')} failed`, certificate: certRef };
    checks.push({ id: 'signature', ok: false, notChecked: 'blocked', message: `Signature not checked because ${blockers.map((b) => b.id).join(', ')} failed` });
  } else {
    const r = await verifySignature(decoded.compact, cert.publicKey, alg);
    signature = r.ok
      ? { verified: true, reason: `signature verified with certificate ${index + 1} (${info.subject}, SHA-1 ${info.sha1})`, certificate: certRef }
      : { verified: false, reason: `decoded, not verified: ${r.error} with certificate ${index + 1} (${info.subject})`, certificate: certRef };
    checks.push({
      id: 'signature',
      ok: r.ok,
      message: r.ok ? signature.reason.replace(/^s/, 'S') : `The RS256 signature does not verify with certificate ${index + 1} (${info.subject}): the token was signed with a different private key than the one of this certificate`,
    });
  }

  claimChecksOracle(decoded, options, checks);
  const times = timeChecks(decoded, now, tolerance, true, checks);
  return finish('oracle', decoded, signature, checks, times);
}

function claimChecksOracle(decoded: DecodedToken, options: OracleJwtOptions, checks: JwtCheck[]): void {
  const claims = decoded.payloadIsJson ? (decoded.payload as Record<string, unknown>) : {};
  const iss = claims.iss;
  if (options.issuer !== undefined) {
    checks.push(compareExact('iss', iss, options.issuer, 'the trusted issuer configured in API Authentication'));
  } else {
    checks.push(
      typeof iss === 'string' && iss !== ''
        ? { id: 'iss', ok: true, message: `iss is ${JSON.stringify(iss)} (not compared: give the trusted issuer to compare it exactly)` }
        : { id: 'iss', ok: false, message: 'The token has no iss; Oracle matches it against the trusted issuer' },
    );
  }
  for (const name of ['prn', 'sub'] as const) {
    const value = claims[name];
    if (options.user !== undefined) {
      checks.push(compareExact(name, value, options.user, 'the integration user'));
    } else if (typeof value !== 'string' || value === '') {
      checks.push({ id: name, ok: false, message: `The token has no ${name}; Oracle reads the user name from prn and sub` });
    } else if (name === 'sub' && typeof claims.prn === 'string' && claims.prn !== value) {
      checks.push({ id: 'sub', ok: false, message: `sub ${JSON.stringify(value)} differs from prn ${JSON.stringify(claims.prn)}; both must name the integration user` });
    } else {
      checks.push({ id: name, ok: true, message: `${name} is ${JSON.stringify(value)} (not compared: give the integration user to compare it)` });
    }
  }
}

function compareExact(id: 'iss' | 'prn' | 'sub', actual: unknown, expected: string, what: string): JwtCheck {
  if (actual === expected) return { id, ok: true, message: `${id} equals ${what} (${JSON.stringify(expected)})` };
  if (typeof actual !== 'string') return { id, ok: false, message: `The token has no ${id} string; it must equal ${what} ${JSON.stringify(expected)}` };
  let why = '';
  if (actual.trim() === expected.trim()) why = ' (they differ only by leading/trailing spaces)';
  else if (actual.replace(/\s+/g, '') === expected.replace(/\s+/g, '')) why = ' (they differ only by spaces)';
  else if (actual.toLowerCase() === expected.toLowerCase()) why = ' (they differ only by letter case; the comparison is exact)';
  return { id, ok: false, message: `${id} ${JSON.stringify(actual)} is not ${what} ${JSON.stringify(expected)}${why}` };
}

function timeChecks(decoded: DecodedToken, now: Date, tolerance: number, requireExp: boolean, checks: JwtCheck[]): JwtReport['times'] {
  const claims = decoded.payloadIsJson ? (decoded.payload as Record<string, unknown>) : null;
  const times: JwtReport['times'] = { exp: null, nbf: null, iat: null };
  if (!claims) return times;
  const nowS = now.getTime() / 1000;
  const iso = (n: number) => {
    const d = new Date(n * 1000);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  };
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const exp = claims.exp;
  if (num(exp)) times.exp = iso(exp);
  if (requireExp || exp !== undefined) {
    checks.push(num(exp) ? { id: 'exp-present', ok: true, message: `exp is ${exp} (${times.exp})` } : { id: 'exp-present', ok: false, message: exp === undefined ? 'The token has no exp; Oracle requires an expiry' : `exp ${JSON.stringify(exp)} is not a NumericDate (seconds since 1970)` });
  }
  if (num(exp)) {
    const ok = nowS <= exp + tolerance;
    checks.push({ id: 'exp', ok, message: ok ? `Not expired (expires ${times.exp})` : `Expired at ${times.exp}, ${Math.round(nowS - exp)} s before ${now.toISOString()} (clock tolerance ${tolerance} s); issue a fresh token` });
  }
  for (const name of ['nbf', 'iat'] as const) {
    const v = claims[name];
    if (v === undefined) {
      checks.push({ id: name, ok: true, message: `No ${name} (optional)` });
      continue;
    }
    if (!num(v)) {
      checks.push({ id: name, ok: false, message: `${name} ${JSON.stringify(v)} is not a NumericDate (seconds since 1970)` });
      continue;
    }
    times[name] = iso(v);
    const ok = v <= nowS + tolerance;
    checks.push({
      id: name,
      ok,
      message: ok ? `${name} ${times[name]} is not in the future` : `${name} ${times[name]} is ${Math.round(v - nowS)} s in the future (clock tolerance ${tolerance} s); the issuer's clock is probably wrong`,
    });
  }
  return times;
}

function finish(mode: 'oracle' | 'generic', decoded: DecodedToken, signature: JwtSignatureResult, checks: JwtCheck[], times: JwtReport['times']): JwtReport {
  return { mode, header: decoded.header, payload: decoded.payload, signature, checks, valid: checks.every((c) => c.ok), verdict: jwtVerdict(checks), times };
}

function isLoaded(v: unknown): v is LoadedCertificates {
  return !!v && typeof v === 'object' && !Buffer.isBuffer(v) && Array.isArray((v as LoadedCertificates).certificates);
}

// ---------------------------------------------------------------- generic mode

/** Reads PEM / JWK / JWKS key material into candidate verification keys. Throws InspectError('bad-key'). */
export function readVerificationKeys(key: Buffer | string | Record<string, unknown>): CandidateKey[] {
  if (typeof key === 'object' && !Buffer.isBuffer(key)) return jwkCandidates(key);
  const text = (typeof key === 'string' ? key : key.toString('utf8')).trim();
  assertSize(Buffer.byteLength(text), 'The key file');
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new InspectError('bad-key', `The key file looks like JSON but does not parse (${(err as Error).message}); give a JWK, a JWKS or a PEM file`);
    }
    return jwkCandidates(parsed);
  }
  if (text.includes('-----BEGIN')) {
    if (/-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----|-----BEGIN PKCS7-----/.test(text)) {
      const loaded = loadCertificates(text);
      return loaded.certificates.map((c: X509Certificate, i) => ({ kind: 'public' as const, key: c.publicKey, importError: null, jwk: null, label: `certificate ${i + 1} (${c.subject.split('\n').join(', ')})`, kid: undefined }));
    }
    try {
      const pub = createPublicKey(text); // a private key PEM yields its public half; the private part is never used
      return [{ kind: 'public', key: pub, importError: null, jwk: null, label: 'the PEM key', kid: undefined }];
    } catch {
      throw new InspectError('bad-key', 'The PEM key could not be read (encrypted private keys are not supported here; give the public key or certificate)');
    }
  }
  throw new InspectError('bad-key', 'The key is neither PEM, JWK nor JWKS; give a public key/certificate PEM or a JWK/JWKS JSON file');
}

function jwkCandidates(value: unknown): CandidateKey[] {
  const set = JwksSchema.safeParse(value);
  const list = set.success ? set.data.keys : [value];
  return list.map((item, i) => {
    const parsed = JwkSchema.safeParse(item);
    if (!parsed.success) {
      return { kind: 'public' as const, key: null, importError: `JWK ${i + 1} is not a JWK (needs "kty")`, jwk: null, label: `JWK ${i + 1}`, kid: undefined };
    }
    const jwk = parsed.data;
    const label = `JWK ${jwk.kid ? `"${jwk.kid}"` : i + 1}`;
    if (jwk.kty === 'oct') {
      const k = typeof jwk.k === 'string' ? decodeBase64urlStrict(jwk.k) : null;
      return { kind: 'secret' as const, key: k, importError: k ? null : 'its "k" is not base64url', jwk, label, kid: jwk.kid };
    }
    try {
      const pub = jwkPublicPart(jwk);
      return { kind: 'public' as const, key: createPublicKey({ key: pub as never, format: 'jwk' }), importError: null, jwk, label, kid: jwk.kid };
    } catch (err) {
      return { kind: 'public' as const, key: null, importError: (err as Error).message, jwk, label, kid: jwk.kid };
    }
  });
}

function jwkPublicPart(jwk: Jwk): Record<string, string> {
  const pick = (names: string[]) => Object.fromEntries(names.filter((n) => typeof jwk[n] === 'string').map((n) => [n, jwk[n] as string]));
  switch (jwk.kty) {
    case 'RSA':
      return pick(['kty', 'n', 'e']);
    case 'EC':
      return pick(['kty', 'crv', 'x', 'y']);
    case 'OKP':
      return pick(['kty', 'crv', 'x']);
    default:
      throw new Error(`unsupported kty "${jwk.kty}"`);
  }
}

const EC_CURVE_FOR_ALG: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const HMAC_MIN_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };

function keyFitsAlg(c: CandidateKey, alg: string): string | null {
  const family = alg.slice(0, 2);
  const kty = c.jwk?.kty ?? (c.key && !(c.key instanceof Uint8Array) ? c.key.asymmetricKeyType : undefined);
  if (family === 'HS') return c.kind === 'secret' ? null : `${c.label} is not a shared secret`;
  if (c.kind === 'secret') return `${c.label} is a shared secret, not a ${alg} public key`;
  if (family === 'RS' || family === 'PS') return kty === 'RSA' || kty === 'rsa' || kty === 'rsa-pss' ? null : `${c.label} is not an RSA key`;
  if (family === 'ES') {
    const crv = c.jwk?.crv ?? (c.key && !(c.key instanceof Uint8Array) ? ({ prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' } as Record<string, string>)[c.key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined);
    if (!(kty === 'EC' || kty === 'ec')) return `${c.label} is not an EC key`;
    return crv === EC_CURVE_FOR_ALG[alg] ? null : `${c.label} is on curve ${crv ?? 'unknown'}, but ${alg} needs ${EC_CURVE_FOR_ALG[alg]}`;
  }
  if (alg === 'EdDSA' || alg === 'Ed25519') return kty === 'OKP' || kty === 'ed25519' || kty === 'ed448' ? null : `${c.label} is not an EdDSA (OKP) key`;
  return `${alg} is not supported by the inspector`;
}

async function inspectGeneric(decoded: DecodedToken, options: GenericJwtOptions): Promise<JwtReport> {
  const now = options.now ?? new Date();
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (!options.algorithms.length) throw new InspectError('bad-option', 'Give at least one allowed algorithm (e.g. --alg RS256)');
  const unknownAlg = options.algorithms.find((a) => !KNOWN_ALGORITHMS.has(a) || a === 'none');
  if (unknownAlg) throw new InspectError('bad-option', `Algorithm "${unknownAlg}" cannot be allowed; use some of ${[...KNOWN_ALGORITHMS].join(', ')}`);
  const candidates = readVerificationKeys(options.key);
  const checks: JwtCheck[] = [];
  const alg = headerChecks(decoded, options.algorithms, checks);

  // Key selection: kid when present; a key set mixing secrets and public keys is refused (algorithm confusion).
  const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined;
  let selected: CandidateKey[] = candidates;
  let selectionProblem: string | null = null;
  if (candidates.length > 1 && candidates.some((c) => c.kind === 'secret') && candidates.some((c) => c.kind === 'public')) {
    selectionProblem = 'The key set mixes shared secrets and public keys; an attacker could pick the algorithm family, so it is refused';
  } else if (kid !== undefined && candidates.some((c) => c.kid !== undefined)) {
    selected = candidates.filter((c) => c.kid === kid);
    if (selected.length === 0) selectionProblem = `No key has kid "${kid}"`;
    else if (selected.length > 1) selectionProblem = `${selected.length} keys share kid "${kid}"; the key is ambiguous`;
  } else if (candidates.length > 1) {
    selected = candidates.filter((c) => keyFitsAlg(c, alg) === null);
    if (selected.length === 0) selectionProblem = `No key fits alg ${alg}`;
  }
  checks.push(selectionProblem ? { id: 'key-selection', ok: false, message: selectionProblem } : { id: 'key-selection', ok: true, message: `Using ${selected.map((c) => c.label).join(', ')}` });
  const keyIsPublic = selected.some((c) => c.kind === 'public');
  hmacCheck(alg, keyIsPublic, checks);

  const importErrors = selected.filter((c) => !c.key).map((c) => `${c.label}: ${c.importError}`);
  checks.push(importErrors.length ? { id: 'key-import', ok: false, message: `The key could not be imported (${importErrors.join('; ')})` } : { id: 'key-import', ok: true, message: 'Key imported' });

  const useProblems: string[] = [];
  const algProblems: string[] = [];
  const strengthProblems: string[] = [];
  for (const c of selected) {
    const j = c.jwk;
    if (j?.use !== undefined && j.use !== 'sig') useProblems.push(`${c.label} has use "${j.use}", not "sig"`);
    if (j?.key_ops !== undefined && !j.key_ops.includes('verify')) useProblems.push(`${c.label} has key_ops ${JSON.stringify(j.key_ops)} without "verify"`);
    if (j?.alg !== undefined && j.alg !== alg) algProblems.push(`${c.label} is for alg "${j.alg}", the token says "${alg}"`);
    // HS* with public-key material is reported by hmac-with-public-key, not here.
    const fit = alg && !(c.kind === 'public' && /^HS/.test(alg)) ? keyFitsAlg(c, alg) : null;
    if (fit) algProblems.push(fit);
    strengthProblems.push(...keyStrength(c, alg));
  }
  checks.push(useProblems.length ? { id: 'key-use', ok: false, message: `The key is not meant for signature verification: ${useProblems.join('; ')}` } : { id: 'key-use', ok: true, message: 'Key use allows verification' });
  checks.push(algProblems.length ? { id: 'key-alg', ok: false, message: `Key and algorithm do not match: ${algProblems.join('; ')}` } : { id: 'key-alg', ok: true, message: 'Key fits the algorithm' });
  checks.push(strengthProblems.length ? { id: 'key-strength', ok: false, message: strengthProblems.join('; ') } : { id: 'key-strength', ok: true, message: 'Key strength acceptable' });

  let signature: JwtSignatureResult;
  const blockers = checks.filter((c) => !c.ok);
  if (blockers.length) {
    signature = { verified: false, reason: `decoded, not verified: ${blockers.map((b) => b.id).join(', ')} failed`, certificate: null };
    checks.push({ id: 'signature', ok: false, notChecked: 'blocked', message: `Signature not checked because ${blockers.map((b) => b.id).join(', ')} failed` });
  } else {
    let verifiedWith: CandidateKey | null = null;
    let lastError = 'no key';
    for (const c of selected) {
      const r = await verifySignature(decoded.compact, c.key!, alg);
      if (r.ok) {
        verifiedWith = c;
        break;
      }
      lastError = r.error ?? 'failed';
    }
    signature = verifiedWith
      ? { verified: true, reason: `signature verified with ${verifiedWith.label} (${alg})`, certificate: null }
      : { verified: false, reason: `decoded, not verified: ${lastError}`, certificate: null };
    checks.push({ id: 'signature', ok: !!verifiedWith, message: verifiedWith ? `Signature verified with ${verifiedWith.label}` : `The ${alg} signature does not verify: ${lastError}` });
  }

  if (decoded.payloadIsJson) {
    const claims = decoded.payload as Record<string, unknown>;
    if (options.issuer !== undefined) checks.push(compareExact('iss', claims.iss, options.issuer, 'the expected issuer'));
    if (options.subject !== undefined) checks.push(compareExact('sub', claims.sub, options.subject, 'the expected subject'));
  }
  const times = timeChecks(decoded, now, tolerance, false, checks);
  return finish('generic', decoded, signature, checks, times);
}

function keyStrength(c: CandidateKey, alg: string): string[] {
  const out: string[] = [];
  if (c.kind === 'secret') {
    const min = HMAC_MIN_BYTES[alg];
    const len = c.key instanceof Uint8Array ? c.key.length : 0;
    if (min !== undefined && len < min) out.push(`${c.label} is ${len} bytes; ${alg} needs a secret of at least ${min} bytes (RFC 7518 section 3.2)`);
    return out;
  }
  const key = c.key;
  if (!key || key instanceof Uint8Array) return out;
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    const d = key.asymmetricKeyDetails ?? {};
    const bits = d.modulusLength ?? 0;
    const e = d.publicExponent ?? 0n;
    if (bits < 2048) out.push(`${c.label} is a ${bits}-bit RSA key; at least 2048 bits are required (RFC 7518 section 3.3)`);
    if (e < 3n || e % 2n === 0n) out.push(`${c.label} has an invalid RSA public exponent ${e}`);
  }
  return out;
}

// ---------------------------------------------------------------- Oracle acceptance

export interface OracleApiAuthenticationInput {
  /** The inbound public certificate uploaded (or to upload) in Security Console > API Authentication. */
  certificate: Buffer | string;
  password?: string;
  /** The trusted issuer name configured for the provider. */
  issuer: string;
  /** The integration user (e.g. user.coursera); when omitted prn/sub are only required to be present and equal. */
  user?: string;
  /** A sample token from the provider. */
  token: string;
  now?: Date;
  clockToleranceSeconds?: number;
}

export interface OracleApiAuthenticationAssessment {
  /** Whether Oracle's API Authentication (inbound JWT, [DOC] profile) would accept this token with this certificate and issuer. */
  accepted: boolean;
  /** One line for people. */
  summary: string;
  /** The failed checks (JWT and certificate), in order. */
  failures: { id: string; message: string }[];
  jwt: JwtReport;
  certificate: CertificateReport;
  /** The certificate the token's x5t selects (or the first), as shown to the admin. */
  selectedCertificate: CertificateInfo | null;
}

/**
 * Tells whether Oracle's API Authentication would accept `token` given the inbound `certificate`,
 * the trusted `issuer` and (optionally) the integration `user`. Used by the provider-credentials and
 * api-authentication plan steps. Throws InspectError when the certificate or the token cannot be read.
 */
export async function assessOracleApiAuthentication(input: OracleApiAuthenticationInput): Promise<OracleApiAuthenticationAssessment> {
  const loaded = loadCertificates(input.certificate, input.password === undefined ? {} : { password: input.password });
  const now = input.now ?? new Date();
  const certificate = reportFor(loaded, { now });
  const jwt = await inspectJwt(input.token, {
    certificates: loaded,
    issuer: input.issuer,
    now,
    ...(input.user !== undefined ? { user: input.user } : {}),
    ...(input.clockToleranceSeconds !== undefined ? { clockToleranceSeconds: input.clockToleranceSeconds } : {}),
  });
  const failures = jwt.checks.filter((c) => !c.ok).map((c) => ({ id: c.id, message: c.message }));
  const selected = jwt.signature.certificate ? (certificate.certificates[jwt.signature.certificate.index] ?? null) : null;
  const accepted = failures.length === 0;
  const summary = accepted
    ? `Oracle would accept this token: ${jwt.signature.reason}, issuer ${JSON.stringify(input.issuer)}${input.user ? `, user ${JSON.stringify(input.user)}` : ''}`
    : `Oracle would reject this token: ${failures.map((f) => f.id).join(', ')} failed (first: ${failures[0]!.message})`;
  return { accepted, summary, failures, jwt, certificate, selectedCertificate: selected };
}
