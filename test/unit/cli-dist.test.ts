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
async function oli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, OLI_ACTOR: 'dist.test' } });
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
