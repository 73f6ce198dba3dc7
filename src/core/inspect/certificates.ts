import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { certificateSignatureAlgorithm, children, pkcs7Certificates, readNode } from './der';
import { base64url, digest } from './encoding';
import { InspectError, assertSize } from './errors';

/** Where a certificate stands on the inspection date. */
export type CertificateStatus = 'valid' | 'expiring' | 'expired' | 'not-yet-valid';

export type CertificateKeyType = 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';

/** How the input was encoded. */
export type CertificateFormat = 'pem' | 'der' | 'base64' | 'pkcs12' | 'pkcs7';

/** One certificate, as plain JSON (no Buffers): what the CLI prints and the webview renders. */
export interface CertificateInfo {
  /** RFC 2253-like, most specific first: "CN=x, O=y, C=z". */
  subject: string;
  issuer: string;
  /** Upper-case hex, as openssl prints it. */
  serialNumber: string;
  /** ISO 8601 (UTC). */
  notBefore: string;
  notAfter: string;
  status: CertificateStatus;
  /** Whole days from the inspection date to notAfter (negative once expired). */
  daysRemaining: number;
  keyType: CertificateKeyType;
  /** Bits: RSA modulus length, EC field size, 256 for Ed25519, 456 for Ed448; null when unknown. */
  keySize: number | null;
  /** JOSE curve name ("P-256", "P-384", "P-521") or OpenSSL's name for other curves; null when not EC. */
  curve: string | null;
  /** e.g. "sha256WithRSAEncryption", "ecdsa-with-SHA384", "Ed25519". */
  signatureAlgorithm: string;
  /** Lower-case hex digests of the DER certificate. */
  sha1: string;
  sha256: string;
  /** base64url (no padding) of the SHA-1 / SHA-256 digest of the DER certificate: the JOSE `x5t` / `x5t#S256`. */
  x5t: string;
  x5tS256: string;
  /** e.g. ["DNS:example.com", "IP Address:127.0.0.1", "email:a@b.c"]. */
  subjectAltNames: string[];
  isCA: boolean;
  selfSigned: boolean;
}

export type CertificateProblemCode =
  | 'expired'
  | 'not-yet-valid'
  | 'expiring'
  | 'not-rsa'
  | 'weak-rsa-key'
  | 'private-key-present'
  | 'private-key-mismatch'
  | 'bad-signature';

export interface CertificateProblem {
  code: CertificateProblemCode;
  message: string;
  /** `error` makes the certificate unusable for Oracle's API Authentication; `warning` needs attention. */
  severity: 'error' | 'warning';
  /** Index in `certificates` the problem is about, when it is about one. */
  certificateIndex?: number;
}

/** What the inspector could not check, and why (kept apart from the problems it found). */
export interface CertificateNotChecked {
  /** `chain`: the issuer's certificate is not in the file, so the certificate's signature was not verified. */
  code: 'chain';
  certificateIndex: number;
  message: string;
}

export interface CertificateReport {
  format: CertificateFormat;
  /** In file order (PEM blocks, PKCS#7 order, PKCS#12 bag order). */
  certificates: CertificateInfo[];
  privateKey: boolean;
  problems: CertificateProblem[];
  /** Checks that could not run (not failures). */
  notChecked: CertificateNotChecked[];
  /** No problem of severity `error`. */
  ok: boolean;
  /** One line: usable or not, and what could not be checked. */
  verdict: string;
}

export interface InspectCertificatesOptions {
  /** PKCS#12 password. */
  password?: string;
  /** A certificate expiring within this many days is flagged `expiring` (default 30). */
  warnDays?: number;
  /** Inspection date (default: now). */
  now?: Date;
}

/** A parsed input: Node certificates in file order plus what else the file held. Not JSON (holds KeyObjects). */
export interface LoadedCertificates {
  format: CertificateFormat;
  certificates: X509Certificate[];
  /** Private keys found (unencrypted, or decrypted with the given password); may be fewer than `privateKeyCount`. */
  privateKeys: KeyObject[];
  /** Private key blocks/bags seen, including ones that could not be read (e.g. encrypted PEM without a password). */
  privateKeyCount: number;
}

