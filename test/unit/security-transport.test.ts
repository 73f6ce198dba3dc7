/**
 * Transport (issue 7, item 4), at the level of the `oli` command:
 * - TLS verification is never disabled anywhere in src/ (a grep that fails the build);
 * - the plan's `caFile` works end to end: `oli status` against an HTTPS front of the sandbox on
 *   127.0.0.1 signed by a test CA fails with one clear TLS line without it, and works with it;
 * - HTTPS through a local CONNECT proxy, from the plan's `proxy` setting and from HTTPS_PROXY (the
 *   built CLI in a child process, whose environment is the real one), TLS kept end to end;
 * - credentials never follow a redirect: the pod answering 302 to another host gets one clear
 *   line, and the other host receives nothing.
 */
import { strict as assert } from 'node:assert';
import { stdinFrom } from './helpers/cli';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';
import { loadPlan, savePlan, type PlanFile } from '../../src/core/plan/planFile';
import { PlanEngine, testConnection } from '../../src/core/plan/engine';
import { emptyState } from '../../src/core/plan/stateStore';
import { startFaultServer, startTestProxy, type FaultServer } from './helpers/fault-server';
import { courseraKeys, testPlan } from './plan.helpers';
import { FAKE_HOST, makePki } from './helpers/pki';

const ROOT = join(__dirname, '..', '..');

function filesUnder(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, ext));
    else if (ext.test(e.name)) out.push(p);
  }
  return out;
}

