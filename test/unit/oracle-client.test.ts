import { strict as assert } from 'node:assert';
import { z } from 'zod';
import { OracleClient, parseRetryAfter, type OracleClientOptions, type RequestLogEntry } from '../../src/oracle/client';
import { OracleError } from '../../src/oracle/errors';
import { adfEq, scimAnyEq, scimEq } from '../../src/oracle/filters';
import { drop, json, startFaultServer, type FaultHandler, type FaultServer } from './helpers/fault-server';

const AUTH = { kind: 'basic', username: 'integration.user', password: 'S3cret-Pass!word' } as const;

/** A client whose backoff sleeps are recorded instead of waited (Retry-After assertions without timing). */
function clientFor(server: FaultServer, extra: Partial<OracleClientOptions> = {}) {
  const sleeps: number[] = [];
  const logs: RequestLogEntry[] = [];
  const client = new OracleClient({
    baseUrl: server.url,
    auth: AUTH,
    proxy: '',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onLog: (e) => logs.push(e),
    ...extra,
  });
  return { client, sleeps, logs };
}

async function withServer<T>(handler: FaultHandler, fn: (s: FaultServer) => Promise<T>): Promise<T> {
  const server = await startFaultServer(handler);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

async function rejectsWith(p: Promise<unknown>, check: (e: OracleError) => void): Promise<OracleError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OracleError, `expected OracleError, got ${String(e)}`);
    check(e);
    return e;
  }
  assert.fail('expected a rejection');
}

const item = z.looseObject({ id: z.number() });

describe('oracle client: paging', () => {
  it('follows ADF limit/offset/hasMore across pages and sends REST-Framework-Version on /resources/', async () => {
    const total = 23;
    await withServer(
      (req, res) => {
        const u = new URL(req.url, 'http://x');
        const limit = Number(u.searchParams.get('limit'));
        const offset = Number(u.searchParams.get('offset'));
        const items = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => ({ id: offset + i, links: [] }));
        json(res, 200, { items, count: items.length, hasMore: offset + items.length < total, limit, offset });
      },
      async (server) => {
        const { client } = clientFor(server);
        const all = await client.adfList('/hcmRestApi/resources/11.13.18.05/things', item, { pageSize: 10, q: adfEq('Name', "O'Brien") });
        assert.deepEqual(
          all.map((x) => x.id),
          Array.from({ length: total }, (_, i) => i),
        );
        assert.equal(server.requests.length, 3);
        const first = new URL(server.requests[0]!.url, 'http://x');
        assert.equal(first.searchParams.get('q'), "Name = 'O''Brien'");
        assert.equal(first.searchParams.get('onlyData'), 'true');
        assert.equal(server.requests[0]!.headers['rest-framework-version'], '4');
        assert.deepEqual(
          server.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('offset')),
          ['0', '10', '20'],
        );
        assert.equal(client.stats.requests, 3);
      },
    );
  });

  it('stops ADF paging at maxItems, asking only for what is missing', async () => {
    await withServer(
      (req, res) => {
        const u = new URL(req.url, 'http://x');
        const limit = Number(u.searchParams.get('limit'));
        const offset = Number(u.searchParams.get('offset'));
        json(res, 200, { items: Array.from({ length: limit }, (_, i) => ({ id: offset + i })), hasMore: true, limit, offset });
      },
      async (server) => {
        const { client } = clientFor(server);
        const got = await client.adfList('/hcmRestApi/resources/11.13.18.05/things', item, { pageSize: 10, maxItems: 15 });
        assert.equal(got.length, 15);
        assert.deepEqual(
          server.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('limit')),
          ['10', '5'],
        );
      },
    );
  });

  it('does not send REST-Framework-Version outside /resources/ (SCIM) and pages SCIM with 1-based startIndex', async () => {
    const total = 25;
    await withServer(
      (req, res) => {
        const u = new URL(req.url, 'http://x');
        const start = Number(u.searchParams.get('startIndex'));
        const count = Number(u.searchParams.get('count'));
        const n = Math.max(0, Math.min(count, total - start + 1));
        json(res, 200, {
          schemas: ['urn:scim:api:messages:2.0:ListResponse'],
          totalResults: total,
          itemsPerPage: n,
          startIndex: start,
          Resources: Array.from({ length: n }, (_, i) => ({ id: start + i })),
        });
      },
      async (server) => {
        const { client } = clientFor(server);
        const filter = scimEq('userName', 'a"b\\c');
        const r = await client.scimList('/hcmRestApi/scim/Users', item, { count: 10, filter });
        assert.equal(r.totalResults, total);
        assert.deepEqual(
          r.resources.map((x) => x.id),
          Array.from({ length: total }, (_, i) => i + 1),
        );
        assert.deepEqual(
          server.requests.map((q) => new URL(q.url, 'http://x').searchParams.get('startIndex')),
          ['1', '11', '21'],
        );
        assert.equal(new URL(server.requests[0]!.url, 'http://x').searchParams.get('filter'), 'userName eq "a\\"b\\\\c"');
        assert.equal(server.requests[0]!.headers['rest-framework-version'], undefined);
        const limited = await client.scimList('/hcmRestApi/scim/Users', item, { count: 10, maxItems: 12 });
        assert.equal(limited.resources.length, 12);
      },
    );
  });

  it('rejects an item that does not match the schema with reason invalid-response naming the item', async () => {
    await withServer(
      (_req, res) => json(res, 200, { items: [{ id: 1 }, { id: 'x' }], hasMore: false }),
      async (server) => {
        const { client } = clientFor(server);
        await rejectsWith(client.adfList('/hcmRestApi/resources/11.13.18.05/things', item), (e) => {
          assert.equal(e.reason, 'invalid-response');
          assert.match(e.detail ?? '', /items\[1\]/);
        });
      },
    );
  });
});

