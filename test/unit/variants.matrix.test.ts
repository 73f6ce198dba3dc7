/**
 * The variant matrix (issue 10): every command a user runs against a pod (`status`, `apply --all`
 * twice, `probe`, `inspect xapi --env`), against the plain sandbox and against every sandbox
 * variant (a detail Oracle does not publish switched to a plausible alternative: field names, ESS
 * words and query rules, SCIM filter support, a release without learningSelfPacedItems, an
 * administrator with fewer or more duties). It asserts, per variant:
 *
 * - no crash (exit 0 or 1, never a stack, never exit 2 after sign-in);
 * - no step turned needs-action or failed by an unreadable answer: a step is needs-action/failed
 *   on a variant only where it is so on the plain sandbox at the same point;
 * - no attestation contradicted by one: a step attested on the plain sandbox stays attested;
 * - no duplicate user, role membership or daily schedule after two applies, and the bulk-ingest
 *   schedule carries its OLC-REST parameter;
 * - a message naming what differed (in the status, the probe or the inspector's answer);
 * - the probe reports the variant's assumptions as the variant plays them;
 * - the inspector never says "no such user" or "unknown content" for a learner or item that exists.
 *
 * Real HTTP against the sandbox, the `oli` command run in-process.
 */
import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VARIANT_NAMES } from '../../src/sandbox/variants';
import { runOli } from './helpers/cli';
import { basic } from './helpers/sandbox';
import { createJobRole, planFixture, ROLE, type PlanFixture } from './plan.helpers';

type Variant = (typeof VARIANT_NAMES)[number] | 'plain';

interface StepJson {
  id: string;
  status: string;
  detail: string;
  basis?: string;
  checks: { id: string; outcome: string; basis: string; message: string }[];
}

interface Run {
  /** Step statuses after each command: status, apply 1, apply 2. */
  checkpoints: Record<'status' | 'apply1' | 'apply2', Map<string, StepJson>>;
  probe: { assumptions: { id: string; outcome: string; status?: number; detail: string; basis: string }[]; missingPrivileges: { step: string }[]; learned: Record<string, any>; requests: number };
  probeText: string;
  inspect: { results: { index: number; lands: boolean; reasons: { code: string; message: string }[] }[] };
  outputs: string;
  schedules: Map<string, { active: number; parameters: unknown[] }>;
  users: number;
  memberships: number;
}

const AUDITOR = { userName: 'auditor.matrix', password: 'Auditor-Pass-1234' };
const GUIDED = ['provider-account', 'sso', 'self-paced-learning', 'job-role', 'external-provider', 'api-authentication'];

