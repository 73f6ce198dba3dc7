/**
 * Creates that must never be sent twice blindly: createUser and submitEssRequest when the
 * outcome is unknown (connection dropped after the server committed, or before it did).
 */
import { strict as assert } from 'node:assert';
import { OracleClient } from '../../src/oracle/client';
import { OracleError } from '../../src/oracle/errors';
import { submitEssRequest } from '../../src/oracle/ess';
import { createUser, findUsersBatched } from '../../src/oracle/scimUsers';
import { drop, json, startFaultServer, type FaultHandler, type FaultServer } from './helpers/fault-server';

const AUTH = { kind: 'basic', username: 'admin', password: 'recheck-password' } as const;
const INPUT = { userName: 'user.coursera', email: 'c@example.com', givenName: 'C', familyName: 'Integration' };

function scimUser(id: string, userName: string, email = 'c@example.com') {
  return { schemas: ['urn:scim:schemas:core:2.0:User'], id, userName, active: true, emails: [{ value: email, type: 'W', primary: true }] };
}

function listResponse(resources: unknown[], startIndex = 1, total = resources.length) {
  return { schemas: ['urn:scim:api:messages:2.0:ListResponse'], totalResults: total, itemsPerPage: resources.length, startIndex, Resources: resources };
}

async function withServer(handler: FaultHandler, fn: (s: FaultServer, c: OracleClient) => Promise<void>): Promise<void> {
  const server = await startFaultServer(handler);
  const client = new OracleClient({ baseUrl: server.url, auth: AUTH, proxy: '', sleep: async () => {} });
  try {
    await fn(server, client);
  } finally {
    client.close();
    await server.close();
  }
}

const posts = (s: FaultServer) => s.requests.filter((r) => r.method === 'POST').length;

