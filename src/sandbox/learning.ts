import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ADF_COLLECTION_TYPE, ADF_ITEM_TYPE, adfCollection, adfItem, type AdfSpec } from './adfQuery';
import type { Principal } from './auth';
import { parseInput, type SandboxContext } from './context';
import { SandboxHttpError } from './errors';
import type { ExternalProvider, LearnerRecord, LearningItem, ProviderAsset } from './model';
import type { Tenant } from './tenant';

const ROOT = '/hcmRestApi/resources/11.13.18.05';

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

export function learnerRecordJson(tenant: Tenant, r: LearnerRecord, expand: ReadonlySet<string>): Record<string, unknown> {
  const user = tenant.getUser(r.learnerUserGuid);
  const item = tenant.learningItems.get(r.learningItemId);
  const email = user?.emails.find((e) => e.type === 'W' && e.primary) ?? user?.emails.find((e) => e.type === 'W');
  const out: Record<string, unknown> = {
    LearningRecordId: r.learningRecordId,
    LearnerId: user ? (user.personId ?? user.userId) : null,
    LearnerUserName: user?.userName ?? null,
    LearnerEmail: email?.value ?? null,
    LearningItemId: r.learningItemId,
    LearningItemTitle: item?.title ?? null,
    ExternalContentId: item?.externalContentId ?? null,
    AssignmentStatus: r.assignmentStatus,
    ProviderName: item?.providerName ?? null,
  };
  if (expand.has('completionDetails') || expand.has('all')) {
    out.completionDetails = { items: r.completions.map((c) => ({ ...c })), count: r.completions.length, hasMore: false };
  }
  return out;
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
const ProviderBody = z.object({ ProviderName: z.string().min(1).optional(), ProviderCode: z.string().min(1).optional() })
  .refine((b) => b.ProviderName ?? b.ProviderCode, 'ProviderName or ProviderCode is required');
const AssetBody = z.record(z.string(), z.unknown());

export function registerLearningRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { tenant } = ctx;
  const itemSpec: AdfSpec<LearningItem> = {
    name: 'learningSelfPacedItems',
    path: `${ROOT}/learningSelfPacedItems`,
    attrs: ['LearningItemId', 'LearningItemNumber', 'Title', 'LearningItemType', 'LearningItemSubType', 'ContentUrl', 'ExternalContentId', 'ProviderName', 'Status', 'Description', 'ExpectedEffortInHours'],
    key: (i) => i.learningItemId,
    toItem: selfPacedItemJson,
  };
  const providerSpec: AdfSpec<ExternalProvider> = {
    name: 'digitalLearningProviders',
    path: `${ROOT}/digitalLearningProviders`,
    attrs: ['ProviderId', 'ProviderName', 'ProviderCode', 'Status', 'UserName', 'CatalogProfile', 'Visibility'],
    key: (p) => p.providerId,
    toItem: providerJson,
    children: ['content', 'assets'],
  };
  const recordSpec: AdfSpec<LearnerRecord> = {
    name: 'learnerLearningRecords',
    path: `${ROOT}/learnerLearningRecords`,
    attrs: ['LearningRecordId', 'LearnerId', 'LearnerUserName', 'LearnerEmail', 'LearningItemId', 'LearningItemTitle', 'ExternalContentId', 'AssignmentStatus', 'ProviderName'],
    key: (r) => r.learningRecordId,
    toItem: (r, expand) => learnerRecordJson(tenant, r, expand),
    children: ['completionDetails'],
  };
  const providerOr404 = (id: string): ExternalProvider => {
    const p = /^\d+$/.test(id) ? tenant.externalProviders.get(Number(id)) : undefined;
    if (!p) throw new SandboxHttpError(404, `No digital learning provider with id ${id}. List digitalLearningProviders to find it.`);
    return p;
  };
  const mustOwn = (p: ExternalProvider, who: Principal): void => {
    if (!who.isAdmin && p.userName.toLowerCase() !== who.user.userName.toLowerCase()) {
      throw new SandboxHttpError(403, `User ${who.user.userName} is not the integration user of provider ${p.providerName}: Configure External Providers names ${p.userName}.`);
    }
  };
  type IdParams = { Params: { id: string } };

  app.get(`${ROOT}/learningSelfPacedItems`, async (request, reply) => {
    ctx.principal(request, 'admin', 'read self-paced learning items');
    if (!tenant.settings.selfPacedLearning) {
      throw new SandboxHttpError(404, 'Self-paced learning is not enabled: enable it in the Learning setup before using learningSelfPacedItems.');
    }
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, itemSpec, tenant.learningItems.values()));
  });

  app.get(`${ROOT}/digitalLearningProviders`, async (request, reply) => {
    ctx.principal(request, 'provider', 'read digital learning providers');
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, providerSpec, tenant.externalProviders.values()));
  });

  app.post(`${ROOT}/digitalLearningProviders`, async (request, reply) => {
    ctx.principal(request, 'provider', 'register digital learning providers');
    const body = parseInput(ProviderBody, request.body, 'digital learning provider');
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

  const contentSpec = (p: ExternalProvider): AdfSpec<LearningItem> => ({
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
    const b = parseInput(ContentBody, request.body, 'content item');
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

  app.get(`${ROOT}/learningItemTypeProviders`, async (request, reply) => {
    ctx.principal(request, 'provider', 'read learning item type providers');
    const spec: AdfSpec<ExternalProvider> = {
      name: 'learningItemTypeProviders',
      path: `${ROOT}/learningItemTypeProviders`,
      attrs: ['ProviderCode', 'ProviderName', 'LearningItemType'],
      key: (p) => p.providerCode,
      toItem: (p) => ({ ProviderCode: p.providerCode, ProviderName: p.providerName, LearningItemType: 'SELF_PACED' }),
    };
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, spec, tenant.externalProviders.values()));
  });

  app.get(`${ROOT}/learnerLearningRecords`, async (request, reply) => {
    ctx.principal(request, 'admin', 'read learner learning records');
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, recordSpec, tenant.learnerRecords));
  });

  app.get<IdParams>(`${ROOT}/learnerLearningRecords/:id`, async (request, reply) => {
    ctx.principal(request, 'admin', 'read learner learning records');
    const r = tenant.learnerRecords.find((x) => String(x.learningRecordId) === request.params.id);
    if (!r) throw new SandboxHttpError(404, `No learner learning record with id ${request.params.id}.`);
    return reply.type(ADF_ITEM_TYPE).send(adfItem(request, recordSpec, r));
  });
}
