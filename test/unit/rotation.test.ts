/**
 * `oli rotate-cert` (issue 14): a certificate rotation from start to end against the sandbox, each
 * stage recorded with its evidence in the state and the report; the stages' order is kept; the
 * verification is a real call with a token signed for the new certificate (refused until the new
 * certificate is registered); after the old alias is removed, only the new key is accepted.
 */
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePlan } from '../../src/core/plan/planFile';
import { statePath } from '../../src/core/plan/stateStore';
import { CourseraSimulator, signProviderJwt } from '../../src/sandbox/coursera';
import { runOli } from './helpers/cli';
import { rewritePlan, setUpPod, type SetUpPod } from './dayTwo.helpers';
import { ISSUER } from './plan.helpers';

const DAY = 86_400_000;

describe('oli rotate-cert: a rotation from start to end', function () {
  this.timeout(120_000);
  let p: SetUpPod;
  before(async () => {
    p = await setUpPod();
  });
  after(async () => {
    await p.close();
  });
  const oli = (...args: string[]) => runOli(['rotate-cert', ...args], { cwd: p.dir, env: p.env });
  const state = async () => JSON.parse(await readFile(statePath(p.dir, 'sandbox'), 'utf8'));
  let next: { certificatePem: string; privateKeyPem: string; x5t: string };

  it('nothing in progress: says how to start; an unusable new certificate is refused before anything is recorded', async () => {
    const none = await oli();
    assert.equal(none.code, 0);
    assert.match(none.stdout, /No certificate rotation on sandbox\. Start one with: oli rotate-cert --new FILE/);
    const same = await oli('--new', 'coursera.cer');
    assert.equal(same.code, 2);
    assert.match(same.stderr, /is the certificate already in use/);
    const expired = await p.admin.certificate({ commonName: 'Coursera old', notBefore: new Date(Date.now() - 400 * DAY).toISOString(), notAfter: new Date(Date.now() - DAY).toISOString() });
    await writeFile(join(p.dir, 'expired.cer'), expired.certificatePem);
    const bad = await oli('--new', 'expired.cer');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /expired on/);
    assert.equal((await state()).rotation, undefined);
  });

  it('1. --new FILE inspects the new certificate and starts the rotation, saying what to do next', async () => {
    next = await p.admin.certificate({ commonName: 'Coursera 2027', notAfter: new Date(Date.now() + 730 * DAY).toISOString() });
    await writeFile(join(p.dir, 'coursera-2027.cer'), next.certificatePem);
    const r = await oli('--new', 'coursera-2027.cer', '--alias', 'COURSERA_2027', '--old-alias', 'COURSERA_2025');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Certificate rotation on sandbox: in progress/);
    assert.match(r.stdout, /✔ 1\. Inspect the new certificate\n +.* by support\.desk: subject: CN=Coursera 2027; issuer: CN=Coursera 2027; sha1: [0-9a-f]{40}; x5t: /);
    assert.match(r.stdout, /→ 2\. Register it under a new alias/);
    assert.match(r.stdout, /Add New Certificate: alias COURSERA_2027, upload coursera-2027\.cer .* Keep alias COURSERA_2025/);
    const s = await state();
    assert.equal(s.rotation.newCertificate.x5t, next.x5t);
    assert.equal(s.rotation.oldCertificate.file, 'coursera.cer');
    assert.equal(s.history.at(-1).action, 'rotation');
    assert.equal(s.history.at(-1).outcome, 'inspect');
    // The same file again changes nothing; the stages' order is kept.
    assert.equal((await oli('--new', 'coursera-2027.cer')).code, 0);
    const early = await oli('update-plan');
    assert.equal(early.code, 2);
    assert.match(early.stderr, /comes after "Register it under a new alias/);
  });

  it('2. registered: attested with a note (no API)', async () => {
    assert.equal((await oli('registered')).code, 2, 'a note is required');
    const r = await oli('registered', '--note', 'Security Console: COURSERA_2027 added next to COURSERA_2025 under the Coursera issuer; both listed.');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✔ 2\. Register it .*\n +.* by support\.desk: note: Security Console: COURSERA_2027 added/);
  });

  it('3. verify: a token for the new certificate is refused (401) until it is really registered, then accepted; the token is never stored', async () => {
    const token = signProviderJwt({ privateKeyPem: next.privateKeyPem, certificatePem: next.certificatePem, issuer: ISSUER, userName: 'user.coursera' });
    await writeFile(join(p.dir, 'token.jwt'), token);
    const refused = await oli('verify', '--token', 'token.jwt');
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /✖ Oracle refused the token \(401\): the new certificate \(x5t .*\) is not registered under the trusted issuer/);
    // A token signed with the old key does not fit the new certificate (checked before any call).
    const old = signProviderJwt({ privateKeyPem: p.identity.privateKeyPem, certificatePem: p.identity.certificatePem, issuer: ISSUER, userName: 'user.coursera' });
    await writeFile(join(p.dir, 'old-token.jwt'), old);
    const wrong = await oli('verify', '--token', 'old-token.jwt');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /does not fit the new certificate/);
    // What the admin did in the Security Console (the hook stands in for it).
    await p.admin.registerApiAuthentication({ issuer: ISSUER, alias: 'COURSERA_2027', certificate: next.certificatePem });
    const ok = await oli('verify', '--token', 'token.jwt');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /✔ Oracle accepted a token signed for the new certificate .* 200 from digitalLearningProviders/);
    const s = await state();
    assert.equal(s.rotation.stages.verify.evidence.method, 'token');
    assert.equal(s.rotation.stages.verify.evidence.status, 200);
    assert.equal(s.rotation.stages.verify.evidence.x5t, next.x5t);
    assert.ok(!JSON.stringify(s).includes(token), 'the token is not in the state');
  });

  it('health meanwhile: a rotation in progress is said, with its next stage', async () => {
    const h = await runOli(['health', '--json'], { cwd: p.dir, env: p.env });
    const f = JSON.parse(h.stdout).findings.find((x: { id: string }) => x.id === 'rotation');
    assert.equal(f.level, 'info');
    assert.match(f.message, /new certificate CN=Coursera 2027 \(alias COURSERA_2027.*next stage: Update the plan/);
  });

  it('4. update-plan: the plan names the new certificate; status checks it from then on', async () => {
    const r = await oli('update-plan');
    assert.equal(r.code, 0, r.stderr);
    const plan = parsePlan(await readFile(join(p.dir, 'oracle-learning.json'), 'utf8'));
    assert.equal(plan.jwt!.certificate, 'coursera-2027.cer', 'one environment: jwt.certificate itself');
    const s = await state();
    assert.deepEqual(s.rotation.stages['update-plan'].evidence, { field: 'jwt.certificate', from: 'coursera.cer', to: 'coursera-2027.cer', sha1: s.rotation.newCertificate.sha1 });
    const status = JSON.parse((await runOli(['status', '--json'], { cwd: p.dir, env: p.env })).stdout);
    const creds = status.steps.find((x: { id: string }) => x.id === 'provider-credentials');
    assert.ok(creds.checks.some((c: { message: string }) => c.message.includes(s.rotation.newCertificate.x5t)), JSON.stringify(creds.checks));
  });

  it('5. old-removed: once the provider signs with the new key; afterwards the old key is refused and the new one accepted', async () => {
    await p.admin.removeApiAuthentication('COURSERA_2025');
    const r = await oli('old-removed', '--note', 'Removed COURSERA_2025 on the day Coursera confirmed their first sync with the new key.');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Certificate rotation on sandbox: complete since/);
    assert.ok(!r.stdout.includes('Next:'));
    const s = await state();
    assert.ok(s.rotation.completedAt);
    assert.deepEqual(Object.keys(s.rotation.stages), ['inspect', 'register', 'verify', 'update-plan', 'remove-old']);
    const oldKey = new CourseraSimulator(p.url, p.identity);
    await assert.rejects(oldKey.sendStatements([{ learner: { by: 'email', email: 'a@example.com' }, contentId: 'x', title: 'x', verb: 'initialized', timestamp: new Date().toISOString() }]), /401/);
    const newKey = new CourseraSimulator(p.url, { ...p.identity, privateKeyPem: next.privateKeyPem, certificatePem: next.certificatePem });
    assert.equal((await newKey.pushCatalogItem({ externalContentId: 'urn:after-rotation', title: 'After', contentUrl: 'https://www.coursera.org/learn/after' })).providerId !== undefined, true);
    // Each stage, with its evidence, in the audit report; a second rotation may start now.
    const report = await runOli(['report'], { cwd: p.dir, env: p.env });
    assert.match(report.stdout, /## Certificate rotation/);
    for (const stage of ['Inspect the new certificate', 'Register it under a new alias', 'Verify with a token', 'Update the plan', 'Remove the old alias']) assert.ok(report.stdout.includes(stage), stage);
    assert.match(report.stdout, /\| rotation \| remove-old \|/);
  });
});

