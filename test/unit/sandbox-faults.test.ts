import { strict as assert } from 'node:assert';
import { FAULT_KINDS, FaultInjector } from '../../src/sandbox/faults';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';

type Outcome = { kind: 'status'; status: number; retryAfter: string | null } | { kind: 'timeout' } | { kind: 'dropped' };

async function attempt(t: TestSandbox, path: string, init: { method?: string; body?: unknown } = {}, timeoutMs = 2000): Promise<Outcome> {
  try {
    const res = await fetch(`${t.sb.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: t.adminAuth, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return { kind: 'status', status: res.status, retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    const name = (err as Error).name;
    return name === 'TimeoutError' || name === 'AbortError' ? { kind: 'timeout' } : { kind: 'dropped' };
  }
}

describe('sandbox faults, latency and stats', () => {
  it('FaultInjector: same seed, same sequence; rate 0 never fails; jitter stays within ±25%', () => {
    const a = new FaultInjector(0.5, 99, 100);
    const b = new FaultInjector(0.5, 99, 100);
    const seqA = Array.from({ length: 200 }, () => a.draw('POST'));
    assert.deepEqual(Array.from({ length: 200 }, () => b.draw('POST')), seqA);
    assert.notDeepEqual(Array.from({ length: 200 }, () => new FaultInjector(0.5, 100, 0).draw('POST')), seqA);
    assert.ok(seqA.includes(null) && seqA.some((k) => k !== null));
    const zero = new FaultInjector(0, 1, 0);
    assert.ok(Array.from({ length: 100 }, () => zero.draw('GET')).every((k) => k === null));
    const gets = new FaultInjector(1, 5, 0);
    assert.ok(Array.from({ length: 300 }, () => gets.draw('GET')).every((k) => k !== 'commit-then-drop'), 'commit-then-drop only for POST/PATCH');
    for (let i = 0; i < 200; i++) {
      const d = a.delay();
      assert.ok(d >= 75 && d <= 125, String(d));
    }
  });

  describe('over HTTP with rate 1', () => {
    let t: TestSandbox;
    before(async () => {
      t = await startTestSandbox({ faultRate: 1, faultSeed: 7 });
    });
    after(() => t.close());

    it('fails every request, covering every kind; 429 has Retry-After: 1; commit-then-drop really commits', async () => {
      const n = 60;
      const names = Array.from({ length: n }, (_, i) => `fault.user${i}`);
      const outcomes = await Promise.all(names.map((userName) =>
        attempt(t, '/hcmRestApi/scim/Users', { method: 'POST', body: { schemas: ['urn:scim:schemas:core:2.0:User'], userName } })));
      const { faults, requests } = await t.hook('stats');
      assert.equal(requests.total, n);
      assert.equal(Object.values(faults as Record<string, number>).reduce((x, y) => x + y, 0), n, 'every request failed');
      for (const k of FAULT_KINDS) assert.ok(faults[k] >= 1, `kind ${k} drawn (${JSON.stringify(faults)})`);

      const statuses = outcomes.filter((o): o is Extract<Outcome, { kind: 'status' }> => o.kind === 'status');
      assert.ok(statuses.every((o) => [429, 500, 503].includes(o.status)), 'no request succeeded');
      assert.equal(statuses.filter((o) => o.status === 429).length, faults['429']);
      assert.ok(statuses.filter((o) => o.status === 429).every((o) => o.retryAfter === '1'));
      assert.equal(statuses.filter((o) => o.status === 500).length, faults['500']);
      assert.equal(statuses.filter((o) => o.status === 503).length, faults['503']);
      assert.equal(outcomes.filter((o) => o.kind === 'timeout').length, faults.stall, 'stalled requests never answer');
      assert.equal(outcomes.filter((o) => o.kind === 'dropped').length, faults.drop + faults['commit-then-drop']);

      await t.hook('faults', { rate: 0 });
      const existing = [];
      for (const userName of names) {
        const body = await (await t.call(`/hcmRestApi/scim/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).json();
        if (body.totalResults === 1) existing.push(userName);
      }
      assert.equal(existing.length, faults['commit-then-drop'], 'exactly the committed-then-dropped creates exist');
    });
  });

  it('the same seed gives the same faults over HTTP; another seed differs', async () => {
    const run = async (seed: number) => {
      const t = await startTestSandbox({ faultRate: 0.5, faultSeed: seed });
      try {
        await Promise.all(Array.from({ length: 40 }, () => attempt(t, '/hcmRestApi/scim/Users?count=1', {}, 1000)));
        return (await t.hook('stats')).faults;
      } finally {
        await t.close();
      }
    };
    const a = await run(42);
    assert.deepEqual(await run(42), a);
    assert.notDeepEqual(await run(43), a);
  });

  it('close() ends a stalled request at once instead of holding it for 60 s', async () => {
    let seed = 1;
    while (new FaultInjector(1, seed, 0).draw('GET') !== 'stall') seed++;
    const t = await startTestSandbox({ faultRate: 1, faultSeed: seed });
    const pending = attempt(t, '/hcmRestApi/scim/Users', {}, 55_000);
    while ((await t.hook('stats')).faults.stall === 0) await new Promise((r) => setTimeout(r, 20));
    await t.close();
    assert.deepEqual(await pending, { kind: 'dropped' }, 'the stalled client sees its connection closed, not a timeout');
  });

  it('counts requests per route, excludes hooks, tracks max in flight; stats/reset clears', async () => {
    const t = await startTestSandbox();
    try {
      await t.hook('latency', { ms: 400 });
      await Promise.all([1, 2, 3, 4].map(() => t.call('/hcmRestApi/scim/Users?count=1')));
      await t.call('/ess/rest/scheduler/v1/requests');
      await t.call('/nowhere');
      await t.hook('info');
      const s = await t.hook('stats');
      assert.equal(s.requests.total, 6);
      assert.deepEqual(s.requests.byRoute, { 'GET /hcmRestApi/scim/Users': 4, 'GET /ess/rest/scheduler/v1/requests': 1, 'GET (no route)': 1 });
      assert.ok(s.requests.maxInFlight > 1, 'four delayed requests overlapped');
      const reset = await t.hook('stats/reset', {});
      assert.equal(reset.requests.total, 0);
      assert.deepEqual(reset.requests.byRoute, {});
    } finally {
      await t.close();
    }
  });
});
