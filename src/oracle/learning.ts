/**
 * Oracle Learning REST resources under the HCM ADF root [DOC paths; fields INF]:
 * learningSelfPacedItems, digitalLearningProviders (child `content`), learningItemTypeProviders
 * and learnerLearningRecords (with completionDetails).
 */
import { z } from 'zod';
import type { OracleClient } from './client';
import { OracleError } from './errors';
import { numberLike, opt } from './schemaUtil';

export const HCM_ROOT = '/hcmRestApi/resources/11.13.18.05';
export const SELF_PACED_ITEMS_PATH = `${HCM_ROOT}/learningSelfPacedItems`;
export const DIGITAL_LEARNING_PROVIDERS_PATH = `${HCM_ROOT}/digitalLearningProviders`;
export const LEARNING_ITEM_TYPE_PROVIDERS_PATH = `${HCM_ROOT}/learningItemTypeProviders`;
export const LEARNER_LEARNING_RECORDS_PATH = `${HCM_ROOT}/learnerLearningRecords`;

export type SelfPacedItem = {
  LearningItemId: number;
  Title: string;
  LearningItemNumber?: string;
  LearningItemType?: string;
  LearningItemSubType?: string;
  ContentUrl?: string;
  ExternalContentId?: string;
  ProviderName?: string;
  Status?: string;
  Description?: string;
  ExpectedEffortInHours?: number;
};

export const selfPacedItemSchema: z.ZodType<SelfPacedItem> = z.looseObject({
  LearningItemId: numberLike,
  Title: z.string(),
  LearningItemNumber: opt(z.string()),
  LearningItemType: opt(z.string()),
  LearningItemSubType: opt(z.string()),
  ContentUrl: opt(z.string()),
  ExternalContentId: opt(z.string()),
  ProviderName: opt(z.string()),
  Status: opt(z.string()),
  Description: opt(z.string()),
  ExpectedEffortInHours: opt(numberLike),
});

export type DigitalLearningProvider = {
  ProviderId: number | string;
  ProviderName: string;
  ProviderCode?: string;
  Status?: string;
  UserName?: string;
  CatalogProfile?: string;
  Visibility?: string;
};

export const digitalLearningProviderSchema: z.ZodType<DigitalLearningProvider> = z.looseObject({
  ProviderId: z.union([z.number(), z.string()]),
  ProviderName: z.string(),
  ProviderCode: opt(z.string()),
  Status: opt(z.string()),
  UserName: opt(z.string()),
  CatalogProfile: opt(z.string()),
  Visibility: opt(z.string()),
});

export type LearningItemTypeProvider = { ProviderCode?: string; ProviderName?: string; LearningItemType?: string };

export const learningItemTypeProviderSchema: z.ZodType<LearningItemTypeProvider> = z.looseObject({
  ProviderCode: opt(z.string()),
  ProviderName: opt(z.string()),
  LearningItemType: opt(z.string()),
});

/** A completionDetails row; names [INF] (Oracle's example shows the child, not every field). */
export type CompletionDetail = { completionDate?: string; actualEffortInSeconds?: number; actualScore?: number };

/**
 * learnerLearningRecords is camelCase [DOC farws "Retrieve Learning Records": assignmentRecordId,
 * assignmentRecordNumber, assignedToNumber]; the other names are [INF]. Items are keyed by hash.
 */
export type LearnerLearningRecord = {
  assignmentRecordId: number;
  assignmentRecordNumber?: string;
  assignedToId?: number;
  assignedToNumber?: string;
  assignedToDisplayName?: string;
  learningItemId?: number;
  learningItemNumber?: string;
  learningItemTitle?: string;
  assignmentStatus: string;
  completionDetails: CompletionDetail[];
};

const completionDetailSchema = z.looseObject({
  completionDate: opt(z.string()),
  actualEffortInSeconds: opt(numberLike),
  actualScore: opt(numberLike),
});