describe('oracle client: retries', () => {
  for (const status of [429, 502, 503, 504]) {
    it(`retries a GET after ${status} and honours Retry-After`, async () => {
      await withServer(
        (_req, res, n) => {
          if (n < 3) json(res, status, { title: 'busy' }, { 'Retry-After': '1' });
          else json(res, 200, { ok: true });
        },
        async (server) => {
          const { client, sleeps } = clientFor(server);
          const r = await client.get('/hcmRestApi/scim/Users/x', z.looseObject({ ok: z.boolean() }));
          assert.equal(r.ok, true);
          assert.equal(server.requests.length, 3);
          assert.equal(sleeps.length, 2);
          for (const s of sleeps) assert.ok(s >= 1000 && s <= 1300, `slept ${s} ms for Retry-After: 1`);
        },
      );
    });
  }

  it('honours Retry-After given as an HTTP date', async () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    await withServer(
      (_req, res, n) => {
        if (n === 1) json(res, 503, {}, { 'Retry-After': new Date(now + 3000).toUTCString() });
        else json(res, 200, { ok: true });
      },
      async (server) => {
        const { client, sleeps } = clientFor(server, { now: () => now });
        await client.get('/x', z.unknown());
        assert.equal(sleeps.length, 1);
        assert.ok(sleeps[0]! >= 3000 && sleeps[0]! < 3400, String(sleeps[0]));
      },
    );
    assert.equal(parseRetryAfter('7'), 7000);
    assert.equal(parseRetryAfter('garbage'), undefined);
  });

  it('uses exponential backoff with full jitter when there is no Retry-After, and gives up after maxRetries', async () => {
    await withServer(
      (_req, res) => json(res, 503, { title: 'Service Unavailable' }),
      async (server) => {
        const { client, sleeps } = clientFor(server, { maxRetries: 3, retryBaseMs: 100, retryMaxMs: 250, random: () => 1 });
        await rejectsWith(client.get('/x', z.unknown()), (e) => {
          assert.equal(e.reason, 'server');
          assert.equal(e.status, 503);
          assert.equal(e.retryable, true);
          assert.match(e.message, /after 4 attempts/);
        });
        assert.equal(server.requests.length, 4);
        assert.deepEqual(sleeps, [100, 200, 250]);
      },
    );
  });

  it('does not wait for a Retry-After longer than retryAfterMaxMs: fails at once saying how long to wait', async () => {
    await withServer(
      (_req, res) => json(res, 429, {}, { 'Retry-After': '3600' }),
      async (server) => {
        const { client, sleeps } = clientFor(server);
        await rejectsWith(client.get('/x', z.unknown()), (e) => {
          assert.equal(e.reason, 'rate-limited');
          assert.match(e.message, /wait 3600 s/);
        });
        assert.equal(server.requests.length, 1);
        assert.equal(sleeps.length, 0);
      },
    );
  });

  it('does not retry non-transient errors (400, 404)', async () => {
    await withServer(
      (_req, res) => json(res, 404, { title: 'Not Found', status: '404', 'o:errorDetails': [{ detail: 'no such thing', 'o:errorCode': '27023' }] }),
      async (server) => {
        const { client } = clientFor(server);
        await rejectsWith(client.get('/hcmRestApi/resources/11.13.18.05/x', z.unknown()), (e) => assert.equal(e.reason, 'not-found'));
        assert.equal(server.requests.length, 1);
      },
    );
  });

  it('retries a GET after a connection reset', async () => {
    await withServer(
      (_req, res, n) => {
        if (n === 1) drop(res);
        else json(res, 200, { ok: true });
      },
      async (server) => {
        const { client, sleeps } = clientFor(server);
        const r = await client.get('/x', z.looseObject({ ok: z.boolean() }));
        assert.equal(r.ok, true);
        assert.equal(server.requests.length, 2);
        assert.equal(sleeps.length, 1);
      },
    );
  });

  it('never retries a POST: a reset gives outcomeUnknown and the server sees exactly one POST', async () => {
    await withServer(
      (_req, res) => drop(res),
      async (server) => {
        const { client, sleeps } = clientFor(server);
        await rejectsWith(client.send('POST', '/hcmRestApi/scim/Users', { body: { userName: 'x' } }), (e) => {
          assert.equal(e.reason, 'network');
          assert.equal(e.outcomeUnknown, true);
          assert.equal(e.retryable, false);
          assert.match(e.message, /outcome is unknown/);
        });
        assert.equal(server.requests.filter((r) => r.method === 'POST').length, 1);
        assert.equal(sleeps.length, 0);
      },
    );
  });

  for (const status of [503, 502]) {
    it(`never retries a POST on ${status}`, async () => {
      await withServer(
        (_req, res) => json(res, status, {}, { 'Retry-After': '1' }),
        async (server) => {
          const { client } = clientFor(server);
          await rejectsWith(client.send('POST', '/ess/rest/scheduler/v1/requests', { body: { a: 1 } }), (e) => {
            assert.equal(e.status, status);
            assert.equal(e.outcomeUnknown, status === 502);
          });
          assert.equal(server.requests.length, 1);
        },
      );
    });
  }

  it('retries a PATCH marked idempotent, not a plain PATCH', async () => {
    await withServer(
      (_req, res, n) => (n % 2 === 1 ? json(res, 503, {}) : (res.writeHead(204), res.end())),
      async (server) => {
        const { client } = clientFor(server);
        assert.equal(await client.send('PATCH', '/hcmRestApi/scim/Roles/1', { body: { members: [] }, idempotent: true }), undefined);
        assert.equal(server.requests.length, 2);
        await rejectsWith(client.send('PATCH', '/hcmRestApi/scim/Roles/1', { body: { members: [] } }), (e) => assert.equal(e.status, 503));
        assert.equal(server.requests.length, 3);
      },
    );
  });
});