export const DEFAULT_WARN_DAYS = 30;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;
const PRIVATE_KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY']);
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/**
 * Reads certificates from PEM (one or many blocks, with or without keys), DER, bare base64 of a DER
 * certificate, PKCS#7 (.p7b, PEM or DER) or PKCS#12 (.p12/.pfx, with or without password).
 * Throws InspectError when the input is not readable as certificates.
 */
export function loadCertificates(input: Buffer | string, options: { password?: string } = {}): LoadedCertificates {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  assertSize(buf.length, 'The certificate file');
  if (buf.length === 0 || buf.toString('latin1').trim() === '') {
    throw new InspectError('empty', 'The certificate input is empty; give a .cer/.crt/.pem/.der/.p12/.pfx file');
  }
  const text = buf.toString('latin1');
  if (text.includes('-----BEGIN ')) return loadPem(text, options);

  if (buf[0] === 0x30) return loadDer(buf, 'der', options);

  const compact = text.replace(/\s+/g, '');
  if (/^[A-Za-z0-9+/=_-]+$/.test(compact)) {
    const der = Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (der[0] === 0x30) return loadDer(der, 'base64', options);
  }
  throw new InspectError(
    'not-a-certificate',
    'The input is not a certificate: expected PEM ("-----BEGIN CERTIFICATE-----"), DER, base64 DER, PKCS#7 or PKCS#12',
  );
}

function loadPem(text: string, options: { password?: string }): LoadedCertificates {
  const certificates: X509Certificate[] = [];
  const privateKeys: KeyObject[] = [];
  let privateKeyCount = 0;
  let blockNo = 0;
  for (const m of text.matchAll(PEM_BLOCK)) {
    blockNo++;
    const label = m[1]!;
    const body = m[2]!;
    if (CERT_LABELS.has(label)) {
      const der = pemBody(body, label, blockNo);
      certificates.push(parseX509(der, `PEM block ${blockNo} (${label})`, label === 'TRUSTED CERTIFICATE'));
    } else if (label === 'PKCS7') {
      const certs = pkcs7Certificates(pemBody(body, label, blockNo));
      if (!certs) throw new InspectError('not-a-certificate', `PEM block ${blockNo} (PKCS7) is not a PKCS#7 SignedData bundle`);
      for (const der of certs) certificates.push(parseX509(der, `PEM block ${blockNo} (PKCS7)`, false));
    } else if (PRIVATE_KEY_LABELS.has(label)) {
      privateKeyCount++;
      const key = tryPrivateKey(m[0], options.password);
      if (key) privateKeys.push(key);
    }
  }
  if (blockNo === 0) throw new InspectError('not-a-certificate', 'The PEM input has no complete "-----BEGIN ...-----"/"-----END ...-----" block');
  if (certificates.length === 0) {
    throw new InspectError(
      'not-a-certificate',
      privateKeyCount > 0
        ? 'The PEM input holds a private key but no certificate; give the certificate (.cer/.crt), never the private key'
        : 'The PEM input holds no CERTIFICATE block',
    );
  }
  return { format: 'pem', certificates, privateKeys, privateKeyCount };
}

function pemBody(body: string, label: string, blockNo: number): Buffer {
  // Encrypted legacy PEM has headers ("Proc-Type: ...") before a blank line: certificates never do.
  const b64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/=]+$/.test(b64)) {
    throw new InspectError('unreadable', `PEM block ${blockNo} (${label}) is not valid base64; the file may be damaged or edited`);
  }
  return Buffer.from(b64, 'base64');
}

function tryPrivateKey(pem: string, password: string | undefined): KeyObject | null {
  try {
    return createPrivateKey(password === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase: password });
  } catch {
    return null;
  }
}

