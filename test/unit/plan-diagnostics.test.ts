// The plan's problems with exact places (issue 13, point 2), as the Problems panel shows them: the
// text each one marks, schema errors, the plan's own rules, and what the quick fixes read.
import { strict as assert } from 'node:assert';
import { diagnosePlan, environmentsIn, valueAt } from '../../src/core/plan/planDiagnostics';
import { testPlan } from './plan.helpers';

const marked = (text: string, p: { offset: number; length: number }) => text.slice(p.offset, p.offset + p.length);

describe('plan diagnostics: exact ranges for schema errors and refinements (issue 13)', () => {
  const base = () => JSON.parse(JSON.stringify(testPlan('https://abcd-dev1.fa.us2.oraclecloud.com'))) as Record<string, unknown> & { environments: Record<string, Record<string, unknown>> };

  it('a valid plan has no problem', () => {
    assert.deepEqual(diagnosePlan(JSON.stringify(base(), null, 2)), []);
  });

  it('an unknown default environment marks its value, names the environments to choose from', () => {
    const plan = { ...base(), defaultEnvironment: 'prod' };
    plan.environments.test = { url: 'https://abcd-test.fa.us2.oraclecloud.com' };
    const text = JSON.stringify(plan, null, 2);
    const [p, ...rest] = diagnosePlan(text);
    assert.deepEqual(rest, []);
    assert.equal(p!.code, 'unknown-default-environment');
    assert.equal(marked(text, p!), '"prod"');
    assert.deepEqual(p!.environments, ['sandbox', 'test']);
    assert.match(p!.message, /no environment named "prod" \(the plan has "sandbox", "test"\)/);
  });

  it('a secret marks its property (key and value), says where it belongs, and is not also reported as an unknown field', () => {
    const plan = base();
    plan.environments.sandbox!.username = 'it.admin';
    plan.environments.sandbox!.password = 'hunter2';
    (plan.oauth as unknown) = undefined;
    (plan as Record<string, unknown>).extra = { clientSecret: 's3cr3t', note: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----' };
    const text = JSON.stringify(plan, null, 2);
    const problems = diagnosePlan(text);
    const secrets = problems.filter((p) => p.code === 'secret-in-plan');
    assert.deepEqual(secrets.map((p) => marked(text, p).split(':')[0]), ['"password"', '"clientSecret"', '"note"']);
    assert.deepEqual(secrets.map((p) => p.secret?.kind), ['admin-password', 'client-secret', 'private-key']);
    assert.equal(secrets[0]!.secret?.environment, 'sandbox');
    assert.deepEqual(secrets[0]!.path, ['environments', 'sandbox', 'password']);
    assert.match(secrets[0]!.message, /Move it to SecretStorage \("Set Credentials"\), bound to the pod/);
    // The user name beside the password is an unknown field (said once); "password" is not said twice.
    const unknown = problems.filter((p) => p.code === 'schema').map((p) => marked(text, p));
    assert.ok(unknown.includes('"username"'), unknown.join(', '));
    assert.ok(!unknown.includes('"password"'));
    assert.ok(unknown.includes('"extra"'));
    // What the quick fix reads from the document itself (the plan is not valid while it holds a secret).
    assert.equal(valueAt(text, ['environments', 'sandbox', 'password']), 'hunter2');
    assert.deepEqual(environmentsIn(text), [{ name: 'sandbox', url: 'https://abcd-dev1.fa.us2.oraclecloud.com' }]);
  });

  it('schema errors mark the value (an enum), the field (a missing one marks its object), and suggest a near name', () => {
    const plan = base() as Record<string, unknown>;
    plan.auth = 'saml';
    delete (plan.integrationUser as Record<string, unknown>).email;
    plan.Provider = 'coursera';
    const text = JSON.stringify(plan, null, 2);
    const problems = diagnosePlan(text);
    const byPath = new Map(problems.map((p) => [p.path.join('.'), p]));
    assert.equal(marked(text, byPath.get('auth')!), '"saml"');
    assert.equal(marked(text, byPath.get('integrationUser.email')!), '"integrationUser"', 'a missing field marks the key of its object');
    assert.match(byPath.get('Provider')!.message, /did you mean "provider"\?/);
    // In text order, one after the other.
    assert.deepEqual(problems.map((p) => p.offset), [...problems.map((p) => p.offset)].sort((x, y) => x - y));
  });

  it('JSON syntax errors have their offset (the extension leaves them to VS Code\'s JSON support); a BOM shifts nothing', () => {
    const [p] = diagnosePlan('{ "version": 1, }');
    assert.equal(p!.code, 'json-syntax');
    assert.equal(p!.offset, 16);
    const plan = { ...base(), defaultEnvironment: 'nope' };
    const text = '\ufeff' + JSON.stringify(plan, null, 2);
    const q = diagnosePlan(text).find((x) => x.code === 'unknown-default-environment')!;
    assert.equal(marked(text, q), '"nope"');
  });
});
