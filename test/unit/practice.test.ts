// Practice mode on the local sandbox (issue 16): the gate that keeps practice actions on the
// sandbox the extension started, the practice path from 0 to 11 of 11 through the same module the
// extension calls, the sandbox's description of the simulated Oracle pages, and the sandbox as a
// separate process. Real HTTP throughout; the VS Code side is tested in test/integration and test/e2e.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { startSandbox } from '../../src/sandbox/server';
import { practicableSteps, PracticeRefusedError, verifyPracticeTarget, type LocalSandboxRecord } from '../../src/views/practice';
import { practiseStep } from '../../src/commands/localSandbox';
import { PRACTICE_STEPS } from '../../src/sandbox/practice';
import { ORACLE_HOME_PATH, SIMULATED_PAGES, pageAnchor } from '../../src/sandbox/oraclePages';
import { getProfile, PROVIDER_PROFILES } from '../../src/core/plan/profiles';
import { isSatisfied, STEP_IDS } from '../../src/core/plan/stepIds';
import { byId, planFixture, testPlan } from './plan.helpers';

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const a = server.address();
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
}

function record(url: string, pid = process.pid, environment = 'sandbox'): LocalSandboxRecord {
  return { environment, url, port: Number(new URL(url).port), pid, startedAt: new Date().toISOString() };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof PracticeRefusedError, String(err));
    return err.reason;
  }
  assert.fail('the gate let it through');
}

describe('practice mode: the gate (only the sandbox this window started)', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let impostor: Server;
  let impostorUrl: string;
  let impostorHits = 0;

  before(async () => {
    sandbox = await startSandbox({ port: 0, users: 10 });
    // Something else on loopback that answers /__sandbox/info, but not as the emulator.
    impostor = createServer((req, res) => {
      impostorHits++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/__sandbox/info' ? { emulator: false, pid: process.pid } : {}));
    });
    impostorUrl = await listen(impostor);
  });
  after(async () => {
    await sandbox.close();
    impostor.close();
  });

  it('lets through the recorded sandbox, which answers emulator: true with the recorded process id', async () => {
    assert.equal(await verifyPracticeTarget({ environment: 'sandbox', environmentUrl: sandbox.url, record: record(sandbox.url) }), sandbox.url);
  });

  it('refuses any other environment, without sending a request', async () => {
    const before = impostorHits;
    assert.equal(await refusal(verifyPracticeTarget({ environment: 'sandbox', environmentUrl: sandbox.url, record: undefined })), 'no-local-sandbox');
    assert.equal(await refusal(verifyPracticeTarget({ environment: 'dev', environmentUrl: sandbox.url, record: record(sandbox.url) })), 'other-environment');
    assert.equal(await refusal(verifyPracticeTarget({ environment: 'sandbox', environmentUrl: 'https://abcd.fa.us2.oraclecloud.com', record: record(sandbox.url) })), 'not-loopback');
    assert.equal(await refusal(verifyPracticeTarget({ environment: 'sandbox', environmentUrl: impostorUrl, record: record(sandbox.url) })), 'other-origin');
    assert.equal(impostorHits, before, 'the environment-side checks come before any request');
  });

  it('refuses a loopback origin that does not answer as the emulator, or is served by another process', async () => {
    assert.equal(await refusal(verifyPracticeTarget({ environment: 'sandbox', environmentUrl: impostorUrl, record: record(impostorUrl) })), 'not-an-emulator');
    assert.equal(await refusal(verifyPracticeTarget({ environment: 'sandbox', environmentUrl: sandbox.url, record: record(sandbox.url, process.pid + 100000) })), 'other-process');
    const closed = createServer();
    const url = await listen(closed);
    closed.close();
    assert.equal(await refusal(verifyPracticeTarget({ environment: 'sandbox', environmentUrl: url, record: record(url) })), 'unreachable');
  });

  it('offers the steps whose administrator side can be simulated, per variant and visibility', () => {
    const jwt = testPlan('http://127.0.0.1:8642');
    assert.deepEqual(practicableSteps(jwt, getProfile('coursera', 'jwt').steps), ['provider-account', 'sso', 'self-paced-learning', 'job-role', 'external-provider', 'api-authentication', 'scheduled-processes']);
    const priv = { ...jwt, visibility: 'private' as const };
    assert.ok(practicableSteps(priv, getProfile('coursera', 'jwt').steps).includes('reconcile-user-groups'));
    const oauth = { ...jwt, auth: 'oauth' as const, jwt: undefined, oauth: { clientId: 'c', tokenUrl: 'https://x/oauth2/v1/token', scope: 's' } };
    assert.ok(!practicableSteps(oauth, getProfile('coursera', 'oauth').steps).includes('api-authentication'));
    for (const s of practicableSteps(priv, getProfile('coursera', 'jwt').steps)) assert.ok((PRACTICE_STEPS as readonly string[]).includes(s), s);
  });
});

