import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { selfSignedRsa, signOracleJwt } from '../../src/core/plan/oracleJwt';

const run = promisify(execFile);

/**
 * The built CLI (dist/), as the README's commands run it: every command is its own bundle and
 * node-forge / jose are loaded lazily there, so this is what would break if the bundling did.
 */
async function oli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20, env: { ...process.env, OLI_ACTOR: 'dist.test', ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the built CLI (dist/cli.js)', function () {
  this.timeout(120_000);

  for (const auth of ['jwt', 'oauth']) {
    it(`npm run demo's command works from the bundles (--auth ${auth})`, async () => {
      const r = await oli(['demo', '--auth', auth, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { steps: { status: string }[]; completions: { completionDate?: string }[] };
      assert.ok(out.steps.every((s) => ['done', 'attested', 'not-applicable'].includes(s.status)));
      assert.ok(out.completions.some((c) => c.completionDate));
    });
  }

  it('inspect xapi on NDJSON: the worker threads print exactly what one thread prints (JSON and text, file and standard input)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oli-dist-'));
    try {
      // More than one chunk (128 KB reads), with what a chunk's reader must count alike: blank and
      // whitespace-only lines, CRLF, a line that is not JSON, a line starting with a space, an invalid statement.
      const good = (i: number) => JSON.stringify({ id: `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`, actor: { mbox: `mailto:l${i}@example.com` }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: `https://example.com/c/${i}` }, timestamp: '2025-01-02T03:04:05.678Z' });
      const lines: string[] = [];
      for (let i = 0; i < 3000; i++) {
        lines.push(i % 53 === 1 ? good(i).replace('completed', 'completed\\u0000') + '\r' : i % 7 === 1 ? good(i).replace('"mbox"', '"mbox_sha1sum"') : good(i));
        if (i % 97 === 0) lines.push('');
        if (i % 211 === 0) lines.push(' \t\u00a0');
        if (i % 389 === 0) lines.push('{not json');
        if (i % 401 === 0) lines.push(`  ${good(i)}`);
      }
      const file = join(dir, 'statements.ndjson');
      writeFileSync(file, lines.join('\n') + '\n\n');
      for (const json of [true, false]) {
        const args = ['inspect', 'xapi', file, ...(json ? ['--json'] : [])];
        const one = await oli(args, { OLI_XAPI_THREADS: '1' });
        const three = await oli(args, { OLI_XAPI_THREADS: '3' });
        assert.equal(one.code, 1, one.stderr);
        assert.equal(three.code, one.code, three.stderr);
        assert.equal(three.stdout, one.stdout);
        if (json) {
          const doc = JSON.parse(one.stdout) as { results: { index: number; valid: boolean }[]; summary: { total: number; invalid: number } };
          assert.equal(doc.summary.total, 3000 + 8 + 8);
          assert.deepEqual(doc.results.map((r) => r.index), doc.results.map((_r, i) => i));
        }
      }
      const fromStdin = await new Promise<string>((resolvePromise, reject) => {
        const child = execFile(process.execPath, ['dist/cli.js', 'inspect', 'xapi', '-', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, OLI_XAPI_THREADS: '2' } }, (err, stdout) => (err && (err as { code?: number }).code !== 1 ? reject(err) : resolvePromise(stdout)));
        child.stdin!.end(lines.join('\n') + '\n\n');
      });
      assert.equal(fromStdin, (await oli(['inspect', 'xapi', file, '--json'], { OLI_XAPI_THREADS: '1' })).stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('inspect cert and inspect jwt work from the bundles (node-forge and jose loaded lazily)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oli-dist-'));
    try {
      const pair = selfSignedRsa('dist test');
      writeFileSync(join(dir, 'c.pem'), pair.certificatePem);
      const cert = await oli(['inspect', 'cert', join(dir, 'c.pem'), '--json']);
      assert.equal(cert.code, 0, cert.stderr);
      assert.equal(JSON.parse(cert.stdout).certificates[0].keyType, 'RSA');
      writeFileSync(join(dir, 't.jwt'), await signOracleJwt({ ...pair, issuer: 'iss', userName: 'user.coursera' }));
      const jwt = await oli(['inspect', 'jwt', `@${join(dir, 't.jwt')}`, '--cert', join(dir, 'c.pem'), '--issuer', 'iss', '--user', 'user.coursera', '--json']);
      assert.equal(jwt.code, 0, jwt.stderr + jwt.stdout);
      assert.equal(JSON.parse(jwt.stdout).signature.verified, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
