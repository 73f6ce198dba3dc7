/**
 * `oli login` (issue 15): OAuth with the identity domain (authorization code + PKCE on a loopback
 * redirect, the device code flow) and JWT bearer with the administrator's own key, against a
 * sandbox pod that refuses Basic; the session and key kept in a 0600 file outside the workspace;
 * renewal after a refused access token; a refused renewal ends the session with one line and one
 * failed request; `oli logout`. Real HTTP, the real CLI in-process (and the built one for Enter).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';
import { savePlan } from '../../src/core/plan/planFile';
import { courseraKeys, testPlan } from './plan.helpers';
import { runOli, stdinFrom } from './helpers/cli';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { consent } from '../helpers/identityDomainBrowser';

const ENV = 'pod';
const CLIENT = 'oli-cli-test';

/** Runs `oli` in-process and lets the test read its output while it runs (to act as the browser). */
export function startOli(args: string[], o: { cwd: string; env: NodeJS.ProcessEnv; stdin?: string }) {
  let stdout = '';
  let stderr = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = stdout.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
      check();
    },
    stderr: (t) => void (stderr += t),
    ...stdinFrom(o.stdin ?? ''),
    env: o.env,
    cwd: o.cwd,
    signal: new AbortController().signal,
  };
  const done = runCli(args, io).then((code) => ({ code, stdout, stderr }));
  return {
    done,
    waitFor(re: RegExp): Promise<RegExpMatchArray> {
      return new Promise((resolveMatch, reject) => {
        waiters.push({ re, resolve: resolveMatch });
        check();
        void done.then(() => reject(new Error(`oli ended before printing ${re}:\n${stdout}\n${stderr}`)));
      });
    },
  };
}

