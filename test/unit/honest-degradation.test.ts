/**
 * Honest degradation (issue 10): a read the pod refuses (401/403/404/405) or answers in a shape we
 * did not expect never hides the sub-checks that did read, never contradicts an attestation and
 * never makes a step needs-action or failed on its own; the reason says which resource, which HTTP
 * answer and what grants it. Every finding carries its basis. Real HTTP: the sandbox (with a
 * variant) or a proxy in front of it that plays a pod answering in an unexpected shape.
 */
import { strict as assert } from 'node:assert';
import { buildReport, reportToMarkdown } from '../../src/core/plan/report';
import { loadKit } from '../../src/core/plan/verificationKit';
import { startRewritingProxy } from './helpers/rewriting-proxy';
import { runOli } from './helpers/cli';
import { byId, createJobRole, planFixture, type PlanFixture } from './plan.helpers';

const PROVIDERS = /\/digitalLearningProviders(\?|$)/;

/** The job role (attested), the integration user holding it, Coursera configured with it. */
async function withIntegrationUser(f: PlanFixture, overrides: Parameters<PlanFixture['engine']>[0] = {}): Promise<void> {
  await createJobRole(f);
  await f.admin.createUser({ userName: 'user.coursera', email: 'user.coursera@example.com', withPerson: false });
  await f.admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
  await f.engine(overrides).attest('job-role', 'Only the provider duty; all IPs.');
  await f.engine(overrides).apply('integration-user');
}

