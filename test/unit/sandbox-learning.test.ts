import { strict as assert } from 'node:assert';
import { ADF, XAPI, basic, setupProvider, startTestSandbox, type TestSandbox } from './helpers/sandbox';

const JOBS = 'JobDefinition://oracle/apps/ess/hcm/learning/sandbox-standin/';
const verb = (v: string) => ({ id: `http://adlnet.gov/expapi/verbs/${v}` });

describe('sandbox learning: content push, xAPI stand-in, Process Learning Experience Statements', () => {
  let t: TestSandbox;
  let p: Awaited<ReturnType<typeof setupProvider>>;
  let clock = Date.now();
  const STEP = 100;

  before(async () => {
    t = await startTestSandbox({ now: () => clock, essStepMs: STEP });
    p = await setupProvider(t);
  });
  after(() => t.close());

  const asProvider = (): string => `Bearer ${p.jwt({}, {}, Math.floor(clock / 1000))}`;
  /** learnerLearningRecords applies to the learner [DOC]: learners read their own records. */
  const asLearner = (userName: string): string => basic(userName, `pw-${userName}`);
  const records = async (userName: string, query = '', headers: Record<string, string> = {}) =>
    (await t.call(`${ADF}/learnerLearningRecords${query}`, { authorization: asLearner(userName), headers })).json();
  const postStatements = (body: unknown, headers: Record<string, string> = { 'X-Experience-API-Version': '1.0.3' }) =>
    t.call(XAPI, { body, authorization: asProvider(), headers });

  async function runEss(job: string): Promise<number> {
    const r = await t.hook('ess/submit', { jobDefinitionId: JOBS + job });
    clock += 2 * STEP;
    const done = await (await t.call(`/ess/rest/scheduler/v1/requests/${r.requestId}`)).json();
    assert.equal(done.state, 'SUCCEEDED');
    return r.requestId;
  }

  it('the provider pushes content (201, then 200 on update) and it appears as a self-paced URL item', async () => {
    const content = { ExternalContentId: 'urn:coursera:crs-ml-101', Title: 'Machine Learning', ContentUrl: 'https://www.coursera.test/learn/ml', ExpectedEffortInHours: 20, Languages: ['en'] };
    const created = await t.call(`${ADF}/digitalLearningProviders/${p.providerId}/child/content`, { body: content, authorization: asProvider() });
    assert.equal(created.status, 201);
    const item = await created.json();
    assert.equal(typeof item.LearningItemId, 'number');
    const updated = await t.call(`${ADF}/digitalLearningProviders/${p.providerId}/child/content`, { body: { ...content, Title: 'Machine Learning (2025)' }, authorization: asProvider() });
    assert.equal(updated.status, 200);
    assert.equal((await updated.json()).LearningItemId, item.LearningItemId);
    await t.call(`${ADF}/digitalLearningProviders/${p.providerId}/child/content`, { body: { ExternalContentId: 'urn:coursera:crs-py-1', Title: 'Python', ContentUrl: 'https://www.coursera.test/learn/python' }, authorization: asProvider() });

    const items = await (await t.call(`${ADF}/learningSelfPacedItems?q=${encodeURIComponent("ExternalContentId='urn:coursera:crs-ml-101'")}&onlyData=true`)).json();
    assert.equal(items.count, 1);
    assert.deepEqual(
      { ...items.items[0], LearningItemNumber: undefined },
      { LearningItemId: item.LearningItemId, LearningItemNumber: undefined, Title: 'Machine Learning (2025)', LearningItemType: 'SELF_PACED', LearningItemSubType: 'URL', ContentUrl: content.ContentUrl, ExternalContentId: 'urn:coursera:crs-ml-101', ProviderName: 'Coursera', Status: 'ACTIVE', Description: null, ExpectedEffortInHours: 20 },
    );
    const bad = await t.call(`${ADF}/digitalLearningProviders/${p.providerId}/child/content`, { body: { Title: 'no id' }, authorization: asProvider() });
    assert.equal(bad.status, 400);
  });

  it('validates statements: version header, verbs, actor', async () => {
    const ok = { actor: { mbox: 'mailto:a@example.com' }, verb: verb('completed'), object: { id: 'urn:coursera:crs-ml-101' } };
    assert.equal((await postStatements(ok, {})).status, 400, 'X-Experience-API-Version is required');
    assert.equal((await postStatements({ ...ok, verb: verb('answered') })).status, 400);
    assert.equal((await postStatements({ ...ok, actor: { name: 'nobody' } })).status, 400);
    assert.equal((await postStatements({ ...ok, result: { duration: '90 minutes' } })).status, 400);
    const adminList = await t.call(XAPI);
    assert.equal((await adminList.json()).count, 0, 'rejected requests store nothing');
    assert.equal((await t.call(XAPI, { authorization: asProvider() })).status, 403, 'listing is admin only');
  });

  it('turns pending statements into learner records when the ESS process runs, and rejects what cannot be matched', async () => {
    await t.hook('users', { userName: 'ada.learner', email: 'ada.learner@example.com', password: 'pw-ada.learner' });
    await t.hook('users', { userName: 'bo.learner', email: 'bo.learner@example.com', password: 'pw-bo.learner' });
    await t.hook('users', { userName: 'twin.one', email: 'twins@example.com' });
    await t.hook('users', { userName: 'twin.two', email: 'twins@example.com' });
    const batch = [
      { actor: { mbox: 'mailto:ada.learner@example.com' }, verb: verb('initialized'), object: { id: 'urn:coursera:crs-ml-101' }, timestamp: '2025-03-01T09:00:00Z' },
      { actor: { mbox: 'mailto:ADA.learner@example.com' }, verb: verb('completed'), object: { id: 'urn:coursera:crs-ml-101' }, timestamp: '2025-03-02T10:30:00Z', result: { duration: 'PT1H30M', score: { scaled: 0.85 }, completion: true } },
      { actor: { mbox: 'mailto:bo.learner@example.com' }, verb: verb('progressed'), object: { id: 'https://www.coursera.test/learn/python' }, timestamp: '2025-03-02T11:00:00Z' },
      { actor: { mbox: 'mailto:nobody.here@example.com' }, verb: verb('completed'), object: { id: 'urn:coursera:crs-ml-101' } },
      { actor: { mbox: 'mailto:twins@example.com' }, verb: verb('completed'), object: { id: 'urn:coursera:crs-ml-101' } },
      { actor: { mbox: 'mailto:bo.learner@example.com' }, verb: verb('completed'), object: { id: 'urn:coursera:crs-unknown' } },
    ];
    const res = await postStatements(batch);
    assert.equal(res.status, 200);
    const ids: string[] = await res.json();
    assert.equal(ids.length, 6);
    assert.equal((await records('ada.learner')).count, 0, 'nothing happens before the process runs');
    assert.equal((await (await t.call(`${XAPI}?status=pending`)).json()).count, 6);

    await runEss('ProcessLearningExperienceStatements');

    const recs = await records('ada.learner', '?expand=completionDetails');
    assert.equal(recs.count, 1);
    const r = recs.items[0];
    assert.equal(r.assignmentStatus, 'ORA_ASSN_REC_COMPLETE');
    assert.equal(r.learningItemTitle, 'Machine Learning (2025)');
    assert.equal(typeof r.assignmentRecordId, 'number');
    assert.equal(r.assignmentRecordNumber, `OLC${r.assignmentRecordId}`);
    assert.match(r.assignedToNumber, /^\d+$/, 'the person number (queryable as assignedToNumber)');
    assert.equal(r.LearnerUserName, undefined, 'camelCase, not PascalCase');
    assert.deepEqual(r.completionDetails.items, [{ completionDate: '2025-03-02T10:30:00.000Z', actualEffortInSeconds: 5400, actualScore: 0.85 }]);
    const plain = await records('ada.learner');
    assert.equal(plain.items[0].completionDetails, undefined, 'completionDetails only with expand');
    const byNumber = await records('ada.learner', `?q=${encodeURIComponent(`assignedToNumber=${r.assignedToNumber}`)}`);
    assert.equal(byNumber.count, 1);

    // Items are keyed by hash [DOC]; the child collection sits under the item.
    const self = plain.items[0].links.find((l: { rel: string }) => l.rel === 'self').href as string;
    const key = self.split('/').pop()!;
    assert.match(key, /^[0-9A-F]{40}$/);
    const one = await (await t.call(`${ADF}/learnerLearningRecords/${key}`, { authorization: asLearner('ada.learner') })).json();
    assert.equal(one.assignmentRecordId, r.assignmentRecordId);
    const child = await (await t.call(`${ADF}/learnerLearningRecords/${key}/child/completionDetails`, { authorization: asLearner('ada.learner') })).json();
    assert.deepEqual(child.items.map((c: Record<string, unknown>) => c.actualScore), [0.85]);
    // Another user (the admin included) does not see ada's records: data security [GAP], our choice.
    assert.equal((await t.call(`${ADF}/learnerLearningRecords/${key}`, { authorization: asLearner('bo.learner') })).status, 404);
    assert.equal((await (await t.call(`${ADF}/learnerLearningRecords`)).json()).count, 0, 'the admin has no learning records of its own');

    const bo = await records('bo.learner');
    assert.equal(bo.count, 1);
    assert.equal(bo.items[0].assignmentStatus, 'ORA_ASSN_REC_ACTIVE', 'matched by ContentUrl; progressed = active');

    const all = (await (await t.call(XAPI)).json()).items as Array<{ id: string; status: string; reason: string | null }>;
    const byId = new Map(all.map((s) => [s.id, s]));
    assert.deepEqual(ids.slice(0, 3).map((id) => byId.get(id)!.status), ['processed', 'processed', 'processed']);
    assert.match(byId.get(ids[3]!)!.reason!, /no user has primary work email/);
    assert.match(byId.get(ids[4]!)!.reason!, /2 users share/);
    assert.match(byId.get(ids[5]!)!.reason!, /no content .* urn:coursera:crs-unknown/);
  });

  it('keeps later statements pending until the next run; a retake after completion is a new enrollment', async () => {
    const again = { actor: { mbox: 'mailto:ada.learner@example.com' }, verb: verb('passed'), object: { id: 'urn:coursera:crs-ml-101' }, timestamp: '2025-04-01T08:00:00Z', result: { score: { raw: 92 } } };
    await postStatements(again);
    assert.equal((await (await t.call(`${XAPI}?status=pending`)).json()).count, 1);
    await runEss('ProcessLearningExperienceStatements');
    const recs = await records('ada.learner', '?expand=completionDetails');
    assert.equal(recs.count, 2);
    assert.deepEqual(recs.items[1].completionDetails.items, [{ completionDate: '2025-04-01T08:00:00.000Z', actualEffortInSeconds: null, actualScore: 92 }]);
  });

  it('matches learners by user name when the provider is configured that way', async () => {
    await t.hook('external-providers', { provider: 'Coursera', userName: p.userName, catalogProfile: 'Coursera Catalog', visibility: 'public', learnerIdentifier: 'username' });
    await postStatements({ actor: { account: { homePage: 'https://www.coursera.test', name: 'bo.learner' } }, verb: verb('completed'), object: { id: 'urn:coursera:crs-py-1' }, timestamp: '2025-05-01T00:00:00Z' });
    await postStatements({ actor: { mbox: 'mailto:bo.learner@example.com' }, verb: verb('completed'), object: { id: 'urn:coursera:crs-py-1' } });
    await runEss('ProcessLearningExperienceStatements');
    const bo = await records('bo.learner', `?q=${encodeURIComponent("learningItemTitle='Python'")}`, { 'REST-Framework-Version': '2' });
    assert.equal(bo.items[0].assignmentStatus, 'ORA_ASSN_REC_COMPLETE');
    const rejected = (await (await t.call(`${XAPI}?status=rejected`)).json()).items;
    assert.ok(rejected.some((s: { reason: string }) => /actor\.account\.name is missing/.test(s.reason)));
  });

  it('the catalog deactivation process marks items past their DeactivationDate INACTIVE', async () => {
    await t.call(`${ADF}/digitalLearningProviders/${p.providerId}/child/content`, {
      body: { ExternalContentId: 'urn:coursera:crs-old', Title: 'Retired', ContentUrl: 'https://www.coursera.test/learn/old', DeactivationDate: new Date(clock - 1000).toISOString() },
      authorization: asProvider(),
    });
    const status = async () => (await (await t.call(`${ADF}/learningSelfPacedItems?q=ExternalContentId=urn:coursera:crs-old`)).json()).items[0].Status;
    assert.equal(await status(), 'ACTIVE');
    await runEss('ProcessCatalogItemDeactivationsDeletions');
    assert.equal(await status(), 'INACTIVE');
  });

  it('only the provider\'s integration user may push its content', async () => {
    await t.hook('users', { userName: 'other.provider', email: 'other.provider@example.com', roles: ['XX_COURSERA_PROVIDER_JOB'] });
    const res = await t.call(`${ADF}/digitalLearningProviders/${p.providerId}/child/content`, {
      body: { ExternalContentId: 'x', Title: 'x', ContentUrl: 'https://x.test/' },
      authorization: `Bearer ${p.jwt({ prn: 'other.provider', sub: 'other.provider' }, {}, Math.floor(clock / 1000))}`,
    });
    assert.equal(res.status, 403);
  });
});