describe('oli login: OAuth (PKCE, device code) and JWT with your own key, against a pod without Basic', function () {
  this.timeout(60_000);
  let t: TestSandbox;
  let dir: string;
  let config: string;
  let env: NodeJS.ProcessEnv;
  let scope: string;
  const oli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runOli(args, { cwd: dir, env: { ...env, ...extra } });
  const store = async (): Promise<Record<string, string>> => JSON.parse(await readFile(join(config, 'sign-in.json'), 'utf8'));
  const failures = async (): Promise<{ reason: string }[]> => (await t.hook('auth-failures')).items;

  before(async () => {
    t = await startTestSandbox({ basicAuth: false });
    scope = `${(await t.hook('info')).scope} offline_access`;
    await t.hook('oauth-apps', { clientId: CLIENT, redirectUris: ['http://127.0.0.1/callback'] });
    dir = await mkdtemp(join(tmpdir(), 'oli-login-'));
    config = await mkdtemp(join(tmpdir(), 'oli-login-config-'));
    await writeFile(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
    await savePlan(join(dir, 'oracle-learning.json'), testPlan(t.sb.url, {}, ENV));
    // The wrong password for Basic is there too: it must never be what signs in.
    env = { OLI_CONFIG_DIR: config, OLI_KEYRING: 'file', OLI_ACTOR: 'login.test', BROWSER: 'none', OLI_USERNAME: t.sb.admin.userName, OLI_PASSWORD: 'not-used-basic-is-off' };
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
    await rm(config, { recursive: true, force: true });
  });

  it('without a way configured, offers the three in order, Basic last and marked least preferred', async () => {
    const r = await oli(['login', '--env', ENV], { OLI_USERNAME: '', OLI_PASSWORD: '' });
    assert.equal(r.code, 2);
    const oauth = r.stdout.indexOf('1. OAuth with the identity domain');
    const jwt = r.stdout.indexOf('2. JWT with your own key');
    const basic = r.stdout.indexOf('3. User name and password (Basic): least preferred');
    assert.ok(oauth >= 0 && oauth < jwt && jwt < basic, r.stdout);
  });

  it('signs in through the browser (authorization code + PKCE on a loopback redirect) and runs a status without Basic', async () => {
    const run = startOli(['login', '--env', ENV, '--identity-domain', t.sb.url, '--client-id', CLIENT, '--scope', scope, '--no-browser'], { cwd: dir, env });
    const [url] = await run.waitFor(/http:\/\/127\.0\.0\.1:\d+\/oauth2\/v1\/authorize\?\S+/);
    // The person's browser: the sign-in page of the identity domain, then back to the CLI's loopback.
    const c = await consent(url, t.sb.admin.userName, t.sb.admin.password);
    assert.equal(c.status, 302);
    const back = await fetch(c.location!);
    assert.equal(back.status, 200);
    assert.match(await back.text(), /Signed in/);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`Signed in to "${ENV}" as ${t.sb.admin.userName}, OAuth with the identity domain`));
    assert.match(r.stdout, /renewed by itself/);
    // The plan says how (no secret); the session sits in a 0600 file outside the workspace.
    const plan = JSON.parse(await readFile(join(dir, 'oracle-learning.json'), 'utf8'));
    assert.deepEqual(plan.environments[ENV].auth, { method: 'oauth', identityDomain: t.sb.url, clientId: CLIENT, scope });
    assert.equal((await stat(join(config, 'sign-in.json'))).mode & 0o777, 0o600);
    assert.equal((await stat(config)).mode & 0o777, 0o700);
    const session = JSON.parse(Object.values(await store())[0]!);
    assert.ok(session.accessToken && session.refreshToken);
    for (const f of await readdir(dir, { recursive: true })) {
      const p = join(dir, String(f));
      if ((await stat(p)).isFile()) assert.ok(!(await readFile(p, 'utf8')).includes(session.refreshToken), `no token in ${f}`);
    }
    const status = await oli(['status', '--env', ENV]);
    assert.ok(status.code === 0 || status.code === 1, status.stderr);
    assert.ok(!(await failures()).some((f) => f.reason === 'basic-disabled'), 'Basic was never sent');
    const shown = await oli(['login', '--status']);
    assert.match(shown.stdout, new RegExp(`OAuth with the identity domain ${t.sb.url.replace(/[.]/g, '\\.')}: ${t.sb.admin.userName}, token until .*renewed by itself`));
  });

  it('renews the access token after the pod refused it, and keeps the new refresh token', async () => {
    const before = JSON.parse(Object.values(await store())[0]!);
    await t.hook('identity-domain/end-access-tokens', {});
    const status = await oli(['status', '--env', ENV]);
    assert.ok(status.code === 0 || status.code === 1, status.stderr);
    const after = JSON.parse(Object.values(await store())[0]!);
    assert.notEqual(after.accessToken, before.accessToken);
    assert.notEqual(after.refreshToken, before.refreshToken, 'the rotated refresh token is kept');
  });

  it('a refused renewal ends the session: one line saying to sign in again, one refused request, the session forgotten', async () => {
    await t.hook('identity-domain/revoke', {});
    await t.hook('identity-domain/end-access-tokens', {});
    const before = (await failures()).length;
    const r = await oli(['status', '--env', ENV]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('oli:')).length, 1, r.stderr);
    assert.match(r.stderr, /refused to renew the OAuth session of "pod" \(invalid_grant.*Sign in again: oli login --env pod/);
    assert.equal((await failures()).length - before, 1, 'the pod saw one refused token, not one per check');
    assert.deepEqual(await store(), {}, 'the ended session is forgotten');
    const again = await oli(['status', '--env', ENV]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /Not signed in to "pod".*oli login --env pod/);
    assert.equal((await failures()).length - before, 1, 'nothing is sent without a session');
  });

  it('signs in with the device code flow where the domain offers it', async () => {
    const run = startOli(['login', '--env', ENV, '--device'], { cwd: dir, env });
    const [, uri, code] = await run.waitFor(/open (\S+) in any browser and enter the code (\S+)/);
    const approve = await fetch(uri!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ user_code: code!, username: t.sb.admin.userName, password: t.sb.admin.password, decision: 'allow' }).toString() });
    assert.equal(approve.status, 200);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(Object.values(await store())[0]!).grant, 'device-code');
    const out = await oli(['logout', '--env', ENV]);
    assert.match(out.stdout, /Signed out of "pod"/);
    assert.deepEqual(await store(), {});
  });

  it('signs in with a JWT signed by your own key: key pair, guided registration, one proving call, then commands', async () => {
    const pending = await oli(['login', '--env', ENV, '--jwt', '--user', t.sb.admin.userName, '--no-wait']);
    assert.equal(pending.code, 1, pending.stderr);
    const issuer = /Trusted Issuer: (\S+) \(exactly\)/.exec(pending.stdout)?.[1];
    const alias = /Certificate Alias: (\S+);/.exec(pending.stdout)?.[1];
    assert.ok(issuer && alias, pending.stdout);
    assert.equal(issuer, `oli-admin.${t.sb.admin.userName}`);
    assert.match(pending.stdout, /Security Console > API Authentication/);
    const certPath = resolve(dir, '.oracle-learning', `${ENV}.admin-${t.sb.admin.userName}.cer`);
    const certificate = await readFile(certPath, 'utf8');
    assert.ok(certificate.includes('BEGIN CERTIFICATE') && !certificate.includes('PRIVATE KEY'));
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'oracle-learning.json'), 'utf8')).environments[ENV].auth, { method: 'jwt' });
    const notYet = await oli(['status', '--env', ENV]);
    assert.equal(notYet.code, 2);
    assert.match(notYet.stderr, /not proven yet/);
    // What the administrator does in the Security Console (a test-only hook of the sandbox).
    await t.hook('api-authentication-providers', { issuer, alias, certificate });
    const proven = await oli(['login', '--env', ENV, '--jwt']);
    assert.equal(proven.code, 0, proven.stderr);
    assert.match(proven.stdout, /Signed in to "pod" as admin\.sandbox, JWT signed with your own key \(trusted issuer oli-admin\.admin\.sandbox, certificate alias OLI_ADMIN_\w+\) \(key valid until/);
    const status = await oli(['status', '--env', ENV]);
    assert.ok(status.code === 0 || status.code === 1, status.stderr);
    const key = JSON.parse(Object.values(await store())[0]!);
    assert.ok(key.privateKeyPem.includes('PRIVATE KEY') && key.provenAt);
    assert.ok(!existsSync(join(dir, '.oracle-learning', `${ENV}.admin-key.pem`)));
  });

  it('a key the pod no longer accepts: one refused request per command, said once, no lockout warning', async () => {
    const all = await store();
    const [k, v] = Object.entries(all)[0]!;
    await writeFile(join(config, 'sign-in.json'), JSON.stringify({ [k]: JSON.stringify({ ...JSON.parse(v), issuer: 'oli-admin.renamed' }) }), { mode: 0o600 });
    const before = (await failures()).length;
    const r = await oli(['apply', '--all', '--env', ENV]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /The pod refused the sign-in of administrator "admin\.sandbox" \(own JWT key\)/);
    assert.ok(!/lock the account/.test(r.stderr), 'no password was tried');
    assert.equal((await failures()).length - before, 1);
    assert.equal((await failures()).at(-1)!.reason, 'jwt-wrong-issuer');
    await oli(['logout', '--env', ENV]);
  });

  it('the built CLI waits for Enter while the administrator registers the certificate, then proves it', async function () {
    if (!existsSync('dist/cli.js')) this.skip();
    const child = spawn(process.execPath, [resolve('dist/cli.js'), 'login', '--env', ENV, '--jwt', '--user', t.sb.admin.userName, '--new-key'], { cwd: dir, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    const prompt = new Promise<void>((ok) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('Press Enter')) ok();
      }),
    );
    const exited = new Promise<number | null>((ok) => child.once('exit', ok));
    await prompt;
    const issuer = /Trusted Issuer: (\S+) \(exactly\)/.exec(out)![1];
    const alias = /Certificate Alias: (\S+);/.exec(out)![1];
    await t.hook('api-authentication-providers', { issuer, alias, certificate: await readFile(resolve(dir, '.oracle-learning', `${ENV}.admin-${t.sb.admin.userName}.cer`), 'utf8') });
    child.stdin.write('\n');
    assert.equal(await exited, 0, err + out);
    assert.match(out, /Signed in to "pod"/);
    await oli(['logout', '--env', ENV]);
  });
});