describe('practice mode: 0 to 11 of 11 through the practice actions', function () {
  this.timeout(60_000);

  it('each practised step, attested or run, ends with every step satisfied', async () => {
    const f = await planFixture();
    try {
      const engine = f.engine();
      const practise = (step: (typeof PRACTICE_STEPS)[number]) => practiseStep({ origin: f.url, step, plan: f.plan, planDir: f.dir, environment: 'sandbox' });
      const start = await engine.status();
      assert.ok(start.filter((r) => isSatisfied(r.status)).length < 6, 'far from done at the start');
      for (const step of ['provider-account', 'sso', 'self-paced-learning', 'job-role'] as const) {
        const o = await practise(step);
        assert.ok(o.simulated.length > 20);
        assert.equal((await engine.attest(step, `Practice: ${o.simulated}`)).status, 'attested', step);
      }
      // Before the integration user exists, Configure External Providers cannot be simulated: said, not faked.
      await assert.rejects(practise('external-provider'), (e: Error & { reason?: string }) => e.reason === 'needs-earlier-step' && /integration user/.test(e.message));
      await engine.apply('all');
      assert.equal(byId(await engine.status(), 'integration-user').status, 'done');
      await practise('external-provider');
      assert.equal((await engine.attest('external-provider', 'Practice.')).status, 'attested');
      await engine.apply('api-authentication'); // the verification kit, as the extension's practice action does first
      const api = await practise('api-authentication');
      assert.match(api.simulated, /API Authentication: trusted issuer .* test issuer/);
      const verified = byId(await engine.status(), 'api-authentication');
      assert.ok(verified.checks.some((c) => c.id === 'verification' && c.outcome === 'pass'), JSON.stringify(verified.checks));
      await engine.attest('api-authentication', 'Practice.');
      const sched = await practise('scheduled-processes');
      assert.match(sched.simulated, /^Scheduled Processes:/);
      await engine.apply('all');
      const end = await engine.status();
      assert.deepEqual(end.filter((r) => !isSatisfied(r.status)).map((r) => `${r.id}: ${r.status} ${r.detail}`), []);
      assert.equal(end.length, STEP_IDS.length);
      // A second practice of the same step is harmless (the role exists: kept, not duplicated).
      assert.match((await practise('job-role')).simulated, /already existed/);
    } finally {
      await f.close();
    }
  });

  it('a blocked step says what it waits for by title, not by id', async () => {
    const f = await planFixture();
    try {
      const r = byId(await f.engine().status(), 'integration-user');
      assert.equal(r.status, 'blocked');
      assert.match(r.detail, /^Waiting for "Job role with only the Learning Content Provider duty" \(needs action\)\./);
      assert.doesNotMatch(r.detail, /job-role|needs-action/);
    } finally {
      await f.close();
    }
  });
});

