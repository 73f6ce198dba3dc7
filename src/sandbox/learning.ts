import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { ADF_COLLECTION_TYPE, ADF_ITEM_TYPE, adfCollection, adfItem, type AdfSpec } from './adfQuery';
import type { Principal } from './auth';
import { parseInput, type SandboxContext } from './context';
import { SandboxHttpError } from './errors';
import type { CompletionDetail, ExternalProvider, LearnerRecord, LearningItem, ProviderAsset } from './model';
import { hashKey, normaliseBody, shapedSpec } from './shapes';
import type { Tenant } from './tenant';
import { LEARNER_RECORDS_RO_PRIV } from './security';

const ROOT = '/hcmRestApi/resources/11.13.18.05';

/** A learningSelfPacedItems item in the default (PascalCase) names; shapes.ts renames per variant. */
export function selfPacedItemJson(i: LearningItem): Record<string, unknown> {
  return {
    LearningItemId: i.learningItemId,
    LearningItemNumber: i.learningItemNumber,
    Title: i.title,
    LearningItemType: 'SELF_PACED',
    LearningItemSubType: 'URL',
    ContentUrl: i.contentUrl,
    ExternalContentId: i.externalContentId,
    ProviderName: i.providerName,
    Status: i.status,
    Description: i.description,
    ExpectedEffortInHours: i.expectedEffortInHours,
  };
}

function contentJson(i: LearningItem): Record<string, unknown> {
  return {
    ExternalContentId: i.externalContentId,
    Title: i.title,
    ContentUrl: i.contentUrl,
    Summary: i.summary,
    Description: i.description,
    Languages: i.languages,
    ExpectedEffortInHours: i.expectedEffortInHours,
    Publisher: i.publisher,
    Author: i.author,
    Instructor: i.instructor,
    Status: i.status,
    DeactivationDate: i.deactivationDate,
    CoverArtUrl: i.coverArtUrl,
    LearningItemId: i.learningItemId,
  };
}

function providerJson(p: ExternalProvider): Record<string, unknown> {
  return {
    ProviderId: p.providerId,
    ProviderName: p.providerName,
    ProviderCode: p.providerCode,
    Status: p.status,
    UserName: p.userName,
    CatalogProfile: p.catalogProfile,
    Visibility: p.visibility,
  };
}

/**
 * A learner record as learnerLearningRecords answers it: camelCase [DOC: assignmentRecordId,
 * assignmentRecordNumber, assignedToNumber, the completionDetails child]; the other names [INF].
 */
export function learnerRecordJson(tenant: Tenant, r: LearnerRecord, expand: ReadonlySet<string>): Record<string, unknown> {
  const user = tenant.getUser(r.learnerUserGuid);
  const item = tenant.learningItems.get(r.learningItemId);
  const out: Record<string, unknown> = {
    assignmentRecordId: r.learningRecordId,
    assignmentRecordNumber: `OLC${r.learningRecordId}`,
    assignedToId: user ? (user.personId ?? user.userId) : null,
    assignedToNumber: user?.personNumber ?? null,
    assignedToDisplayName: user?.displayName ?? null,
    learningItemId: r.learningItemId,
    learningItemNumber: item?.learningItemNumber ?? null,
    learningItemTitle: item?.title ?? null,
    assignmentStatus: r.assignmentStatus,
  };
  if (expand.has('completionDetails') || expand.has('all')) {
    const items = r.completions.map(completionJson);
    out.completionDetails = { items, count: items.length, hasMore: false, limit: 25, offset: 0 };
  }
  return out;
}

/** A completionDetails row [INF names]. */
function completionJson(c: CompletionDetail): Record<string, unknown> {
  return { completionDate: c.CompletionDate, actualEffortInSeconds: c.ActualEffortInSeconds, actualScore: c.Score };
}

/** ESS effect of "Process Learning Catalog Item Deactivations and Deletions": items past their DeactivationDate become INACTIVE. */
export function deactivateDueItems(ctx: SandboxContext, at: number): void {
  for (const item of ctx.tenant.learningItems.values()) {
    if (item.status === 'ACTIVE' && item.deactivationDate && Date.parse(item.deactivationDate) <= at) {
      item.status = 'INACTIVE';
      item.lastModified = at;
    }
  }
}

