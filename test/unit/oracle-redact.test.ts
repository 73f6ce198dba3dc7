import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { z } from 'zod';
import type { OracleAuth } from '../../src/oracle/auth';
import { OracleClient, type RequestLogEntry } from '../../src/oracle/client';
import { OracleError } from '../../src/oracle/errors';
import { redactBody, redactHeaders, redactText, redactUrl } from '../../src/oracle/redact';
import { json, startFaultServer } from './helpers/fault-server';

const PASSWORD = 'Pl4nted-Passw0rd"\\x';
const CLIENT_SECRET = 'pl4nted-client-secret-9f8e7d';
const BEARER = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLmNvdXJzZXJhIn0.c2lnbmF0dXJlLXBsYW50ZWQ';
const USER_PASSWORD = 'N3wUser-Secret!';
const PRIVATE_KEY = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDplantedkeymaterial', 'AbCdEfGh0123456789plantedPlantedPlanted', '-----END PRIVATE KEY-----'].join('\n');
const KEY_LINE = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDplantedkeymaterial';

const SECRETS = [PASSWORD, CLIENT_SECRET, BEARER, USER_PASSWORD, KEY_LINE, Buffer.from(`integration.user:${PASSWORD}`).toString('base64')];

function assertClean(label: string, text: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${label} leaks ${s.slice(0, 12)}...: ${text.slice(0, 400)}`);
  assert.ok(!text.includes('BEGIN PRIVATE KEY-----\nMII'), `${label} leaks a PEM body`);
}

describe('oracle redaction: units', () => {
  it('redactHeaders hides credentials but keeps the scheme', () => {
    const h = redactHeaders({ Authorization: `Bearer ${BEARER}`, 'Proxy-Authorization': 'Basic dXNlcjpwYXNz', Cookie: 'JSESSIONID=abc', 'X-Api-Key': 'k', Accept: 'application/json' });
    assert.deepEqual(h, { Authorization: 'Bearer [REDACTED]', 'Proxy-Authorization': 'Basic [REDACTED]', Cookie: '[REDACTED]', 'X-Api-Key': '[REDACTED]', Accept: 'application/json' });
  });

  it('redactBody hides secret-named keys at any depth, PEM blocks and form fields', () => {
    const out = redactBody({
      userName: 'u',
      password: USER_PASSWORD,
      nested: [{ client_secret: CLIENT_SECRET, privateKey: PRIVATE_KEY, note: `key: ${PRIVATE_KEY}` }],
      Assertion: BEARER,
    }) as Record<string, unknown>;
    assertClean('redactBody', JSON.stringify(out));
    assert.equal(out.userName, 'u');
    assert.equal(out.password, '[REDACTED]');
    assert.equal(redactBody(`grant_type=client_credentials&client_secret=${CLIENT_SECRET}&scope=x`), 'grant_type=client_credentials&client_secret=[REDACTED]&scope=x');
    assert.equal(redactBody(new URLSearchParams({ password: 'p1234', a: 'b' })), 'password=[REDACTED]&a=b');
  });

  it('redactUrl drops userinfo and secret query parameters', () => {
    assert.equal(redactUrl('https://user:pa55@pod.example.com/x?access_token=abc&q=1'), 'https://[REDACTED]@pod.example.com/x?access_token=[REDACTED]&q=1');
    assert.equal(redactUrl('http://proxy.corp:3128'), 'http://proxy.corp:3128/');
    assert.ok(!redactUrl('not a url http://u:secretpw@h').includes('secretpw'));
  });

  it('redactText hides given secrets in their usual encodings, JWTs and PEM blocks', () => {
    const text = `echo ${PASSWORD} ${JSON.stringify(PASSWORD)} ${encodeURIComponent(PASSWORD)} token ${BEARER} ${PRIVATE_KEY}`;
    const out = redactText(text, [PASSWORD]);
    assertClean('redactText', out);
    assert.match(out, /^echo \[REDACTED\]/);
  });
});

describe('oracle redaction: no over-redaction', () => {
  it('keeps step results such as provider-credentials=done readable, while client_secret=... is hidden', () => {
    assert.equal(redactText('provider-credentials=needs-action api-authentication=done', []), 'provider-credentials=needs-action api-authentication=done');
    assert.ok(!redactText('client_secret=s3cr3t-value', []).includes('s3cr3t-value'));
  });
});

describe('oracle redaction: nothing planted leaks through the client', () => {
  const auths: [string, OracleAuth][] = [
    ['basic', { kind: 'basic', username: 'integration.user', password: PASSWORD }],
    ['bearer', { kind: 'bearer', token: () => BEARER }],
  ];
  for (const [label, auth] of auths) {
    it(`${label}: logs, errors, String(err), JSON.stringify(err) and inspect(err) stay clean even when the server echoes everything`, async () => {
      // A hostile or buggy server that echoes the request (headers and body) in its error detail.
      const server = await startFaultServer((req, res) => {
        const echo = `you sent ${JSON.stringify(req.headers)} with ${req.body}`;
        if (req.url.startsWith('/ok')) return json(res, 200, { ok: true });
        if (req.url.startsWith('/scim')) return json(res, 400, { schemas: ['urn:scim:api:messages:2.0:Error'], status: '400', detail: echo });
        if (req.url.startsWith('/html')) {
          res.writeHead(500, { 'Content-Type': 'text/html' });
          return res.end(`<html><title>${echo}</title></html>`);
        }
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(echo);
      });
      const logs: RequestLogEntry[] = [];
      const errors: OracleError[] = [];
      try {
        const client = new OracleClient({ baseUrl: server.url, auth, proxy: '', maxRetries: 0, onLog: (e) => logs.push(e) });
        await client.get(`/ok?password=${encodeURIComponent(PASSWORD)}`, z.unknown());
        for (const path of ['/scim/Users', '/text', '/html']) {
          try {
            await client.send('POST', path, { body: { userName: 'user.coursera', password: USER_PASSWORD, certificate: PRIVATE_KEY, client_secret: CLIENT_SECRET } });
            assert.fail('expected an error');
          } catch (e) {
            assert.ok(e instanceof OracleError, String(e));
            errors.push(e);
          }
        }
      } finally {
        await server.close();
      }
      // The server really received the secrets, so the test would notice a leak.
      assert.ok(server.requests.some((r) => r.body.includes(USER_PASSWORD)));
      assert.equal(logs.length, 4);
      assert.ok(logs.every((l) => /^(Basic|Bearer) \[REDACTED\]$/.test(l.requestHeaders.Authorization ?? '')));
      assertClean('onLog', JSON.stringify(logs));
      for (const e of errors) {
        assertClean('userMessage', e.userMessage());
        assertClean('String(err)', String(e));
        assertClean('JSON.stringify(err)', JSON.stringify(e));
        assertClean('inspect(err)', inspect(e, { depth: 5 }));
        assertClean('stack', e.stack ?? '');
      }
      assert.match(errors[0]!.detail ?? '', /\[REDACTED\]/);
    });
  }
});