describe('oracle client: cancellation, timeouts, redirects, limits', () => {
  it('an abort during a stalled response rejects promptly with reason cancelled and no retry', async () => {
    await withServer(
      () => {
        /* never answers */
      },
      async (server) => {
        const { client } = clientFor(server, { timeoutMs: 60_000 });
        const controller = new AbortController();
        const p = client.get('/x', z.unknown(), { signal: controller.signal });
        while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
        controller.abort(new Error('stopped by the test'));
        await rejectsWith(p, (e) => {
          assert.equal(e.reason, 'cancelled');
          assert.equal(e.retryable, false);
        });
        assert.equal(server.requests.length, 1);
      },
    );
  });

  it('an already aborted signal sends nothing', async () => {
    await withServer(
      (_req, res) => json(res, 200, {}),
      async (server) => {
        const { client } = clientFor(server);
        await rejectsWith(client.get('/x', z.unknown(), { signal: AbortSignal.abort() }), (e) => assert.equal(e.reason, 'cancelled'));
        assert.equal(server.requests.length, 0);
      },
    );
  });

  it('a stalled GET times out per attempt (retried), a stalled POST times out once with outcomeUnknown', async () => {
    await withServer(
      () => {
        /* never answers */
      },
      async (server) => {
        const { client } = clientFor(server, { timeoutMs: 100, maxRetries: 1 });
        await rejectsWith(client.get('/x', z.unknown()), (e) => {
          assert.equal(e.reason, 'timeout');
          assert.match(e.message, /100 ms/);
        });
        assert.equal(server.requests.length, 2);
        await rejectsWith(client.send('POST', '/x', { body: {} }), (e) => {
          assert.equal(e.reason, 'timeout');
          assert.equal(e.outcomeUnknown, true);
        });
        assert.equal(server.requests.length, 3);
      },
    );
  });

  it('does not follow a redirect to another host and says where it pointed', async () => {
    let otherHits = 0;
    await withServer(
      (_req, res) => {
        otherHits++;
        json(res, 200, {});
      },
      async (other) => {
        await withServer(
          (_req, res) => {
            res.writeHead(302, { Location: `http://localhost:${other.port}/login?session=abc` });
            res.end();
          },
          async (server) => {
            const { client } = clientFor(server);
            await rejectsWith(client.get('/hcmRestApi/scim/Users', z.unknown()), (e) => {
              assert.equal(e.status, 302);
              assert.match(e.message, /another host/);
              assert.match(e.message, new RegExp(`localhost:${other.port}/login`));
            });
            assert.equal(otherHits, 0);
          },
        );
      },
    );
  });

  it('caps requests in flight at maxConcurrency', async () => {
    await withServer(
      (_req, res) => setTimeout(() => json(res, 200, { ok: true }), 20),
      async (server) => {
        const { client } = clientFor(server, { maxConcurrency: 3 });
        await Promise.all(Array.from({ length: 12 }, () => client.get('/x', z.unknown())));
        assert.equal(server.requests.length, 12);
        assert.ok(server.maxInFlight <= 3 && server.maxInFlight >= 2, `max in flight ${server.maxInFlight}`);
      },
    );
  });

  it('reports an HTML page answered with 200 as invalid-response', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html><head><title>Oracle Sign In</title></head><body>login</body></html>');
      },
      async (server) => {
        const { client } = clientFor(server);
        await rejectsWith(client.get('/x', z.unknown()), (e) => {
          assert.equal(e.reason, 'invalid-response');
          assert.match(e.message, /Oracle Sign In/);
        });
      },
    );
  });

  it('refuses paths on another origin and plain http to a remote host', async () => {
    await withServer(
      (_req, res) => json(res, 200, {}),
      async (server) => {
        const { client } = clientFor(server);
        await rejectsWith(client.get('https://evil.example.com/x', z.unknown()), (e) => assert.equal(e.reason, 'config'));
        assert.equal(server.requests.length, 0);
      },
    );
    assert.throws(() => new OracleClient({ baseUrl: 'http://pod.fa.example.com', auth: AUTH }), (e: unknown) => e instanceof OracleError && e.reason === 'config' && /https/.test(e.message));
    assert.throws(() => new OracleClient({ baseUrl: 'https://u:p@pod.example.com', auth: AUTH }), (e: unknown) => e instanceof OracleError && e.reason === 'config' && !e.message.includes('u:p'));
  });

  it('a refused connection is a network error with next steps, not retried', async () => {
    const server = await startFaultServer((_req, res) => json(res, 200, {}));
    const url = server.url;
    await server.close();
    const client = new OracleClient({ baseUrl: url, auth: AUTH, proxy: '', sleep: async () => {} });
    await rejectsWith(client.get('/x', z.unknown()), (e) => {
      assert.equal(e.reason, 'network');
      assert.match(e.message, /refused/);
    });
    assert.equal(client.stats.requests, 1);
  });

  it('builds OR filters with one escaped clause per distinct value', () => {
    assert.equal(scimAnyEq('userName', ['a', 'b"c', 'a']), 'userName eq "a" or userName eq "b\\"c"');
    assert.equal(adfEq('Username', 'x', '1'), 'Username=x');
    assert.throws(() => adfEq('Username', 'a;b', '1'));
    assert.throws(() => scimEq('userName eq "x" or 1', 'y'));
  });
});
