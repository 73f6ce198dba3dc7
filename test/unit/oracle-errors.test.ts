import { strict as assert } from 'node:assert';
import { z } from 'zod';
import { OracleClient } from '../../src/oracle/client';
import { OracleError, parseErrorBody } from '../../src/oracle/errors';
import { startFaultServer } from './helpers/fault-server';

const AUTH = { kind: 'basic', username: 'admin.user', password: 'pw-0123456789' } as const;

interface Case {
  name: string;
  status: number;
  contentType: string;
  body: string;
  path: string;
  expect: { reason: string; code?: string; detail?: RegExp; message: RegExp };
}

const CASES: Case[] = [
  {
    name: 'ADF o:errorDetails JSON',
    status: 400,
    contentType: 'application/vnd.oracle.adf.error+json',
    body: JSON.stringify({ title: 'Bad Request', status: '400', 'o:errorDetails': [{ detail: 'URL request parameter q with value Foo=1 is not valid.', 'o:errorCode': '27024' }] }),
    path: '/hcmRestApi/resources/11.13.18.05/userAccounts',
    expect: { reason: 'http', code: '27024', detail: /parameter q with value Foo=1/, message: /^GET \/hcmRestApi\/resources\/11\.13\.18\.05\/userAccounts failed: HTTP 400 Bad Request 27024 \(URL request/ },
  },
  {
    name: 'ESS error JSON',
    status: 400,
    contentType: 'application/json',
    body: JSON.stringify({ title: 'Bad Request', detail: 'Job definition not found: JobDefinition://x', errorCode: 'ESS-01001', status: 400 }),
    path: '/ess/rest/scheduler/v1/requests',
    expect: { reason: 'http', code: 'ESS-01001', detail: /Job definition not found/, message: /ESS-01001 \(Job definition not found/ },
  },
  {
    name: 'SCIM error JSON',
    status: 409,
    contentType: 'application/json',
    body: JSON.stringify({ schemas: ['urn:scim:api:messages:2.0:Error'], status: '409', detail: 'User name already exists', scimType: 'uniqueness' }),
    path: '/hcmRestApi/scim/Users',
    expect: { reason: 'conflict', code: 'uniqueness', detail: /already exists/, message: /HTTP 409 Conflict uniqueness \(User name already exists\)\. The object already exists/ },
  },
  {
    name: 'plain text',
    status: 500,
    contentType: 'text/plain',
    body: 'JBO-27122: SQL error during statement preparation.',
    path: '/hcmRestApi/resources/11.13.18.05/learningSelfPacedItems',
    expect: { reason: 'server', detail: /JBO-27122/, message: /HTTP 500 Internal Server Error \(JBO-27122/ },
  },
  {
    name: 'HTML page',
    status: 403,
    contentType: 'text/html; charset=utf-8',
    body: '<!DOCTYPE html><html><head><title>Access Denied</title><script>var x=1</script></head><body><h1>Denied</h1></body></html>',
    path: '/hcmRestApi/scim/Roles',
    expect: { reason: 'forbidden', detail: /HTML page "Access Denied"/, message: /ASE_REST_SERVICE_ACCESS_IDENTITY_INTEGRATION_PRIV/ },
  },
];

describe('oracle errors: parsing each body shape over HTTP', () => {
  for (const c of CASES) {
    it(`${c.name} (${c.status})`, async () => {
      const server = await startFaultServer((_req, res) => {
        res.writeHead(c.status, { 'Content-Type': c.contentType });
        res.end(c.body);
      });
      try {
        const client = new OracleClient({ baseUrl: server.url, auth: AUTH, proxy: '', sleep: async () => {} });
        let caught: unknown;
        try {
          await client.get(`${c.path}?q=Username%3D'x'`, z.unknown());
        } catch (e) {
          caught = e;
        }
        assert.ok(caught instanceof OracleError);
        assert.equal(caught.reason, c.expect.reason);
        assert.equal(caught.status, c.status);
        assert.equal(caught.code, c.expect.code);
        if (c.expect.detail) assert.match(caught.detail ?? '', c.expect.detail);
        assert.equal(caught.method, 'GET');
        assert.equal(caught.path, c.path, 'path without query');
        assert.match(caught.userMessage(), c.expect.message);
        assert.equal(caught.message, caught.userMessage());
        assert.ok(!caught.userMessage().includes('\n'), 'one line');
        assert.equal(String(caught), `OracleError: ${caught.userMessage()}`);
      } finally {
        await server.close();
      }
    });
  }

  it('a 401 with Basic says to check the user name and password', async () => {
    const server = await startFaultServer((_req, res) => {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="x"' });
      res.end(JSON.stringify({ title: 'Unauthorized', status: '401', 'o:errorDetails': [{ detail: 'Authentication failed' }] }));
    });
    try {
      const client = new OracleClient({ baseUrl: server.url, auth: AUTH, proxy: '' });
      await assert.rejects(client.get('/hcmRestApi/scim/Users', z.unknown()), (e: unknown) => {
        assert.ok(e instanceof OracleError);
        assert.equal(e.reason, 'auth');
        assert.match(e.userMessage(), /check the user name and password for this environment/i);
        return true;
      });
      assert.equal(server.requests.length, 1, 'Basic credentials are not retried on 401');
    } finally {
      await server.close();
    }
  });

  it('parseErrorBody recognises OAuth errors and empty bodies', () => {
    assert.deepEqual(parseErrorBody('{"error":"invalid_client","error_description":"bad secret"}'), { shape: 'oauth', code: 'invalid_client', detail: 'bad secret' });
    assert.deepEqual(parseErrorBody('  '), { shape: 'empty' });
    assert.equal(parseErrorBody('{"detail":"x"}').shape, 'json');
  });
});
