/**
 * `oli why` (issue 14) against the sandbox over real HTTP: a completion that landed, one that should
 * have landed (the record cannot be read by an administrator), one not due yet, and each broken link
 * (learner missing, shared or inactive; course not imported or inactive; provider configured with
 * another user; integration user inactive; certificate expired; the statements process failing or
 * blocked; an enrollment without the completion), a Coursera retake, and what cannot be told.
 */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { statePath } from '../../src/core/plan/stateStore';
import { retakeEvents, type ProgressEvent } from '../../src/sandbox/coursera';
import { runOli } from './helpers/cli';
import { COURSE, rewritePlan, setUpPod, writeCertificate, type SetUpPod } from './dayTwo.helpers';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface Link {
  id: string;
  status: string;
  message: string;
  check?: string;
  basis: string;
}

async function why(p: SetUpPod, learner: string, content: string, since?: number, env: NodeJS.ProcessEnv = p.env) {
  const r = await runOli(['why', '--learner', learner, '--content', content, '--json', ...(since !== undefined ? ['--since', iso(since)] : [])], { cwd: p.dir, env });
  const report = r.stdout ? JSON.parse(r.stdout) : undefined;
  const link = (id: string): Link => {
    const l = (report?.links as Link[] | undefined)?.find((x) => x.id === id);
    assert.ok(l, `link ${id}`);
    return l;
  };
  return { ...r, report, link };
}

/** An active seeded learner with a unique primary work email (as the admin reads SCIM). */
async function aLearner(p: SetUpPod, skip = 0): Promise<{ email: string; userName: string }> {
  const auth = `Basic ${Buffer.from(`${p.env.OLI_USERNAME}:${p.env.OLI_PASSWORD}`).toString('base64')}`;
  const users = (await (await fetch(`${p.url}/hcmRestApi/scim/Users?count=40&startIndex=2&attributes=userName,emails,active`, { headers: { authorization: auth } })).json()).Resources as {
    userName: string;
    active: boolean;
    emails?: { value: string; primary?: boolean }[];
  }[];
  const primary = (u: (typeof users)[number]) => u.emails?.find((e) => e.primary)?.value.toLowerCase();
  const clean = users.filter((u) => u.active && /^[a-z]+\.[a-z]+\d+$/.test(u.userName) && primary(u) && users.filter((x) => primary(x) === primary(u)).length === 1);
  const u = clean[skip]!;
  return { email: primary(u)!, userName: u.userName };
}

/** The learner's statements reach Oracle, then "Process Learning Experience Statements" runs once (as an admin would submit it). */
async function deliverAndProcess(p: SetUpPod, events: ProgressEvent[]): Promise<void> {
  await p.coursera.sendStatements(events);
  await p.admin.submitInScheduledProcesses(p.jobs.processLearningExperienceStatements!);
  await new Promise((res) => setTimeout(res, 150));
}

const completed = (email: string, at: number): ProgressEvent => ({ learner: { by: 'email', email }, contentId: COURSE.externalContentId, title: COURSE.title, verb: 'completed', timestamp: iso(at), durationSeconds: 5400, scaledScore: 0.9 });