const optText = z.string().nullable().optional();
const ContentBody = z.object({
  ExternalContentId: z.string().min(1),
  Title: z.string().min(1),
  ContentUrl: z.url(),
  Summary: optText,
  Description: optText,
  Languages: z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))]).optional(),
  ExpectedEffortInHours: z.number().min(0).nullable().optional(),
  Publisher: optText,
  Author: optText,
  Instructor: optText,
  Status: z.enum(['ACTIVE', 'INACTIVE']).optional(),
  DeactivationDate: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date').nullable().optional(),
  CoverArtUrl: z.url().nullable().optional(),
});
const CONTENT_FIELDS = Object.keys(ContentBody.shape);
const ProviderBody = z.object({ ProviderName: z.string().min(1).optional(), ProviderCode: z.string().min(1).optional() })
  .refine((b) => b.ProviderName ?? b.ProviderCode, 'ProviderName or ProviderCode is required');
const AssetBody = z.record(z.string(), z.unknown());

const SELF_PACED_ATTRS = ['LearningItemId', 'LearningItemNumber', 'Title', 'LearningItemType', 'LearningItemSubType', 'ContentUrl', 'ExternalContentId', 'ProviderName', 'Status', 'Description', 'ExpectedEffortInHours'];
const PROVIDER_ATTRS = ['ProviderId', 'ProviderName', 'ProviderCode', 'Status', 'UserName', 'CatalogProfile', 'Visibility'];
const RECORD_ATTRS = ['assignmentRecordId', 'assignmentRecordNumber', 'assignedToId', 'assignedToNumber', 'assignedToDisplayName', 'learningItemId', 'learningItemNumber', 'learningItemTitle', 'assignmentStatus'];

