/**
 * Issue 12, problems 1 and 2: one typo must not lock the administrator out, and a pod that never
 * answers must end a command quickly with a useful hint.
 *
 * Sign-in first: every command proves a credential with one request before anything else carries
 * it; a refusal stops the command at once (exit 2) with how close a lockout may be, so each
 * identity (administrator, OAuth client, the integration user's JWT) has at most one failed
 * sign-in per command. Fail fast: a first-byte deadline separate from the whole-request timeout,
 * a black-holed pod given up on after three silent attempts, one stderr line per retry.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { runOli, type CliRun } from './helpers/cli';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { json, startFaultServer, type FaultServer } from './helpers/fault-server';
import { courseraKeys, testPlan } from './plan.helpers';
import { savePlan } from '../../src/core/plan/planFile';
import { MAX_SILENT_ATTEMPTS, OracleClient } from '../../src/oracle/client';
import { OracleError } from '../../src/oracle/errors';
import { SignInLedger } from '../../src/oracle/signIn';
import { LOCKOUT_AFTER } from '../../src/core/plan/signIn';
import { statePath } from '../../src/core/plan/stateStore';

const WRONG = 'not-the-Passw0rd';

async function authFailures(t: TestSandbox): Promise<{ reason: string; url: string }[]> {
  return (await t.hook('auth-failures')).items as { reason: string; url: string }[];
}

describe('sign-in first: one failed sign-in per command and identity (issue 12, problem 1)', function () {
  this.timeout(60_000);
  let t: TestSandbox;
  let dir: string;
  const oli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    runOli(args, { cwd: dir, env: { OLI_ACTOR: 'signin.test', OLI_USERNAME: t.sb.admin.userName, OLI_PASSWORD: t.sb.admin.password, ...env } });

  before(async () => {
    t = await startTestSandbox({ users: 30 });
    dir = await mkdtemp(join(tmpdir(), 'oli-signin-'));
    await writeFile(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
    await savePlan(join(dir, 'oracle-learning.json'), testPlan(t.sb.url));
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await t.hook('reset');
    await t.hook('stats/reset', {});
    await rm(join(dir, '.oracle-learning'), { recursive: true, force: true });
  });

  it('a wrong password: status sends one request, stops with exit 2 and says how many failures may lock the account', async () => {
    const r = await oli(['status'], { OLI_PASSWORD: WRONG });
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('oli:'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /the pod refused these credentials/i);
    assert.match(lines[0]!, new RegExp(`; ${LOCKOUT_AFTER - 1} more failures may lock the account`));
    assert.match(lines[0]!, /HTTP 401 Unauthorized/);
    assert.ok(!r.stderr.includes(WRONG));
    assert.equal((await authFailures(t)).length, 1, 'exactly one failed sign-in (it was about ten before)');
    assert.equal((await t.hook('stats')).requests.total, 1, 'nothing else was sent');
  });

  it('apply --all and identity make one failed sign-in each; the count in a row is kept across commands and reset by a success', async () => {
    await writeFile(join(dir, 'learners.csv'), `email\n${Array.from({ length: 400 }, (_, i) => `learner${i}@example.com`).join('\n')}\n`);
    const apply = await oli(['apply', '--all'], { OLI_PASSWORD: WRONG });
    assert.equal(apply.code, 2, apply.stderr);
    assert.equal((await authFailures(t)).length, 1);
    const identity = await oli(['identity', 'learners.csv'], { OLI_PASSWORD: WRONG });
    assert.equal(identity.code, 2, identity.stderr);
    assert.equal((await authFailures(t)).length, 2, 'the identity check stopped at its first lookup (8 batches in flight before)');
    assert.match(identity.stderr, new RegExp(`; ${LOCKOUT_AFTER - 2} more failures may lock the account \\(2 in a row`));
    const state = JSON.parse(await readFile(statePath(dir, 'sandbox'), 'utf8')) as { signIns?: Record<string, { refusedInARow: number }> };
    assert.deepEqual(Object.values(state.signIns ?? {}).map((s) => s.refusedInARow), [2]);
    assert.ok(!JSON.stringify(state).includes(WRONG), 'the state file records who was refused, never the secret');
    const ok = await oli(['status']);
    assert.ok(ok.code === 0 || ok.code === 1, ok.stderr);
    const after = JSON.parse(await readFile(statePath(dir, 'sandbox'), 'utf8')) as { signIns?: unknown };
    assert.equal(after.signIns, undefined, 'a successful sign-in clears the count');
  });

  it('after the lockout threshold it says the account may already be locked', async () => {
    let last: CliRun | undefined;
    for (let i = 0; i < LOCKOUT_AFTER; i++) last = await oli(['status'], { OLI_PASSWORD: WRONG });
    assert.match(last!.stderr, /the account may already be locked/);
    assert.equal((await authFailures(t)).length, LOCKOUT_AFTER);
  });

  it('the OAuth client: a wrong secret reaches the token endpoint once per command, although apply re-checks after each change', async () => {
    const info = (await t.hook('info')) as { scope: string; tokenPath: string; jobDefinitions: Record<string, string> };
    const oauthDir = await mkdtemp(join(tmpdir(), 'oli-signin-oauth-'));
    try {
      const plan = testPlan(t.sb.url, { auth: 'oauth', oauth: { clientId: 'coursera-app', tokenUrl: `${t.sb.url}${info.tokenPath}`, scope: info.scope } });
      delete (plan as { jwt?: unknown }).jwt;
      await savePlan(join(oauthDir, 'oracle-learning.json'), plan);
      await t.hook('oauth-clients', { clientId: 'coursera-app', clientSecret: 'the-right-secret', userName: t.sb.admin.userName });
      const env = { OLI_ACTOR: 'signin.test', OLI_USERNAME: t.sb.admin.userName, OLI_PASSWORD: t.sb.admin.password, OLI_CLIENT_ID: 'coursera-app', OLI_CLIENT_SECRET: 'a-wrong-secret' };
      const run = (args: string[]) => runOli(args, { cwd: oauthDir, env });
      // The admin's part, so that apply --all changes something (the daily schedules) and re-checks every step.
      await t.hook('roles', { name: 'XX_COURSERA_CONTENT_PROVIDER_JOB', displayName: 'Coursera', category: 'JOB', duties: ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY'] });
      assert.equal((await run(['attest', 'job-role', '--note', 'checked'])).code, 0);
      assert.equal((await run(['apply', '--step', 'integration-user'])).code, 0);
      await t.hook('external-providers', { provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
      assert.equal((await run(['attest', 'external-provider', '--note', 'validated'])).code, 0);
      for (const id of Object.values(info.jobDefinitions)) await t.hook('ess/submit', { jobDefinitionId: id });
      await t.hook('stats/reset', {});
      const r = await run(['apply', '--all']);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      assert.match(r.stdout, /changed: POST \/ess\/rest\/scheduler/, 'apply changed something, then re-checked every step');
      const stats = (await t.hook('stats')) as { requests: { byRoute: Record<string, number> } };
      const tokenRequests = Object.entries(stats.requests.byRoute).filter(([route]) => route.includes(info.tokenPath)).reduce((n, [, c]) => n + c, 0);
      assert.equal(tokenRequests, 1, `token requests (one per check pass before): ${JSON.stringify(stats.requests.byRoute)}`);
      assert.match(r.stdout, /provider-credentials\s+failed/);
    } finally {
      await rm(oauthDir, { recursive: true, force: true });
    }
  });

  it("the integration user's JWT (verification kit): refused once per command although apply re-checks after each change", async () => {
    await t.hook('roles', { name: 'XX_COURSERA_CONTENT_PROVIDER_JOB', displayName: 'Coursera', category: 'JOB', duties: ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY'] });
    assert.equal((await oli(['attest', 'job-role', '--note', 'role checked'])).code, 0);
    assert.equal((await oli(['apply', '--step', 'integration-user'])).code, 0);
    const kit = await oli(['apply', '--step', 'api-authentication']);
    assert.match(kit.stdout, /test issuer: oli-verify-/, kit.stderr);
    await t.hook('external-providers', { provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
    assert.equal((await oli(['attest', 'external-provider', '--note', 'validated'])).code, 0);
    // The admin submitted each Learning process once (their job ids can be discovered): apply --all schedules them.
    const info = (await t.hook('info')) as { jobDefinitions: Record<string, string> };
    for (const id of Object.values(info.jobDefinitions)) await t.hook('ess/submit', { jobDefinitionId: id });
    const before = (await authFailures(t)).length;
    const r = await oli(['apply', '--all']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stdout, /changed: POST \/ess\/rest\/scheduler/, r.stdout + 'apply changed something, then re-checked every step');
    const failures = (await authFailures(t)).slice(before);
    assert.equal(failures.length, 1, `one refused JWT for the whole apply (one per check pass before): ${JSON.stringify(failures)}`);
    assert.equal(failures[0]!.reason, 'jwt-unknown-x5t');
  });
});

describe('sign-in gate in the client', () => {
  it('twelve parallel requests with a refused credential: one reaches the server, all fail with its 401', async () => {
    const server = await startFaultServer((_req, res) => json(res, 401, { detail: 'nope' }));
    try {
      const client = new OracleClient({ baseUrl: server.url, auth: { kind: 'basic', username: 'u', password: 'wrong' }, proxy: '' });
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => client.get(`/x${i}`, z.unknown())));
      assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof OracleError && r.reason.status === 401));
      assert.equal(server.requests.length, 1);
      assert.equal(client.signIn.state, 'refused');
      await assert.rejects(client.get('/later', z.unknown()), (e: unknown) => e instanceof OracleError && e.status === 401);
      assert.equal(server.requests.length, 1, 'a refused credential is never sent again');
    } finally {
      await server.close();
    }
  });

  it('the first request goes alone; once it is answered the others go in parallel', async () => {
    const server = await startFaultServer((_req, res) => setTimeout(() => json(res, 200, {}), 30));
    try {
      const client = new OracleClient({ baseUrl: server.url, auth: { kind: 'basic', username: 'u', password: 'p' }, proxy: '', maxConcurrency: 8 });
      await Promise.all(Array.from({ length: 9 }, (_, i) => client.get(`/x${i}`, z.unknown())));
      assert.equal(server.requests.length, 9);
      assert.ok(server.maxInFlight > 1, 'parallel after the proof');
      assert.equal(client.signIn.state, 'proven');
    } finally {
      await server.close();
    }
  });

  it('clients of one ledger share the gate of a credential (a second client sends nothing once it was refused)', async () => {
    const server = await startFaultServer((_req, res) => json(res, 401, {}));
    try {
      const ledger = new SignInLedger();
      const auth = { kind: 'basic', username: 'u', password: 'wrong' } as const;
      const make = () => new OracleClient({ baseUrl: server.url, auth, proxy: '', signIn: ledger.gateFor(auth, server.url) });
      await assert.rejects(make().get('/a', z.unknown()));
      await assert.rejects(make().get('/b', z.unknown()));
      assert.equal(server.requests.length, 1);
      // Another password is another credential: it gets its own proof.
      const other = { kind: 'basic', username: 'u', password: 'other' } as const;
      await assert.rejects(new OracleClient({ baseUrl: server.url, auth: other, proxy: '', signIn: ledger.gateFor(other, server.url) }).get('/c', z.unknown()));
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });
});

describe('fail fast: first-byte deadline, black-holed pods, retry lines (issue 12, problem 2)', function () {
  this.timeout(60_000);
  let silent: FaultServer;
  before(async () => {
    // Accepts connections, reads the request, never answers.
    silent = await startFaultServer(() => undefined);
  });
  after(() => silent.close());

  it('the default budget gives up on a black-holed pod well within 45 s', () => {
    const client = new OracleClient({ baseUrl: 'https://pod.example.com', auth: { kind: 'basic', username: 'u', password: 'p' }, proxy: '' });
    const firstByte = (client as unknown as { firstByteTimeoutMs: number }).firstByteTimeoutMs;
    const backoffCeiling = 300 + 600; // the first two backoffs at most (full jitter below these)
    assert.equal(firstByte, 10_000);
    assert.ok(MAX_SILENT_ATTEMPTS * firstByte + backoffCeiling < 40_000, 'three silent attempts and their backoff stay under 40 s (node start-up included, under 45 s)');
  });

  it('a silent pod: three attempts (not five), a retry line each, and a hint naming firewall, VPN or the wrong host', async () => {
    const retries: string[] = [];
    const client = new OracleClient({ baseUrl: silent.url, auth: { kind: 'basic', username: 'u', password: 'p' }, proxy: '', firstByteTimeoutMs: 100, sleep: async () => undefined, onRetry: (n) => retries.push(`${n.method} ${n.path}: ${n.reason}`) });
    const before = silent.requests.length;
    await assert.rejects(client.get('/hcmRestApi/scim/Users', z.unknown()), (e: unknown) => {
      assert.ok(e instanceof OracleError);
      assert.equal(e.reason, 'timeout');
      assert.match(e.message, /no answer from 127\.0\.0\.1:\d+ within 100 ms, 3 times/);
      assert.match(e.message, /firewall/);
      assert.match(e.message, /VPN/);
      assert.match(e.message, /wrong host/);
      assert.doesNotMatch(e.message, /raise the timeout/);
      return true;
    });
    assert.equal(silent.requests.length - before, MAX_SILENT_ATTEMPTS);
    assert.deepEqual(retries, ['GET /hcmRestApi/scim/Users: no response within 100 ms (connection and first byte)', 'GET /hcmRestApi/scim/Users: no response within 100 ms (connection and first byte)']);
  });

  it('an answer that starts and then stalls is bounded by the whole-request timeout, not the first-byte one', async () => {
    const server = await startFaultServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"items": [');
    });
    try {
      const client = new OracleClient({ baseUrl: server.url, auth: { kind: 'basic', username: 'u', password: 'p' }, proxy: '', firstByteTimeoutMs: 50, timeoutMs: 300, maxRetries: 1, sleep: async () => undefined });
      await assert.rejects(client.get('/x', z.unknown()), (e: unknown) => e instanceof OracleError && e.reason === 'timeout' && /no complete response within 300 ms/.test(e.message));
      assert.equal(server.requests.length, 2, 'a pod that answers is retried with the usual budget');
    } finally {
      await server.close();
    }
  });

  it('oli status against a black-holed pod: exit 2, one retry line per retry on stderr, the firewall/VPN hint', async () => {
    const d = await mkdtemp(join(tmpdir(), 'oli-blackhole-'));
    try {
      await writeFile(join(d, 'coursera.cer'), courseraKeys().certificatePem);
      await savePlan(join(d, 'oracle-learning.json'), testPlan(silent.url));
      const before = silent.requests.length;
      const r = await runOli(['status', '--connect-timeout', '1'], { cwd: d, env: { OLI_USERNAME: 'admin', OLI_PASSWORD: 'whatever-123' } });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(silent.requests.length - before, MAX_SILENT_ATTEMPTS, 'one request at a time, three attempts (five attempts of 30 s before)');
      const retryLines = r.stderr.split('\n').filter((l) => l.startsWith('retrying: '));
      assert.equal(retryLines.length, MAX_SILENT_ATTEMPTS - 1, r.stderr);
      assert.match(retryLines[0]!, /GET \/hcmRestApi\/scim\/Users: no response within 1 s \(connection and first byte\); retry 1 of 2 in \d+\.\d s/);
      const error = r.stderr.split('\n').filter((l) => l.startsWith('oli:'));
      assert.equal(error.length, 1);
      assert.match(error[0]!, /firewall or VPN/);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
