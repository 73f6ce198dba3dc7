/**
 * Issue 12, problem 3: concurrent commands lost attestations (`oli attest sso & oli attest
 * job-role` kept one; an attest during an apply was lost when the apply saved). The state file is
 * now updated under a lock file (owner, process, host, time; stale locks recovered) and re-read
 * before each write; the plan file is written atomically. The extension-host suite runs CLI and
 * VS Code writers at once on the same state file (test/integration/hardening.test.ts).
 */
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runOli } from './helpers/cli';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { courseraKeys, testPlan } from './plan.helpers';
import { loadPlan, savePlan } from '../../src/core/plan/planFile';
import { emptyState, loadState, saveState, statePath, StateLockError, updateState, withStateLock } from '../../src/core/plan/stateStore';

const CLI = resolve(__dirname, '../../dist/cli.js');
const GUIDED = ['provider-account', 'sso', 'self-paced-learning', 'job-role', 'external-provider', 'api-authentication'] as const;

/** A pid that belonged to a process which has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((r) => child.once('exit', r));
  return pid;
}

describe('one writer at a time, nothing lost (issue 12, problem 3)', function () {
  this.timeout(90_000);
  let t: TestSandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    if (!existsSync(CLI)) this.skip();
    t = await startTestSandbox({ users: 20 });
    dir = await mkdtemp(join(tmpdir(), 'oli-state-'));
    await writeFile(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
    await savePlan(join(dir, 'oracle-learning.json'), testPlan(t.sb.url));
    env = { ...process.env, OLI_USERNAME: t.sb.admin.userName, OLI_PASSWORD: t.sb.admin.password };
  });
  after(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => rm(join(dir, '.oracle-learning'), { recursive: true, force: true }));

  it('six `oli attest` processes at once: every attestation survives', async () => {
    const run = (step: string) =>
      promisify(execFile)(process.execPath, [CLI, 'attest', step, '--note', `checked ${step} by hand`], { cwd: dir, env: { ...env, OLI_ACTOR: `actor-${step}` } }).then(
        () => 0,
        (e: { code?: number }) => e.code ?? -1,
      );
    const codes = await Promise.all(GUIDED.map(run));
    assert.ok(codes.every((c) => c === 0 || c === 1), `exit codes ${codes.join(',')}`);
    const state = await loadState(statePath(dir, 'sandbox'), 'sandbox');
    for (const step of GUIDED) assert.equal(state.attestations[step]?.note, `checked ${step} by hand`, `the attestation of ${step} was lost`);
    assert.equal(state.history.filter((h) => h.action === 'attest').length, GUIDED.length);
    assert.deepEqual((await readdir(join(dir, '.oracle-learning'))).filter((f) => f.endsWith('.lock') || f.endsWith('.tmp')), [], 'no lock or temp file left');
  });

  it('an attest during an apply is kept when the apply saves, and so are the apply results', async () => {
    await t.hook('latency', { ms: 60 });
    try {
      const apply = runOli(['apply', '--all'], { cwd: dir, env: { OLI_ACTOR: 'applier', OLI_USERNAME: t.sb.admin.userName, OLI_PASSWORD: t.sb.admin.password } });
      await new Promise((r) => setTimeout(r, 150));
      const attest = await runOli(['attest', 'sso', '--note', 'SAML app tested'], { cwd: dir, env: { OLI_ACTOR: 'attester', OLI_USERNAME: t.sb.admin.userName, OLI_PASSWORD: t.sb.admin.password } });
      assert.ok(attest.code === 0 || attest.code === 1, attest.stderr);
      const applied = await apply;
      assert.ok(applied.code === 0 || applied.code === 1, applied.stderr);
    } finally {
      await t.hook('latency', { ms: 0 });
    }
    const state = await loadState(statePath(dir, 'sandbox'), 'sandbox');
    assert.equal(state.attestations.sso?.note, 'SAML app tested', 'the attestation made during the apply survived its save');
    assert.ok(state.history.some((h) => h.action === 'apply'), 'the apply recorded its results');
    assert.ok(state.lastResults['integration-user'], 'and its step results');
  });

  it('a lock left by a process that ended is recovered at once', async () => {
    const path = statePath(dir, 'sandbox');
    await mkdir(join(dir, '.oracle-learning'), { recursive: true });
    await writeFile(`${path}.lock`, JSON.stringify({ owner: 'oli attest', pid: await deadPid(), host: hostname(), since: new Date().toISOString(), token: 'old' }));
    const s = await updateState(path, 'sandbox', (st) => void st.history.push({ at: new Date().toISOString(), action: 'status', detail: 'after recovery' }), { waitMs: 2000 });
    assert.equal(s.history.at(-1)?.detail, 'after recovery');
    assert.ok(!existsSync(`${path}.lock`));
  });

  it('a lock older than the stale age is recovered, whoever held it', async () => {
    const path = statePath(dir, 'sandbox');
    await mkdir(join(dir, '.oracle-learning'), { recursive: true });
    await writeFile(`${path}.lock`, JSON.stringify({ owner: 'VS Code', pid: 1, host: 'another-host', since: new Date(Date.now() - 3600_000).toISOString(), token: 'old' }));
    await updateState(path, 'sandbox', () => undefined, { waitMs: 2000 });
    assert.ok(!existsSync(`${path}.lock`));
  });

  it('a live lock makes the next writer wait; past the wait it says who holds it and what to do', async () => {
    const path = statePath(dir, 'sandbox');
    await saveState(path, emptyState('sandbox'));
    let release!: () => void;
    const held = withStateLock(path, () => new Promise<void>((r) => (release = r)), { owner: 'oli apply' });
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(updateState(path, 'sandbox', () => undefined, { waitMs: 200 }), (e: unknown) => {
      assert.ok(e instanceof StateLockError);
      assert.match(e.message, /being updated by oli apply \(process \d+ on .+, since /);
      assert.match(e.message, /delete .*sandbox\.state\.json\.lock/);
      return true;
    });
    const waiting = updateState(path, 'sandbox', (s) => void s.history.push({ at: new Date().toISOString(), action: 'status', detail: 'waited' }), { waitMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    release();
    await held;
    assert.equal((await waiting).history.at(-1)?.detail, 'waited');
  });

  it('twenty in-process writers at once: every change is on disk', async () => {
    const path = statePath(dir, 'sandbox');
    await Promise.all(Array.from({ length: 20 }, (_, i) => updateState(path, 'sandbox', (s) => void s.history.push({ at: new Date().toISOString(), action: 'status', detail: `writer ${i}` }))));
    const details = (await loadState(path, 'sandbox')).history.map((h) => h.detail).sort();
    assert.deepEqual(details, Array.from({ length: 20 }, (_, i) => `writer ${i}`).sort());
  });
});

describe('the plan file is written atomically (issue 12, problem 7)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oli-plan-atomic-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('replaces the file by a rename (a reader never sees half a plan), leaving no temp file', async () => {
    const path = join(dir, 'oracle-learning.json');
    await savePlan(path, testPlan('https://a.fa.example.com'));
    const before = await stat(path);
    await savePlan(path, testPlan('https://b.fa.example.com'));
    const after = await stat(path);
    assert.notEqual(after.ino, before.ino, 'a new file took its place (writing in place would keep the inode)');
    assert.equal((await loadPlan(path)).environments.sandbox!.url, 'https://b.fa.example.com');
    assert.deepEqual(await readdir(dir), ['oracle-learning.json']);
  });

  it('a plan file that is a symbolic link stays one: the file it points to is replaced', async () => {
    await mkdir(join(dir, 'shared'));
    const real = join(dir, 'shared', 'plan.json');
    await savePlan(real, testPlan('https://a.fa.example.com'));
    const link = join(dir, 'oracle-learning.json');
    await symlink(real, link);
    await savePlan(link, testPlan('https://c.fa.example.com'));
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.equal(await readlink(link), real);
    assert.match(await readFile(real, 'utf8'), /c\.fa\.example\.com/);
  });
});