describe('oli login: the OS keyring when the machine has one (libsecret secret-tool)', function () {
  this.timeout(60_000);
  it('keeps the key in the keyring, the secret on standard input (never on a command line), and no file', async function () {
    if (process.platform !== 'linux') this.skip();
    const t = await startTestSandbox({ basicAuth: false });
    const dir = await mkdtemp(join(tmpdir(), 'oli-keyring-'));
    const bin = await mkdtemp(join(tmpdir(), 'oli-keyring-bin-'));
    const config = await mkdtemp(join(tmpdir(), 'oli-keyring-config-'));
    try {
      // A stand-in for libsecret's secret-tool: it records its arguments and keeps what it is given on stdin.
      const script = `#!/bin/sh
echo "$@" >> "${bin}/argv.log"
cmd="$1"; shift
key=$(printf '%s' "$*" | sed 's/.*account //' | tr '/:@' '___')
case "$cmd" in
  store) cat > "${bin}/secret-$key" ;;
  lookup) [ -f "${bin}/secret-$key" ] && cat "${bin}/secret-$key" || exit 1 ;;
  clear) rm -f "${bin}/secret-$key" ;;
esac
`;
      await writeFile(join(bin, 'secret-tool'), script, { mode: 0o755 });
      await writeFile(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
      await savePlan(join(dir, 'oracle-learning.json'), testPlan(t.sb.url, {}, ENV));
      const env = { PATH: `${bin}:${process.env.PATH}`, OLI_CONFIG_DIR: config, OLI_ACTOR: 'keyring.test' };
      const r = await runOli(['login', '--env', ENV, '--jwt', '--user', t.sb.admin.userName, '--no-wait'], { cwd: dir, env });
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /The key is kept \(the OS keyring/);
      const stored = (await readdir(bin)).filter((f) => f.startsWith('secret-oracle'));
      assert.equal(stored.length, 1, `${stored.join(', ')}\n${await readFile(join(bin, 'argv.log'), 'utf8')}`);
      assert.match(await readFile(join(bin, stored[0]!), 'utf8'), /PRIVATE KEY/);
      assert.ok(!(await readFile(join(bin, 'argv.log'), 'utf8')).includes('PRIVATE'), 'the key never on a command line');
      assert.deepEqual(await readdir(config), [], 'no file when the keyring keeps it');
      const out = await runOli(['logout', '--env', ENV], { cwd: dir, env });
      assert.match(out.stdout, /private key of admin\.sandbox/);
      assert.equal((await readdir(bin)).filter((f) => f.startsWith('secret-oracle')).length, 0);
    } finally {
      await t.close();
      for (const d of [dir, bin, config]) await rm(d, { recursive: true, force: true });
    }
  });
});