describe('oracle creates: re-check, then decide', () => {
  it('createUser: committed then dropped -> the re-check finds the user, returned with created:false, one POST', async () => {
    let committed = false;
    await withServer(
      (req, res) => {
        if (req.method === 'POST') {
          committed = true;
          return drop(res);
        }
        json(res, 200, listResponse(committed ? [scimUser('A1', 'user.coursera')] : []));
      },
      async (server, client) => {
        const r = await createUser(client, INPUT);
        assert.deepEqual({ id: r.user.id, created: r.created }, { id: 'A1', created: false });
        assert.equal(posts(server), 1);
        assert.match(decodeURIComponent(server.requests[1]!.url), /filter=userName eq "user\.coursera"/);
      },
    );
  });

  it('createUser: dropped before commit -> the re-check finds nothing, the create is sent once more', async () => {
    await withServer(
      (req, res, n) => {
        if (req.method === 'POST') return n === 1 ? drop(res) : json(res, 201, scimUser('B2', 'user.coursera'));
        json(res, 200, listResponse([]));
      },
      async (server, client) => {
        const r = await createUser(client, INPUT);
        assert.deepEqual({ id: r.user.id, created: r.created }, { id: 'B2', created: true });
        assert.equal(posts(server), 2);
        assert.deepEqual(
          server.requests.map((x) => x.method),
          ['POST', 'GET', 'POST'],
        );
      },
    );
  });

  it('createUser: keeps failing with an unknown outcome -> gives up after two creates with the error', async () => {
    await withServer(
      (req, res) => (req.method === 'POST' ? drop(res) : json(res, 200, listResponse([]))),
      async (server, client) => {
        await assert.rejects(createUser(client, INPUT), (e: unknown) => e instanceof OracleError && e.outcomeUnknown);
        assert.equal(posts(server), 2);
      },
    );
  });

  it('createUser: other errors (400) are thrown without a re-check', async () => {
    await withServer(
      (_req, res) => json(res, 400, { schemas: ['urn:scim:api:messages:2.0:Error'], status: '400', detail: 'bad email', scimType: 'invalidValue' }),
      async (server, client) => {
        await assert.rejects(createUser(client, INPUT), (e: unknown) => e instanceof OracleError && e.code === 'invalidValue');
        assert.equal(server.requests.length, 1);
      },
    );
  });

  const JOB = 'JobDefinition://oracle/apps/ess/hcm/learning/sandbox-standin/ReconcileUserGroups';
  function essItem(id: number, submissionTime: string, requestType = 'ONCE') {
    return { requestId: id, id, jobDefinitionId: JOB, state: 'WAIT', requestType, submissionTime };
  }

  it('submitEssRequest: committed then dropped -> returns the request found by re-query, one POST', async () => {
    await withServer(
      (req, res) => {
        if (req.method === 'POST') return drop(res);
        const old = essItem(7, new Date(Date.now() - 3 * 3600_000).toISOString());
        const mine = essItem(42, new Date().toISOString());
        json(res, 200, { items: [old, mine], count: 2, hasMore: false, limit: 100, offset: 0 });
      },
      async (server, client) => {
        const r = await submitEssRequest(client, { jobDefinitionId: JOB, application: 'EarHcmEss' });
        assert.equal(r.requestId, 42);
        assert.equal(posts(server), 1);
        const q = new URL(server.requests[1]!.url, 'http://x').searchParams.get('q');
        assert.equal(q, `jobDefinitionId eq "${JOB}"`);
      },
    );
  });

  it('submitEssRequest: dropped and nothing found -> throws saying it was not submitted, one POST', async () => {
    await withServer(
      (req, res) => {
        if (req.method === 'POST') return drop(res);
        json(res, 200, { items: [essItem(7, new Date(Date.now() - 3 * 3600_000).toISOString())], count: 1, hasMore: false });
      },
      async (server, client) => {
        await assert.rejects(submitEssRequest(client, { jobDefinitionId: JOB, application: 'EarHcmEss' }), (e: unknown) => {
          assert.ok(e instanceof OracleError);
          assert.match(e.message, /was not submitted/);
          assert.equal(e.retryable, true);
          return true;
        });
        assert.equal(posts(server), 1);
      },
    );
  });

  it('submitEssRequest: a response with only the id is completed by a GET', async () => {
    await withServer(
      (req, res) => (req.method === 'POST' ? json(res, 201, { requestId: 99 }) : json(res, 200, essItem(99, new Date().toISOString()))),
      async (server, client) => {
        const r = await submitEssRequest(client, { jobDefinitionId: JOB, application: 'EarHcmEss' });
        assert.equal(r.requestId, 99);
        assert.equal(r.state, 'WAIT');
        assert.match(server.requests[1]!.url, /^\/ess\/rest\/scheduler\/v1\/requests\/99\?fields=%40full$/);
      },
    );
  });

  it('findUsersBatched pages a batch that matches more users than the page size (shared emails)', async () => {
    await withServer(
      (req, res) => {
        const u = new URL(req.url, 'http://x');
        const start = Number(u.searchParams.get('startIndex'));
        const count = Number(u.searchParams.get('count'));
        const all = [scimUser('1', 'a.one', 'shared@example.com'), scimUser('2', 'a.two', 'shared@example.com'), scimUser('3', 'b', 'b@example.com')];
        json(res, 200, listResponse(all.slice(start - 1, start - 1 + count), start, all.length));
      },
      async (server, client) => {
        const found = await findUsersBatched(client, 'email', ['Shared@example.com', 'b@example.com'], { batchSize: 2, pageSize: 2 });
        assert.deepEqual(found.get('shared@example.com')?.map((u) => u.id), ['1', '2']);
        assert.deepEqual(found.get('b@example.com')?.map((u) => u.id), ['3']);
        assert.equal(server.requests.length, 2);
        assert.equal(new URL(server.requests[0]!.url, 'http://x').searchParams.get('filter'), 'emails.value eq "shared@example.com" or emails.value eq "b@example.com"');
      },
    );
  });
});