function parseX509(der: Uint8Array, where: string, trusted: boolean): X509Certificate {
  let bytes = der;
  if (trusted) {
    // OpenSSL "TRUSTED CERTIFICATE": the DER certificate followed by trust settings.
    try {
      const node = readNode(der, 0);
      bytes = der.subarray(0, node.end);
    } catch {
      /* fall through to the parse error below */
    }
  }
  try {
    return new X509Certificate(bytes);
  } catch (err) {
    throw new InspectError('not-a-certificate', `${where} is not a readable X.509 certificate (${(err as Error).message})`);
  }
}

function loadDer(der: Buffer, format: 'der' | 'base64', options: { password?: string }): LoadedCertificates {
  try {
    const node = readNode(der, 0);
    if (node.end === der.length) {
      const x = new X509Certificate(der);
      return { format, certificates: [x], privateKeys: [], privateKeyCount: 0 };
    }
  } catch {
    /* not a lone certificate: try the containers below */
  }
  const p7 = pkcs7Certificates(der);
  if (p7) {
    if (p7.length === 0) throw new InspectError('not-a-certificate', 'The PKCS#7 bundle holds no certificate');
    return { format: 'pkcs7', certificates: p7.map((c, i) => parseX509(c, `PKCS#7 certificate ${i + 1}`, false)), privateKeys: [], privateKeyCount: 0 };
  }
  if (looksLikePfx(der)) return loadPkcs12(der, options.password);
  throw new InspectError(
    'not-a-certificate',
    `The ${format === 'der' ? 'binary' : 'base64'} input is not a DER certificate, a PKCS#7 bundle or a PKCS#12 file`,
  );
}

/** PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData MacData OPTIONAL } */
function looksLikePfx(der: Uint8Array): boolean {
  try {
    const pfx = readNode(der, 0);
    const [version] = children(der, pfx);
    return !!version && version.tag === 0x02 && version.end - version.contentStart === 1 && der[version.contentStart] === 3;
  } catch {
    return false;
  }
}

interface ForgeBag {
  type: string;
  cert?: forge.pki.Certificate | null;
  asn1?: forge.asn1.Asn1;
  key?: forge.pki.PrivateKey | null;
}

function loadPkcs12(der: Buffer, password: string | undefined): LoadedCertificates {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')), false);
  } catch (err) {
    throw new InspectError('unreadable', `The PKCS#12 file is damaged: ${(err as Error).message}`);
  }
  const candidates = password === undefined ? ['', undefined] : [password];
  let p12: forge.pkcs12.Pkcs12Pfx | undefined;
  let lastError: Error | undefined;
  for (const pw of candidates) {
    try {
      p12 = pkcs12KeepingRawCertificates(asn1, pw);
      break;
    } catch (err) {
      lastError = err as Error;
    }
  }
  if (!p12) {
    const msg = lastError?.message ?? '';
    if (/password|MAC could not be verified|decrypt/i.test(msg)) {
      if (password === undefined) {
        throw new InspectError('password-required', 'The PKCS#12 file is protected by a password; pass it with --password');
      }
      throw new InspectError('wrong-password', 'The PKCS#12 password is wrong (the file integrity check failed with it); check the password and retry');
    }
    throw new InspectError('unsupported-pkcs12', `The PKCS#12 file could not be read: ${msg || 'unknown structure'}; re-export it with openssl pkcs12 -export`);
  }

  const certificates: X509Certificate[] = [];
  const privateKeys: KeyObject[] = [];
  let privateKeyCount = 0;
  for (const safe of p12.safeContents) {
    for (const bag of safe.safeBags as ForgeBag[]) {
      if (bag.type === forge.pki.oids.certBag) {
        if (!bag.asn1) continue;
        const raw = Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary');
        certificates.push(parseX509(raw, `PKCS#12 certificate bag ${certificates.length + 1}`, false));
      } else if (bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag) {
        privateKeyCount++;
        const key = forgeBagKey(bag);
        if (key) privateKeys.push(key);
      }
    }
  }
  if (certificates.length === 0) {
    throw new InspectError('not-a-certificate', 'The PKCS#12 file holds no certificate (only keys); export it again including the certificate');
  }
  return { format: 'pkcs12', certificates, privateKeys, privateKeyCount };
}