export const learnerLearningRecordSchema: z.ZodType<LearnerLearningRecord> = z.looseObject({
  assignmentRecordId: numberLike,
  assignmentRecordNumber: opt(z.string()),
  assignedToId: opt(numberLike),
  assignedToNumber: opt(z.string()),
  assignedToDisplayName: opt(z.string()),
  learningItemId: opt(numberLike),
  learningItemNumber: opt(z.string()),
  learningItemTitle: opt(z.string()),
  assignmentStatus: z.string(),
  // An expanded child comes as a collection `{items, count, hasMore}`; accept a bare array too.
  completionDetails: z
    .union([z.array(completionDetailSchema), z.looseObject({ items: z.array(completionDetailSchema) })])
    .nullish()
    .transform((v) => (v == null ? [] : Array.isArray(v) ? v : v.items)),
});

type Signal = { signal?: AbortSignal };

function sig(o?: Signal): Signal {
  return o?.signal ? { signal: o.signal } : {};
}

/**
 * Weak probe that self-paced learning is usable [INF]: `GET learningSelfPacedItems?limit=1`.
 * 404 (disabled, or not in this release) and 403 (no privilege) give available:false with the
 * status; other failures (auth, network, ...) are thrown.
 */
export async function probeSelfPacedLearning(c: OracleClient, o?: Signal): Promise<{ available: boolean; status?: number }> {
  try {
    await c.get(SELF_PACED_ITEMS_PATH, z.looseObject({ items: z.array(z.unknown()) }), { query: { limit: 1, onlyData: true }, ...sig(o) });
    return { available: true, status: 200 };
  } catch (e) {
    if (e instanceof OracleError && (e.status === 404 || e.status === 403)) return { available: false, status: e.status };
    throw e;
  }
}

export async function listSelfPacedItems(c: OracleClient, o?: Signal & { q?: string; maxItems?: number }): Promise<SelfPacedItem[]> {
  return c.adfList(SELF_PACED_ITEMS_PATH, selfPacedItemSchema, { ...(o?.q && { q: o.q }), ...(o?.maxItems !== undefined && { maxItems: o.maxItems }), ...sig(o) });
}

export async function listDigitalLearningProviders(c: OracleClient, o?: Signal & { q?: string }): Promise<DigitalLearningProvider[]> {
  return c.adfList(DIGITAL_LEARNING_PROVIDERS_PATH, digitalLearningProviderSchema, { ...(o?.q && { q: o.q }), ...sig(o) });
}

/** Content a provider pushes (Oracle "data exchange reference" [DOC] fields; names as the REST resource [INF]). */
export type ProviderContent = {
  ExternalContentId: string;
  Title: string;
  ContentUrl: string;
  Summary?: string;
  Description?: string;
  Languages?: string | string[];
  ExpectedEffortInHours?: number;
  Publisher?: string;
  Author?: string;
  Instructor?: string;
  Status?: string;
  DeactivationDate?: string;
  CoverArtUrl?: string;
};

/**
 * Pushes one content item (POST `digitalLearningProviders/{id}/child/content`). Not retried
 * automatically (a POST); returns the self-paced item when the response has that shape, else the
 * raw response body.
 */
export async function pushProviderContent(c: OracleClient, providerId: number | string, content: ProviderContent, o?: Signal): Promise<SelfPacedItem | unknown> {
  const body = await c.send('POST', `${DIGITAL_LEARNING_PROVIDERS_PATH}/${encodeURIComponent(String(providerId))}/child/content`, {
    body: content,
    schema: z.unknown(),
    ...sig(o),
  });
  const item = selfPacedItemSchema.safeParse(body);
  return item.success ? item.data : body;
}

export async function listLearningItemTypeProviders(c: OracleClient, o?: Signal): Promise<LearningItemTypeProvider[]> {
  return c.adfList(LEARNING_ITEM_TYPE_PROVIDERS_PATH, learningItemTypeProviderSchema, sig(o));
}

/** Learner records with their completion details (`expand=completionDetails`). */
export async function listLearnerLearningRecords(c: OracleClient, o?: Signal & { q?: string; maxItems?: number }): Promise<LearnerLearningRecord[]> {
  return c.adfList(LEARNER_LEARNING_RECORDS_PATH, learnerLearningRecordSchema, {
    expand: 'completionDetails',
    ...(o?.q && { q: o.q }),
    ...(o?.maxItems !== undefined && { maxItems: o.maxItems }),
    ...sig(o),
  });
}
