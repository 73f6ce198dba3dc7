import { strict as assert } from 'node:assert';
import { z } from 'zod';
import { OracleClient, type RequestLogEntry } from '../../src/oracle/client';
import { OracleError } from '../../src/oracle/errors';
import { json, startFaultServer, type FaultServer } from './helpers/fault-server';

const CLIENT_ID = 'a1b2c3d4e5';
const CLIENT_SECRET = 'oauth-secret-6f5e4d3c2b1a';
const SCOPE = 'urn:opc:resource:fa:instanceid=100000001urn:opc:resource:consumer::all';

/** A token endpoint plus a protected resource; tokens are `tok-<n>`, valid until revoked. */
async function startOAuthServer(opts: { expiresIn?: number } = {}) {
  let issued = 0;
  const valid = new Set<string>();
  const server = await startFaultServer((req, res) => {
    if (req.url === '/oauth2/v1/token') {
      const form = new URLSearchParams(req.body);
      const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
      if (req.headers.authorization !== `Basic ${basic}`) return json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
      if (form.get('grant_type') !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' });
      if (form.get('scope') !== SCOPE) return json(res, 400, { error: 'invalid_scope', error_description: 'bad scope' });
      const token = `tok-${++issued}`;
      valid.add(token);
      return json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: opts.expiresIn ?? 3600 });
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!valid.has(token)) return json(res, 401, { title: 'Unauthorized', status: '401' });
    json(res, 200, { token });
  });
  return {
    server,
    revokeAll: () => valid.clear(),
    tokenHits: () => server.requests.filter((r) => r.url === '/oauth2/v1/token').length,
  };
}

function oauthClient(server: FaultServer, extra: { now?: () => number; clientSecret?: string; scope?: string; onLog?: (e: RequestLogEntry) => void } = {}) {
  return new OracleClient({
    baseUrl: server.url,
    auth: { kind: 'oauth', tokenUrl: `${server.url}/oauth2/v1/token`, clientId: CLIENT_ID, clientSecret: extra.clientSecret ?? CLIENT_SECRET, scope: extra.scope ?? SCOPE },
    proxy: '',
    sleep: async () => {},
    ...(extra.now && { now: extra.now }),
    ...(extra.onLog && { onLog: extra.onLog }),
  });
}

const tokenEcho = z.looseObject({ token: z.string() });

describe('oracle client: OAuth client credentials', () => {
  it('fetches the token once (form POST, client auth by Basic) for many concurrent requests', async () => {
    const o = await startOAuthServer();
    try {
      const client = oauthClient(o.server);
      const results = await Promise.all(Array.from({ length: 20 }, () => client.get('/hcmRestApi/scim/Users', tokenEcho)));
      assert.ok(results.every((r) => r.token === 'tok-1'));
      assert.equal(o.tokenHits(), 1);
      const tokenReq = o.server.requests.find((r) => r.url === '/oauth2/v1/token')!;
      assert.equal(tokenReq.method, 'POST');
      assert.match(String(tokenReq.headers['content-type']), /application\/x-www-form-urlencoded/);
      assert.equal(client.stats.tokenRequests, 1);
      assert.equal(client.stats.requests, 21);
    } finally {
      await o.server.close();
    }
  });

  it('refreshes the token shortly before it expires', async () => {
    const o = await startOAuthServer({ expiresIn: 3600 });
    let now = Date.parse('2025-06-01T10:00:00Z');
    try {
      const client = oauthClient(o.server, { now: () => now });
      assert.equal((await client.get('/x', tokenEcho)).token, 'tok-1');
      now += 3000 * 1000;
      assert.equal((await client.get('/x', tokenEcho)).token, 'tok-1');
      assert.equal(o.tokenHits(), 1);
      now += 560 * 1000; // 60 s before expiry: refreshed
      assert.equal((await client.get('/x', tokenEcho)).token, 'tok-2');
      assert.equal(o.tokenHits(), 2);
    } finally {
      await o.server.close();
    }
  });

  it('refreshes once on a 401 (token revoked) and succeeds; a second 401 is reported', async () => {
    const o = await startOAuthServer();
    try {
      const client = oauthClient(o.server);
      await client.get('/x', tokenEcho);
      o.revokeAll();
      assert.equal((await client.get('/x', tokenEcho)).token, 'tok-2');
      assert.equal(o.tokenHits(), 2);
    } finally {
      await o.server.close();
    }
  });

  it('a wrong client secret is an auth error that names the confidential app and never shows the secret', async () => {
    const o = await startOAuthServer();
    const logs: RequestLogEntry[] = [];
    try {
      const wrong = 'wrong-secret-1234567';
      const client = oauthClient(o.server, { clientSecret: wrong, onLog: (e) => logs.push(e) });
      await assert.rejects(client.get('/x', tokenEcho), (e: unknown) => {
        assert.ok(e instanceof OracleError);
        assert.equal(e.reason, 'auth');
        assert.equal(e.code, 'invalid_client');
        assert.match(e.message, /client ID and client secret/);
        assert.ok(!JSON.stringify(e).includes(wrong) && !String(e).includes(wrong));
        return true;
      });
      assert.ok(!JSON.stringify(logs).includes(wrong));
      assert.ok(!JSON.stringify(logs).includes(Buffer.from(`${CLIENT_ID}:${wrong}`).toString('base64')));
      assert.equal(o.tokenHits(), 1, 'a rejected client is not retried');
    } finally {
      await o.server.close();
    }
  });

  it('a wrong scope says what the scope must look like', async () => {
    const o = await startOAuthServer();
    try {
      const client = oauthClient(o.server, { scope: 'urn:wrong' });
      await assert.rejects(client.get('/x', tokenEcho), (e: unknown) => e instanceof OracleError && e.code === 'invalid_scope' && /urn:opc:resource:fa:instanceid=/.test(e.message));
    } finally {
      await o.server.close();
    }
  });

  it('a bearer token function is called again after a 401', async () => {
    let calls = 0;
    const server = await startFaultServer((req, res) => (req.headers.authorization === 'Bearer fresh' ? json(res, 200, { token: 'fresh' }) : json(res, 401, {})));
    try {
      const client = new OracleClient({ baseUrl: server.url, auth: { kind: 'bearer', token: async () => (++calls === 1 ? 'stale' : 'fresh') }, proxy: '' });
      assert.equal((await client.get('/x', tokenEcho)).token, 'fresh');
      assert.equal(calls, 2);
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });
});
