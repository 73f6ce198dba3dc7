import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { z } from 'zod';
import { OracleClient } from '../../src/oracle/client';
import { OracleError } from '../../src/oracle/errors';
import { loadCaBundle, noProxyMatches, proxyForUrl } from '../../src/oracle/transport';
import { json, startFaultServer, startTestProxy, type FaultServer } from './helpers/fault-server';
import { FAKE_HOST, makePki } from './helpers/pki';

const AUTH = { kind: 'basic', username: 'u', password: 'tls-test-password' } as const;

describe('oracle client: custom CA and proxies', () => {
  let dir: string;
  let pki: { caFile: string; key: string; cert: string };
  let server: FaultServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oli-tls-'));
    pki = makePki(dir);
    server = await startFaultServer((req, res) => json(res, 200, { ok: true, auth: req.headers.authorization !== undefined }), { key: pki.key, cert: pki.cert });
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const okSchema = z.looseObject({ ok: z.boolean(), auth: z.boolean() });

  it('trusts a server signed by the CA given in caFile', async () => {
    const client = new OracleClient({ baseUrl: server.url, auth: AUTH, caFile: pki.caFile, proxy: '' });
    const r = await client.get('/hcmRestApi/scim/Users', okSchema);
    assert.deepEqual(r, { ok: true, auth: true });
    client.close();
  });

  it('without caFile the same server fails with reason tls, not retried, with advice that keeps verification on', async () => {
    const before = server.requests.length;
    const client = new OracleClient({ baseUrl: server.url, auth: AUTH, proxy: '', sleep: async () => {} });
    await assert.rejects(client.get('/hcmRestApi/scim/Users', okSchema), (e: unknown) => {
      assert.ok(e instanceof OracleError);
      assert.equal(e.reason, 'tls');
      assert.match(e.message, /CA file/);
      assert.match(e.message, /never disable verification/);
      return true;
    });
    assert.equal(client.stats.requests, 1);
    assert.equal(server.requests.length, before, 'no request reached the server');
  });

  it('adds the CA to the default roots instead of replacing them; a bad file is a config error', () => {
    const bundle = loadCaBundle(pki.caFile);
    assert.equal(bundle.length, tls.rootCertificates.length + 1);
    assert.ok(bundle.includes(tls.rootCertificates[0]!));
    assert.throws(() => new OracleClient({ baseUrl: server.url, auth: AUTH, caFile: join(dir, 'missing.pem') }), (e: unknown) => e instanceof OracleError && e.reason === 'config' && /caFile/.test(e.message));
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
    assert.throws(() => new OracleClient({ baseUrl: server.url, auth: AUTH, caFile: join(dir, 'junk.pem') }), (e: unknown) => e instanceof OracleError && /no PEM certificate/.test(e.message));
  });

  it('goes through an HTTP CONNECT proxy for https (the proxy resolves the host; TLS stays end to end)', async () => {
    const proxy = await startTestProxy(true);
    try {
      // FAKE_HOST does not resolve here: only the proxy (which maps it to 127.0.0.1) can reach it.
      const client = new OracleClient({ baseUrl: `https://${FAKE_HOST}:${server.port}`, auth: AUTH, caFile: pki.caFile, proxy: proxy.url, noProxy: '' });
      const r1 = await client.get('/hcmRestApi/scim/Users', okSchema);
      const r2 = await client.get('/hcmRestApi/scim/Roles', okSchema);
      assert.equal(r1.ok && r2.ok, true);
      assert.ok(proxy.connects.length >= 1);
      assert.ok(proxy.connects.every((c) => c === `${FAKE_HOST}:${server.port}`));
      assert.equal(proxy.forwarded.length, 0, 'the proxy never saw a plain request (credentials stay inside TLS)');
      client.close();
    } finally {
      await proxy.close();
    }
  });

  it('takes the proxy from HTTPS_PROXY and honours NO_PROXY', async () => {
    const proxy = await startTestProxy(true);
    try {
      const viaEnv = new OracleClient({ baseUrl: `https://${FAKE_HOST}:${server.port}`, auth: AUTH, caFile: pki.caFile, env: { HTTPS_PROXY: proxy.url } });
      assert.equal((await viaEnv.get('/x', okSchema)).ok, true);
      assert.equal(proxy.connects.length, 1);
      const bypass = new OracleClient({ baseUrl: server.url, auth: AUTH, caFile: pki.caFile, env: { https_proxy: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } });
      assert.equal((await bypass.get('/x', okSchema)).ok, true);
      assert.equal(proxy.connects.length, 1, 'NO_PROXY host went direct');
      viaEnv.close();
      bypass.close();
    } finally {
      await proxy.close();
    }
  });

  it('sends plain http through the proxy as an absolute-URI request', async () => {
    const proxy = await startTestProxy(true);
    const plain = await startFaultServer((_req, res) => json(res, 200, { ok: true, auth: true }));
    try {
      const client = new OracleClient({ baseUrl: plain.url, auth: AUTH, proxy: proxy.url, noProxy: '' });
      assert.equal((await client.get('/hcmRestApi/scim/Users?x=1', okSchema)).ok, true);
      assert.deepEqual(proxy.forwarded, [`${plain.url}/hcmRestApi/scim/Users?x=1`]);
      assert.equal(plain.requests.length, 1);
    } finally {
      await plain.close();
      await proxy.close();
    }
  });

  it('matches NO_PROXY entries like curl does', () => {
    assert.ok(noProxyMatches('pod.oraclecloud.com', '443', '.oraclecloud.com'));
    assert.ok(noProxyMatches('pod.oraclecloud.com', '443', 'oraclecloud.com'));
    assert.ok(noProxyMatches('oraclecloud.com', '443', '.oraclecloud.com'));
    assert.ok(noProxyMatches('anything', '443', '*'));
    assert.ok(noProxyMatches('127.0.0.1', '8642', 'localhost, 127.0.0.1:8642'));
    assert.ok(!noProxyMatches('127.0.0.1', '443', '127.0.0.1:8642'));
    assert.ok(!noProxyMatches('notoraclecloud.com', '443', 'oraclecloud.com'));
    const env = { HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://p80:8080', NO_PROXY: 'internal.corp' };
    assert.equal(proxyForUrl(new URL('https://pod.fa.example.com'), { env })?.host, 'proxy:3128');
    assert.equal(proxyForUrl(new URL('http://pod.fa.example.com'), { env })?.host, 'p80:8080');
    assert.equal(proxyForUrl(new URL('https://x.internal.corp'), { env }), undefined);
    assert.equal(proxyForUrl(new URL('https://pod.fa.example.com'), { env, proxy: '' }), undefined);
    assert.throws(() => proxyForUrl(new URL('https://pod'), { proxy: 'socks5://p:1' }), (e: unknown) => e instanceof OracleError && e.reason === 'config');
  });
});