describe('honest degradation', function () {
  this.timeout(60_000);
  let f: PlanFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('userAccounts refused (admin-security-only): the SCIM sub-checks still read, the person and role links are unknown, the step is unknown with the duty named', async () => {
    f = await planFixture({ variants: ['admin-security-only'] });
    await withIntegrationUser(f);
    const r = byId(await f.engine().status(), 'integration-user');
    assert.equal(r.status, 'unknown', r.detail);
    const outcome = Object.fromEntries(r.checks.map((c) => [c.id, c.outcome]));
    assert.deepEqual(outcome, { exists: 'pass', active: 'pass', email: 'pass', person: 'unknown', role: 'pass', 'other-roles': 'unknown' });
    const person = r.checks.find((c) => c.id === 'person')!;
    assert.match(person.message, /userAccounts answered 403 Forbidden: the user lacks the user-accounts REST duties/);
    assert.match(r.detail, /user\.coursera is active and holds XX_COURSERA_CONTENT_PROVIDER_JOB; could not read the rest/);
    assert.deepEqual((r.evidence as { refused: { resource: string; status: number }[] }).refused.map((x) => [x.resource, x.status]), [['user-accounts', 403]]);
  });

  it('a release without learningSelfPacedItems (404): never "looks disabled", never against the attestation', async () => {
    f = await planFixture({ variants: ['no-self-paced-api'] });
    let r = byId(await f.engine().status(), 'self-paced-learning');
    assert.equal(r.status, 'needs-action', 'a guided step waits for its attestation, as on any pod');
    assert.ok(!r.checks.some((c) => c.outcome === 'fail'), JSON.stringify(r.checks));
    assert.match(r.checks.find((c) => c.id === 'probe')!.message, /404 Not Found: this release may not have the API \(announced in 25C\).*does not mean self-paced learning is off/);
    await f.engine().attest('self-paced-learning', 'Enabled in Learning setup (screenshot SPL-1).');
    r = byId(await f.engine().status(), 'self-paced-learning');
    assert.equal(r.status, 'attested');
    assert.match(r.detail, /not re-checked: .*404/);
  });

  it('digitalLearningProviders in a shape nobody documented: unknown with a redacted sample, the attestation stands, the report keeps the sample', async () => {
    f = await planFixture();
    await withIntegrationUser(f);
    // A pod whose providers carry none of the names we know for the provider name.
    const proxy = await startRewritingProxy(f.url, [
      {
        match: (m, url) => m === 'GET' && PROVIDERS.test(url),
        body: (json) => ({ ...json, items: json.items.map((i: Record<string, unknown>) => ({ VendorKey: i.ProviderId ?? i.providerId, VendorTitle: i.ProviderName ?? 'Coursera', Secretish: 'value-never-shown' })) }),
      },
    ]);
    try {
      const plan = { environments: { sandbox: { url: proxy.url } } };
      // The administrator may read the providers on this pod (the variant's duty is not needed: the proxy answers).
      await f.engine(plan).attest('external-provider', 'Validated on Configure External Providers.');
      const engine = f.engine(plan);
      let r = byId(await engine.status(), 'external-provider');
      if (r.status === 'attested' && /403/.test(r.detail)) {
        // The default administrator is refused (it lacks the provider duty): read as the integration user instead.
        await f.engine(plan).apply('api-authentication');
        const kit = (await loadKit(f.dir, 'sandbox'))!;
        await f.admin.registerApiAuthentication({ issuer: kit.issuer, alias: kit.alias, certificate: kit.certificatePem });
        r = byId(await f.engine(plan).status(), 'external-provider');
      }
      assert.equal(r.status, 'attested', r.detail);
      assert.match(r.detail, /not re-checked: .*shape we did not expect/);
      const listed = r.checks.find((c) => c.id === 'listed')!;
      assert.equal(listed.outcome, 'unknown');
      assert.match(listed.message, /no field ProviderName \(or providerName, Name, DisplayName\)/);
      const sample = (r.evidence as { unexpectedShape: { sample: unknown } }).unexpectedShape.sample;
      assert.deepEqual(sample, { VendorKey: 'number', VendorTitle: 'string', Secretish: 'string' });
      const md = reportToMarkdown(buildReport({ plan: f.plan, environment: 'sandbox', url: proxy.url, steps: engine.steps, results: [r], state: engine.state, actor: 't' }));
      assert.match(md, /"VendorTitle": "string"/);
      assert.ok(!md.includes('value-never-shown') && !md.includes('Coursera"'), 'the sample holds shapes, never values');
    } finally {
      await proxy.close();
    }
  });

  it('the administrator refused digitalLearningProviders (no provider duty): read as the integration user through the verification kit', async () => {
    f = await planFixture();
    await withIntegrationUser(f);
    let r = byId(await f.engine().status(), 'external-provider');
    assert.equal(r.checks.find((c) => c.id === 'listed')?.outcome, 'unknown', JSON.stringify(r.checks));
    assert.match(r.checks.find((c) => c.id === 'listed')!.message, /403 Forbidden: the user lacks the duty ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY.*Apply api-authentication/);
    await f.engine().apply('api-authentication');
    const kit = (await loadKit(f.dir, 'sandbox'))!;
    await f.admin.registerApiAuthentication({ issuer: kit.issuer, alias: kit.alias, certificate: kit.certificatePem });
    r = byId(await f.engine().status(), 'external-provider');
    assert.equal(r.checks.find((c) => c.id === 'listed')?.outcome, 'pass', JSON.stringify(r.checks));
    assert.match(r.checks.find((c) => c.id === 'read-as')!.message, /read as user\.coursera, with a JWT of the api-authentication verification kit/);
  });

  it('every finding of a status carries its basis; the CLI marks it and prints the legend', async () => {
    f = await planFixture();
    await withIntegrationUser(f);
    const results = await f.engine().status();
    for (const r of results) {
      for (const c of r.checks) assert.ok(['documented', 'inferred', 'stand-in'].includes(c.basis ?? ''), `${r.id}/${c.id}`);
      if (r.checks.length) assert.ok(r.basis, r.id);
    }
    assert.equal(byId(results, 'self-paced-learning').checks.find((c) => c.id === 'probe')?.basis, 'inferred', 'a weak probe is an inference');
    assert.equal(byId(results, 'job-role').checks.find((c) => c.id === 'exists')?.basis, 'documented');
    const a = f.credentials.admin as { username: string; password: string };
    const out = await runOli(['status', '--verbose'], { cwd: f.dir, env: { OLI_USERNAME: a.username, OLI_PASSWORD: a.password } });
    assert.match(out.stdout, /^✔ integration-user\s+done\s+\[I\] /m);
    assert.match(out.stdout, /pass {4}\[I\] GET learningSelfPacedItems\?limit=1 succeeded/);
    assert.match(out.stdout, /Basis: \[D\] documented by Oracle · \[I\] inferred .* · \[S\] sandbox stand-in/);
  });
});