/**
 * node-forge parses certificate bags into its own objects (and gives `cert: null` for EC/ECDSA
 * certificates). We need the exact original DER bytes for thumbprints, so during this synchronous call
 * forge's certificate decoder is made to decline, which makes forge keep each bag's raw ASN.1
 * (`bag.asn1`), whose DER re-encoding is byte-identical to the input.
 */
function pkcs12KeepingRawCertificates(asn1: forge.asn1.Asn1, password: string | undefined): forge.pkcs12.Pkcs12Pfx {
  const pki = forge.pki as unknown as { certificateFromAsn1: (...args: unknown[]) => unknown };
  const original = pki.certificateFromAsn1;
  pki.certificateFromAsn1 = () => {
    throw new Error('raw certificate kept');
  };
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, password as string);
  } finally {
    pki.certificateFromAsn1 = original;
  }
}

function forgeBagKey(bag: ForgeBag): KeyObject | null {
  try {
    if (bag.key) {
      const pem = forge.pki.privateKeyToPem(bag.key);
      return createPrivateKey(pem);
    }
    if (bag.asn1) {
      const der = Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary');
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    }
  } catch {
    /* a key we cannot read is still counted as present */
  }
  return null;
}

const JOSE_CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
  secp256k1: { name: 'secp256k1', bits: 256 },
};

/** Plain-JSON description of one certificate at the date `now`. */
export function describeCertificate(x: X509Certificate, now: Date = new Date(), warnDays = DEFAULT_WARN_DAYS): CertificateInfo {
  const raw = x.raw;
  const { notBefore, notAfter } = validityOf(raw);
  const sha1 = digest('sha1', raw);
  const sha256 = digest('sha256', raw);
  const key = keyDescription(x);
  let signatureAlgorithm = 'unknown';
  try {
    signatureAlgorithm = certificateSignatureAlgorithm(raw);
  } catch {
    /* keep 'unknown' */
  }
  const daysRemaining = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
  let status: CertificateStatus;
  if (now.getTime() < notBefore.getTime()) status = 'not-yet-valid';
  else if (now.getTime() > notAfter.getTime()) status = 'expired';
  else if (notAfter.getTime() - now.getTime() <= warnDays * 86_400_000) status = 'expiring';
  else status = 'valid';
  return {
    subject: oneLineName(x.subject),
    issuer: oneLineName(x.issuer),
    serialNumber: x.serialNumber.toUpperCase(),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    status,
    daysRemaining,
    keyType: key.keyType,
    keySize: key.keySize,
    curve: key.curve,
    signatureAlgorithm,
    sha1: sha1.toString('hex'),
    sha256: sha256.toString('hex'),
    x5t: base64url(sha1),
    x5tS256: base64url(sha256),
    subjectAltNames: splitAltNames(x.subjectAltName),
    isCA: x.ca,
    selfSigned: isSelfSigned(x),
  };
}

function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function splitAltNames(san: string | undefined): string[] {
  if (!san) return [];
  const out: string[] = [];
  // Node separates entries with ", " and JSON-quotes values that contain separators.
  const re = /([A-Za-z][A-Za-z0-9 ]*):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (const m of san.matchAll(re)) {
    let value = m[2]!;
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        /* keep as printed */
      }
    }
    out.push(`${m[1]}:${value}`);
  }
  return out;
}

function isSelfSigned(x: X509Certificate): boolean {
  if (x.subject !== x.issuer) return false;
  try {
    return x.verify(x.publicKey);
  } catch {
    return false;
  }
}

function keyDescription(x: X509Certificate): { keyType: CertificateKeyType; keySize: number | null; curve: string | null } {
  let key: KeyObject;
  try {
    key = x.publicKey;
  } catch {
    return { keyType: 'unknown', keySize: null, curve: null };
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { keyType: 'RSA', keySize: details.modulusLength ?? null, curve: null };
    case 'rsa-pss':
      return { keyType: 'RSA-PSS', keySize: details.modulusLength ?? null, curve: null };
    case 'dsa':
      return { keyType: 'DSA', keySize: details.modulusLength ?? null, curve: null };
    case 'ec': {
      const named = details.namedCurve ?? '';
      const jose = JOSE_CURVES[named];
      return { keyType: 'EC', keySize: jose?.bits ?? null, curve: jose?.name ?? (named || null) };
    }
    case 'ed25519':
      return { keyType: 'Ed25519', keySize: 256, curve: null };
    case 'ed448':
      return { keyType: 'Ed448', keySize: 456, curve: null };
    default:
      return { keyType: 'unknown', keySize: null, curve: null };
  }
}

