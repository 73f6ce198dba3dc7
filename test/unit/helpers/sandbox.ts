import { createHash, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../../src/sandbox/server';

/** A started sandbox plus small fetch helpers (real HTTP over 127.0.0.1). */
export interface TestSandbox {
  sb: SandboxHandle;
  adminAuth: string;
  /** fetch relative to the sandbox URL, as the admin unless `authorization` is given (null = none). */
  call(path: string, init?: { method?: string; body?: unknown; authorization?: string | null; headers?: Record<string, string> }): Promise<Response>;
  /** POST to a /__sandbox/ hook; asserts a 2xx and returns the JSON. */
  hook(path: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const sb = await startSandbox({ port: 0, users: 50, essStepMs: 100, ...options });
  const adminAuth = basic(sb.admin.userName, sb.admin.password);
  const call: TestSandbox['call'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const auth = init.authorization === undefined ? adminAuth : init.authorization;
    if (auth) headers.authorization = auth;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    return fetch(`${sb.url}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  };
  const hook: TestSandbox['hook'] = async (path, body) => {
    const res = await call(`/__sandbox/${path}`, { method: body === undefined && path !== 'reset' ? 'GET' : 'POST', body: body ?? (path === 'reset' ? {} : undefined), authorization: null });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`hook ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return { sb, adminAuth, call, hook, close: () => sb.close() };
}

export interface TestCert {
  privateKey: KeyObject;
  certificatePem: string;
  /** base64url SHA-1 of the DER certificate. */
  x5t: string;
}

/** An RSA key pair and a self-signed certificate (node:crypto keys, node-forge certificate). */
export function makeCert(commonName: string): TestCert {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01' + createHash('sha1').update(commonName).digest('hex').slice(0, 14);
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(cert);
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return { privateKey, certificatePem, x5t: createHash('sha1').update(der).digest('base64url') };
}

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

export function signRs256(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

export function signHs256(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string | Buffer): string {
  const input = `${b64({ ...header, alg: 'HS256' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export function unsignedJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  return `${b64({ ...header, alg: 'none' })}.${b64(claims)}.`;
}

export const PROVIDER_DUTY = 'ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY';
export const XAPI = '/hcmRestApi/sandbox-standin/xapi/statements';
export const ADF = '/hcmRestApi/resources/11.13.18.05';

/**
 * The Coursera-style setup done through hooks (what the admin does in the UI): a job role holding
 * only the provider duty, the integration user with it, a trusted issuer + certificate, the
 * external provider configured with that user.
 */
export async function setupProvider(t: TestSandbox, opts: { userName?: string; issuer?: string; learnerIdentifier?: 'email' | 'username' } = {}) {
  const userName = opts.userName ?? 'user.coursera';
  const issuer = opts.issuer ?? 'https://coursera.test.invalid/issuer';
  const cert = makeCert('coursera test');
  await t.hook('roles', { name: 'XX_COURSERA_PROVIDER_JOB', displayName: 'Coursera Provider', category: 'JOB', duties: [PROVIDER_DUTY] });
  await t.hook('users', { userName, email: `${userName}@example.com`, withPerson: false, roles: ['XX_COURSERA_PROVIDER_JOB'] });
  await t.hook('api-authentication-providers', { issuer, alias: 'coursera-cert', certificate: cert.certificatePem });
  const provider = await t.hook('external-providers', { provider: 'Coursera', userName, catalogProfile: 'Coursera Catalog', visibility: 'public', learnerIdentifier: opts.learnerIdentifier ?? 'email' });
  const jwt = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, nowS = Math.floor(Date.now() / 1000)): string =>
    signRs256({ alg: 'RS256', typ: 'JWT', x5t: cert.x5t, ...header }, { iss: issuer, prn: userName, sub: userName, iat: nowS, exp: nowS + 600, ...claims }, cert.privateKey);
  return { userName, issuer, cert, providerId: provider.ProviderId as number, jwt };
}
