import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parsePlan, PlanFileError, PROVIDER_IDS, resolveEnvironment, serializePlan, type PlanFile } from '../../src/core/plan/planFile';
import { planJsonSchema } from '../../src/core/plan/planSchemaJson';
import { getProfile, notApplicableReason, PROVIDER_PROFILES } from '../../src/core/plan/profiles';
import { STEP_IDS } from '../../src/core/plan/stepIds';

const valid: PlanFile = {
  version: 1,
  provider: 'coursera',
  auth: 'jwt',
  environments: { dev: { url: 'https://abcd-dev1.fa.us2.oraclecloud.com' }, prod: { url: 'https://abcd.fa.us2.oraclecloud.com', production: true } },
  defaultEnvironment: 'dev',
  integrationUser: { userName: 'user.coursera', email: 'user.coursera@example.com' },
  jobRole: { name: 'XX_COURSERA_JOB' },
  learnerIdentifier: 'email',
  jwt: { issuer: 'coursera', certificate: 'coursera.cer' },
  catalogProfile: 'Default',
  visibility: 'public',
  scheduledProcesses: {},
  ess: { application: 'EarHcmEss', startTime: '02:00' },
};

function refusal(plan: unknown): string {
  try {
    parsePlan(JSON.stringify(plan));
  } catch (err) {
    assert.ok(err instanceof PlanFileError);
    return err.message;
  }
  assert.fail('the plan was accepted');
}

describe('plan file', () => {
  it('round-trips a valid plan', () => {
    assert.deepEqual(parsePlan(serializePlan(valid)), valid);
  });

  it('refuses secrets, unknown keys, plain http to a real pod and a missing variant section, each with the path', () => {
    assert.match(refusal({ ...valid, integrationUser: { ...valid.integrationUser, password: 'x' } }), /integrationUser/);
    assert.match(refusal({ ...valid, oauth: { clientId: 'a', tokenUrl: 'https://x/oauth2/v1/token', scope: 's', clientSecret: 'shh' } }), /oauth/);
    assert.match(refusal({ ...valid, environments: { dev: { url: 'http://abcd.fa.us2.oraclecloud.com' } } }), /only allowed for a local sandbox/);
    assert.match(refusal({ ...valid, environments: { dev: { url: 'https://user:pw@abcd.fa.us2.oraclecloud.com' } } }), /user name or password/);
    assert.match(refusal({ ...valid, jwt: undefined }), /needs a "jwt" section/);
    assert.match(refusal({ ...valid, defaultEnvironment: 'qa' }), /no environment named "qa"/);
    assert.match(refusal({ ...valid, integrationUser: { ...valid.integrationUser, userName: ' user.coursera' } }), /leading or trailing/);
    assert.match(refusal({ ...valid, scheduledProcesses: { reconcileUserGroups: 'ReconcileUserGroups' } }), /JobDefinition:\/\//);
  });

  it('says what is wrong with broken JSON', () => {
    assert.throws(() => parsePlan('{"version": 1,'), /not valid JSON .* 'oli init'/);
  });

  it('chooses the named, default or only environment', () => {
    assert.equal(resolveEnvironment(valid).name, 'dev');
    assert.equal(resolveEnvironment(valid, 'prod').name, 'prod');
    assert.throws(() => resolveEnvironment(valid, 'qa'), /No environment "qa" .*known: dev, prod/);
    assert.throws(() => resolveEnvironment({ ...valid, defaultEnvironment: undefined }), /choose one with --env/);
  });

  it('the shipped JSON Schema is the one generated from the zod schema', () => {
    assert.deepEqual(JSON.parse(readFileSync('schemas/oracle-learning.schema.json', 'utf8')), JSON.parse(JSON.stringify(planJsonSchema())), 'run: node --import tsx scripts/gen-schema.ts');
  });
});

describe('provider profiles', () => {
  it('every provider and variant has all eleven steps with texts, guidance and a documentation link', () => {
    for (const p of PROVIDER_PROFILES) {
      for (const auth of p.auths) {
        const profile = getProfile(p.id, auth);
        assert.deepEqual(profile.steps.map((s) => s.id), [...STEP_IDS], `${p.id}/${auth}`);
        for (const s of profile.steps) {
          assert.ok(s.title && s.oracleAsks && s.docUrl.startsWith('https://docs.oracle.com/'), `${p.id}/${auth}/${s.id}`);
          if (s.automation === 'guided' && !notApplicableReason(p, auth, s.id)) assert.ok(s.guidance.checklist.length > 0 || s.id === 'api-authentication', `${p.id}/${s.id} guidance`);
        }
      }
    }
    assert.equal(PROVIDER_IDS.length, PROVIDER_PROFILES.length);
  });

  it('variants differ where Oracle says: OAuth replaces API Authentication; AICC providers skip the xAPI steps', () => {
    const coursera = PROVIDER_PROFILES.find((p) => p.id === 'coursera')!;
    assert.match(notApplicableReason(coursera, 'oauth', 'api-authentication') ?? '', /confidential application/);
    assert.equal(notApplicableReason(coursera, 'jwt', 'api-authentication'), undefined);
    const biz = PROVIDER_PROFILES.find((p) => p.id === 'bizlibrary')!;
    assert.match(notApplicableReason(biz, 'oauth', 'integration-user') ?? '', /AICC/);
    assert.equal(notApplicableReason(biz, 'oauth', 'external-provider'), undefined);
    assert.match(getProfile('bizlibrary', 'oauth').steps.find((s) => s.id === 'external-provider')!.oracleAsks, /client ID and client secret/);
    assert.throws(() => getProfile('go1', 'jwt'), /does not document the "jwt" variant/);
    // LinkedIn's own client application is a checklist item of its Configure External Providers step, and only of its.
    const providerChecklist = (id: 'linkedin-learning' | 'coursera', auth: 'oauth') => getProfile(id, auth).steps.find((s) => s.id === 'external-provider')!.guidance.checklist.join(' ');
    assert.match(providerChecklist('linkedin-learning', 'oauth'), /own client application, created in the LinkedIn Learning admin center/);
    assert.doesNotMatch(providerChecklist('coursera', 'oauth'), /client application/);
  });

  it('the job-role guidance carries the LBAC / IP caution, and deep links are paths on the pod', () => {
    const jobRole = getProfile('coursera', 'jwt').steps.find((s) => s.id === 'job-role')!;
    assert.match(jobRole.guidance.cautions!.join(' '), /LBAC or IP restrictions/);
    for (const s of getProfile('coursera', 'jwt').steps) if (s.guidance.deepLink) assert.match(s.guidance.deepLink.path, /^\//);
  });
});