describe('the sandbox describes the simulated Oracle pages ("Open in Oracle" on the sandbox)', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  before(async () => {
    sandbox = await startSandbox({ port: 0, users: 10 });
  });
  after(() => sandbox.close());

  it('has a section for every Oracle page a step links to, in every profile', () => {
    const anchors = new Set(SIMULATED_PAGES.map((p) => pageAnchor(p.navigation)));
    for (const p of PROVIDER_PROFILES) {
      for (const auth of p.auths) {
        for (const s of getProfile(p.id, auth).steps) {
          if (s.guidance.deepLink) assert.ok(anchors.has(pageAnchor(s.guidance.deepLink.navigation)), `${p.id}/${auth}/${s.id}: ${s.guidance.deepLink.navigation}`);
        }
      }
    }
  });

  it('serves it at the deep-link path, labelled as a simulation, with what the sandbox holds', async () => {
    await fetch(`${sandbox.url}/__sandbox/roles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'XX_PAGE_TEST_JOB', displayName: 'Page test', duties: ['ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY'] }) });
    const res = await fetch(`${sandbox.url}${ORACLE_HOME_PATH}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await res.text();
    assert.match(html, /<title>Local sandbox: simulated Oracle pages \(not Oracle\)<\/title>/);
    assert.match(html, /this is not Oracle/);
    assert.ok(html.includes(`id="${pageAnchor('Navigator > Tools > Security Console > Roles')}"`));
    assert.match(html, /XX_PAGE_TEST_JOB \(Page test\), JOB, duties: ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY/);
    assert.doesNotMatch(html, /docs\/SANDBOX\.md/, 'no pointer to a repository file the user does not have');
    const stats = (await (await fetch(`${sandbox.url}/__sandbox/stats`)).json()) as { requests: { byRoute: Record<string, number> } };
    assert.ok(!Object.keys(stats.requests.byRoute).some((k) => k.includes('fscmUI')), 'a UI page is not an API request');
  });

  it('escapes what it shows (a role name is data)', async () => {
    await fetch(`${sandbox.url}/__sandbox/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: 'x<script>alert(1)</script>', email: 'x@example.com', withPerson: false }) });
    const html = await (await fetch(`${sandbox.url}${ORACLE_HOME_PATH}`)).text();
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('x&lt;script&gt;'));
  });
});

describe('the local sandbox as its own process (dist/sandbox.js)', function () {
  this.timeout(30_000);
  const script = resolve('dist/sandbox.js');
  let dir: string;
  const children: ChildProcess[] = [];

  before(async function () {
    if (!statSafe(script)) this.skip(); // built by `npm run test:unit` before mocha runs
    dir = await mkdtemp(join(tmpdir(), 'oli-sandbox-process-'));
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  function statSafe(p: string): boolean {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  }

  async function startChild(ports: number[], idleMs = 60_000, name = 'a'): Promise<{ child: ChildProcess; ready: { url: string; port: number; pid: number } }> {
    const heartbeatPath = join(dir, `${name}.heartbeat`);
    await writeFile(heartbeatPath, '');
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, OLI_LOCAL_SANDBOX_PROCESS: '1' } });
    children.push(child);
    child.send({ type: 'start', ports, adminPassword: 'practice-password-123', statePath: join(dir, `${name}.state.json`), heartbeatPath, idleMs, users: 10 });
    const [m] = (await once(child, 'message')) as [{ type: string; url: string; port: number; pid: number; message?: string }];
    assert.equal(m.type, 'ready', m.message);
    return { child, ready: m };
  }

  it('reports its URL and process id, answers /__sandbox/info with them, and saves its state when stopped', async () => {
    const { child, ready } = await startChild([0]);
    assert.equal(ready.pid, child.pid);
    const info = (await (await fetch(`${ready.url}/__sandbox/info`)).json()) as { emulator: boolean; pid: number };
    assert.deepEqual([info.emulator, info.pid], [true, child.pid]);
    await fetch(`${ready.url}/__sandbox/roles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'XX_KEPT_JOB', displayName: 'Kept' }) });
    child.kill('SIGTERM');
    await once(child, 'exit');
    assert.match(await readFile(join(dir, 'a.state.json'), 'utf8'), /XX_KEPT_JOB/, 'the tenant outlives the process');
  });

  it('takes the next port of its list when the first is in use', async () => {
    const busy = createTcpServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const port = (busy.address() as { port: number }).port;
    try {
      const { child, ready } = await startChild([port, 0], 60_000, 'b');
      assert.notEqual(ready.port, port);
      child.kill('SIGTERM');
      await once(child, 'exit');
    } finally {
      busy.close();
    }
  });

  it('stops by itself once no window touches the heartbeat (VS Code closed), not before', async () => {
    const { child, ready } = await startChild([0], 1000, 'c');
    const hb = join(dir, 'c.heartbeat');
    const exited = once(child, 'exit');
    // A window keeps touching it (here: one touch dated an hour ahead, so no timing is involved).
    const ahead = new Date(Date.now() + 3_600_000);
    await utimes(hb, ahead, ahead);
    await new Promise((r) => setTimeout(r, 2500)); // ten checks of a 1 s idle limit
    assert.equal(child.exitCode, null, 'a fresh heartbeat keeps it running');
    assert.equal(((await (await fetch(`${ready.url}/__sandbox/info`)).json()) as { pid: number }).pid, child.pid);
    const past = new Date(Date.now() - 3_600_000);
    await utimes(hb, past, past); // no window any more
    await exited;
    assert.equal(child.exitCode, 0, 'it stopped cleanly (state saved)');
  });
});

describe('architecture: practice is the only product path to the sandbox hooks', () => {
  // Product code never calls /__sandbox/ hooks (SECURITY.md); the issue-16 practice entry points are
  // the labelled exception. This lists every file outside src/sandbox that mentions them.
  const ALLOWED = new Set([
    'src/views/practice.ts', // the gate: GET /__sandbox/info
    'src/views/localSandbox.ts', // the sandbox process it started: GET /__sandbox/info (process id)
    'src/commands/localSandbox.ts', // dist/sandbox.js: the practice actions, after the gate
    'src/cli/commands/demo.ts', // the demo
    'src/cli/commands/sandbox.ts', // `oli sandbox` (prints where the hooks live)
  ]);
  function walk(d: string): string[] {
    return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.ts') ? [join(d, n)] : []));
  }

  it('no other product file names /__sandbox/, SandboxAdmin or the practice module', () => {
    const offenders = ['src/core', 'src/oracle', 'src/views', 'src/commands', 'src/cli', 'src/extension.ts']
      .flatMap((p) => (p.endsWith('.ts') ? [p] : walk(p)))
      .filter((f) => /__sandbox\/|SandboxAdmin|sandbox\/practice'|sandbox\/courseraScenario'/.test(readFileSync(f, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '').replace(/^import type .*$/gm, '')))
      .filter((f) => !ALLOWED.has(f.split('\\').join('/')));
    assert.deepEqual(offenders, []);
  });
});