function tomorrowAt(hour: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

async function oliJson(f: PlanFixture, args: string[]): Promise<{ code: number; json: any; stdout: string; stderr: string }> {
  const env = { OLI_USERNAME: f.credentials.admin!.username, OLI_PASSWORD: (f.credentials.admin as { password: string }).password, OLI_ACTOR: 'matrix.tester' };
  const r = await runOli(args, { cwd: f.dir, env });
  assert.ok(r.code === 0 || r.code === 1, `oli ${args.join(' ')} crashed or failed to connect (exit ${r.code}): ${r.stderr}`);
  assert.ok(!/\n\s+at .+\(.+:\d+:\d+\)/.test(r.stderr), `no stack trace: ${r.stderr}`);
  let json: unknown;
  if (args.includes('--json')) json = JSON.parse(r.stdout);
  return { code: r.code, json, stdout: r.stdout, stderr: r.stderr };
}

/** The same scenario on every pod: what an implementer has done in the UI, then the commands. */
async function play(variant: Variant): Promise<Run> {
  const f = await planFixture({ users: 40, ...(variant === 'plain' ? {} : { variants: [variant] }) });
  try {
    // What the administrator did in the Oracle UI (sandbox hooks stand in for it).
    await createJobRole(f);
    await f.admin.createUser({ userName: 'user.coursera', email: 'user.coursera@example.com', withPerson: false });
    await f.admin.configureExternalProvider({ provider: 'Coursera', userName: 'user.coursera', catalogProfile: 'Coursera', visibility: 'public', learnerIdentifier: 'email' });
    await f.admin.createUser({ userName: AUDITOR.userName, email: 'auditor.matrix@example.com', withPerson: false, password: AUDITOR.password, roles: ['ORA_FND_IT_SECURITY_MANAGER_JOB', 'ORA_WLF_LEARNING_ADMINISTRATOR_JOB'] });
    const jobs = (await f.admin.info()).jobDefinitions;
    await f.admin.submitInScheduledProcesses(jobs.loadAndSynchronizeExternalCourseData!, { frequency: 'DAILY', interval: 1, startTime: tomorrowAt(1) });
    for (const key of ['bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions']) await f.admin.submitInScheduledProcesses(jobs[key]!);
    for (const step of GUIDED) await oliJson(f, ['attest', step, '--note', `checked in the pod (${step})`]);

    let outputs = '';
    const steps = async (args: string[]) => {
      const r = await oliJson(f, [...args, '--json']);
      outputs += r.stdout + r.stderr;
      return new Map<string, StepJson>((r.json.steps as StepJson[]).map((s) => [s.id, s]));
    };
    const status = await steps(['status']);
    const apply1 = await steps(['apply', '--all']);
    const apply2 = await steps(['apply', '--all']);

    const probe = await oliJson(f, ['probe', '--json']);
    const probeText = (await oliJson(f, ['probe'])).stdout;
    outputs += probeText;

    // A learner and an item that exist (a seeded user, a seeded internal course), and a learner who does not.
    const auditor = basic(AUDITOR.userName, AUDITOR.password);
    const users = await (await fetch(`${f.url}/hcmRestApi/scim/Users?count=40&attributes=userName,emails,active`, { headers: { authorization: auditor } })).json();
    const listed = users.Resources as { userName: string; active: boolean; emails?: { value: string; primary?: boolean }[] }[];
    const primaryOf = (u: (typeof listed)[number]) => u.emails?.find((e) => e.primary)?.value.toLowerCase();
    const learner = listed.find((u) => u.active && /^[a-z]+\.[a-z]+\d+$/.test(u.userName) && primaryOf(u) && listed.filter((x) => primaryOf(x) === primaryOf(u)).length === 1)!;
    const email = primaryOf(learner)!;
    const statement = (actor: string) => ({
      actor: { mbox: `mailto:${actor}` },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      object: { id: 'https://learning.example.com/internal/1' },
      timestamp: '2025-05-01T12:00:00Z',
    });
    await writeFile(join(f.dir, 'statements.json'), JSON.stringify([statement(email), statement('nobody.matrix@example.com')]));
    const inspect = await oliJson(f, ['inspect', 'xapi', 'statements.json', '--env', 'sandbox', '--json']);
    outputs += inspect.stdout;

    // What the pod holds afterwards, read by an auditor who may read everything.
    const schedules = new Map<string, { active: number; parameters: unknown[] }>();
    for (const [key, id] of Object.entries(jobs).filter(([k]) => k !== 'reconcileUserGroups')) {
      const q = encodeURIComponent(`jobDefinitionId eq "${id}"`);
      const list = await (await fetch(`${f.url}/ess/rest/scheduler/v1/requests?q=${q}`, { headers: { authorization: auditor } })).json();
      const active = (list.items as { requestId: number; state: string; scheduleDefinition?: unknown }[]).filter((r) => r.scheduleDefinition && !['CANCELLED', 'SUCCEEDED', 'ERROR'].includes(r.state));
      const parameters: unknown[] = [];
      for (const r of active) parameters.push(...((await (await fetch(`${f.url}/ess/rest/scheduler/v1/requests/${r.requestId}?fields=@full`, { headers: { authorization: auditor } })).json()).requestParameters ?? []));
      schedules.set(key, { active: active.length, parameters });
    }
    const found = await (await fetch(`${f.url}/hcmRestApi/scim/Users?filter=${encodeURIComponent('userName eq "user.coursera"')}`, { headers: { authorization: auditor } })).json();
    const role = await (await fetch(`${f.url}/hcmRestApi/scim/Roles?filter=${encodeURIComponent(`name eq "${ROLE}"`)}`, { headers: { authorization: auditor } })).json();
    const userId = found.Resources[0]?.id;
    const memberships = (role.Resources[0]?.members ?? []).filter((m: { value: string }) => m.value === userId).length;
    return { checkpoints: { status, apply1, apply2 }, probe: probe.json, probeText, inspect: inspect.json, outputs, schedules, users: found.Resources.length, memberships };
  } finally {
    await f.close();
  }
}

/** What each variant must make the product say (the message naming what differed), and what its probe must report. */
const EXPECT: Record<Exclude<Variant, 'plain'>, { says: RegExp; probe: [id: string, outcome: string][] }> = {
  'camel-case-fields': { says: /under another name than ours/, probe: [['learning.selfPacedItems.fields', 'confirmed']] },
  // Some of its names are among our known aliases (Id, Name, LaunchUrl): read, and said so.
  'unexpected-fields': { says: /title=Name/, probe: [['learning.selfPacedItems.fields', 'confirmed'], ['learning.digitalLearningProviders', 'refused']] },
  'ess-recur-parent': { says: /RECUR_PARENT/, probe: [['ess.requestType', 'confirmed']] },
  'ess-no-request-type': { says: /carry no requestType/, probe: [['ess.requestType', 'not-available'], ['ess.scheduleDefinition', 'confirmed']] },
  'ess-strict-query': { says: /no paging parameter: none is documented/, probe: [['ess.query', 'confirmed'], ['ess.query.q', 'confirmed']] },
  'scim-no-email-filter': { says: /No email filter is accepted/, probe: [['scim.filter.email', 'contradicted'], ['scim.filter.email.valuePath', 'contradicted']] },
  'scim-no-or': { says: /refused an `or` filter/, probe: [['scim.filter.or', 'contradicted']] },
  'scim-short-filter': { says: /Longer filters were refused/, probe: [['scim.filter.or', 'confirmed'], ['scim.filter.batch', 'contradicted']] },
  'no-self-paced-api': { says: /404 Not Found: this release may not have the API/, probe: [['learning.selfPacedItems', 'not-available']] },
  'admin-security-only': {
    says: /userAccounts answered 403 Forbidden/,
    probe: [
      ['userAccounts', 'refused'],
      ['ess.query', 'refused'],
      ['learning.selfPacedItems', 'refused'],
      ['scim.filter.userName', 'confirmed'],
    ],
  },
  'admin-provider-duty': { says: /digitalLearningProviders readable by the administrator: confirmed/, probe: [['learning.digitalLearningProviders', 'confirmed']] },
  // Only rows change (every learner's instead of the caller's own): oli health and oli why read them (test/unit/health.test.ts, why.test.ts).
  'admin-reads-all-records': { says: /learnerLearningRecords readable by the administrator: confirmed/, probe: [['learning.learnerLearningRecords', 'confirmed']] },
};

describe('variant matrix: status, apply twice, probe and inspect xapi on every pod variant', function () {
  this.timeout(300_000);
  let plain: Run;

  before(async () => {
    plain = await play('plain');
  });

  it('the plain sandbox: everything done or attested after apply, one schedule per process, the bulk ingest with OLC-REST', () => {
    for (const [id, s] of plain.checkpoints.apply2) assert.ok(['done', 'attested', 'not-applicable'].includes(s.status), `${id}: ${s.status} ${s.detail}`);
    for (const [key, s] of plain.schedules) assert.equal(s.active, 1, `${key}: ${s.active} daily schedules`);
    assert.ok(plain.schedules.get('bulkIngestToOscs')!.parameters.some((p) => (p as { value?: string }).value === 'OLC-REST'), JSON.stringify(plain.schedules.get('bulkIngestToOscs')));
    assert.equal(plain.inspect.results[0]!.lands, true, JSON.stringify(plain.inspect.results[0]));
    assert.deepEqual(plain.inspect.results[1]!.reasons.map((r) => r.code), ['no-such-user']);
    // The default administrator lacks the provider duty: the probe says which step it costs.
    assert.equal(plain.probe.assumptions.find((a) => a.id === 'learning.digitalLearningProviders')?.outcome, 'refused');
    assert.ok(plain.probe.missingPrivileges.some((m) => m.step === 'external-provider'));
  });

  for (const variant of VARIANT_NAMES) {
    it(`${variant}: no crash, no step made worse by an unreadable answer, no duplicate, says what differed`, async () => {
      const run = await play(variant);
      for (const point of ['status', 'apply1', 'apply2'] as const) {
        for (const [id, s] of run.checkpoints[point]) {
          const base = plain.checkpoints[point].get(id)!;
          if (['needs-action', 'failed'].includes(s.status))
            assert.ok(['needs-action', 'failed', 'blocked'].includes(base.status), `${variant} ${point} ${id}: ${s.status} (plain: ${base.status}): ${s.detail} ${JSON.stringify(s.checks)}`);
          if (base.status === 'attested') assert.equal(s.status, 'attested', `${variant} ${point} ${id}: the attestation must stand: ${s.detail}`);
          for (const c of s.checks) assert.ok(['documented', 'inferred', 'stand-in'].includes(c.basis), `${id}/${c.id} has a basis`);
        }
      }
      // Never two of anything.
      assert.equal(run.users, 1, 'one integration user');
      assert.equal(run.memberships, 1, 'one membership of the job role');
      for (const [key, s] of run.schedules) assert.ok(s.active <= 1, `${variant}: ${key} has ${s.active} daily schedules`);
      if (variant !== 'admin-security-only') {
        for (const [key, s] of run.schedules) assert.equal(s.active, 1, `${variant}: ${key} is scheduled once`);
        assert.ok(run.schedules.get('bulkIngestToOscs')!.parameters.some((p) => (p as { value?: string }).value === 'OLC-REST'), 'the bulk ingest carries its parameter');
      }
      // The inspector never invents a missing learner or content.
      const known = run.inspect.results[0]!;
      assert.ok(!known.reasons.some((r) => r.code === 'no-such-user' || r.code === 'unknown-content'), `${variant}: ${JSON.stringify(known.reasons)}`);
      assert.ok(!run.inspect.results[1]!.lands, 'an unknown learner never lands');
      // The probe plays the variant back, and something names what differed.
      for (const [id, outcome] of EXPECT[variant].probe) {
        const a = run.probe.assumptions.find((x) => x.id === id);
        assert.equal(a?.outcome, outcome, `${variant}: probe ${id}: ${JSON.stringify(a)}`);
      }
      assert.match(run.outputs, EXPECT[variant].says, `${variant}: a message names what differed`);
    });
  }
});
