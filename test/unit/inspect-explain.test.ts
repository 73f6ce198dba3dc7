import { strict as assert } from 'node:assert';
import { stdinFrom } from './helpers/cli';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';
import { createJobRole, courseraKeys, ISSUER, planFixture, type PlanFixture } from './plan.helpers';
import { CourseraSimulator, xapiStatement } from '../../src/sandbox/coursera';

describe('oli inspect xapi --env: why a completion would not land', function () {
  this.timeout(60_000);
  let f: PlanFixture;
  before(async () => {
    f = await planFixture();
    await createJobRole(f);
    const engine = f.engine();
    await engine.attest('job-role', 'checked');
    await engine.apply('integration-user');
    await f.admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
    await f.admin.registerApiAuthentication({ issuer: ISSUER, alias: 'COURSERA', certificate: courseraKeys().certificatePem });
    const sim = new CourseraSimulator(f.url, { kind: 'jwt', issuer: ISSUER, ...courseraKeys(), userName: 'user.coursera' });
    await sim.pushCatalogItem({ externalContentId: 'urn:coursera:course:one', title: 'Course One', contentUrl: 'https://www.coursera.org/learn/one' });
    await f.admin.createUser({ userName: 'ann', email: 'ann@example.com' });
    await f.admin.createUser({ userName: 'dup1', email: 'dup@example.com' });
    await f.admin.createUser({ userName: 'dup2', email: 'dup@example.com' });
    await f.admin.createUser({ userName: 'gone', email: 'gone@example.com', active: false });
  });
  after(() => f.close());

  it('resolves learners and content against the pod and gives each blocking reason its code', async () => {
    const at = '2026-01-01T10:00:00Z';
    const base = { contentId: 'urn:coursera:course:one', title: 'Course One', verb: 'completed' as const, timestamp: at };
    const lines = [
      xapiStatement({ ...base, learner: { by: 'email', email: 'ann@example.com' } }),
      xapiStatement({ ...base, learner: { by: 'email', email: 'nobody@example.com' } }),
      xapiStatement({ ...base, learner: { by: 'email', email: 'dup@example.com' } }),
      xapiStatement({ ...base, learner: { by: 'email', email: 'gone@example.com' } }),
      xapiStatement({ ...base, contentId: 'urn:coursera:course:unknown', learner: { by: 'email', email: 'ann@example.com' } }),
      { ...xapiStatement({ ...base, learner: { by: 'email', email: 'ann@example.com' } }), actor: { objectType: 'Agent', mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' } },
    ];
    await writeFile(join(f.dir, 'statements.ndjson'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    let stdout = '';
    const io: CliIO = {
      stdout: (t) => void (stdout += t),
      stderr: () => undefined,
      ...stdinFrom(''),
      env: { OLI_USERNAME: f.credentials.admin!.username, OLI_PASSWORD: f.credentials.admin!.password },
      cwd: f.dir,
      signal: new AbortController().signal,
    };
    const code = await runCli(['inspect', 'xapi', 'statements.ndjson', '--env', 'sandbox', '--json'], io);
    assert.equal(code, 1);
    const out = JSON.parse(stdout) as { results: { lands: boolean; reasons: { code: string }[] }[]; summary: { lands: number } };
    const codes = out.results.map((r) => r.reasons.map((x) => x.code));
    assert.equal(out.results[0]!.lands, true, JSON.stringify(out.results[0]));
    assert.deepEqual(codes[0], []);
    assert.ok(codes[1]!.includes('no-such-user'), JSON.stringify(codes[1]));
    assert.ok(codes[2]!.includes('duplicate-users'), JSON.stringify(codes[2]));
    assert.ok(codes[3]!.includes('inactive-user'), JSON.stringify(codes[3]));
    assert.ok(codes[4]!.includes('unknown-content'), JSON.stringify(codes[4]));
    assert.ok(codes[5]!.includes('unmappable-identifier'), JSON.stringify(codes[5]));
    assert.equal(out.summary.lands, 1);
  });
});
