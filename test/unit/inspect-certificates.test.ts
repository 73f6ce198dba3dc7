import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectCertificates, loadCertificates } from '../../src/core/inspect/certificates';
import { InspectError } from '../../src/core/inspect/errors';
import { OpenSslFactory, type MadeCert } from '../fixtures/inspect/openssl';

const b64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

function expectInspectError(fn: () => unknown, reason: string): InspectError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InspectError, `expected InspectError, got ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
    return err;
  }
  assert.fail(`expected InspectError ${reason}`);
}

describe('inspect: certificates (openssl-made at test time)', function () {
  this.timeout(60_000);
  const f = new OpenSslFactory();
  let rsa: MadeCert, ec256: MadeCert, ec384: MadeCert, ed: MadeCert, expired: MadeCert, future: MadeCert, root: MadeCert, inter: MadeCert, leaf: MadeCert, small: MadeCert;
  const now = new Date('2026-06-01T00:00:00Z');

  before(() => {
    rsa = f.cert('rsa', 'rsa2048');
    ec256 = f.cert('ec256', 'ec256');
    ec384 = f.cert('ec384', 'ec384');
    ed = f.cert('ed', 'ed25519');
    expired = f.cert('expired', 'rsa2048', { start: '20200101000000Z', end: '20210101000000Z' });
    future = f.cert('future', 'rsa2048', { start: '20400101000000Z', end: '20410101000000Z' });
    root = f.cert('root', 'ec384', { ca: true, cn: 'Test Root CA' });
    inter = f.cert('inter', 'ec256', { ca: true, issuer: root, cn: 'Test Intermediate' });
    leaf = f.cert('leaf', 'rsa2048', { issuer: inter, cn: 'provider.example' });
    small = f.cert('small', 'rsa1024');
  });
  after(() => f.cleanup());

  it('thumbprints, x5t and x5t#S256 equal openssl fingerprints for every generated certificate (PEM and DER)', () => {
    for (const c of [rsa, ec256, ec384, ed, expired, future, root, inter, leaf, small]) {
      const fp = f.fingerprints(c.certFile);
      for (const input of [f.read(c.certFile), f.read(c.derFile)]) {
        const [info] = inspectCertificates(input, { now }).certificates;
        assert.equal(info!.sha1, fp.sha1, c.name);
        assert.equal(info!.sha256, fp.sha256, c.name);
        assert.equal(info!.x5t, b64url(fp.sha1), c.name);
        assert.equal(info!.x5tS256, b64url(fp.sha256), c.name);
        assert.equal(info!.x5t.length, 27);
        assert.ok(!info!.x5t.includes('='));
      }
    }
  });

  it('reports key type, size, curve, signature algorithm and flags', () => {
    const one = (c: MadeCert) => inspectCertificates(f.read(c.certFile), { now }).certificates[0]!;
    assert.deepEqual([one(rsa).keyType, one(rsa).keySize, one(rsa).curve], ['RSA', 2048, null]);
    assert.equal(one(rsa).signatureAlgorithm, 'sha256WithRSAEncryption');
    assert.deepEqual([one(ec256).keyType, one(ec256).keySize, one(ec256).curve], ['EC', 256, 'P-256']);
    assert.equal(one(ec256).signatureAlgorithm, 'ecdsa-with-SHA256');
    assert.deepEqual([one(ec384).keyType, one(ec384).keySize, one(ec384).curve], ['EC', 384, 'P-384']);
    assert.deepEqual([one(ed).keyType, one(ed).keySize, one(ed).signatureAlgorithm], ['Ed25519', 256, 'Ed25519']);
    assert.equal(one(rsa).selfSigned, true);
    assert.equal(one(rsa).isCA, false);
    assert.deepEqual(one(rsa).subjectAltNames, ['DNS:provider.example', 'DNS:api.provider.example']);
    assert.equal(one(root).isCA, true);
    assert.equal(one(leaf).selfSigned, false);
    assert.equal(one(leaf).issuer, 'CN=Test Intermediate, O=Oli Test');
    assert.equal(one(leaf).subject, 'CN=provider.example, O=Oli Test');
    assert.equal(one(rsa).notBefore, '2024-01-01T00:00:00.000Z');
    assert.equal(one(rsa).notAfter, '2045-01-01T00:00:00.000Z');
    // serial as openssl prints it
    const serial = execFileSync('openssl', ['x509', '-in', rsa.certFile, '-noout', '-serial']).toString().trim().split('=')[1];
    assert.equal(one(rsa).serialNumber, serial);
  });

  it('status: valid, expiring within warnDays, expired, not yet valid; Oracle problems flagged', () => {
    const r = inspectCertificates(f.read(expired.certFile), { now });
    assert.equal(r.certificates[0]!.status, 'expired');
    assert.deepEqual(r.problems.map((p) => p.code), ['expired']);
    assert.equal(r.ok, false);
    const fut = inspectCertificates(f.read(future.certFile), { now });
    assert.equal(fut.certificates[0]!.status, 'not-yet-valid');
    assert.deepEqual(fut.problems.map((p) => p.code), ['not-yet-valid']);
    const soon = inspectCertificates(f.read(rsa.certFile), { now: new Date('2044-12-15T00:00:00Z') });
    assert.equal(soon.certificates[0]!.status, 'expiring');
    assert.deepEqual(soon.problems.map((p) => p.code), ['expiring']);
    assert.equal(soon.ok, true, 'expiring is a warning');
    assert.equal(inspectCertificates(f.read(rsa.certFile), { now: new Date('2044-12-15T00:00:00Z'), warnDays: 10 }).certificates[0]!.status, 'valid');
    const ok = inspectCertificates(f.read(rsa.certFile), { now });
    assert.deepEqual(ok.problems, []);
    assert.equal(ok.ok, true);
    // RS256 needs RSA: an EC or Ed25519 certificate is flagged for Oracle
    for (const c of [ec256, ed]) {
      const e = inspectCertificates(f.read(c.certFile), { now });
      assert.deepEqual(e.problems.map((p) => p.code), ['not-rsa']);
      assert.equal(e.ok, false);
    }
    assert.deepEqual(inspectCertificates(f.read(small.certFile), { now }).problems.map((p) => p.code), ['weak-rsa-key']);
  });

  it('reads a chain in file order, from a PEM bundle, a PKCS#7 bundle (PEM and DER) and bare base64', () => {
    const bundle = Buffer.concat([f.read(leaf.certFile), f.read(inter.certFile), f.read(root.certFile)]);
    const subjects = (r: ReturnType<typeof inspectCertificates>) => r.certificates.map((c) => c.subject.split(',')[0]);
    assert.deepEqual(subjects(inspectCertificates(bundle, { now })), ['CN=provider.example', 'CN=Test Intermediate', 'CN=Test Root CA']);
    const p7pem = f.run(['crl2pkcs7', '-nocrl', '-certfile', leaf.certFile, '-certfile', inter.certFile]);
    const p7der = f.run(['crl2pkcs7', '-nocrl', '-certfile', leaf.certFile, '-certfile', inter.certFile, '-outform', 'DER']);
    for (const p7 of [p7pem, p7der]) {
      const r = inspectCertificates(p7, { now });
      assert.equal(r.format, p7 === p7pem ? 'pem' : 'pkcs7');
      assert.deepEqual(r.certificates.map((c) => c.sha1), [f.fingerprints(leaf.certFile).sha1, f.fingerprints(inter.certFile).sha1]);
    }
    const bare = f.read(rsa.derFile).toString('base64').replace(/(.{64})/g, '$1\n');
    const b = inspectCertificates(bare, { now });
    assert.equal(b.format, 'base64');
    assert.equal(b.certificates[0]!.sha1, f.fingerprints(rsa.certFile).sha1);
  });

  it('issue 13: a certificate whose issuer is not in the file is "not checked" (its chain), apart from problems; with the issuer it is verified; a forged one is flagged', () => {
    const alone = inspectCertificates(f.read(leaf.certFile), { now });
    assert.deepEqual(alone.notChecked.map((n) => [n.code, n.certificateIndex]), [['chain', 0]]);
    assert.ok(alone.ok, 'a missing chain is not a failure');
    assert.ok(!alone.problems.some((p) => p.code === 'bad-signature'));
    assert.match(alone.verdict, /^usable for Oracle API Authentication; not checked: the chain of certificate 1 \(the issuer's certificate is not in the file\)$/);
    // leaf + intermediate: the leaf is verified with the intermediate's key; the intermediate's own issuer (the root) is missing
    const two = inspectCertificates(Buffer.concat([f.read(leaf.certFile), f.read(inter.certFile)]), { now });
    assert.deepEqual(two.notChecked.map((n) => n.certificateIndex), [1]);
    const full = inspectCertificates(Buffer.concat([f.read(leaf.certFile), f.read(inter.certFile), f.read(root.certFile)]), { now });
    assert.deepEqual(full.notChecked, []);
    assert.equal(full.verdict, 'usable for Oracle API Authentication');
    // self-signed: verified with its own key
    assert.deepEqual(inspectCertificates(f.read(rsa.certFile), { now }).notChecked, []);
    // an intermediate with the same name but another key does not verify the leaf: flagged, not silently passed
    const impostor = f.cert('impostor', 'ec256', { ca: true, issuer: root, cn: 'Test Intermediate' });
    const forged = inspectCertificates(Buffer.concat([f.read(leaf.certFile), f.read(impostor.certFile), f.read(root.certFile)]), { now });
    assert.deepEqual(forged.problems.filter((p) => p.code === 'bad-signature').map((p) => p.certificateIndex), [0]);
    assert.ok(forged.ok, 'a warning, not an error: Oracle uses the certificate key as given');
  });

  it('PKCS#12: AES-256 (OpenSSL 3 default) and legacy RC2-40, with certificates in bag order and the private key noticed', () => {
    const aes = f.pkcs12('aes', leaf.keyFile, [leaf.certFile, inter.certFile, root.certFile], 's3cret');
    const legacy = f.pkcs12('legacy', leaf.keyFile, [leaf.certFile, inter.certFile], 's3cret', true);
    const legacyInfo = execFileSync('sh', ['-c', `openssl pkcs12 -in '${legacy}' -info -noout -passin pass:s3cret -legacy 2>&1`]).toString();
    assert.match(legacyInfo, /40BitRC2/i, 'the legacy file really uses RC2-40');
    const aesInfo = execFileSync('sh', ['-c', `openssl pkcs12 -in '${aes}' -info -noout -passin pass:s3cret 2>&1`]).toString();
    assert.match(aesInfo, /AES-256-CBC/i, 'the default file really uses AES-256');
    const expected = [leaf, inter, root].map((c) => f.fingerprints(c.certFile).sha256);
    for (const [file, n] of [[aes, 3], [legacy, 2]] as const) {
      const r = inspectCertificates(f.read(file), { password: 's3cret', now });
      assert.equal(r.format, 'pkcs12');
      assert.deepEqual(r.certificates.map((c) => c.sha256), expected.slice(0, n));
      assert.equal(r.privateKey, true);
      assert.ok(r.problems.some((p) => p.code === 'private-key-present'));
      assert.ok(!r.problems.some((p) => p.code === 'private-key-mismatch'));
    }
    // EC certificates inside a PKCS#12 (node-forge alone gives cert: null for these)
    const ecP12 = f.pkcs12('ec', inter.keyFile, [inter.certFile, root.certFile], 'pw');
    const ecr = inspectCertificates(f.read(ecP12), { password: 'pw', now });
    assert.deepEqual(ecr.certificates.map((c) => [c.keyType, c.curve]), [['EC', 'P-256'], ['EC', 'P-384']]);
  });

  it('PKCS#12 without a password, with a wrong or missing password', () => {
    const nopw = f.pkcs12('nopw', rsa.keyFile, [rsa.certFile], '');
    assert.equal(inspectCertificates(f.read(nopw), { now }).certificates[0]!.sha1, f.fingerprints(rsa.certFile).sha1);
    const p12 = f.pkcs12('pw', rsa.keyFile, [rsa.certFile], 'right');
    expectInspectError(() => inspectCertificates(f.read(p12), { password: 'wrong' }), 'wrong-password');
    expectInspectError(() => inspectCertificates(f.read(p12)), 'password-required');
  });

  it('a PEM with certificate and matching or foreign private key', () => {
    const good = Buffer.concat([f.read(rsa.certFile), f.read(rsa.keyFile)]);
    const g = inspectCertificates(good, { now });
    assert.equal(g.privateKey, true);
    assert.deepEqual(g.problems.map((p) => p.code), ['private-key-present']);
    const bad = Buffer.concat([f.read(rsa.certFile), f.read(leaf.keyFile)]);
    assert.deepEqual(inspectCertificates(bad, { now }).problems.map((p) => p.code), ['private-key-present', 'private-key-mismatch']);
    const report = JSON.stringify(inspectCertificates(good, { now }));
    assert.ok(!report.includes('PRIVATE KEY') && !report.includes(f.read(rsa.keyFile).toString().split('\n')[1]!), 'no key material in the report');
  });

  it('refuses what is not a certificate, and inputs above 10 MB, with a reason', () => {
    expectInspectError(() => inspectCertificates(''), 'empty');
    expectInspectError(() => inspectCertificates('hello world, not a cert'), 'not-a-certificate');
    expectInspectError(() => inspectCertificates(f.read(rsa.keyFile)), 'not-a-certificate');
    expectInspectError(() => inspectCertificates(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05])), 'not-a-certificate');
    expectInspectError(() => inspectCertificates('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'), 'unreadable');
    const e = expectInspectError(() => inspectCertificates(Buffer.alloc(10 * 1024 * 1024 + 1, 0x41)), 'too-large');
    assert.match(e.message, /limit/);
  });
});

describe('inspect: every certificate of the system CA bundle matches openssl', function () {
  this.timeout(60_000);
  const bundlePath = '/etc/ssl/certs/ca-certificates.crt';

  it('sha1, sha256, x5t and x5t#S256 equal openssl dgst of each DER certificate', function () {
    if (!existsSync(bundlePath)) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'oli-cabundle-'));
    try {
      const pem = readFileSync(bundlePath);
      // Split the PEM text with a plain regex and decode each block: a PEM body is base64(DER) by definition.
      const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
      assert.ok(blocks.length > 50, `only ${blocks.length} certificates in ${bundlePath}`);
      const files = blocks.map((b, i) => {
        const file = join(dir, `c${String(i).padStart(4, '0')}.der`);
        writeFileSync(file, Buffer.from(b.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
        return file;
      });
      // openssl computes every digest in one process per algorithm.
      const digests = (alg: string) =>
        new Map(
          execFileSync('openssl', ['dgst', `-${alg}`, '-r', ...files], { maxBuffer: 1 << 24 })
            .toString()
            .trim()
            .split('\n')
            .map((l) => {
              const [hex, name] = l.split(' ');
              return [name!.replace(/^\*/, ''), hex!] as const;
            }),
        );
      const sha1 = digests('sha1');
      const sha256 = digests('sha256');
      // openssl's x509 fingerprint is exactly that digest: check it on a few with openssl x509 itself.
      for (const i of [0, Math.floor(files.length / 2), files.length - 1]) {
        const fp = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', files[i]!, '-noout', '-fingerprint', '-sha1']).toString().split('=')[1]!.trim().replace(/:/g, '').toLowerCase();
        assert.equal(fp, sha1.get(files[i]!));
      }
      const report = inspectCertificates(pem, { now: new Date('2026-01-01T00:00:00Z') });
      assert.equal(report.certificates.length, files.length, 'every certificate read, none skipped');
      report.certificates.forEach((c, i) => {
        const file = files[i]!;
        assert.equal(c.sha1, sha1.get(file), `${c.subject}`);
        assert.equal(c.sha256, sha256.get(file), `${c.subject}`);
        assert.equal(c.x5t, Buffer.from(sha1.get(file)!, 'hex').toString('base64url'));
        assert.equal(c.x5tS256, Buffer.from(sha256.get(file)!, 'hex').toString('base64url'));
        assert.ok(['RSA', 'EC'].includes(c.keyType), `${c.subject}: ${c.keyType}`);
        assert.equal(c.isCA, true, c.subject);
      });
      // The EC roots are read too (node-forge alone fails on them).
      assert.ok(report.certificates.filter((c) => c.keyType === 'EC').length > 10);
      assert.equal(loadCertificates(pem).certificates.length, files.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
