/**
 * Secrets (issue 7, item 3): unique secrets are planted — the administrator password, an OAuth
 * client secret, private keys (the provider's key pasted into its certificate file by mistake, the
 * api-authentication verification kit's key, the demo's kit key) and a PKCS#12 password — then
 * every CLI command runs with trace logging (OLI_TRACE=1 and --verbose). No value, nor its usual
 * encodings (Basic header base64, JSON/URL escaping, any line of a PEM body), may appear in any
 * output, trace line, error, state file, report or verification-kit JSON. A wrong password gives one
 * line saying authentication failed and what to do.
 *
 * The webview half (messages of the Inspector) is covered in security-webview.test.ts; what needs
 * the extension host is listed in SECURITY.md.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOli } from './helpers/cli';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';
import { SandboxAdmin } from '../../src/sandbox/courseraScenario';
import { savePlan, type PlanFile } from '../../src/core/plan/planFile';
import { kitPaths } from '../../src/core/plan/verificationKit';
import { OpenSslFactory } from '../fixtures/inspect/openssl';
import { courseraKeys, DUTY, ISSUER, ROLE } from './plan.helpers';

const tag = randomBytes(6).toString('hex');
const ADMIN_PASSWORD = `Adm1n-${tag}-P@ss`;
const WRONG_PASSWORD = `Wr0ng-${tag}-P@ss`;
const CLIENT_ID = `oli-secrets-${tag}`;
const CLIENT_SECRET = `cs-${tag}-${randomBytes(12).toString('base64url')}`;
const P12_PASSWORD = `p12-${tag}-pw`;
const P12_WRONG = `p12-${tag}-nope`;

interface Run {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

/** The forms in which a secret could leak: raw, JSON- and URL-escaped, base64 (alone and in a Basic header). */
function forms(secret: string, userName?: string): string[] {
  const out = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
  if (userName) out.push(Buffer.from(`${userName}:${secret}`).toString('base64'));
  return out;
}

/** Every line of a PEM body (each reveals part of the key), and the body in one piece. */
function pemForms(pem: string): string[] {
  const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
  return [...body.filter((l) => l.length >= 24), body.join('')];
}

