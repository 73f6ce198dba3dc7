/**
 * Each sandbox variant, over real HTTP without the product's client: it plays what docs/SANDBOX.md
 * says ("Variants"), and only that (the rest of the pod answers as the default one).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxStartError } from '../../src/sandbox/errors';
import { startSandbox } from '../../src/sandbox/server';
import { VARIANT_NAMES } from '../../src/sandbox/variants';
import { ADF, basic, setupProvider, startTestSandbox, type TestSandbox } from './helpers/sandbox';

const ESS = '/ess/rest/scheduler/v1/requests';
const JOBS = 'JobDefinition://oracle/apps/ess/hcm/learning/sandbox-standin/';
const filter = (f: string): string => `filter=${encodeURIComponent(f)}`;
const q = (v: string): string => `q=${encodeURIComponent(v)}`;
const daily = { frequency: 'DAILY', interval: 1, startTime: '2031-01-01T02:00:00.000Z' };

async function withSandbox(variants: string[], fn: (t: TestSandbox) => Promise<void>, options: Parameters<typeof startTestSandbox>[0] = {}): Promise<void> {
  const t = await startTestSandbox({ variants, ...options });
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

/** A provider (integration user with the duty, provider configured) plus one pushed item. */
async function withContent(t: TestSandbox) {
  const p = await setupProvider(t);
  const auth = `Bearer ${p.jwt()}`;
  const pushed = await t.call(`${ADF}/digitalLearningProviders/${p.providerId}/child/content`, {
    body: { ExternalContentId: 'urn:coursera:variant-1', Title: 'Variant course', ContentUrl: 'https://www.coursera.test/learn/v1' },
    authorization: auth,
  });
  assert.equal(pushed.status, 201, await pushed.clone().text());
  return { ...p, auth };
}