/** An HTTPS reverse proxy on 127.0.0.1 in front of the (plain http) sandbox: what a pod looks like. */
async function httpsFront(target: string, tls: { key: string; cert: string }): Promise<{ port: number; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const upstream = new URL(target);
  const server = https.createServer(tls, (req, res) => {
    state.requests++;
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('security: transport', function () {
  this.timeout(60_000);

  it('TLS verification is never disabled in the product code (src/, media/, scripts/)', () => {
    const offenders: string[] = [];
    const patterns = [/rejectUnauthorized\s*:\s*(false|0|!1|!true)/, /NODE_TLS_REJECT_UNAUTHORIZED/, /checkServerIdentity\s*:\s*\(\s*\)\s*=>/, /\binsecureHTTPParser\s*:\s*true/];
    const files = ['src', 'media', 'scripts'].filter((d) => existsSync(join(ROOT, d))).flatMap((d) => filesUnder(join(ROOT, d), /\.(ts|mts|js|mjs|cjs)$/));
    assert.ok(files.length > 50, `scanned ${files.length} files`);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const p of patterns) if (p.test(text)) offenders.push(`${relative(ROOT, f)}: ${p}`);
    }
    assert.deepEqual(offenders, [], 'TLS verification must stay on (configure a CA file instead)');
  });

  describe('at the CLI', () => {
    let sandbox: SandboxHandle;
    let dir: string;
    let pki: { caFile: string; key: string; cert: string };
    let front: Awaited<ReturnType<typeof httpsFront>>;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      sandbox = await startSandbox({ port: 0, users: 20, essStepMs: 20 });
      dir = mkdtempSync(join(tmpdir(), 'oli-transport-'));
      pki = makePki(dir, 'OLI Transport Test CA');
      front = await httpsFront(sandbox.url, pki);
      writeFileSync(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
      env = { OLI_USERNAME: sandbox.admin.userName, OLI_PASSWORD: sandbox.admin.password, OLI_ACTOR: 'transport.test' };
    });

    after(async () => {
      await front?.close();
      await sandbox?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function writePlan(name: string, environment: PlanFile['environments'][string]): Promise<string> {
      const plan = testPlan('', {}, 'pod');
      plan.environments.pod = environment;
      await savePlan(join(dir, name), plan);
      return name;
    }

    const oli = async (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> => {
      let stdout = '';
      let stderr = '';
      const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), ...stdinFrom(''), env: { ...env, ...extra }, cwd: dir, signal: new AbortController().signal };
      const code = await runCli(args, io);
      return { code, stdout, stderr };
    };

    const oneErrorLine = (r: Run): string => {
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('oli:'));
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(!/^\s+at /m.test(r.stderr), `no stack trace:\n${r.stderr}`);
      return lines[0]!;
    };

    it('caFile: without it the HTTPS pod is refused with one clear TLS line; with it (relative to the plan) status works', async () => {
      const url = `https://127.0.0.1:${front.port}`;
      await writePlan('no-ca.json', { url });
      const refused = await oli(['status', '--plan', 'no-ca.json']);
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      const line = oneErrorLine(refused);
      assert.match(line, /TLS certificate not trusted|SELF_SIGNED|UNABLE_TO|certificate/i);
      assert.match(line, /CA file/);
      assert.match(line, /never disable verification/);

      await writePlan('with-ca.json', { url, caFile: 'ca.pem' });
      const before = front.requests;
      const ok = await oli(['status', '--plan', 'with-ca.json', '--json']);
      assert.equal(ok.code, 1, ok.stderr); // steps need action: but the pod was read
      assert.equal(JSON.parse(ok.stdout).steps.length, 11);
      assert.ok(front.requests > before, 'the requests went through the HTTPS front');

      await writePlan('bad-ca.json', { url, caFile: 'missing-ca.pem' });
      const missing = await oli(['status', '--plan', 'bad-ca.json']);
      assert.equal(missing.code, 2);
      assert.match(oneErrorLine(missing), /caFile.*missing-ca\.pem/);
    });

    it('a proxy URL with a user name or password is refused in the plan (the plan is shared), without echoing it', async () => {
      await writePlan('proxy-creds.json', { url: `https://127.0.0.1:${front.port}`, proxy: 'http://127.0.0.1:3128' });
      const text = readFileSync(join(dir, 'proxy-creds.json'), 'utf8').replace('http://127.0.0.1:3128', 'http://alice:Pr0xy-s3cret@127.0.0.1:3128');
      writeFileSync(join(dir, 'proxy-creds.json'), text);
      const r = await oli(['status', '--plan', 'proxy-creds.json']);
      assert.equal(r.code, 2);
      const line = oneErrorLine(r);
      assert.match(line, /environments\.pod\.proxy: must not contain a user name or password/);
      assert.ok(!r.stderr.includes('Pr0xy-s3cret'));
    });

    it("the plan's proxy setting: HTTPS goes through the CONNECT proxy (which alone resolves the pod's name), TLS end to end", async () => {
      const proxy = await startTestProxy(true);
      try {
        await writePlan('proxy.json', { url: `https://${FAKE_HOST}:${front.port}`, caFile: 'ca.pem', proxy: proxy.url });
        const r = await oli(['status', '--plan', 'proxy.json', '--json']);
        assert.equal(r.code, 1, r.stderr);
        assert.equal(JSON.parse(r.stdout).steps.length, 11);
        assert.ok(proxy.connects.length >= 1 && proxy.connects.every((c) => c === `${FAKE_HOST}:${front.port}`), JSON.stringify(proxy.connects));
        assert.equal(proxy.forwarded.length, 0, 'the proxy never saw a plain request (credentials stay inside TLS)');
      } finally {
        await proxy.close();
      }
    });

    it("a default proxy (the extension passes VS Code's http.proxy) is used when the plan names none", async () => {
      const proxy = await startTestProxy(true);
      try {
        await writePlan('default-proxy.json', { url: `https://${FAKE_HOST}:${front.port}`, caFile: 'ca.pem' });
        const plan = await loadPlan(join(dir, 'default-proxy.json'));
        const credentials = { admin: { kind: 'basic' as const, username: env.OLI_USERNAME!, password: env.OLI_PASSWORD! } };
        const r = await testConnection(plan, dir, 'pod', credentials, { defaultProxy: proxy.url });
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.ok(proxy.connects.length >= 1 && proxy.connects.every((c) => c === `${FAKE_HOST}:${front.port}`), JSON.stringify(proxy.connects));
        const results = await new PlanEngine({ plan, planDir: dir, environment: 'pod', credentials, state: emptyState('pod'), persist: false, defaultProxy: proxy.url }).status();
        assert.equal(results.length, 11);
      } finally {
        await proxy.close();
      }
    });

    it('HTTPS_PROXY: the built CLI (a child process with a real environment) tunnels through the proxy; NO_PROXY bypasses it', async function () {
      const cli = join(ROOT, 'dist', 'cli.js');
      // `npm test` builds first; a direct mocha run rebuilds when a source file is newer than the bundle.
      const newest = Math.max(...filesUnder(join(ROOT, 'src'), /\.ts$/).map((f) => statSync(f).mtimeMs));
      if (!existsSync(cli) || statSync(cli).mtimeMs < newest) {
        execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
      }
      const proxy = await startTestProxy(true);
      const child = (args: string[], extra: NodeJS.ProcessEnv): Promise<Run> =>
        new Promise((resolve) => {
          const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?_proxy|no_proxy|all_proxy)$/i.test(k)));
          execFile(process.execPath, [cli, ...args], { cwd: dir, env: { ...clean, ...env, ...extra } }, (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 99) : 0, stdout, stderr }),
          );
        });
      try {
        await writePlan('env-proxy.json', { url: `https://${FAKE_HOST}:${front.port}`, caFile: 'ca.pem' });
        const r = await child(["status", "--plan", "env-proxy.json", "--json"], { HTTPS_PROXY: proxy.url });
        assert.equal(r.code, 1, r.stderr);
        assert.equal(JSON.parse(r.stdout).steps.length, 11);
        const tunnels = proxy.connects.length;
        assert.ok(tunnels >= 1 && proxy.connects.every((c) => c === `${FAKE_HOST}:${front.port}`), `tunnels: ${JSON.stringify(proxy.connects)}\n${r.stderr}`);

        await writePlan('env-noproxy.json', { url: `https://127.0.0.1:${front.port}`, caFile: 'ca.pem' });
        const direct = await child(['status', '--plan', 'env-noproxy.json', '--json'], { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
        assert.equal(direct.code, 1, direct.stderr);
        assert.equal(proxy.connects.length, tunnels, 'NO_PROXY: no new tunnel');
      } finally {
        await proxy.close();
      }
    });

    describe('redirects', () => {
      let elsewhere: FaultServer;
      let pod: FaultServer;

      before(async () => {
        elsewhere = await startFaultServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"Resources":[]}'));
        pod = await startFaultServer((req, res) => res.writeHead(302, { location: `${elsewhere.url}/sso/login?from=${encodeURIComponent(req.url)}` }).end());
      });
      after(async () => {
        await pod?.close();
        await elsewhere?.close();
      });

      it('a pod redirecting to another host gets one clear line; the other host receives nothing, so no credential follows', async () => {
        await writePlan('redirect.json', { url: pod.url });
        const r = await oli(['status', '--plan', 'redirect.json', '--verbose']);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        const line = oneErrorLine(r);
        assert.match(line, /redirected to another host/);
        assert.match(line, /credentials are never sent to another host/i);
        assert.equal(elsewhere.requests.length, 0, 'nothing reached the redirect target');
        assert.ok(pod.requests.length >= 1 && pod.requests.every((q) => q.headers.authorization?.startsWith('Basic ')), 'only the configured pod saw the credentials');
        assert.ok(!r.stderr.includes(sandbox.admin.password));
      });

      it('apply --all against it changes nothing and sends nothing elsewhere either', async () => {
        const r = await oli(['apply', '--all', '--plan', 'redirect.json']);
        assert.equal(r.code, 2);
        oneErrorLine(r);
        assert.equal(elsewhere.requests.length, 0);
        assert.ok(pod.requests.every((q) => q.method === 'GET'), 'no change was sent after a redirect');
      });
    });
  });
});