describe('security: planted secrets never leak from any command', function () {
  this.timeout(180_000);
  let sandbox: SandboxHandle;
  let jwtDir: string;
  let oauthDir: string;
  let scratch: string;
  let openssl: OpenSslFactory;
  const runs: Run[] = [];
  const secrets: { name: string; values: string[] }[] = [];
  /** Folders the demo kept (--keep), scanned like the plan folders. */
  const extraDirs: string[] = [];

  const oli = async (args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> => {
    const { code, stdout, stderr } = await runOli(args, {
      cwd,
      env: { OLI_ACTOR: 'secrets.test', OLI_TRACE: '1', OLI_USERNAME: sandbox.admin.userName, OLI_PASSWORD: ADMIN_PASSWORD, OLI_CLIENT_ID: CLIENT_ID, OLI_CLIENT_SECRET: CLIENT_SECRET, ...extraEnv },
    });
    const run = { args, code, stdout, stderr };
    runs.push(run);
    return run;
  };

  before(async () => {
    sandbox = await startSandbox({ port: 0, users: 30, essStepMs: 20, adminPassword: ADMIN_PASSWORD });
    const admin = new SandboxAdmin(sandbox.url);
    const info = await admin.info();
    scratch = await mkdtemp(join(tmpdir(), 'oli-secrets-'));
    jwtDir = join(scratch, 'jwt');
    oauthDir = join(scratch, 'oauth');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(jwtDir);
    await mkdir(oauthDir);
    const base = {
      version: 1 as const,
      provider: 'coursera' as const,
      environments: { sandbox: { url: sandbox.url } },
      defaultEnvironment: 'sandbox',
      integrationUser: { userName: 'user.coursera', email: 'user.coursera@example.com' },
      jobRole: { name: ROLE },
      learnerIdentifier: 'email' as const,
      catalogProfile: 'Coursera',
      visibility: 'public' as const,
      scheduledProcesses: {},
      ess: { application: 'EarHcmEss', startTime: '02:00' },
      identitySample: 'learners.csv',
    };
    // The provider's key pasted into the certificate file by mistake: the check warns, never echoes it.
    await writeFile(join(jwtDir, 'coursera.cer'), courseraKeys().certificatePem + courseraKeys().privateKeyPem);
    await savePlan(join(jwtDir, 'oracle-learning.json'), { ...base, auth: 'jwt', jwt: { issuer: ISSUER, certificate: 'coursera.cer' } } satisfies PlanFile);
    await savePlan(join(oauthDir, 'oracle-learning.json'), {
      ...base,
      auth: 'oauth',
      oauth: { clientId: CLIENT_ID, tokenUrl: `${sandbox.url}/oauth2/v1/token`, scope: info.scope },
    } satisfies PlanFile);
    for (const d of [jwtDir, oauthDir]) await writeFile(join(d, 'learners.csv'), 'email\nfirst.last1@example.com\nnobody@example.com\n');
    await writeFile(join(jwtDir, 'statements.json'), JSON.stringify({ actor: { mbox: 'mailto:first.last1@example.com' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'urn:x:1' } }));

    // The admin's side (Oracle UI, simulated): role, provider, API authentication, OAuth client, ESS ids.
    await admin.createRole({ name: ROLE, displayName: 'Coursera', category: 'JOB', duties: [DUTY] });
    await admin.createUser({ userName: 'user.coursera', email: 'user.coursera@example.com', withPerson: false });
    await admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
    await admin.registerApiAuthentication({ issuer: ISSUER, alias: 'COURSERA', certificate: courseraKeys().certificatePem });
    await admin.registerOAuthClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, userName: 'user.coursera' });
    for (const id of Object.values(info.jobDefinitions)) await admin.submitInScheduledProcesses(id);

    openssl = new OpenSslFactory();
    const made = openssl.cert('secrets', 'rsa2048', { cn: 'secrets test' });
    const p12 = openssl.pkcs12('secrets', made.keyFile, [made.certFile], P12_PASSWORD);
    await writeFile(join(jwtDir, 'provider.p12'), await readFile(p12));
    const opensslKey = await readFile(made.keyFile, 'utf8');

    secrets.push(
      { name: 'admin password', values: forms(ADMIN_PASSWORD, sandbox.admin.userName) },
      { name: 'wrong password', values: forms(WRONG_PASSWORD, sandbox.admin.userName) },
      { name: 'client secret', values: forms(CLIENT_SECRET, CLIENT_ID) },
      { name: 'PKCS#12 password', values: forms(P12_PASSWORD) },
      { name: 'wrong PKCS#12 password', values: forms(P12_WRONG) },
      { name: "provider's private key", values: pemForms(courseraKeys().privateKeyPem) },
      { name: 'PKCS#12 private key', values: pemForms(opensslKey) },
    );
  });

  after(async () => {
    await sandbox?.close();
    openssl?.cleanup();
    if (scratch) await rm(scratch, { recursive: true, force: true });
    for (const d of extraDirs) await rm(d, { recursive: true, force: true });
  });

  it('runs every command with trace logging', async () => {
    const expectOk = (r: Run, codes = [0, 1]) => assert.ok(codes.includes(r.code), `oli ${r.args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    expectOk(await oli(['init', '--env', `sandbox=${sandbox.url}`, '--issuer', ISSUER, '--plan', 'init-plan.json', '--force'], scratch), [0]);
    for (const dir of [jwtDir, oauthDir]) {
      expectOk(await oli(['status', '--verbose'], dir));
      expectOk(await oli(['status', '--json', '--verbose'], dir));
      for (const step of ['provider-account', 'sso', 'self-paced-learning', 'job-role', 'external-provider']) expectOk(await oli(['attest', step, '--note', `checked ${step}`, '--verbose'], dir), [0]);
      expectOk(await oli(['apply', '--all', '--dry-run', '--verbose'], dir), [0]);
      expectOk(await oli(['apply', '--all', '--dry-run', '--json', '--verbose'], dir), [0]);
      expectOk(await oli(['apply', '--all', '--verbose'], dir));
      if (dir === jwtDir) {
        expectOk(await oli(['apply', '--step', 'api-authentication', '--verbose'], dir));
        const kit = JSON.parse(await readFile(kitPaths(dir, 'sandbox').kit, 'utf8')) as { issuer: string; alias: string; certificatePem: string };
        const key = await readFile(kitPaths(dir, 'sandbox').key, 'utf8');
        assert.equal((await stat(kitPaths(dir, 'sandbox').key)).mode & 0o777, 0o600, 'the kit key is readable by its owner only');
        assert.match(await readFile(join(dir, '.oracle-learning', '.gitignore'), 'utf8'), /^\*\.verification-key\.pem$/m, 'the kit key is kept out of git');
        secrets.push({ name: 'verification kit key', values: pemForms(key) });
        await new SandboxAdmin(sandbox.url).registerApiAuthentication({ issuer: kit.issuer, alias: kit.alias, certificate: kit.certificatePem });
        expectOk(await oli(['attest', 'api-authentication', '--note', 'registered', '--verbose'], dir), [0]);
      }
      expectOk(await oli(['apply', '--all', '--dry-run', '--verbose'], dir), [0]);
      expectOk(await oli(['apply', '--all', '--json', '--verbose'], dir));
      expectOk(await oli(['report', '--verbose'], dir));
      expectOk(await oli(['report', '--format', 'json', '--out', 'report.json', '--verbose'], dir));
      expectOk(await oli(['identity', 'learners.csv', '--verbose'], dir));
      expectOk(await oli(['identity', 'learners.csv', '--json', '--verbose'], dir));
    }
    expectOk(await oli(['inspect', 'cert', 'coursera.cer'], jwtDir));
    expectOk(await oli(['inspect', 'cert', 'coursera.cer', '--json'], jwtDir));
    expectOk(await oli(['inspect', 'cert', 'provider.p12', '--password', P12_PASSWORD, '--json'], jwtDir));
    const wrongP12 = await oli(['inspect', 'cert', 'provider.p12', '--password', P12_WRONG], jwtDir);
    assert.equal(wrongP12.code, 2);
    assert.match(wrongP12.stderr, /password is wrong/);
    expectOk(await oli(['inspect', 'jwt', 'not.a.jwt', '--cert', 'coursera.cer'], jwtDir), [1, 2]);
    expectOk(await oli(['inspect', 'xapi', 'statements.json', '--env', 'sandbox', '--json'], jwtDir));
    const demo = await oli(['demo', '--auth', 'oauth', '--json', '--keep'], scratch);
    expectOk(demo, [0]);
    const demoDir = (JSON.parse(demo.stdout) as { folder?: string }).folder;
    assert.ok(demoDir, 'demo --keep names its folder');
    const demoJwt = await oli(['demo', '--json', '--keep'], scratch);
    expectOk(demoJwt, [0]);
    const demoJwtDir = (JSON.parse(demoJwt.stdout) as { folder: string }).folder;
    const demoKey = await readFile(kitPaths(demoJwtDir, 'sandbox').key, 'utf8');
    secrets.push({ name: "demo's verification kit key", values: pemForms(demoKey) });
    extraDirs.push(demoDir!, demoJwtDir);
    assert.ok(runs.length >= 30, `${runs.length} runs`);
    const traced = runs.filter((r) => /^\s+(GET|POST|PATCH) .+ -> /m.test(r.stderr)).length;
    assert.ok(traced >= 15, `trace logging was on (${traced} runs traced requests)`);
  });

  it('no planted secret appears in any output, trace line or error', () => {
    assert.ok(runs.length > 0, 'the commands ran');
    for (const r of runs) {
      for (const s of secrets) {
        for (const v of s.values) {
          assert.ok(!r.stdout.includes(v), `oli ${r.args.join(' ')}: stdout holds the ${s.name}`);
          assert.ok(!r.stderr.includes(v), `oli ${r.args.join(' ')}: stderr holds the ${s.name}`);
        }
      }
      assert.ok(!/PRIVATE KEY-----\n[A-Za-z0-9+/]/.test(r.stdout + r.stderr), `oli ${r.args.join(' ')}: a PEM private key was printed`);
    }
  });

  it('no planted secret appears in a state file, report, verification kit JSON or any other file the tool wrote', async () => {
    const written: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else written.push(p);
      }
    };
    for (const d of [jwtDir, oauthDir, ...extraDirs]) await walk(d);
    // What the user put there (the certificate file with the pasted key, the .p12) and the kit key itself are not outputs.
    const inputs = new Set([join(jwtDir, 'coursera.cer'), join(jwtDir, 'provider.p12'), ...[jwtDir, ...extraDirs].map((d) => kitPaths(d, 'sandbox').key)]);
    const outputs = written.filter((p) => !inputs.has(p));
    assert.ok(outputs.some((p) => p.endsWith('sandbox.state.json')), 'state files were written');
    assert.ok(outputs.some((p) => p.endsWith('report.json')), 'a report was written');
    assert.ok(outputs.some((p) => p.endsWith('sandbox.verification.json')), 'the kit JSON was written');
    for (const p of outputs) {
      const text = await readFile(p, 'latin1');
      for (const s of secrets) for (const v of s.values) assert.ok(!text.includes(v), `${p} holds the ${s.name}`);
      assert.ok(!/PRIVATE KEY-----/.test(text), `${p} holds a private key block`);
    }
  });

  it('a wrong password gives one line saying authentication failed and what to do, even with tracing', async () => {
    for (const env of [{}, { OLI_TRACE: '1' }]) {
      const r = await oli(['status'], jwtDir, { OLI_PASSWORD: WRONG_PASSWORD, OLI_TRACE: '', ...env });
      assert.equal(r.code, 2, r.stderr);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('oli:'));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0]!, /HTTP 401 Unauthorized/);
      assert.match(errors[0]!, /check the user name and password/i);
      assert.ok(!/^\s+at /m.test(r.stderr), 'no stack trace');
      for (const v of forms(WRONG_PASSWORD, sandbox.admin.userName)) assert.ok(!r.stderr.includes(v) && !r.stdout.includes(v));
    }
  });
});

/**
 * Issue 15: every secret of every sign-in method. OAuth with the identity domain (the authorization
 * code, access and refresh tokens, renewed ones included; the password typed on the identity
 * domain's page), the device flow, and the administrator's own key (its private key) never appear
 * in any output, trace line, error or file in the workspace; they live in a 0600 file outside it.
 */
describe('security: sign-in secrets (OAuth tokens, authorization codes, the own key) never leak', function () {
  this.timeout(180_000);
  let sandbox: SandboxHandle;
  let dir: string;
  let config: string;
  const runs: Run[] = [];
  const seen = new Set<string>();
  const CLIENT = `oli-secrets-public-${tag}`;

  const env = (): NodeJS.ProcessEnv => ({ OLI_ACTOR: 'secrets.test', OLI_TRACE: '1', OLI_CONFIG_DIR: config, OLI_KEYRING: 'file', BROWSER: 'none' });
  /** Collects every value of the sign-in store (tokens, refresh tokens, private keys) after each command. */
  const collect = async (): Promise<void> => {
    let all: Record<string, string>;
    try {
      all = JSON.parse(await readFile(join(config, 'sign-in.json'), 'utf8')) as Record<string, string>;
    } catch {
      return;
    }
    for (const raw of Object.values(all)) {
      const v = JSON.parse(raw) as Record<string, string>;
      for (const k of ['accessToken', 'refreshToken']) if (v[k]) seen.add(v[k]!);
      if (v.privateKeyPem) for (const line of pemForms(v.privateKeyPem)) seen.add(line);
    }
  };
  const oli = async (args: string[]): Promise<Run> => {
    const r = await runOli([...args, '--verbose'], { cwd: dir, env: env() });
    const run: Run = { args, ...r };
    runs.push(run);
    await collect();
    return run;
  };
  /** `oli login` with the test as the person's browser (the identity domain's page, then the loopback). */
  const browserLogin = async (args: string[]): Promise<Run> => {
    const { runCli } = await import('../../src/cli/main');
    const { stdinFrom } = await import('./helpers/cli');
    const { consent } = await import('../helpers/identityDomainBrowser');
    let stdout = '';
    let stderr = '';
    let settle!: (u: string) => void;
    const printed = new Promise<string>((r) => (settle = r));
    const done = runCli([...args, '--verbose'], {
      stdout: (t) => {
        stdout += t;
        const m = /http:\/\/127\.0\.0\.1:\d+\/oauth2\/v1\/authorize\?\S+/.exec(stdout);
        if (m) settle(m[0]);
      },
      stderr: (t) => void (stderr += t),
      ...stdinFrom(''),
      env: env(),
      cwd: dir,
      signal: new AbortController().signal,
    });
    const c = await consent(await printed, sandbox.admin.userName, ADMIN_PASSWORD);
    const code = new URL(c.location!).searchParams.get('code')!;
    seen.add(code);
    await fetch(c.location!);
    const run = { args, code: await done, stdout, stderr };
    runs.push(run);
    await collect();
    return run;
  };

  before(async () => {
    sandbox = await startSandbox({ port: 0, users: 30, essStepMs: 20, adminPassword: ADMIN_PASSWORD, basicAuth: false });
    const admin = new SandboxAdmin(sandbox.url);
    const info = await admin.info();
    dir = await mkdtemp(join(tmpdir(), 'oli-signin-secrets-'));
    config = await mkdtemp(join(tmpdir(), 'oli-signin-secrets-config-'));
    await fetch(`${sandbox.url}/__sandbox/oauth-apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: CLIENT, redirectUris: ['http://127.0.0.1/callback'] }) });
    await writeFile(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
    await writeFile(join(dir, 'learners.csv'), 'email\nfirst.last1@example.com\n');
    await savePlan(join(dir, 'oracle-learning.json'), {
      version: 1,
      provider: 'coursera',
      auth: 'jwt',
      environments: { pod: { url: sandbox.url, auth: { method: 'oauth', identityDomain: sandbox.url, clientId: CLIENT, scope: `${info.scope} offline_access` } } },
      defaultEnvironment: 'pod',
      integrationUser: { userName: 'user.coursera', email: 'user.coursera@example.com' },
      jobRole: { name: ROLE },
      learnerIdentifier: 'email',
      jwt: { issuer: ISSUER, certificate: 'coursera.cer' },
      catalogProfile: 'Coursera',
      visibility: 'public',
      scheduledProcesses: {},
      ess: { application: 'EarHcmEss', startTime: '02:00' },
      identitySample: 'learners.csv',
    } satisfies PlanFile);
    await admin.createRole({ name: ROLE, displayName: 'Coursera', category: 'JOB', duties: [DUTY] });
  });

  after(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (config) await rm(config, { recursive: true, force: true });
  });

  it('runs sign-in and every command with trace logging, with each method', async () => {
    const ok = (r: Run, codes = [0, 1]) => assert.ok(codes.includes(r.code), `oli ${r.args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    ok(await browserLogin(['login', '--env', 'pod', '--no-browser']), [0]);
    ok(await oli(['status']));
    ok(await oli(['apply', '--all', '--dry-run']), [0]);
    ok(await oli(['apply', '--all']));
    ok(await oli(['report', '--format', 'json', '--out', 'report.json']));
    ok(await oli(['identity', 'learners.csv']));
    ok(await oli(['probe', '--format', 'md', '--out', 'probe.md']));
    ok(await oli(['login', '--status']), [0]);
    // A renewal (the rotated refresh token) and an ended session, traced too.
    await fetch(`${sandbox.url}/__sandbox/identity-domain/end-access-tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    ok(await oli(['status']));
    await fetch(`${sandbox.url}/__sandbox/identity-domain/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await fetch(`${sandbox.url}/__sandbox/identity-domain/end-access-tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    ok(await oli(['status']), [2]);
    // The administrator's own key.
    const pending = await oli(['login', '--env', 'pod', '--jwt', '--user', sandbox.admin.userName, '--no-wait']);
    ok(pending, [1]);
    const issuer = /Trusted Issuer: (\S+) \(exactly\)/.exec(pending.stdout)![1]!;
    const alias = /Certificate Alias: (\S+);/.exec(pending.stdout)![1]!;
    await new SandboxAdmin(sandbox.url).registerApiAuthentication({ issuer, alias, certificate: await readFile(join(dir, '.oracle-learning', `pod.admin-${sandbox.admin.userName}.cer`), 'utf8') });
    ok(await oli(['login', '--env', 'pod', '--jwt']), [0]);
    ok(await oli(['status']));
    ok(await oli(['apply', '--all', '--dry-run']), [0]);
    ok(await oli(['logout', '--env', 'pod']), [0]);
    assert.ok(seen.size >= 8, `secrets collected: ${seen.size}`);
    assert.ok(runs.filter((r) => /^\s+(GET|POST) .+ -> /m.test(r.stderr)).length >= 8, 'trace logging was on');
  });

  it('no token, refresh token, authorization code, private key or password appears in any output or trace line', () => {
    const all = [...seen, ...forms(ADMIN_PASSWORD, sandbox.admin.userName)];
    for (const r of runs) {
      for (const v of all) assert.ok(!r.stdout.includes(v) && !r.stderr.includes(v), `oli ${r.args.join(' ')} printed a secret (${v.slice(0, 8)}…)`);
      assert.ok(!/PRIVATE KEY-----\n[A-Za-z0-9+/]/.test(r.stdout + r.stderr));
      assert.ok(!/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./.test(r.stdout + r.stderr), `oli ${r.args.join(' ')} printed a JWT`);
    }
  });

  it('nothing secret in the workspace: the sign-ins live in a 0600 file under the configuration folder', async () => {
    const files = (await readdir(dir, { recursive: true })).map((f) => join(dir, String(f)));
    for (const p of files) {
      if (!(await stat(p)).isFile()) continue;
      const text = await readFile(p, 'latin1');
      for (const v of seen) assert.ok(!text.includes(v), `${p} holds a sign-in secret`);
      assert.ok(!/PRIVATE KEY-----/.test(text), `${p} holds a private key`);
    }
    assert.equal((await stat(join(config, 'sign-in.json'))).mode & 0o777, 0o600);
  });
});