/** notBefore/notAfter read from the DER (UTCTime or GeneralizedTime), exact to the second. */
function validityOf(der: Uint8Array): { notBefore: Date; notAfter: Date } {
  const cert = readNode(der, 0);
  const [tbs] = children(der, cert);
  const fields = children(der, tbs!);
  const offset = fields[0]!.tag === 0xa0 ? 1 : 0;
  const validity = fields[offset + 3]!;
  const [nb, na] = children(der, validity);
  return { notBefore: derTime(der, nb!), notAfter: derTime(der, na!) };
}

function derTime(der: Uint8Array, node: { tag: number; contentStart: number; end: number }): Date {
  const s = Buffer.from(der.subarray(node.contentStart, node.end)).toString('latin1');
  let m: RegExpMatchArray | null;
  if (node.tag === 0x17 && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/))) {
    const yy = Number(m[1]);
    const year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 section 4.1.2.5.1
    return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  }
  if (node.tag === 0x18 && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  throw new InspectError('unreadable', `The certificate has a validity time that is not RFC 5280 UTCTime/GeneralizedTime (${JSON.stringify(s)})`);
}

/**
 * Inspects a certificate file (PEM, DER, base64, PKCS#7 or PKCS#12) and reports each certificate plus
 * Oracle findings: RS256 (the only algorithm Oracle's API Authentication accepts) needs an RSA key in
 * the first certificate; expired / not-yet-valid / expiring within `warnDays` are flagged.
 * Throws InspectError when the input cannot be read as certificates (wrong password, not a certificate).
 */
export function inspectCertificates(input: Buffer | string, options: InspectCertificatesOptions = {}): CertificateReport {
  const loaded = loadCertificates(input, options.password === undefined ? {} : { password: options.password });
  return reportFor(loaded, options);
}

/** The report for already loaded certificates (used by the JWT inspector too). */
export function reportFor(loaded: LoadedCertificates, options: InspectCertificatesOptions = {}): CertificateReport {
  const now = options.now ?? new Date();
  const warnDays = options.warnDays ?? DEFAULT_WARN_DAYS;
  const certificates = loaded.certificates.map((x) => describeCertificate(x, now, warnDays));
  const problems: CertificateProblem[] = [];
  certificates.forEach((c, i) => {
    const who = `Certificate ${i + 1} (${c.subject || 'no subject'})`;
    if (c.status === 'expired') {
      problems.push({ code: 'expired', severity: 'error', certificateIndex: i, message: `${who} expired on ${c.notAfter}; ask the provider for a new certificate and upload it in API Authentication` });
    } else if (c.status === 'not-yet-valid') {
      problems.push({ code: 'not-yet-valid', severity: 'error', certificateIndex: i, message: `${who} is not valid before ${c.notBefore}; check the system clock or wait until then` });
    } else if (c.status === 'expiring') {
      problems.push({ code: 'expiring', severity: 'warning', certificateIndex: i, message: `${who} expires on ${c.notAfter} (in ${c.daysRemaining} days, within ${warnDays}); plan the certificate rotation with the provider now` });
    }
  });
  const first = certificates[0];
  if (first) {
    if (first.keyType !== 'RSA') {
      problems.push({
        code: 'not-rsa',
        severity: 'error',
        certificateIndex: 0,
        message: `Certificate 1 has a ${first.keyType}${first.curve ? ` ${first.curve}` : ''} key, but Oracle's API Authentication accepts only RS256 tokens, which need an RSA certificate; ask the provider for an RSA certificate`,
      });
    } else if (first.keySize !== null && first.keySize < 2048) {
      problems.push({ code: 'weak-rsa-key', severity: 'warning', certificateIndex: 0, message: `Certificate 1 has a ${first.keySize}-bit RSA key; use at least 2048 bits` });
    }
  }
  const notChecked = chainFindings(loaded.certificates, certificates, problems);
  if (loaded.privateKeyCount > 0) {
    problems.push({
      code: 'private-key-present',
      severity: 'warning',
      message: 'The file also holds a private key: upload only the certificate to Oracle and keep the private key with the provider',
    });
    const leaf = loaded.certificates[0];
    if (leaf && loaded.privateKeys.length > 0 && !loaded.privateKeys.some((k) => sameKeyPair(k, leaf.publicKey))) {
      problems.push({ code: 'private-key-mismatch', severity: 'error', certificateIndex: 0, message: 'The private key in the file does not belong to certificate 1; tokens signed with it will not verify against this certificate' });
    }
  }
  const ok = !problems.some((p) => p.severity === 'error');
  return { format: loaded.format, certificates, privateKey: loaded.privateKeyCount > 0, problems, notChecked, ok, verdict: certificateVerdict(ok, problems, notChecked) };
}