describe('oli rotate-cert on a plan with two environments', function () {
  this.timeout(60_000);
  it('update-plan writes the environment\'s own certificate; verify without a token records what the provider confirmed', async () => {
    const p = await setUpPod();
    try {
      await rewritePlan(p, { environments: { sandbox: { url: p.url }, prod: { url: 'https://prod.example.invalid' } } });
      const next = await p.admin.certificate({ commonName: 'Coursera next', notAfter: new Date(Date.now() + 400 * DAY).toISOString() });
      await writeFile(join(p.dir, 'next.cer'), next.certificatePem);
      const oli = (...args: string[]) => runOli(['rotate-cert', '--env', 'sandbox', ...args], { cwd: p.dir, env: p.env });
      assert.equal((await oli('--new', 'next.cer')).code, 0);
      assert.equal((await oli('registered', '--note', 'added')).code, 0);
      assert.equal((await oli('verify')).code, 2, 'a token or a note');
      const v = await oli('verify', '--note', 'Coursera confirmed a test call with the new key succeeded');
      assert.equal(v.code, 0);
      assert.match(v.stdout, /Recorded the provider's confirmation \(no token was checked\)/);
      assert.equal((await oli('update-plan')).code, 0);
      const after = parsePlan(await readFile(join(p.dir, 'oracle-learning.json'), 'utf8'));
      assert.equal(after.jwt!.certificate, 'coursera.cer', 'prod keeps the shared certificate');
      assert.equal(after.environments.sandbox!.certificate, 'next.cer');
      assert.equal(after.environments.prod!.certificate, undefined);
    } finally {
      await p.close();
    }
  });
});
