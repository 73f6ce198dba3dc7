/**
 * Learner lookups on pods that refuse a SCIM filter form (issue 10): `emails.value` filters, `or`
 * batches, long filters. The lookup adapts (smaller batches, another filter form, reading every
 * user once) and gives the same answer as on a pod that accepts everything: never fewer answers,
 * never a false "missing". With what `oli probe` learnt, it spends no refused request at all.
 */
import { strict as assert } from 'node:assert';
import { OracleClient, type RequestLogEntry } from '../../src/oracle/client';
import { checkIdentities, type IdentityReport } from '../../src/core/plan/identity';
import { findUsersBatched, primaryWorkEmail, scimUserSchema, ScimLookupError, type ScimLookupLearned } from '../../src/oracle/scimUsers';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';

async function pod(variants: string[] = []): Promise<{ sb: SandboxHandle; client: OracleClient; log: RequestLogEntry[] }> {
  const sb = await startSandbox({ port: 0, users: 300, essStepMs: 20, ...(variants.length ? { variants } : {}) });
  const log: RequestLogEntry[] = [];
  const client = new OracleClient({ baseUrl: sb.url, auth: { kind: 'basic', username: sb.admin.userName, password: sb.admin.password }, onLog: (e) => log.push(e) });
  return { sb, client, log };
}

describe('learner lookups fall back where a pod refuses a filter form', function () {
  this.timeout(120_000);
  let emails: string[];
  let userNames: string[];
  let plain: { byEmail: IdentityReport; byName: IdentityReport };

  before(async () => {
    const p = await pod();
    try {
      const all = (await p.client.scimList('/hcmRestApi/scim/Users', scimUserSchema, { count: 300, maxItems: 300, attributes: 'userName,emails,active' })).resources;
      // Real learners (duplicates, inactive and users without email among them) plus some nobody has.
      emails = [...all.slice(0, 120).map((u) => primaryWorkEmail(u) ?? `${u.userName}@nowhere.example.com`), 'nobody.one@example.com', 'nobody.two@example.com'];
      userNames = [...all.slice(100, 220).map((u) => u.userName), 'no.such.user1'];
      plain = { byEmail: await checkIdentities(p.client, emails, 'email'), byName: await checkIdentities(p.client, userNames, 'username') };
      assert.ok(plain.byEmail.summary.missing >= 2 && plain.byEmail.summary.matched > 100);
    } finally {
      p.client.close();
      await p.sb.close();
    }
  });

  for (const variant of ['scim-no-email-filter', 'scim-no-or', 'scim-short-filter']) {
    it(`${variant}: the same answers as a pod that accepts every filter; with what the probe learnt, no refused request`, async () => {
      const p = await pod([variant]);
      try {
        let learned: ScimLookupLearned | undefined;
        const byEmail = await checkIdentities(p.client, emails, 'email', { onLearn: (l) => (learned = l) });
        const byName = await checkIdentities(p.client, userNames, 'username');
        assert.deepEqual(byEmail, plain.byEmail, 'by email: same summary and problems');
        assert.deepEqual(byName, plain.byName, 'by user name: same summary and problems');
        assert.ok(learned!.refusedFilters > 0 && learned!.fallbacks.length > 0, JSON.stringify(learned));
        // A second run with what was learnt (as status does after oli probe): nothing refused.
        p.log.length = 0;
        const again = await checkIdentities(p.client, emails, 'email', { settings: learned! });
        assert.deepEqual(again, plain.byEmail);
        assert.equal(p.log.filter((e) => e.status === 400).length, 0, p.log.map((e) => `${e.status} ${e.url}`).join('\n'));
      } finally {
        p.client.close();
        await p.sb.close();
      }
    });
  }

  it('no email filter and more users than may be read: an error saying so, never "missing"', async () => {
    const p = await pod(['scim-no-email-filter']);
    try {
      await assert.rejects(findUsersBatched(p.client, 'email', emails, { maxScanUsers: 50 }), (e: unknown) => e instanceof ScimLookupError && /refuses every SCIM email filter/.test((e as Error).message));
    } finally {
      p.client.close();
      await p.sb.close();
    }
  });
});
