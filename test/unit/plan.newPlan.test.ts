import { strict as assert } from 'node:assert';
import { newPlan, NewPlanError } from '../../src/core/plan/newPlan';
import { parsePlan } from '../../src/core/plan/planFile';
import { ProfileError } from '../../src/core/plan/profiles';

describe('newPlan (shared by oli init and the extension)', () => {
  it('fills the documented defaults for Coursera JWT', () => {
    const { plan, emailIsPlaceholder } = newPlan({ provider: 'coursera', environments: [{ name: 'dev', url: 'https://abcd-dev1.fa.us2.oraclecloud.com//' }, { name: 'prod', url: 'https://abcd.fa.us2.oraclecloud.com' }], issuer: 'https://coursera.test/iss' });
    assert.equal(plan.auth, 'jwt');
    assert.equal(plan.defaultEnvironment, 'dev');
    assert.deepEqual(Object.keys(plan.environments), ['dev', 'prod']);
    assert.equal(plan.environments.dev!.url, 'https://abcd-dev1.fa.us2.oraclecloud.com');
    assert.deepEqual(plan.integrationUser, { userName: 'user.coursera', email: 'user.coursera@example.com' });
    assert.equal(plan.jobRole.name, 'XX_COURSERA_CONTENT_PROVIDER_JOB');
    assert.deepEqual(plan.jwt, { issuer: 'https://coursera.test/iss', certificate: 'coursera.cer' });
    assert.equal(plan.oauth, undefined);
    assert.equal(plan.learnerIdentifier, 'email');
    assert.deepEqual(plan.ess, { application: 'EarHcmEss', startTime: '02:00' });
    assert.equal(emailIsPlaceholder, true);
    // What it returns is what the plan file parser accepts.
    assert.deepEqual(parsePlan(JSON.stringify(plan)), plan);
  });

  it('honours every explicit value and the OAuth variant', () => {
    const { plan, emailIsPlaceholder } = newPlan({
      provider: 'go1',
      auth: 'oauth',
      environments: [{ name: 'test', url: 'http://127.0.0.1:8642' }],
      integrationUser: 'svc.go1',
      email: 'svc.go1@corp.example',
      jobRole: 'XX_GO1_JOB',
      clientId: 'cid',
      tokenUrl: 'https://idcs-x.identity.oraclecloud.com/oauth2/v1/token',
      scope: 'urn:opc:resource:fa:instanceid=1urn:opc:resource:consumer::all',
      learnerIdentifier: 'username',
      visibility: 'private',
      catalogProfile: 'Go1 Catalog',
    });
    assert.equal(plan.provider, 'go1');
    assert.equal(plan.jwt, undefined);
    assert.equal(plan.oauth?.clientId, 'cid');
    assert.equal(plan.integrationUser.userName, 'svc.go1');
    assert.equal(plan.jobRole.name, 'XX_GO1_JOB');
    assert.equal(plan.learnerIdentifier, 'username');
    assert.equal(plan.visibility, 'private');
    assert.equal(plan.catalogProfile, 'Go1 Catalog');
    assert.equal(emailIsPlaceholder, false);
  });

  it('refuses a JWT plan without an issuer with a typed error naming the field', () => {
    assert.throws(
      () => newPlan({ provider: 'coursera', auth: 'jwt', environments: [{ name: 'dev', url: 'https://abcd.fa.us2.oraclecloud.com' }] }),
      (e: unknown) => e instanceof NewPlanError && e.reason === 'invalid-plan' && /jwt\.issuer/.test(e.issues) && /would not be valid/.test(e.message),
    );
  });

  it('refuses a variant the provider does not document', () => {
    assert.throws(() => newPlan({ provider: 'go1', auth: 'jwt', environments: [{ name: 'dev', url: 'https://abcd.fa.us2.oraclecloud.com' }], issuer: 'x' }), ProfileError);
  });
});