export function registerLearningRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { tenant, variants } = ctx;
  const itemKey = (i: LearningItem): string => hashKey('learningSelfPacedItems', i.learningItemId);
  const recordKey = (r: LearnerRecord): string => hashKey('learnerLearningRecords', r.learningRecordId);
  const itemSpec = shapedSpec<LearningItem>(variants, 'learningSelfPacedItems', {
    name: 'learningSelfPacedItems',
    path: `${ROOT}/learningSelfPacedItems`,
    attrs: SELF_PACED_ATTRS,
    key: itemKey,
    toItem: selfPacedItemJson,
  });
  const providerSpec = shapedSpec<ExternalProvider>(variants, 'digitalLearningProviders', {
    name: 'digitalLearningProviders',
    path: `${ROOT}/digitalLearningProviders`,
    attrs: PROVIDER_ATTRS,
    key: (p) => p.providerId,
    toItem: providerJson,
    children: ['content', 'assets'],
  });
  const recordSpec: AdfSpec<LearnerRecord> = {
    name: 'learnerLearningRecords',
    path: `${ROOT}/learnerLearningRecords`,
    attrs: RECORD_ATTRS,
    key: recordKey,
    toItem: (r, expand) => learnerRecordJson(tenant, r, expand),
    children: ['completionDetails'],
  };
  const providerOr404 = (id: string): ExternalProvider => {
    const p = /^\d+$/.test(id) ? tenant.externalProviders.get(Number(id)) : undefined;
    if (!p) throw new SandboxHttpError(404, `No digital learning provider with id ${id}. List digitalLearningProviders to find it.`);
    return p;
  };
  /** Only the integration user configured for the provider pushes its content [INF]. */
  const mustOwn = (p: ExternalProvider, who: Principal): void => {
    if (p.userName.toLowerCase() !== who.user.userName.toLowerCase()) {
      throw new SandboxHttpError(403, `User ${who.user.userName} is not the integration user of provider ${p.providerName}: Configure External Providers names ${p.userName}.`);
    }
  };
  /** A release before 25C has no learningSelfPacedItems: the answer is an unknown resource's 404. */
  const selfPacedApiOr404 = (request: FastifyRequest): void => {
    if (variants.has('no-self-paced-api')) {
      throw new SandboxHttpError(404, `No resource ${request.method} ${request.url.split('?')[0]} in this pod.`);
    }
  };
  /** Rows of learnerLearningRecords the caller may see: their own (data security [GAP]: our choice, docs/SANDBOX.md). */
  const ownRecords = (who: Principal): LearnerRecord[] =>
    variants.has('admin-reads-all-records') && who.codes.has(LEARNER_RECORDS_RO_PRIV) ? tenant.learnerRecords : tenant.learnerRecords.filter((r) => r.learnerUserGuid === who.user.id);
  type IdParams = { Params: { id: string } };

  app.get(`${ROOT}/learningSelfPacedItems`, async (request, reply) => {
    selfPacedApiOr404(request);
    ctx.principal(request, 'self-paced-items', 'read self-paced learning items');
    if (!tenant.settings.selfPacedLearning) {
      throw new SandboxHttpError(404, 'Self-paced learning is not enabled: enable it in the Learning setup before using learningSelfPacedItems.');
    }
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, itemSpec, tenant.learningItems.values()));
  });

  app.get<IdParams>(`${ROOT}/learningSelfPacedItems/:id`, async (request, reply) => {
    selfPacedApiOr404(request);
    ctx.principal(request, 'self-paced-items', 'read self-paced learning items');
    const item = [...tenant.learningItems.values()].find((i) => itemKey(i) === request.params.id);
    if (!item || !tenant.settings.selfPacedLearning) throw new SandboxHttpError(404, `No self-paced learning item with key ${request.params.id}. Query the collection to find an item's key.`);
    return reply.type(ADF_ITEM_TYPE).send(adfItem(request, itemSpec, item));
  });

  app.get(`${ROOT}/digitalLearningProviders`, async (request, reply) => {
    ctx.principal(request, 'provider', 'read digital learning providers');
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, providerSpec, tenant.externalProviders.values()));
  });

  app.post(`${ROOT}/digitalLearningProviders`, async (request, reply) => {
    ctx.principal(request, 'provider', 'register digital learning providers');
    const body = parseInput(ProviderBody, normaliseBody(variants, 'digitalLearningProviders', request.body, PROVIDER_ATTRS), 'digital learning provider');
    const p = tenant.providerByName((body.ProviderCode ?? body.ProviderName)!);
    if (!p) {
      throw new SandboxHttpError(400, `Provider ${body.ProviderCode ?? body.ProviderName} is not configured: an administrator must add it in Configure External Providers first.`);
    }
    return reply.code(200).type(ADF_ITEM_TYPE).send(adfItem(request, providerSpec, p));
  });

  app.get<IdParams>(`${ROOT}/digitalLearningProviders/:id`, async (request, reply) => {
    ctx.principal(request, 'provider', 'read digital learning providers');
    return reply.type(ADF_ITEM_TYPE).send(adfItem(request, providerSpec, providerOr404(request.params.id)));
  });

  const contentSpec = (p: ExternalProvider): AdfSpec<LearningItem> => shapedSpec(variants, 'content', {
    name: 'content',
    path: `${ROOT}/digitalLearningProviders/${p.providerId}/child/content`,
    attrs: ['ExternalContentId', 'Title', 'ContentUrl', 'Status', 'LearningItemId', 'Publisher', 'Author', 'Instructor', 'ExpectedEffortInHours', 'DeactivationDate'],
    key: (i) => i.externalContentId ?? String(i.learningItemId),
    toItem: contentJson,
  });

  app.get<IdParams>(`${ROOT}/digitalLearningProviders/:id/child/content`, async (request, reply) => {
    ctx.principal(request, 'provider', 'read provider content');
    const p = providerOr404(request.params.id);
    const rows = [...tenant.learningItems.values()].filter((i) => i.providerId === p.providerId);
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, contentSpec(p), rows));
  });

  app.post<IdParams>(`${ROOT}/digitalLearningProviders/:id/child/content`, async (request, reply) => {
    const who = ctx.principal(request, 'provider', 'push provider content');
    const p = providerOr404(request.params.id);
    mustOwn(p, who);
    const b = parseInput(ContentBody, normaliseBody(variants, 'content', request.body, CONTENT_FIELDS), 'content item');
    const now = ctx.now();
    const existing = [...tenant.learningItems.values()].find((i) => i.providerId === p.providerId && i.externalContentId === b.ExternalContentId);
    const id = existing?.learningItemId ?? tenant.next('learningItemId');
    const item: LearningItem = {
      learningItemId: id,
      learningItemNumber: existing?.learningItemNumber ?? `OLC${id}`,
      title: b.Title,
      contentUrl: b.ContentUrl,
      externalContentId: b.ExternalContentId,
      providerId: p.providerId,
      providerName: p.providerName,
      status: b.Status ?? 'ACTIVE',
      summary: b.Summary ?? null,
      description: b.Description ?? null,
      languages: b.Languages ?? [],
      expectedEffortInHours: b.ExpectedEffortInHours ?? null,
      publisher: b.Publisher ?? null,
      author: b.Author ?? null,
      instructor: b.Instructor ?? null,
      deactivationDate: b.DeactivationDate ?? null,
      coverArtUrl: b.CoverArtUrl ?? null,
      created: existing?.created ?? now,
      lastModified: now,
    };
    tenant.learningItems.set(id, item);
    ctx.changed();
    return reply.code(existing ? 200 : 201).type(ADF_ITEM_TYPE).send(adfItem(request, contentSpec(p), item));
  });

  const assetSpec = (p: ExternalProvider): AdfSpec<ProviderAsset> => ({
    name: 'assets',
    path: `${ROOT}/digitalLearningProviders/${p.providerId}/child/assets`,
    attrs: ['AssetId'],
    key: (a) => a.assetId,
    toItem: (a) => ({ ...a.data, AssetId: a.assetId }),
  });

  app.get<IdParams>(`${ROOT}/digitalLearningProviders/:id/child/assets`, async (request, reply) => {
    ctx.principal(request, 'provider', 'read provider assets');
    const p = providerOr404(request.params.id);
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, assetSpec(p), tenant.assets.filter((a) => a.providerId === p.providerId)));
  });

  app.post<IdParams>(`${ROOT}/digitalLearningProviders/:id/child/assets`, async (request, reply) => {
    const who = ctx.principal(request, 'provider', 'push provider assets');
    const p = providerOr404(request.params.id);
    mustOwn(p, who);
    const data = parseInput(AssetBody, request.body, 'asset');
    const asset: ProviderAsset = { assetId: tenant.next('assetId'), providerId: p.providerId, data, created: ctx.now() };
    tenant.assets.push(asset);
    ctx.changed();
    return reply.code(201).type(ADF_ITEM_TYPE).send(adfItem(request, assetSpec(p), asset));
  });

  const itemTypeSpec = shapedSpec<ExternalProvider>(variants, 'learningItemTypeProviders', {
    name: 'learningItemTypeProviders',
    path: `${ROOT}/learningItemTypeProviders`,
    attrs: ['ProviderCode', 'ProviderName', 'LearningItemType'],
    key: (p) => p.providerCode,
    toItem: (p) => ({ ProviderCode: p.providerCode, ProviderName: p.providerName, LearningItemType: 'SELF_PACED' }),
  });

  app.get(`${ROOT}/learningItemTypeProviders`, async (request, reply) => {
    ctx.principal(request, 'provider', 'read learning item type providers');
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, itemTypeSpec, tenant.externalProviders.values()));
  });

  app.get(`${ROOT}/learnerLearningRecords`, async (request, reply) => {
    const who = ctx.principal(request, 'learner-records', 'read learner learning records');
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, recordSpec, ownRecords(who)));
  });

  const recordOr404 = (who: Principal, key: string): LearnerRecord => {
    const r = ownRecords(who).find((x) => recordKey(x) === key);
    if (!r) throw new SandboxHttpError(404, `No learner learning record with key ${key} for ${who.user.userName}. Query the collection to find a record's key.`);
    return r;
  };

  app.get<IdParams>(`${ROOT}/learnerLearningRecords/:id`, async (request, reply) => {
    const who = ctx.principal(request, 'learner-records', 'read learner learning records');
    return reply.type(ADF_ITEM_TYPE).send(adfItem(request, recordSpec, recordOr404(who, request.params.id)));
  });

  app.get<IdParams>(`${ROOT}/learnerLearningRecords/:id/child/completionDetails`, async (request, reply) => {
    const who = ctx.principal(request, 'learner-records', 'read learner learning records');
    const r = recordOr404(who, request.params.id);
    const spec: AdfSpec<{ c: CompletionDetail; n: number }> = {
      name: 'completionDetails',
      path: `${ROOT}/learnerLearningRecords/${recordKey(r)}/child/completionDetails`,
      attrs: ['completionDate', 'actualEffortInSeconds', 'actualScore'],
      key: (x) => hashKey('completionDetails', r.learningRecordId * 1000 + x.n),
      toItem: (x) => completionJson(x.c),
    };
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, spec, r.completions.map((c, n) => ({ c, n }))));
  });
}