describe('sandbox variants', function () {
  this.timeout(30_000);

  describe('starting', () => {
    it('an unknown variant is a start error that lists the valid ones', async () => {
      await assert.rejects(startSandbox({ port: 0, users: 1, variants: ['camel-case-fields', 'no-such-pod'] }), (e: unknown) => {
        assert.ok(e instanceof SandboxStartError);
        assert.equal(e.reason, 'options');
        assert.match(e.message, /Unknown sandbox variant 'no-such-pod'/);
        for (const v of VARIANT_NAMES) assert.ok(e.message.includes(v), v);
        return true;
      });
    });

    it('contradictory variants are refused; a comma list combines the others', async () => {
      await assert.rejects(startSandbox({ port: 0, users: 1, variants: 'camel-case-fields,unexpected-fields' }), /contradict/);
      await assert.rejects(startSandbox({ port: 0, users: 1, variants: ['ess-recur-parent', 'ess-no-request-type'] }), /contradict/);
      await withSandbox(['scim-no-or,ess-recur-parent', 'camel-case-fields'], async (t) => {
        const info = await t.hook('info');
        assert.deepEqual(info.variants, ['camel-case-fields', 'ess-recur-parent', 'scim-no-or']);
        assert.deepEqual(t.sb.info.variants, info.variants);
      });
    });

    it('the default pod lists no variant and an administrator with the implementer roles, not the provider duty', async () => {
      await withSandbox([], async (t) => {
        const info = await t.hook('info');
        assert.deepEqual(info.variants, []);
        assert.deepEqual(info.adminRoles, ['ORA_FND_IT_SECURITY_MANAGER_JOB', 'ORA_WLF_LEARNING_ADMINISTRATOR_JOB', 'ORA_HRC_HUMAN_CAPITAL_MANAGEMENT_INTEGRATION_SPECIALIST_JOB']);
        const roles = await (await t.call(`${ADF}/userAccounts?q=${encodeURIComponent(`Username=${t.sb.admin.userName}`)}&expand=userAccountRoles`)).json();
        assert.deepEqual(roles.items[0].userAccountRoles.items.map((r: { RoleCode: string }) => r.RoleCode).sort(), [...info.adminRoles].sort());
        for (const path of ['/hcmRestApi/scim/Users?count=1', `${ADF}/userAccounts?limit=1`, ESS, `${ADF}/learningSelfPacedItems`, `${ADF}/learnerLearningRecords`]) {
          assert.equal((await t.call(path)).status, 200, path);
        }
        for (const path of [`${ADF}/digitalLearningProviders`, `${ADF}/learningItemTypeProviders`]) {
          const res = await t.call(path);
          assert.equal(res.status, 403, path);
          assert.match(await res.text(), /needs duty role ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY/);
        }
      });
    });

    it('the administrator\'s roles follow the variants on every start, whatever the state file says', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'oli-variant-state-'));
      try {
        const statePath = join(dir, 'state.json');
        await withSandbox(['admin-provider-duty'], async (t) => {
          assert.equal((await t.call(`${ADF}/digitalLearningProviders`)).status, 200);
        }, { statePath });
        await withSandbox(['admin-security-only'], async (t) => {
          assert.equal((await t.call(`${ADF}/digitalLearningProviders`)).status, 403);
          assert.equal((await t.call(ESS)).status, 403);
        }, { statePath });
        await withSandbox([], async (t) => {
          assert.equal((await t.call(`${ADF}/digitalLearningProviders`)).status, 403);
          assert.equal((await t.call(ESS)).status, 200);
        }, { statePath });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('field names of the unpublished Learning resources', () => {
    it('default: PascalCase', async () => {
      await withSandbox(['admin-provider-duty'], async (t) => {
        await withContent(t);
        const providers = await (await t.call(`${ADF}/digitalLearningProviders?onlyData=true`)).json();
        assert.deepEqual(Object.keys(providers.items[0]).sort(), ['CatalogProfile', 'ProviderCode', 'ProviderId', 'ProviderName', 'Status', 'UserName', 'Visibility']);
        const items = await (await t.call(`${ADF}/learningSelfPacedItems?onlyData=true&${q("ExternalContentId='urn:coursera:variant-1'")}`)).json();
        assert.equal(items.items[0].Title, 'Variant course');
      });
    });

    it('camel-case-fields: providerName, providerId, title, externalContentId... in answers, q, fields and orderBy', async () => {
      await withSandbox(['camel-case-fields', 'admin-provider-duty'], async (t) => {
        const p = await withContent(t);
        const providers = await (await t.call(`${ADF}/digitalLearningProviders?onlyData=true&${q('providerName=Coursera')}`)).json();
        assert.equal(providers.count, 1);
        assert.deepEqual(Object.keys(providers.items[0]).sort(), ['catalogProfile', 'providerCode', 'providerId', 'providerName', 'status', 'userName', 'visibility']);
        assert.equal(providers.items[0].providerId, p.providerId);
        assert.equal((await t.call(`${ADF}/digitalLearningProviders?${q('ProviderName=Coursera')}`)).status, 400, 'the PascalCase name is not an attribute of this pod');
        assert.equal((await t.call(`${ADF}/learningSelfPacedItems?${q("ExternalContentId='urn:coursera:variant-1'")}`)).status, 400);
        const items = await (await t.call(`${ADF}/learningSelfPacedItems?onlyData=true&fields=title,externalContentId&${q("externalContentId='urn:coursera:variant-1'")}`)).json();
        assert.deepEqual(items.items, [{ title: 'Variant course', externalContentId: 'urn:coursera:variant-1' }]);
        const sorted = await (await t.call(`${ADF}/learningSelfPacedItems?onlyData=true&orderBy=title:desc`)).json();
        assert.ok(sorted.items.every((i: Record<string, unknown>) => 'learningItemId' in i && !('LearningItemId' in i)));
        const types = await (await t.call(`${ADF}/learningItemTypeProviders?onlyData=true`)).json();
        assert.deepEqual(types.items, [{ providerCode: 'COURSERA', providerName: 'Coursera', learningItemType: 'SELF_PACED' }]);
        // The provider may push in either casing; the answer is camelCase.
        const camelPush = await t.call(`${ADF}/digitalLearningProviders/${p.providerId}/child/content`, {
          body: { externalContentId: 'urn:coursera:variant-2', title: 'Camel', contentUrl: 'https://www.coursera.test/learn/v2' },
          authorization: p.auth,
        });
        assert.equal(camelPush.status, 201);
        assert.equal((await camelPush.json()).externalContentId, 'urn:coursera:variant-2');
      });
    });

    it('unexpected-fields: Name, Id, IntegrationUser, SourceContentId... a shape nobody can guess', async () => {
      await withSandbox(['unexpected-fields', 'admin-provider-duty'], async (t) => {
        const p = await withContent(t);
        const providers = await (await t.call(`${ADF}/digitalLearningProviders?onlyData=true`)).json();
        assert.deepEqual(providers.items[0], { Id: p.providerId, Name: 'Coursera', Code: 'COURSERA', ProviderStatus: 'ACTIVE', IntegrationUser: p.userName, LearningCatalogProfile: 'Coursera Catalog', AudienceVisibility: 'public' });
        assert.equal((await t.call(`${ADF}/digitalLearningProviders?${q('providerName=Coursera')}`)).status, 400);
        const items = await (await t.call(`${ADF}/learningSelfPacedItems?onlyData=true&${q("SourceContentId='urn:coursera:variant-1'")}`)).json();
        assert.equal(items.count, 1);
        assert.equal(items.items[0].Name, 'Variant course');
        assert.equal(items.items[0].Title, undefined);
        assert.equal(items.items[0].LaunchUrl, 'https://www.coursera.test/learn/v1');
        assert.equal((await t.call(`${ADF}/learningSelfPacedItems?${q("ExternalContentId='x'")}`)).status, 400);
        const types = await (await t.call(`${ADF}/learningItemTypeProviders?onlyData=true`)).json();
        assert.deepEqual(types.items, [{ Code: 'COURSERA', Name: 'Coursera', ItemType: 'SELF_PACED' }]);
      });
    });
  });

  describe('ESS', () => {
    it('default: ONCE / RECURRING; requestParameters only in the full form; cancel, hold and release as documented', async () => {
      await withSandbox([], async (t) => {
        const once = await (await t.call(ESS, { body: { jobDefinitionId: `${JOBS}ReconcileUserGroups`, requestParameters: [{ name: 'p1', paramType: 'STRING', value: 'v1' }] } })).json();
        const sched = await (await t.call(ESS, { body: { jobDefinitionId: `${JOBS}ReconcileUserGroups`, schedule: daily } })).json();
        assert.equal(once.requestType, 'ONCE');
        assert.equal(sched.requestType, 'RECURRING');
        assert.equal((await (await t.call(`${ESS}/${once.requestId}`)).json()).requestParameters, undefined);
        assert.deepEqual((await (await t.call(`${ESS}/${once.requestId}?fields=@full`)).json()).requestParameters, [{ name: 'p1', paramType: 'STRING', value: 'v1' }]);
        const listed = await (await t.call(`${ESS}?fields=@full&${q(`requestType eq "ONCE"`)}`)).json();
        assert.deepEqual(listed.items.map((r: { requestParameters: unknown[] }) => r.requestParameters.length), [1]);
        const few = await (await t.call(`${ESS}?fields=requestId,state&id=${sched.requestId}`)).json();
        assert.deepEqual(few.items, [{ requestId: sched.requestId, state: 'WAIT' }]);
        assert.equal((await t.call(`${ESS}/${sched.requestId}/hold`, { method: 'POST' })).status, 200);
        assert.equal((await (await t.call(`${ESS}/${sched.requestId}`)).json()).state, 'HOLD');
        assert.equal((await t.call(`${ESS}/${sched.requestId}/release`, { method: 'POST' })).status, 200);
        assert.equal((await t.call(`${ESS}/${sched.requestId}/cancel`, { method: 'POST' })).status, 200);
        const cancelled = await (await t.call(`${ESS}/${sched.requestId}`)).json();
        assert.equal(cancelled.state, 'CANCELLED');
        assert.equal(cancelled.cause, 'OPERATOR_CANCEL', 'cause is one of the documented enum values');
      });
    });

    it('the bulk-ingest process ends in ERROR without its OLC-REST parameter, and succeeds with it under any name', async () => {
      let clock = Date.now();
      await withSandbox([], async (t) => {
        const bulk = `${JOBS}OlcRestBulkIngestOscs`;
        const without = await (await t.call(ESS, { body: { jobDefinitionId: bulk } })).json();
        const documented = await (await t.call(ESS, { body: { jobDefinitionId: bulk, requestParameters: [{ name: 'submit.argument1', paramType: 'STRING', value: 'OLC-REST' }] } })).json();
        const otherName = await (await t.call(ESS, { body: { jobDefinitionId: bulk, requestParameters: [{ name: 'ProgramName', value: 'olc-rest' }] } })).json();
        clock += 1000;
        const failed = await (await t.call(`${ESS}/${without.requestId}?fields=@full`)).json();
        assert.equal(failed.state, 'ERROR');
        assert.equal(failed.cause, 'PROCESS_ERROR');
        assert.match(failed.stateDescription, /Program Name parameter \(value OLC-REST\)/);
        assert.equal((await (await t.call(`${ESS}/${documented.requestId}`)).json()).state, 'SUCCEEDED');
        assert.equal((await (await t.call(`${ESS}/${otherName.requestId}`)).json()).state, 'SUCCEEDED');
      }, { now: () => clock, essStepMs: 100 });
    });

    it('ess-recur-parent: RECUR_PARENT for schedules, SINGLETON for one-off requests, queryable', async () => {
      await withSandbox(['ess-recur-parent'], async (t) => {
        const once = await (await t.call(ESS, { body: { jobDefinitionId: `${JOBS}ReconcileUserGroups` } })).json();
        const sched = await (await t.call(ESS, { body: { jobDefinitionId: `${JOBS}ReconcileUserGroups`, schedule: daily } })).json();
        assert.equal(once.requestType, 'SINGLETON');
        assert.equal(sched.requestType, 'RECUR_PARENT');
        const parents = await (await t.call(`${ESS}?${q('requestType eq "RECUR_PARENT"')}`)).json();
        assert.deepEqual(parents.items.map((r: { requestId: number }) => r.requestId), [sched.requestId]);
        assert.equal((await (await t.call(`${ESS}?${q('requestType eq "RECURRING"')}`)).json()).count, 0, 'the default word finds nothing here');
      });
    });

    it('ess-no-request-type: no requestType on requests; requestType in q is a 400 in the ESS error shape', async () => {
      await withSandbox(['ess-no-request-type'], async (t) => {
        const sched = await (await t.call(ESS, { body: { jobDefinitionId: `${JOBS}ReconcileUserGroups`, schedule: daily } })).json();
        assert.ok(!('requestType' in sched));
        assert.ok(!('requestType' in (await (await t.call(`${ESS}/${sched.requestId}?fields=@full`)).json())));
        assert.deepEqual((await (await t.call(`${ESS}/${sched.requestId}`)).json()).scheduleDefinition, daily, 'the schedule is still there to recognise it by');
        const res = await t.call(`${ESS}?${q('requestType eq "RECURRING"')}`);
        assert.equal(res.status, 400);
        const err = await res.json();
        assert.match(err.errorCode, /^ESS-\d{5}$/);
        assert.match(err.detail, /requestType/i);
      });
    });

    it('ess-strict-query: refuses undocumented parameters, takes q, fields, excludeFields, orderBy and id, answers at most 500 with hasMore', async () => {
      await withSandbox(['ess-strict-query'], async (t) => {
        for (const param of ['limit=10', 'offset=5', 'totalResults=true']) {
          const res = await t.call(`${ESS}?${param}`);
          assert.equal(res.status, 400, param);
          const err = await res.json();
          assert.equal(err.errorCode, 'ESS-01004');
          assert.match(err.detail, /not supported by this endpoint: use q, fields, excludeFields, orderBy, id/);
        }
        for (let i = 0; i < 501; i++) await t.hook('ess/submit', { jobDefinitionId: `${JOBS}ReconcileUserGroups` });
        const sched = await t.hook('ess/submit', { jobDefinitionId: `${JOBS}ProcessLearningExperienceStatements`, schedule: daily });
        const all = await (await t.call(ESS)).json();
        assert.equal(all.items.length, 500);
        assert.equal(all.count, 500);
        assert.equal(all.hasMore, true);
        const narrowed = await (await t.call(`${ESS}?${q(`jobDefinitionId eq "${JOBS}ProcessLearningExperienceStatements"`)}&fields=requestId,requestType&orderBy=requestId:asc`)).json();
        // The schedule and its next run (a child request generated ahead of time).
        assert.deepEqual(narrowed, { items: [{ requestId: sched.requestId, requestType: 'RECURRING' }, { requestId: sched.requestId + 1, requestType: 'RECUR_CHILD' }], count: 2, hasMore: false, limit: 500, offset: 0 });
        const byId = await (await t.call(`${ESS}?id=${sched.requestId}&excludeFields=links,scheduleDefinition`)).json();
        assert.equal(byId.items.length, 1);
        assert.ok(!('links' in byId.items[0]) && !('scheduleDefinition' in byId.items[0]));
      });
    });

    it('the documented paged variants: /requests/search/{pageIndex} and /query/{application}/requests?pageIndex, 25 a page from 1', async () => {
      await withSandbox(['ess-strict-query'], async (t) => {
        for (let i = 0; i < 30; i++) await t.hook('ess/submit', { jobDefinitionId: `${JOBS}ReconcileUserGroups` });
        const p1 = await (await t.call(`${ESS}/search/1?${q(`jobDefinitionId eq "${JOBS}ReconcileUserGroups"`)}&fields=requestId`)).json();
        const p2 = await (await t.call(`${ESS}/search/2?${q(`jobDefinitionId eq "${JOBS}ReconcileUserGroups"`)}&fields=requestId`)).json();
        assert.equal(p1.count, 25);
        assert.equal(p1.hasMore, true);
        assert.equal(p2.count, 5);
        assert.equal(p2.hasMore, false);
        const ids = [...p1.items, ...p2.items].map((r: { requestId: number }) => r.requestId);
        assert.equal(new Set(ids).size, 30, 'pages do not overlap');
        assert.equal((await t.call(`${ESS}/search/0`)).status, 400);
        assert.equal((await t.call(`${ESS}/search/1?limit=5`)).status, 400);
        const byApp = await (await t.call('/ess/rest/scheduler/v1/query/EarHcmEss/requests?pageIndex=2')).json();
        assert.equal(byApp.count, 5);
        assert.equal((await (await t.call('/ess/rest/scheduler/v1/query/OtherApp/requests')).json()).count, 0);
      });
    });

    it('the state hook counts recurring requests per job definition (for "never two schedules" assertions)', async () => {
      await withSandbox([], async (t) => {
        const job = `${JOBS}ProcessLearningExperienceStatements`;
        const a = await t.hook('ess/submit', { jobDefinitionId: job, schedule: daily });
        const b = await t.hook('ess/submit', { jobDefinitionId: job, schedule: daily });
        await t.hook('ess/submit', { jobDefinitionId: job });
        await t.call(`${ESS}/${b.requestId}/cancel`, { method: 'POST' });
        const state = await t.hook('state');
        assert.deepEqual(state.ess.recurringByJob[job], { active: 1, cancelled: 1, requestIds: [a.requestId] });
        // Two schedules, each with its next run generated ahead of time (b's cancelled with it), and the one-off.
        assert.equal(state.ess.requests.length, 5);
        const runs = state.ess.requests.filter((r: { parentRequestId: number | null }) => r.parentRequestId !== null);
        assert.deepEqual(runs.map((r: { parentRequestId: number; state: string }) => [r.parentRequestId, r.state]).sort(), [[a.requestId, 'WAIT'], [b.requestId, 'CANCELLED']].sort());
      });
    });
  });

  describe('SCIM filters', () => {
    const emailFilters = ['emails.value eq "x@example.com"', 'emails[type eq "W"].value eq "x@example.com"', 'emails co "example"'];

    it('default: emails.value, value filters and or work', async () => {
      await withSandbox([], async (t) => {
        for (const f of [...emailFilters, 'userName eq "a" or userName eq "b"']) assert.equal((await t.call(`/hcmRestApi/scim/Users?${filter(f)}`)).status, 200, f);
      });
    });

    it('scim-no-email-filter: any filter on emails is 400 invalidFilter; userName still works', async () => {
      await withSandbox(['scim-no-email-filter'], async (t) => {
        for (const f of [...emailFilters, `userName eq "x" and emails.value eq "x@example.com"`]) {
          const res = await t.call(`/hcmRestApi/scim/Users?${filter(f)}`);
          assert.equal(res.status, 400, f);
          const err = await res.json();
          assert.equal(err.scimType, 'invalidFilter');
          assert.deepEqual(err.schemas, ['urn:scim:api:messages:2.0:Error']);
        }
        const users = await (await t.call(`/hcmRestApi/scim/Users?count=3&startIndex=2`)).json();
        const name = users.Resources[0].userName;
        assert.equal((await (await t.call(`/hcmRestApi/scim/Users?${filter(`userName eq "${name}"`)}`)).json()).totalResults, 1);
      });
    });

    it('scim-no-or: a filter with or is 400 invalidFilter (Users and Roles); and still works', async () => {
      await withSandbox(['scim-no-or'], async (t) => {
        for (const url of [`/hcmRestApi/scim/Users?${filter('userName eq "a" or userName eq "b"')}`, `/hcmRestApi/scim/Roles?${filter('name eq "a" or name eq "b"')}`, `/hcmRestApi/scim/Users?${filter('emails[type eq "W" or primary eq true].value eq "a@b.c"')}`]) {
          const res = await t.call(url);
          assert.equal(res.status, 400, url);
          assert.equal((await res.json()).scimType, 'invalidFilter');
        }
        assert.equal((await t.call(`/hcmRestApi/scim/Users?${filter('active eq true and userName sw "a"')}`)).status, 200);
      });
    });

    it('scim-short-filter: more than 256 characters is 400 invalidFilter; 256 is fine', async () => {
      await withSandbox(['scim-short-filter'], async (t) => {
        const at = (n: number): string => {
          const head = 'userName eq "';
          return `${head}${'x'.repeat(n - head.length - 1)}"`;
        };
        assert.equal(at(256).length, 256);
        assert.equal((await t.call(`/hcmRestApi/scim/Users?${filter(at(256))}`)).status, 200);
        const res = await t.call(`/hcmRestApi/scim/Users?${filter(at(257))}`);
        assert.equal(res.status, 400);
        const err = await res.json();
        assert.equal(err.scimType, 'invalidFilter');
        assert.match(err.detail, /257 characters long; this server accepts at most 256/);
      });
    });
  });

  describe('releases and administrators', () => {
    it('no-self-paced-api: learningSelfPacedItems is an unknown resource (404); the rest answers', async () => {
      await withSandbox(['no-self-paced-api'], async (t) => {
        const res = await t.call(`${ADF}/learningSelfPacedItems?limit=1`, { headers: { 'REST-Framework-Version': '4' } });
        assert.equal(res.status, 404);
        assert.match((await res.json())['o:errorDetails'][0].detail, /No resource GET \/hcmRestApi\/resources\/11\.13\.18\.05\/learningSelfPacedItems/);
        assert.equal((await t.call(`${ADF}/learningSelfPacedItems/ABC`)).status, 404);
        assert.equal((await t.call(`${ADF}/userAccounts?limit=1`)).status, 200);
      });
    });

    it('admin-security-only: SCIM answers; userAccounts, ESS and the Learning resources are 403 naming the privilege', async () => {
      await withSandbox(['admin-security-only'], async (t) => {
        assert.deepEqual((await t.hook('info')).adminRoles, ['ORA_FND_IT_SECURITY_MANAGER_JOB']);
        assert.equal((await t.call('/hcmRestApi/scim/Users?count=1')).status, 200);
        const expectations: Array<[string, RegExp]> = [
          [`${ADF}/userAccounts`, /PER_REST_SERVICE_ACCESS_USER_ACCOUNTS_PRIV/],
          [ESS, /WLF_RUN_LEARNING_PROCESSES_PRIV/],
          [`${ADF}/learningSelfPacedItems`, /WLF_REST_SERVICE_ACCESS_LEARNING_SELF_PACED_ITEMS_PRIV/],
          [`${ADF}/digitalLearningProviders`, /ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY/],
          [`${ADF}/learnerLearningRecords`, /ORA_WLF_REST_SERVICE_ACCESS_LEARNER_LEARNING_RECORD/],
        ];
        for (const [path, names] of expectations) {
          const res = await t.call(path);
          assert.equal(res.status, 403, path);
          assert.match(await res.text(), names, path);
        }
        const ess = await (await t.call(ESS)).json();
        assert.equal(ess.errorCode, 'ESS-01006', 'ESS error shape');
      });
    });

    it('admin-provider-duty: the administrator reads the provider resources, yet cannot push as another provider\'s user', async () => {
      await withSandbox(['admin-provider-duty'], async (t) => {
        const p = await withContent(t);
        assert.equal((await t.call(`${ADF}/digitalLearningProviders`)).status, 200);
        assert.equal((await t.call(`${ADF}/learningItemTypeProviders`)).status, 200);
        const push = await t.call(`${ADF}/digitalLearningProviders/${p.providerId}/child/content`, { body: { ExternalContentId: 'x', Title: 'x', ContentUrl: 'https://x.test/' } });
        assert.equal(push.status, 403);
      });
    });

    it('variants combine: camelCase fields, RECUR_PARENT and no or-filters in one pod', async () => {
      await withSandbox(['camel-case-fields', 'ess-recur-parent', 'scim-no-or', 'admin-provider-duty'], async (t) => {
        await withContent(t);
        assert.equal((await (await t.call(`${ADF}/digitalLearningProviders?onlyData=true`)).json()).items[0].providerName, 'Coursera');
        assert.equal((await (await t.call(ESS, { body: { jobDefinitionId: `${JOBS}ReconcileUserGroups`, schedule: daily } })).json()).requestType, 'RECUR_PARENT');
        assert.equal((await t.call(`/hcmRestApi/scim/Users?${filter('userName eq "a" or userName eq "b"')}`)).status, 400);
        const learner = basic(t.sb.admin.userName, t.sb.admin.password);
        assert.equal((await t.call(`${ADF}/learnerLearningRecords`, { authorization: learner })).status, 200, 'learnerLearningRecords keeps its documented camelCase in every variant');
      });
    });
  });
});