describe('oli why', function () {
  this.timeout(90_000);
  let p: SetUpPod | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  describe('on a pod where the administrator may read every learner\'s records', () => {
    it('landed: every link holds and the record shows the completion; exit 0; kept in the history', async () => {
      p = await setUpPod({ variants: ['admin-reads-all-records'] });
      const learner = await aLearner(p);
      const at = Date.now() - 6 * HOUR;
      await deliverAndProcess(p, [completed(learner.email, at)]);
      const r = await why(p, learner.email, COURSE.externalContentId, at);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.report.verdict.outcome, 'landed');
      for (const id of ['learner', 'content', 'provider', 'integration-user', 'credentials', 'delivery', 'statements-process', 'record']) assert.equal(r.link(id).status, 'ok', `${id}: ${r.link(id).message}`);
      assert.match(r.link('learner').message, new RegExp(`is ${learner.userName} \\(active\\)`));
      assert.match(r.link('delivery').message, /Coursera sends statements at start and at completion only, in batches every 4 hours/);
      assert.match(r.report.verdict.text, /LANDED\. Record OLC\d+ shows the course completed on/);
      for (const l of r.report.links as Link[]) assert.ok(['documented', 'inferred', 'stand-in'].includes(l.basis), l.id);
      const state = JSON.parse(await readFile(statePath(p.dir, 'sandbox'), 'utf8'));
      const last = state.history.at(-1);
      assert.deepEqual([last.action, last.outcome, last.via], ['why', 'landed', 'cli']);
      assert.match(last.detail, new RegExp(`learner ${learner.email.replace('.', '\\.')}`));
      // The learner's user name works too (Coursera sends the email: it is found from the user).
      const byName = await why(p, learner.userName, COURSE.contentUrl, at);
      assert.equal(byName.report.verdict.outcome, 'landed', byName.report.verdict.text);
    });

    it('a Coursera retake is another enrollment: the latest one holds the new completion', async () => {
      p = await setUpPod({ variants: ['admin-reads-all-records'] });
      const learner = await aLearner(p);
      const first = new Date(Date.now() - 30 * HOUR);
      const again = new Date(Date.now() - 5 * HOUR);
      await deliverAndProcess(p, retakeEvents({ by: 'email', email: learner.email }, COURSE.externalContentId, COURSE.title, first, again));
      const r = await why(p, learner.email, COURSE.externalContentId, again.getTime());
      assert.equal(r.report.verdict.outcome, 'landed');
      assert.match(r.link('record').message, new RegExp(`completed on ${iso(again.getTime()).slice(0, 16).replace('T', ' ')}`));
      const retake = r.link('retake');
      assert.equal(retake.status, 'info');
      assert.match(retake.message, /2 enrollments of this course: the latest is OLC\d+ completed .*; earlier: OLC\d+ completed/);
      assert.match(retake.message, /a new score creates another enrollment rather than updating the first/);
    });

    it('an enrollment without the completion: the record link is broken', async () => {
      p = await setUpPod({ variants: ['admin-reads-all-records'] });
      const learner = await aLearner(p);
      const at = Date.now() - 8 * HOUR;
      await deliverAndProcess(p, [{ learner: { by: 'email', email: learner.email }, contentId: COURSE.externalContentId, title: COURSE.title, verb: 'initialized', timestamp: iso(at - HOUR) }]);
      const r = await why(p, learner.email, COURSE.externalContentId, at);
      assert.equal(r.code, 1);
      assert.equal(r.report.verdict.outcome, 'not-landed');
      assert.equal(r.report.verdict.link, 'record');
      assert.match(r.link('record').message, /enrollment OLC\d+ \(in progress\) but no completion since/);
    });
  });

  it('should have landed: every checkable link holds, and the record is the learner\'s own (said, not guessed); exit 0', async () => {
    p = await setUpPod();
    const learner = await aLearner(p);
    const at = Date.now() - 6 * HOUR;
    await deliverAndProcess(p, [completed(learner.email, at)]);
    const r = await why(p, learner.email, COURSE.externalContentId, at);
    assert.equal(r.code, 0);
    assert.equal(r.report.verdict.outcome, 'should-have-landed');
    assert.equal(r.link('record').status, 'unknown');
    assert.match(r.link('record').message, /applies to the learner/);
    assert.match(r.report.verdict.text, /ask the learner to refresh My Learning/);
    const text = await runOli(['why', '--learner', learner.email, '--content', COURSE.externalContentId, '--since', iso(at)], { cwd: p.dir, env: p.env });
    assert.match(text.stdout, /^Verdict: Should have landed$/m);
    assert.match(text.stdout, /^✔ ok +\[S\] "Process Learning Experience Statements" ran successfully after the completion/m);
  });

  it('not yet: within Coursera\'s 4-hour batch window, waiting for the delivery and the next run; exit 1', async () => {
    p = await setUpPod();
    const learner = await aLearner(p);
    const at = Date.now() - HOUR;
    const r = await why(p, learner.email, COURSE.externalContentId, at);
    assert.equal(r.code, 1);
    assert.equal(r.report.verdict.outcome, 'not-yet');
    assert.equal(r.link('delivery').status, 'waiting');
    assert.match(r.link("delivery").message, /in batches every 4 hours: this completion.s statement is due by .* \(up to 4 hours after the completion\)/);
    assert.equal(r.link('statements-process').status, 'waiting');
    assert.match(r.link('statements-process').message, /The next run is at .* \(request \d+\)/);
    assert.match(r.report.verdict.text, /NOT YET, as expected/);
  });

  describe('each broken link, the first one named in the verdict', () => {
    it('learner: no user has the email; several share it; the user is inactive', async () => {
      p = await setUpPod();
      const at = Date.now() - 6 * HOUR;
      const none = await why(p, 'nobody.here@example.com', COURSE.externalContentId, at);
      assert.equal(none.report.verdict.outcome, 'not-landed');
      assert.equal(none.report.verdict.link, 'learner');
      assert.match(none.report.verdict.text, /NOT LANDED\. Cause: No Oracle user has the primary work email nobody\.here@example\.com: Coursera identifies the learner by it/);
      assert.match(none.report.verdict.text, /Next step: Make the learner's primary work email in Oracle identical to what Coursera holds/);
      await p.admin.createUser({ userName: 'twin.one', email: 'twin@example.com' });
      await p.admin.createUser({ userName: 'twin.two', email: 'twin@example.com' });
      const shared = await why(p, 'twin@example.com', COURSE.externalContentId, at);
      assert.equal(shared.report.verdict.link, 'learner');
      assert.match(shared.link('learner').message, /2 Oracle users share the primary work email twin@example\.com \(twin\.(one|two), twin\.(one|two)\)/);
      await p.admin.createUser({ userName: 'gone.learner', email: 'gone.learner@example.com', active: false });
      const inactive = await why(p, 'gone.learner@example.com', COURSE.externalContentId, at);
      assert.match(inactive.link('learner').message, /gone\.learner, who is inactive/);
    });

    it('content: the course is not imported', async () => {
      p = await setUpPod();
      const learner = await aLearner(p);
      const r = await why(p, learner.email, 'urn:coursera:course:never-pushed', Date.now() - 6 * HOUR);
      assert.equal(r.report.verdict.link, 'content');
      assert.match(r.link('content').message, /No self-paced item has the external id or URL urn:coursera:course:never-pushed: Coursera has not pushed this course/);
      assert.equal(r.link('content').basis, 'inferred', 'the catalog\'s field names are not published');
    });

    it('provider: configured with another user than the integration user', async () => {
      p = await setUpPod();
      const learner = await aLearner(p);
      await p.admin.createUser({ userName: 'user.other', email: 'user.other@example.com', withPerson: false });
      await p.admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.other', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
      const r = await why(p, learner.email, COURSE.externalContentId, Date.now() - 6 * HOUR);
      assert.equal(r.report.verdict.link, 'provider');
      assert.match(r.link('provider').message, /Uses user\.other; the plan says user\.coursera/);
    });

    it('integration user: inactive (and so refused)', async () => {
      p = await setUpPod();
      const learner = await aLearner(p);
      const auth = `Basic ${Buffer.from(`${p.env.OLI_USERNAME}:${p.env.OLI_PASSWORD}`).toString('base64')}`;
      const found = await (await fetch(`${p.url}/hcmRestApi/scim/Users?filter=${encodeURIComponent('userName eq "user.coursera"')}`, { headers: { authorization: auth } })).json();
      await fetch(`${p.url}/hcmRestApi/scim/Users/${found.Resources[0].id}`, { method: 'PATCH', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ active: false }) });
      const r = await why(p, learner.email, COURSE.externalContentId, Date.now() - 6 * HOUR);
      assert.equal(r.report.verdict.link, 'integration-user');
      assert.match(r.link('integration-user').message, /inactive/);
      assert.equal(r.link('credentials').status, 'broken');
    });

    it('credentials: the inbound certificate expired', async () => {
      p = await setUpPod();
      const learner = await aLearner(p);
      const expired = await p.admin.certificate({ commonName: 'Coursera (expired)', notBefore: iso(Date.now() - 400 * 24 * HOUR), notAfter: iso(Date.now() - 24 * HOUR) });
      await writeCertificate(p, 'expired.cer', expired.certificatePem);
      await rewritePlan(p, { jwt: { issuer: p.plan.jwt!.issuer, certificate: 'expired.cer' } });
      const r = await why(p, learner.email, COURSE.externalContentId, Date.now() - 6 * HOUR);
      assert.equal(r.report.verdict.link, 'credentials');
      assert.match(r.report.verdict.text, /The inbound certificate expired\.cer expired on .*: Oracle no longer verifies Coursera's tokens/);
      assert.match(r.report.verdict.text, /oli rotate-cert --new FILE/);
    });

    it('statements process: its runs since the completion failed; or one is blocked', async () => {
      p = await setUpPod();
      const learner = await aLearner(p);
      const at = Date.now() - 30 * HOUR;
      await p.admin.essOutcome({ jobDefinitionId: p.jobs.processLearningExperienceStatements!, state: 'ERROR', from: iso(at), description: 'ORA-06512: statements table locked' });
      const failed = await why(p, learner.email, COURSE.externalContentId, at);
      assert.equal(failed.report.verdict.link, 'statements-process');
      assert.match(failed.link('statements-process').message, /2 runs since the completion failed: request \d+ at .* ended in ERROR \(ORA-06512: statements table locked\)/);
      assert.match(failed.link('statements-process').check!, /Open request \d+ in Navigator > Tools > Scheduled Processes/);
      await p.admin.essOutcome({ jobDefinitionId: p.jobs.processLearningExperienceStatements!, state: 'WAIT', from: iso(at), description: 'Wait: blocked by request 999' });
      const blocked = await why(p, learner.email, COURSE.externalContentId, at);
      assert.equal(blocked.report.verdict.link, 'statements-process');
      assert.match(blocked.link('statements-process').message, /due at .*, is still WAIT \(Wait: blocked by request 999\)/);
    });
  });

  it('cannot tell: a pod that refuses the scheduler and the catalog to the administrator says what it could not check', async () => {
    p = await setUpPod();
    const learner = await aLearner(p);
    await p.admin.createUser({ userName: 'security.only', email: 'security.only@example.com', withPerson: false, password: 'Security-only-1', roles: ['ORA_FND_IT_SECURITY_MANAGER_JOB'] });
    const r = await why(p, learner.email, COURSE.externalContentId, Date.now() - 6 * HOUR, { OLI_USERNAME: 'security.only', OLI_PASSWORD: 'Security-only-1' });
    assert.equal(r.code, 1);
    assert.equal(r.report.verdict.outcome, 'cannot-tell');
    assert.equal(r.link('learner').status, 'ok');
    assert.equal(r.link('content').status, 'unknown');
    assert.equal(r.link('statements-process').status, 'unknown');
    assert.match(r.link('statements-process').message, /answered 403 Forbidden/);
    for (const l of r.report.links as Link[]) assert.notEqual(l.status, 'broken', `${l.id}: ${l.message}`);
  });

  it('without --since, what depends on the completion time says so; usage errors are one line, exit 2', async () => {
    p = await setUpPod();
    const learner = await aLearner(p);
    const r = await why(p, learner.email, COURSE.externalContentId);
    assert.equal(r.link('delivery').status, 'unknown');
    assert.match(r.link('statements-process').check!, /Give --since/);
    const missing = await runOli(['why', '--content', 'x'], { cwd: p.dir, env: p.env });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--learner is required/);
    const bad = await runOli(['why', '--learner', 'a@b.c', '--content', 'x', '--since', 'yesterday'], { cwd: p.dir, env: p.env });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    assert.match(bad.stderr, /--since is a date/);
  });
});
