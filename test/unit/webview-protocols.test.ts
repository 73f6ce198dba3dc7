// The webviews' protocols without zod (issue 13, point 6): the hand-written validator refuses what
// it must, keeps only known fields, never throws on anything; the Inspector's saved state never
// holds a private key; the identity check's CSV cannot run as a spreadsheet formula; the webview
// bundles stay light.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { arr, num, obj, opt, schema, str, tagged } from '../../src/views/protocolCheck';
import { inspectorStateSchema, keepableInput } from '../../src/views/inspectorProtocol';
import { stepPageStateSchema, stepPageToHostSchema, toStepPageSchema } from '../../src/views/stepPageProtocol';
import { identityPageToHostSchema } from '../../src/views/identityPageProtocol';
import { identityCsv } from '../../src/core/plan/identityCsv';
import { courseraKeys } from './plan.helpers';

const ROOT = join(__dirname, '..', '..');

describe('webview protocols: the hand-written validator (no zod in the webviews)', () => {
  const message = schema(tagged('type', { hello: obj({ name: str({ min: 1, max: 5 }), n: opt(num({ int: true })), tags: arr(str(), { max: 2 }) }) }));

  it('accepts what it must, drops unknown fields, names the path of what it refuses', () => {
    const ok = message.safeParse({ type: 'hello', name: 'ab', tags: ['x'], extra: 'dropped' });
    assert.deepEqual(ok, { success: true, data: { type: 'hello', name: 'ab', tags: ['x'] } });
    const bad = message.safeParse({ type: 'hello', name: 'abcdef', tags: [] });
    assert.equal(bad.success, false);
    assert.deepEqual(!bad.success && bad.error.issues[0]!.path, ['name']);
    for (const m of [null, 1, 'x', [], {}, { type: 'bye' }, { type: 'hello', name: 1, tags: [] }, { type: 'hello', name: 'a', tags: ['a', 'b', 'c'] }, { type: 'hello', name: 'a', n: 1.5, tags: [] }, { type: 'hello', name: 'a', tags: [], n: Number.NaN }])
      assert.equal(message.safeParse(m).success, false, JSON.stringify(m));
    assert.throws(() => message.parse({ type: 'nope' }), /unknown type/);
  });

  it('never throws on arbitrary values, and a prototype key is data, not a prototype', () => {
    fc.assert(fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (v) => void message.safeParse(v)), { numRuns: 3000, seed: 1313 });
    for (const s of [stepPageToHostSchema, toStepPageSchema, identityPageToHostSchema, inspectorStateSchema]) fc.assert(fc.property(fc.anything(), (v) => void s.safeParse(v)), { numRuns: 1000, seed: 1314 });
    const r = schema(obj({ a: str() }, { loose: true })).parse(JSON.parse('{"a":"x","__proto__":{"polluted":1}}'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(r), Object.prototype);
  });

  it('step page: an attestation note is 3 to 4000 characters; the page state holds which step and the draft only', () => {
    assert.equal(stepPageToHostSchema.safeParse({ type: 'attest', note: 'ok' }).success, false);
    assert.equal(stepPageToHostSchema.safeParse({ type: 'attest', note: 'x'.repeat(4001) }).success, false);
    assert.equal(stepPageToHostSchema.safeParse({ type: 'attest', note: 'checked in the Security Console' }).success, true);
    assert.deepEqual(stepPageStateSchema.parse({ environment: 'dev', step: 'job-role', draft: 'half written', password: 'x' }), { environment: 'dev', step: 'job-role', draft: 'half written' });
  });
});

describe('the Inspector keeps its inputs through hide/show and a reload, never a private key', () => {
  it('keepableInput cuts every PEM private key block out (a certificate pasted with its key keeps the certificate)', () => {
    const k = courseraKeys();
    const both = `${k.certificatePem}\n${k.privateKeyPem}\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFH\n-----END ENCRYPTED PRIVATE KEY-----\n-----BEGIN RSA PRIVATE KEY-----\nunterminated`;
    const kept = keepableInput(both);
    assert.ok(kept.includes('BEGIN CERTIFICATE'));
    assert.ok(!/PRIVATE KEY/.test(kept), kept);
    for (const line of k.privateKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'))) assert.ok(!kept.includes(line));
  });

  it('the saved state is checked when read back: a tampered one is refused, not rendered', () => {
    assert.equal(inspectorStateSchema.safeParse({ inputs: { 'jwt-input': 'a.b.c' }, results: [{ type: 'jwt-result', report: { nope: 1 } }] }).success, false);
    assert.equal(inspectorStateSchema.safeParse({ tab: 'jwt', inputs: { 'jwt-input': 'a.b.c' }, results: [] }).success, true);
  });

  it('the webview script saves only through persist()/keepResult(), which pass every input through keepableInput', () => {
    const src = readFileSync(join(ROOT, 'media/inspector/main.ts'), 'utf8');
    const saves = src.match(/vscode\.setState\(/g) ?? [];
    assert.equal(saves.length, 3, 'persist, keepResult and select save; nothing else');
    assert.match(src, /const kept = keepableInput\(field\.value\);/);
    assert.match(src, /heldKey && id === 'certificate-input'/, 'a certificate input that held a key (PKCS#12 as base64) is not kept at all');
  });
});

describe('identity check: CSV export', () => {
  it('one row per problem with its line; control characters escaped; no cell a spreadsheet would run as a formula', () => {
    const csv = identityCsv({
      by: 'email',
      summary: { total: 4, matched: 1, missing: 1, duplicate: 1, inactive: 0, invalid: 1 },
      problems: [
        { value: '=HYPERLINK("http://evil","x")@example.com', problem: 'missing', message: 'no user', line: 2 },
        { value: 'dup@example.com', problem: 'duplicate', message: 'two users', users: ['a', 'b'], line: 3 },
        { value: 'evil\u001b[2J@example.com', problem: 'invalid', message: 'a control character', line: 5 },
      ],
    });
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'line,value,problem,details,users');
    assert.equal(lines[1], `2,"'=HYPERLINK(""http://evil"",""x"")@example.com",missing,no user,`);
    assert.equal(lines[2], '3,dup@example.com,duplicate,two users,a b');
    assert.equal(lines[3], '5,evil\\x1b[2J@example.com,invalid,a control character,');
    assert.ok(!csv.includes('\u001b'));
  });
});

describe('webview bundles stay light (issue 13: no zod, at most 150 KB)', () => {
  for (const page of ['inspector', 'stepPage', 'identityPage']) {
    it(`dist/webview/${page}.js`, () => {
      const file = join(ROOT, 'dist', 'webview', `${page}.js`);
      assert.ok(existsSync(file), `${file} is missing: npm run test:unit builds it first (npm run build)`);
      const size = statSync(file).size;
      assert.ok(size <= 150 * 1024, `${size} bytes`);
      assert.ok(!/ZodError|\$ZodType|zod\.dev/.test(readFileSync(file, 'utf8')), 'no zod in the bundle');
    });
  }
});
