/**
 * All environments side by side (issue 14): `oli status --all-envs` (a matrix, in parallel, one
 * environment's failure never hiding the others) and `oli diff ENV_A ENV_B` on two sandbox pods
 * that differ in each compared item: the job role, the integration user's roles, the provider's
 * configuration, a schedule's time, and the certificate.
 */
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOli } from './helpers/cli';
import { fleet, type Fleet, type SetUpPod } from './dayTwo.helpers';

const HOUR = 3_600_000;

async function adminFetch(p: SetUpPod, path: string, init: { method?: string; body?: unknown } = {}): Promise<any> {
  const a = p.credentials.admin!;
  const res = await fetch(new URL(path, p.url), {
    method: init.method ?? 'GET',
    headers: { authorization: `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

describe('all environments side by side', function () {
  this.timeout(120_000);
  let f: Fleet;
  before(async () => {
    const base = Date.now() - 3 * 24 * HOUR - 2 * HOUR;
    f = await fleet({
      test: { scheduleBase: base },
      prod: { scheduleBase: base, roleDisplayName: 'Coursera Content Provider (prod)', offsets: { processLearningExperienceStatements: 90 } },
      dead: { dr: 'http://127.0.0.1:1' },
    });
  });
  after(async () => {
    await f.close();
  });

  it('two alike pods: diff finds no difference; status --all-envs shows a matrix, the unreachable one in its own column (exit 2)', async () => {
    const same = await runOli(['diff', 'test', 'prod', '--json'], { cwd: f.dir, env: f.env });
    const d = JSON.parse(same.stdout);
    // Prod's job role has another display name, and its statements schedule starts 90 minutes later: the only differences so far.
    assert.deepEqual(d.differences.map((x: { id: string }) => x.id), ['job-role.exists', 'schedule.processLearningExperienceStatements'], JSON.stringify(d.differences));
    assert.deepEqual(d.cannotCompare, []);
    assert.ok(d.same.length >= 15, `${d.same.length} facts the same`);
    const m = await runOli(['status', '--all-envs'], { cwd: f.dir, env: f.env });
    assert.equal(m.code, 2, m.stderr);
    assert.match(m.stdout, /^step +test +prod +dr/m);
    assert.match(m.stdout, /^integration-user +✔ done +✔ done +✖ no answer/m);
    assert.match(m.stdout, /✖ dr \(http:\/\/127\.0\.0\.1:1\) could not be read: .*connection refused/);
    assert.match(m.stderr, /request\(s\) across 3 environment\(s\), in parallel \(test \d+, prod \d+, dr \d+\)/);
    const json = JSON.parse((await runOli(['status', '--all-envs', '--json'], { cwd: f.dir, env: f.env })).stdout);
    assert.deepEqual(json.environments.map((e: { environment: string }) => e.environment), ['test', 'prod', 'dr']);
    assert.equal(json.environments[0].steps.length, 11);
    assert.equal(json.environments[2].error.reason, 'network');
    // Each environment's history got its status.
    for (const env of ['test', 'prod']) {
      const state = JSON.parse(await readFile(join(f.dir, '.oracle-learning', `${env}.state.json`), 'utf8'));
      assert.deepEqual([state.history.at(-1).action, state.history.at(-1).via], ['status', 'cli'], env);
    }
  });

  it('diff lists what differs in each compared item, as a readable list and as JSON', async () => {
    const p = f.prod;
    // Job role: another display name in prod (set up so). Integration user: it holds another role in prod.
    const user = (await adminFetch(p, `/hcmRestApi/scim/Users?filter=${encodeURIComponent('userName eq "user.coursera"')}`)).Resources[0];
    const hr = (await adminFetch(p, `/hcmRestApi/scim/Roles?filter=${encodeURIComponent('name eq "ORA_HRC_HUMAN_RESOURCE_SPECIALIST_JOB"')}`)).Resources[0];
    await adminFetch(p, `/hcmRestApi/scim/Roles/${hr.id}`, { method: 'PATCH', body: { members: [{ value: user.id, operation: 'ADD' }] } });
    // Provider: configured with another user in prod.
    await p.admin.createUser({ userName: 'user.coursera.prod', email: 'user.coursera.prod@example.com', withPerson: false });
    await p.admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera.prod', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
    // Certificate: prod already uses the next certificate.
    const next = await p.admin.certificate({ commonName: 'Coursera next', notAfter: new Date(Date.now() + 500 * 24 * HOUR).toISOString() });
    await writeFile(join(f.dir, 'next.cer'), next.certificatePem);
    const plan = JSON.parse(await readFile(join(f.dir, 'oracle-learning.json'), 'utf8'));
    plan.environments.prod.certificate = 'next.cer';
    await writeFile(join(f.dir, 'oracle-learning.json'), JSON.stringify(plan, null, 2));

    const r = await runOli(['diff', 'test', 'prod', '--json'], { cwd: f.dir, env: f.env });
    assert.equal(r.code, 1, r.stderr);
    const d = JSON.parse(r.stdout);
    const byId = (id: string) => d.differences.find((x: { id: string }) => x.id === id);
    assert.deepEqual([byId('job-role.exists').a, byId('job-role.exists').b], ['exists (Coursera Content Provider)', 'exists (Coursera Content Provider (prod))']);
    assert.deepEqual([byId('user.roles').a, byId('user.roles').b], ['XX_COURSERA_CONTENT_PROVIDER_JOB', 'ORA_HRC_HUMAN_RESOURCE_SPECIALIST_JOB, XX_COURSERA_CONTENT_PROVIDER_JOB']);
    assert.match(byId('provider.user').b, /user\.coursera\.prod/);
    assert.match(byId('schedule.processLearningExperienceStatements').a, /^daily at \d\d:\d\d UTC$/);
    assert.notEqual(byId('schedule.processLearningExperienceStatements').a, byId('schedule.processLearningExperienceStatements').b);
    assert.match(byId('certificate').b, /^next\.cer: CN=Coursera next, SHA-1 [0-9a-f]{40}/);
    assert.deepEqual([...new Set(d.differences.map((x: { area: string }) => x.area))].sort(), ['credentials', 'integration-user', 'job-role', 'provider', 'schedules']);
    for (const x of d.differences) assert.ok(['documented', 'inferred', 'stand-in'].includes(x.basis), x.id);
    const text = await runOli(['diff', 'test', 'prod'], { cwd: f.dir, env: f.env });
    assert.match(text.stdout, /^test vs prod$/m);
    assert.match(text.stdout, /^  Job role\n    Role XX_COURSERA_CONTENT_PROVIDER_JOB \[D\]\n      test  exists \(Coursera Content Provider\)\n      prod  exists \(Coursera Content Provider \(prod\)\)$/m);
    assert.match(text.stdout, /^  Schedules and their times$/m);
    assert.match(text.stdout, /^  Issuer and certificate$/m);
  });

  it('one environment that cannot be read does not hide the other: what the readable one holds is printed; exit 2', async () => {
    const r = await runOli(['diff', 'test', 'dr'], { cwd: f.dir, env: f.env });
    assert.equal(r.code, 2);
    assert.match(r.stdout, /✖ dr could not be read: .*connection refused/);
    assert.match(r.stdout, /What test holds:\n  Job role\n    Role XX_COURSERA_CONTENT_PROVIDER_JOB: exists/);
    const usage = await runOli(['diff', 'test'], { cwd: f.dir, env: f.env });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Name the two environments/);
    const unknown = await runOli(['diff', 'test', 'nowhere'], { cwd: f.dir, env: f.env });
    assert.match(unknown.stderr, /No environment "nowhere" in the plan \(known: test, prod, dr\)/);
  });
});
