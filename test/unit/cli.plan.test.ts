import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOli, type CliRun } from './helpers/cli';
import { startSandbox } from '../../src/sandbox/server';
import { SandboxAdmin } from '../../src/sandbox/courseraScenario';
import { courseraKeys, ROLE, DUTY } from './plan.helpers';
import { parsePlan } from '../../src/core/plan/planFile';

async function oli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runOli(args, { cwd, env: { OLI_ACTOR: 'cli.test', ...env } });
}

describe('oli init / status / apply / attest / report', function () {
  this.timeout(60_000);
  let dir: string;
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    sandbox = await startSandbox({ port: 0, users: 30, essStepMs: 20 });
    env = { OLI_USERNAME: sandbox.admin.userName, OLI_PASSWORD: sandbox.admin.password };
    dir = await mkdtemp(join(tmpdir(), 'oli-cli-'));
    await writeFile(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
  });
  after(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('init writes a valid plan without secrets and refuses to overwrite it', async () => {
    const r = await oli(['init', '--env', `sandbox=${sandbox.url}`, '--issuer', 'https://coursera.test/iss', '--cert', 'coursera.cer', '--email', 'user.coursera@example.com'], dir);
    assert.equal(r.code, 0, r.stderr);
    const plan = parsePlan(await readFile(join(dir, 'oracle-learning.json'), 'utf8'));
    assert.equal(plan.provider, 'coursera');
    assert.equal(plan.integrationUser.userName, 'user.coursera');
    const again = await oli(['init', '--env', `sandbox=${sandbox.url}`, '--issuer', 'x'], dir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; use --force/);
  });

  it('init refuses a jwt plan without an issuer, in one line', async () => {
    const r = await oli(['init', '--env', `x=${sandbox.url}`, '--plan', 'other.json'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /issuer/);
  });

  it('status --json prints the documented shape and exits 1 while steps need action', async () => {
    const r = await oli(['status', '--json'], dir, env);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.environment, 'sandbox');
    assert.equal(out.provider, 'coursera');
    assert.equal(out.steps.length, 11);
    for (const s of out.steps) {
      assert.deepEqual(Object.keys(s).filter((k) => k !== 'basis').sort(), ['automation', 'checks', 'detail', 'id', 'status', 'title']);
      // Every finding says what it rests on (issue 10); a step with findings has the basis of its status.
      for (const c of s.checks) assert.ok(['documented', 'inferred', 'stand-in'].includes(c.basis), JSON.stringify(c));
      if (s.checks.length) assert.ok(['documented', 'inferred', 'stand-in'].includes(s.basis), JSON.stringify(s));
    }
  });

  it('a wrong password gives a one-line authentication message and exit 2', async () => {
    const r = await oli(['status'], dir, { OLI_USERNAME: sandbox.admin.userName, OLI_PASSWORD: 'wrong-password-123' });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('oli:')).length, 1);
    assert.ok(!r.stderr.includes('wrong-password-123'));
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  });

  it('missing credentials say what to set', async () => {
    const r = await oli(['status'], dir, {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /OLI_USERNAME and OLI_PASSWORD/);
  });

  it('apply --dry-run prints the requests it would send; attest and apply then make the user', async () => {
    const admin = new SandboxAdmin(sandbox.url);
    await admin.createRole({ name: ROLE, displayName: 'Coursera', category: 'JOB', duties: [DUTY] });
    const att = await oli(['attest', 'job-role', '--note', 'hierarchy checked'], dir, env);
    assert.equal(att.code, 0, att.stdout + att.stderr);
    const dry = await oli(['apply', '--step', 'integration-user', '--dry-run'], dir, env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /POST http:\/\/127\.0\.0\.1:\d+\/hcmRestApi\/scim\/Users/);
    assert.ok(!dry.stdout.includes(sandbox.admin.password));
    const real = await oli(['apply', '--step', 'integration-user', '--json'], dir, env);
    assert.equal(real.code, 0, real.stderr + real.stdout);
    const out = JSON.parse(real.stdout);
    assert.equal(out.steps.find((s: { id: string }) => s.id === 'integration-user').status, 'done');
  });

  it('apply needs --step or --all; an unknown step is a usage error', async () => {
    assert.equal((await oli(['apply'], dir, env)).code, 2);
    assert.equal((await oli(['apply', '--step', 'nope'], dir, env)).code, 2);
  });

  it('report writes an audit record with the attestation and no secret', async () => {
    const r = await oli(['report', '--format', 'json'], dir, env);
    const report = JSON.parse(r.stdout);
    assert.equal(report.environment.name, 'sandbox');
    const jobRole = report.steps.find((s: { id: string }) => s.id === 'job-role');
    assert.equal(jobRole.attestation.by, 'cli.test');
    assert.ok(report.history.length > 0);
    assert.ok(!r.stdout.includes(sandbox.admin.password));
    const md = await oli(['report'], dir, env);
    assert.match(md.stdout, /^# Oracle Learning integration report/);
    assert.match(md.stdout, /hierarchy checked/);
  });

  it('identity checks a list file and reports the summary', async () => {
    await writeFile(join(dir, 'ids.txt'), 'nobody@example.com\nnot-an-email\n');
    const r = await oli(['identity', 'ids.txt', '--json'], dir, env);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out.summary).filter((k) => k !== 'invalid'), ['total', 'matched', 'missing', 'duplicate', 'inactive']);
    assert.equal(out.summary.total, 2);
    assert.equal(out.summary.missing, 1);
  });
});

describe('oli demo', function () {
  this.timeout(120_000);
  for (const auth of ['jwt', 'oauth']) {
    it(`--auth ${auth}: every step done, attested or not applicable, and a completion read back`, async () => {
      const r = await oli(['demo', '--auth', auth, '--json'], tmpdir());
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const out = JSON.parse(r.stdout);
      assert.equal(out.steps.length, 11);
      for (const s of out.steps) assert.ok(['done', 'attested', 'not-applicable'].includes(s.status), `${s.id}: ${s.status}`);
      // Steps with an API are done, not attested.
      for (const id of ['integration-user', 'provider-credentials', 'scheduled-processes', 'learner-identity'])
        assert.equal(out.steps.find((s: { id: string }) => s.id === id).status, 'done', id);
      const completed = out.completions.filter((c: { completionDate?: string }) => c.completionDate);
      assert.equal(completed.length, 2);
      assert.ok(completed.every((c: { actualEffortSeconds?: number }) => (c.actualEffortSeconds ?? 0) >= 5400));
      assert.match(r.stderr, /admin \(Oracle UI, simulated by a sandbox hook\)/);
    });
  }
});
