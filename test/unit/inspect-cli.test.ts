import { strict as assert } from 'node:assert';
import { stdinFrom } from './helpers/cli';
import { writeFileSync } from 'node:fs';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';
import { OpenSslFactory, type MadeCert } from '../fixtures/inspect/openssl';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function oli(args: string[], cwd: string, stdin = ''): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    ...stdinFrom(stdin),
    env: {},
    cwd,
    signal: new AbortController().signal,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

const CERT_KEYS = ['subject', 'issuer', 'serialNumber', 'notBefore', 'notAfter', 'status', 'keyType', 'keySize', 'curve', 'signatureAlgorithm', 'sha1', 'sha256', 'x5t', 'x5tS256', 'subjectAltNames', 'isCA', 'selfSigned'];

describe('oli inspect (CLI)', function () {
  this.timeout(60_000);
  const f = new OpenSslFactory();
  let cert: MadeCert, expired: MadeCert, ec: MadeCert;
  let x5t: string;
  const NOW = '2026-06-01T12:00:00Z';
  const t = Math.floor(Date.parse(NOW) / 1000);

  function rs256(header: Record<string, unknown>, payload: Record<string, unknown>, keyFile = cert.keyFile): string {
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${input}.${f.run(['dgst', '-sha256', '-sign', keyFile, '-binary'], input).toString('base64url')}`;
  }

  before(() => {
    cert = f.cert('cli', 'rsa2048', { cn: 'cli-provider' });
    expired = f.cert('cliexpired', 'rsa2048', { start: '20200101000000Z', end: '20210101000000Z' });
    ec = f.cert('cliec', 'ec256');
    x5t = Buffer.from(f.fingerprints(cert.certFile).sha1, 'hex').toString('base64url');
  });
  after(() => f.cleanup());

  it('cert --json prints the documented shape, certificates in file order; exit 0', async () => {
    writeFileSync(f.path('chain.pem'), Buffer.concat([f.read(cert.certFile), f.read(ec.certFile)]));
    const r = await oli(['inspect', 'cert', 'chain.pem', '--json', '--now', NOW], f.dir);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['certificates', 'privateKey', 'problems']);
    assert.equal(j.certificates.length, 2);
    for (const c of j.certificates) assert.deepEqual(Object.keys(c), CERT_KEYS);
    assert.equal(j.certificates[0].sha1, f.fingerprints(cert.certFile).sha1);
    assert.equal(j.certificates[1].curve, 'P-256');
    assert.equal(j.privateKey, false);
    assert.deepEqual(j.problems, []);
  });

  it('cert: expired and not-RSA exit 1; PKCS#12 with --password; human output is compact', async () => {
    const e = await oli(['inspect', 'cert', expired.certFile, '--json'], f.dir);
    assert.equal(e.code, 1);
    assert.deepEqual(JSON.parse(e.out).problems.map((p: { code: string }) => p.code), ['expired']);
    assert.deepEqual(Object.keys(JSON.parse(e.out).problems[0]), ['code', 'message']);
    assert.equal((await oli(['inspect', 'cert', ec.certFile, '--now', NOW], f.dir)).code, 1);
    const p12 = f.pkcs12('cli', cert.keyFile, [cert.certFile], 'pw');
    const ok = await oli(['inspect', 'cert', p12, '--password', 'pw', '--now', NOW], f.dir);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^Certificate 1: CN=cli-provider/);
    assert.match(ok.out, new RegExp(`x5t +${x5t}`));
    assert.match(ok.out, /private key: present/);
    assert.ok(ok.out.split('\n').length < 25);
    const soon = await oli(['inspect', 'cert', cert.certFile, '--now', '2044-12-20T00:00:00Z', '--warn-days', '30', '--json'], f.dir);
    assert.equal(soon.code, 0, 'expiring is a warning, not a failure');
    assert.equal(JSON.parse(soon.out).certificates[0].status, 'expiring');
  });

  it('cert: unreadable, wrong password, not a certificate, bad options: exit 2 with one line', async () => {
    const p12 = f.pkcs12('cli2', cert.keyFile, [cert.certFile], 'pw');
    writeFileSync(f.path('junk.txt'), 'not a certificate');
    for (const args of [
      ['inspect', 'cert', 'missing.pem'],
      ['inspect', 'cert', p12, '--password', 'nope'],
      ['inspect', 'cert', 'junk.txt'],
      ['inspect', 'cert', cert.keyFile],
      ['inspect', 'cert', cert.certFile, '--warn-days', 'soon'],
      ['inspect', 'cert', cert.certFile, '--now', 'yesterday'],
      ['inspect', 'nothing'],
    ]) {
      const r = await oli(args, f.dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.out, '');
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.ok(!/\bat .+:\d+:\d+/.test(r.err), 'no stack trace');
    }
    const wrong = await oli(['inspect', 'cert', p12, '--password', 'nope'], f.dir);
    assert.match(wrong.err, /password is wrong/);
    assert.ok(!wrong.err.includes('nope'), 'the password is never echoed');
  });

  it('jwt --json prints the documented shape; exit 0 valid, 1 invalid, 2 not a JWT', async () => {
    const claims = { iss: 'Coursera', prn: 'user.coursera', sub: 'user.coursera', iat: t - 10, exp: t + 300 };
    const tok = rs256({ alg: 'RS256', typ: 'JWT', x5t }, claims);
    writeFileSync(f.path('tok.jwt'), tok + '\n');
    const ok = await oli(['inspect', 'jwt', '@tok.jwt', '--cert', cert.certFile, '--issuer', 'Coursera', '--user', 'user.coursera', '--now', NOW, '--json'], f.dir);
    assert.equal(ok.code, 0, ok.out + ok.err);
    const j = JSON.parse(ok.out);
    assert.deepEqual(Object.keys(j), ['header', 'payload', 'signature', 'checks', 'valid']);
    assert.deepEqual(Object.keys(j.signature), ['verified', 'reason']);
    for (const c of j.checks) assert.deepEqual(Object.keys(c), ['id', 'ok', 'message']);
    assert.equal(j.valid, true);
    assert.equal(j.payload.prn, 'user.coursera');
    // stdin, wrong issuer: decoded header and payload still shown, exit 1
    const bad = await oli(['inspect', 'jwt', '-', '--cert', cert.certFile, '--issuer', 'coursera', '--now', NOW, '--json'], f.dir, tok);
    assert.equal(bad.code, 1);
    const b = JSON.parse(bad.out);
    assert.equal(b.valid, false);
    assert.equal(b.header.x5t, x5t);
    assert.deepEqual(b.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { id: string }) => c.id), ['iss']);
    // human output
    const human = await oli(['inspect', 'jwt', tok, '--cert', cert.certFile, '--issuer', 'Coursera', '--now', NOW], f.dir);
    assert.match(human.out, /Signature  signature verified with certificate 1/);
    assert.match(human.out, /Result: valid/);
    // not a JWT
    const nj = await oli(['inspect', 'jwt', 'hello', '--cert', cert.certFile], f.dir);
    assert.equal(nj.code, 2);
    assert.match(nj.err, /not a JWT/);
    // generic mode needs --alg
    assert.equal((await oli(['inspect', 'jwt', tok, '--key', cert.certFile], f.dir)).code, 2);
    const generic = await oli(['inspect', 'jwt', tok, '--key', cert.certFile, '--alg', 'RS256,PS256', '--now', NOW, '--json'], f.dir);
    assert.equal(generic.code, 0, generic.out);
  });

  it('xapi --json prints the documented shape for NDJSON; exit 1 when any statement is invalid; 2 for non-JSON', async () => {
    const good = { actor: { mbox: 'mailto:a@example.com' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://www.coursera.org/learn/x' }, result: { duration: 'PT10M', score: { scaled: 0.5 } }, timestamp: '2025-01-01T00:00:00Z' };
    writeFileSync(f.path('s.ndjson'), `${JSON.stringify(good)}\n${JSON.stringify({ ...good, actor: { mbox: 'a@example.com' } })}\n`);
    const r = await oli(['inspect', 'xapi', 's.ndjson', '--json'], f.dir);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['results', 'summary']);
    assert.deepEqual(j.summary, { total: 2, valid: 1, invalid: 1 });
    assert.deepEqual(Object.keys(j.results[0]), ['index', 'valid', 'errors', 'oracle']);
    assert.deepEqual(Object.keys(j.results[0].oracle), ['learner', 'contentId', 'verb', 'completion', 'timestamp', 'durationSeconds', 'score']);
    assert.deepEqual(j.results[0].oracle, { learner: { by: 'email', value: 'a@example.com' }, contentId: 'https://www.coursera.org/learn/x', verb: 'http://adlnet.gov/expapi/verbs/completed', completion: true, timestamp: '2025-01-01T00:00:00Z', durationSeconds: 600, score: 0.5 });
    assert.deepEqual(j.results[1].errors.map((e: { path: string }) => e.path), ['actor.mbox']);
    assert.deepEqual(Object.keys(j.results[1].errors[0]), ['path', 'message']);
    // one statement from stdin, 2.0
    const one = await oli(['inspect', 'xapi', '-', '--version', '2.0', '--json'], f.dir, JSON.stringify(good, null, 2));
    assert.equal(one.code, 0, one.err);
    assert.deepEqual(JSON.parse(one.out).summary, { total: 1, valid: 1, invalid: 0 });
    const human = await oli(['inspect', 'xapi', 's.ndjson'], f.dir);
    assert.match(human.out, /#0 \(line 1\) valid +email a@example.com; content https:\/\/www.coursera.org\/learn\/x; completed -> completion/);
    assert.match(human.out, /Summary: 2 statements, 1 valid, 1 invalid/);
    writeFileSync(f.path('no.json'), 'this is not json');
    const nj = await oli(['inspect', 'xapi', 'no.json', '--json'], f.dir);
    assert.equal(nj.code, 2);
    assert.equal(nj.out, '');
    assert.equal((await oli(['inspect', 'xapi', 's.ndjson', '--version', '3'], f.dir)).code, 2);
  });
});