/**
 * Each certificate's signature, verified where its issuer's key is at hand: a self-signed
 * certificate with its own key, another with the certificate of its issuer when the file holds it.
 * Without the issuer's certificate the signature is not checked, and the report says so (Oracle's
 * API Authentication uses the inbound certificate's key as given [INF: no chain is asked for]).
 */
function chainFindings(xs: X509Certificate[], infos: CertificateInfo[], problems: CertificateProblem[]): CertificateNotChecked[] {
  const notChecked: CertificateNotChecked[] = [];
  xs.forEach((x, i) => {
    const who = `Certificate ${i + 1} (${infos[i]!.subject || 'no subject'})`;
    // The issuer: itself when self-signed, else a certificate of the file that issued it (by name
    // and key identifier), else one that merely bears its issuer's name (then its key must verify it).
    const issuer = infos[i]!.selfSigned ? x : (xs.find((y, j) => j !== i && x.checkIssued(y)) ?? xs.find((y, j) => j !== i && y.subject === x.issuer));
    if (!issuer) {
      notChecked.push({ code: 'chain', certificateIndex: i, message: `${who} was issued by ${infos[i]!.issuer || 'an unnamed issuer'}, whose certificate is not in the file: its signature was not verified` });
      return;
    }
    let verified = false;
    try {
      verified = x.verify(issuer.publicKey);
    } catch {
      /* an unsupported algorithm counts as not verified */
    }
    if (!verified) {
      problems.push({
        code: 'bad-signature',
        severity: 'warning',
        certificateIndex: i,
        message: `${who}: its signature does not verify with ${issuer === x ? 'its own key (self-signed)' : `the key of its issuer's certificate in the file (${oneLineName(issuer.subject)})`}; the file may have been altered`,
      });
    }
  });
  return notChecked;
}

function certificateVerdict(ok: boolean, problems: CertificateProblem[], notChecked: CertificateNotChecked[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.length - errors.length;
  const head = ok ? 'usable for Oracle API Authentication' : `not usable for Oracle API Authentication: ${errors.map((p) => p.code).join(', ')}`;
  const tail = [
    ok && warnings ? `${warnings} warning${warnings === 1 ? '' : 's'} (${problems.filter((p) => p.severity === 'warning').map((p) => p.code).join(', ')})` : '',
    notChecked.length ? `not checked: the chain of ${notChecked.map((n) => `certificate ${n.certificateIndex + 1}`).join(', ')} (the issuer's certificate is not in the file)` : '',
  ].filter(Boolean);
  return [head, ...tail].join('; ');
}

function sameKeyPair(privateKey: KeyObject, publicKey: KeyObject): boolean {
  try {
    const a = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const b = publicKey.export({ type: 'spki', format: 'der' });
    return Buffer.compare(a, b) === 0;
  } catch {
    return false;
  }
}
