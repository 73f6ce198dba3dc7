/**
 * Issue 12, problem 7, the smaller items, one test each: parallel oversized responses stay within
 * bounded memory; a plan naming /dev/zero as its certificate does not hang `status`; a 200 HTML
 * sign-in page is exit 2 like a redirect to one; `oli init` refuses a duplicated `--env` name;
 * `--users -1` says what is allowed. (The plan file written atomically: hardening-state.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runOli } from './helpers/cli';
import { startFaultServer } from './helpers/fault-server';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { courseraKeys, testPlan } from './plan.helpers';
import { savePlan } from '../../src/core/plan/planFile';

const ROOT = resolve(__dirname, '../..');

describe('smaller hardening items (issue 12, problem 7)', function () {
  this.timeout(120_000);

  it('six parallel 11 MB answers in 16-byte chunks: each refused at 10 MB, the process stays small (1.6 GB before)', async function () {
    // A child process, so that its resident memory is its own. The server sends chunked bodies of
    // tiny chunks: buffering each chunk as its own object cost about 150 bytes per 16.
    const script = `
      const net = require('node:net');
      const { OracleClient } = require(${JSON.stringify(join(ROOT, 'src/oracle/client.ts'))});
      const { z } = require('zod');
      const piece = Buffer.from('10\\r\\n' + 'a'.repeat(16) + '\\r\\n');
      const block = Buffer.concat(Array(4096).fill(piece));
      const size = 11 * 1024 * 1024;
      const server = net.createServer((s) => {
        s.once('data', (d) => {
          if (String(d).startsWith('GET /warm-up')) return s.end('HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\ncontent-length: 2\\r\\nconnection: close\\r\\n\\r\\n{}');
          s.write('HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\ntransfer-encoding: chunked\\r\\n\\r\\n');
          let sent = 0;
          const pump = () => { while (sent < size) { sent += 4096 * 16; if (!s.write(block)) return s.once('drain', pump); } s.end('0\\r\\n\\r\\n'); };
          pump();
          s.on('error', () => {});
        });
      });
      server.listen(0, '127.0.0.1', async () => {
        const c = new OracleClient({ baseUrl: 'http://127.0.0.1:' + server.address().port, auth: { kind: 'basic', username: 'u', password: 'p' }, proxy: '', maxRetries: 0, timeoutMs: 100000 });
        // Proves the credential (the sign-in gate), so that the six go in parallel.
        await c.get('/warm-up-sign-in', z.unknown());
        const base = process.memoryUsage().rss;
        let peak = base;
        const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
        const rs = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => c.get('/x' + i, z.unknown())));
        clearInterval(timer);
        console.log(JSON.stringify({ growthMb: (peak - base) / 1048576, state: c.signIn.state, errors: rs.map((r) => r.status === 'rejected' ? String(r.reason.message) : 'ok') }));
        server.close(); c.close();
      });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { growthMb: number; state: string; errors: string[] };
    assert.equal(r.state, 'proven', 'the six went in parallel');
    assert.ok(r.errors.every((e) => /larger than 10 MB; it was refused while being read/.test(e)), r.errors.join('\n'));
    assert.ok(r.growthMb < 400, `resident memory grew by ${Math.round(r.growthMb)} MB for six 10 MB answers`);
  });

  describe('against the sandbox', () => {
    let t: TestSandbox;
    let dir: string;
    const env = () => ({ OLI_USERNAME: t.sb.admin.userName, OLI_PASSWORD: t.sb.admin.password });
    before(async () => {
      t = await startTestSandbox({ users: 20 });
      dir = await mkdtemp(join(tmpdir(), 'oli-small-'));
      await writeFile(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
    });
    after(async () => {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('a plan whose certificate path is /dev/zero: status ends, the step says it is a device, not a file (it hung before)', async function () {
      if (!existsSync('/dev/zero')) this.skip();
      await savePlan(join(dir, 'oracle-learning.json'), testPlan(t.sb.url, { jwt: { issuer: 'https://coursera.test/iss', certificate: '/dev/zero' } }));
      const r = await runOli(['status', '--json'], { cwd: dir, env: env() });
      assert.equal(r.code, 1, r.stderr);
      const step = (JSON.parse(r.stdout) as { steps: { id: string; status: string; detail: string }[] }).steps.find((s) => s.id === 'provider-credentials')!;
      assert.equal(step.status, 'failed');
      assert.match(step.detail, /\/dev\/zero is a device, not a regular file/);
    });

    it('a caFile that is /dev/zero is refused in one line, without reading it', async function () {
      if (!existsSync('/dev/zero')) this.skip();
      await savePlan(join(dir, 'oracle-learning.json'), { ...testPlan(t.sb.url), environments: { sandbox: { url: t.sb.url, caFile: '/dev/zero' } } });
      const r = await runOli(['status'], { cwd: dir, env: env() });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /caFile setting: \/dev\/zero is a device, not a regular file/);
    });
  });

  it('a 200 HTML sign-in page is exit 2 with one line, like a redirect to one (11 unknown steps and exit 1 before)', async () => {
    const page = await startFaultServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><head><title>Sign In - Oracle</title></head><body>login</body></html>');
    });
    const d = await mkdtemp(join(tmpdir(), 'oli-html-'));
    try {
      await writeFile(join(d, 'coursera.cer'), courseraKeys().certificatePem);
      await savePlan(join(d, 'oracle-learning.json'), testPlan(page.url));
      const r = await runOli(['status'], { cwd: d, env: { OLI_USERNAME: 'admin', OLI_PASSWORD: 'pw-123456' } });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('oli:'));
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /HTML page "Sign In - Oracle"/);
      assert.match(lines[0]!, /base URL/);
      assert.equal(page.requests.length, 1, 'one request: nothing fanned out');
      assert.equal(r.stdout, '');
    } finally {
      await page.close();
      await rm(d, { recursive: true, force: true });
    }
  });

  it('oli init refuses a duplicated --env name, naming both URLs (it kept the last one silently)', async () => {
    const d = await mkdtemp(join(tmpdir(), 'oli-init-dup-'));
    try {
      const r = await runOli(['init', '--env', 'dev=https://a.fa.example.com', '--env', 'dev=https://b.fa.example.com', '--issuer', 'iss'], { cwd: d });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--env dev is given twice \(https:\/\/a\.fa\.example\.com and https:\/\/b\.fa\.example\.com\)/);
      assert.ok(!existsSync(join(d, 'oracle-learning.json')));
      const ok = await runOli(['init', '--env', 'dev=https://a.fa.example.com', '--env', 'prod=https://b.fa.example.com', '--issuer', 'iss'], { cwd: d });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(await readFile(join(d, 'oracle-learning.json'), 'utf8'), /"prod"/);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it('--users -1 says what is allowed (it said "argument is ambiguous")', async () => {
    const r = await runOli(['sandbox', '--users', '-1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--users must be a whole number from 0 to 200000/);
    assert.doesNotMatch(r.stderr, /ambiguous/);
    const t2 = await runOli(['status', '--timeout', '-5'], { cwd: tmpdir() });
    assert.doesNotMatch(t2.stderr, /ambiguous/);
  });
});
