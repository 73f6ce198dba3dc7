/**
 * Oracle Learning REST resources under the HCM ADF root [DOC paths]: learningSelfPacedItems,
 * digitalLearningProviders (child `content`), learningItemTypeProviders and
 * learnerLearningRecords (child completionDetails).
 *
 * Oracle publishes no field list for the first three [GAP]: they are read leniently (known
 * aliases, case-insensitive keys, unknown fields kept) and a field found under none of its
 * aliases is reported as an unexpected shape, never as "not there". learnerLearningRecords fields
 * are documented in camelCase (`assignmentRecordId`, `assignmentRecordNumber`, `assignedToNumber`)
 * [DOC "Retrieve Learning Records"]; its other fields are read the same lenient way.
 */
import * as z from 'zod';
import type { OracleClient } from './client';
import { OracleError } from './errors';
import { num, readItem, readItems, str, type FieldAliases, type ShapeReport, type ShapeSpec } from './lenient';

export const HCM_ROOT = '/hcmRestApi/resources/11.13.18.05';
export const SELF_PACED_ITEMS_PATH = `${HCM_ROOT}/learningSelfPacedItems`;
export const DIGITAL_LEARNING_PROVIDERS_PATH = `${HCM_ROOT}/digitalLearningProviders`;
export const LEARNING_ITEM_TYPE_PROVIDERS_PATH = `${HCM_ROOT}/learningItemTypeProviders`;
export const LEARNER_LEARNING_RECORDS_PATH = `${HCM_ROOT}/learnerLearningRecords`;

// ---------------------------------------------------------------- shapes (aliases)

export const SELF_PACED_ITEM_SHAPE = {
  id: { aliases: ['LearningItemId', 'learningItemId', 'ItemId', 'Id'], basis: 'inferred' },
  title: { aliases: ['Title', 'learningItemTitle', 'LearningItemTitle', 'Name'], basis: 'inferred' },
  externalContentId: { aliases: ['ExternalContentId', 'externalContentId', 'ExternalId', 'ContentId'], basis: 'inferred' },
  contentUrl: { aliases: ['ContentUrl', 'contentURL', 'Url', 'LaunchUrl'], basis: 'inferred' },
  status: { aliases: ['Status', 'learningItemStatus', 'LearningItemStatus'], basis: 'inferred' },
  providerName: { aliases: ['ProviderName', 'providerName'], basis: 'inferred' },
} as const satisfies ShapeSpec<string>;
export type SelfPacedField = keyof typeof SELF_PACED_ITEM_SHAPE;

export const PROVIDER_SHAPE = {
  id: { aliases: ['ProviderId', 'providerId', 'Id'], basis: 'inferred' },
  name: { aliases: ['ProviderName', 'providerName', 'Name', 'DisplayName'], basis: 'inferred' },
  code: { aliases: ['ProviderCode', 'providerCode', 'Code'], basis: 'inferred' },
  userName: { aliases: ['UserName', 'userName', 'IntegrationUserName', 'Username'], basis: 'inferred' },
  status: { aliases: ['Status', 'providerStatus'], basis: 'inferred' },
} as const satisfies ShapeSpec<string>;
export type ProviderField = keyof typeof PROVIDER_SHAPE;

export const ITEM_TYPE_PROVIDER_SHAPE = {
  code: { aliases: ['ProviderCode', 'providerCode', 'Code'], basis: 'inferred' },
  name: { aliases: ['ProviderName', 'providerName', 'Name'], basis: 'inferred' },
  type: { aliases: ['LearningItemType', 'learningItemType', 'ItemType'], basis: 'inferred' },
} as const satisfies ShapeSpec<string>;
export type ItemTypeProviderField = keyof typeof ITEM_TYPE_PROVIDER_SHAPE;

export const LEARNER_RECORD_SHAPE = {
  assignmentRecordId: { aliases: ['assignmentRecordId', 'LearningRecordId'], basis: 'documented' },
  assignmentRecordNumber: { aliases: ['assignmentRecordNumber'], basis: 'documented' },
  assignedToNumber: { aliases: ['assignedToNumber', 'PersonNumber'], basis: 'documented' },
  assignmentStatus: { aliases: ['assignmentStatus', 'AssignmentStatus', 'status'], basis: 'inferred' },
  learningItemId: { aliases: ['learningItemId', 'LearningItemId'], basis: 'inferred' },
  learningItemTitle: { aliases: ['learningItemTitle', 'LearningItemTitle', 'title'], basis: 'inferred' },
  externalContentId: { aliases: ['externalContentId', 'ExternalContentId'], basis: 'inferred' },
  learnerUserName: { aliases: ['assignedToUserName', 'learnerUserName', 'LearnerUserName', 'userName'], basis: 'inferred' },
  learnerEmail: { aliases: ['assignedToEmail', 'learnerEmail', 'LearnerEmail'], basis: 'inferred' },
  providerName: { aliases: ['providerName', 'ProviderName'], basis: 'inferred' },
} as const satisfies ShapeSpec<string>;
export type LearnerRecordField = keyof typeof LEARNER_RECORD_SHAPE;

export const COMPLETION_DETAIL_SHAPE = {
  completionDate: { aliases: ['completionDate', 'CompletionDate', 'completedDate'], basis: 'inferred' },
  actualEffortInSeconds: { aliases: ['actualEffortInSeconds', 'ActualEffortInSeconds', 'actualEffort'], basis: 'inferred' },
  score: { aliases: ['score', 'Score', 'actualScore'], basis: 'inferred' },
} as const satisfies ShapeSpec<string>;

/** The logical fields a check cannot do without. */
export const REQUIRED = {
  provider: ['name'] as ProviderField[],
  selfPaced: ['title'] as SelfPacedField[],
  itemTypeProvider: [] as ItemTypeProviderField[],
  learnerRecord: ['assignmentRecordId'] as LearnerRecordField[],
};

// ---------------------------------------------------------------- views

export interface SelfPacedItemView {
  id?: string;
  title?: string;
  externalContentId?: string;
  contentUrl?: string;
  status?: string;
  providerName?: string;
  raw: Record<string, unknown>;
}

export interface ProviderView {
  id?: string;
  name?: string;
  code?: string;
  userName?: string;
  status?: string;
  raw: Record<string, unknown>;
}

export interface LearnerLearningRecord {
  assignmentRecordId?: string;
  assignmentRecordNumber?: string;
  assignedToNumber?: string;
  assignmentStatus?: string;
  learningItemId?: string;
  learningItemTitle?: string;
  externalContentId?: string;
  learnerUserName?: string;
  learnerEmail?: string;
  providerName?: string;
  completionDetails: CompletionDetail[];
  raw: Record<string, unknown>;
}

export interface CompletionDetail {
  completionDate?: string;
  actualEffortInSeconds?: number;
  score?: number;
}

/** A read list plus what was learnt about its shape. */
export interface Listing<V, K extends string> {
  items: V[];
  shape: ShapeReport<K>;
}

const anyItem = z.unknown();
type Signal = { signal?: AbortSignal };
type ListOptions = Signal & { q?: string; maxItems?: number; aliases?: FieldAliases; orderBy?: string };

function sig(o?: Signal): Signal {
  return o?.signal ? { signal: o.signal } : {};
}

function toSelfPaced(values: Record<string, unknown>, raw: Record<string, unknown>): SelfPacedItemView {
  const v = values as Partial<Record<SelfPacedField, unknown>>;
  const out: SelfPacedItemView = { raw };
  for (const k of ['id', 'title', 'externalContentId', 'contentUrl', 'status', 'providerName'] as const) {
    const s = str(v[k]);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function toProvider(values: Record<string, unknown>, raw: Record<string, unknown>): ProviderView {
  const v = values as Partial<Record<ProviderField, unknown>>;
  const out: ProviderView = { raw };
  for (const k of ['id', 'name', 'code', 'userName', 'status'] as const) {
    const s = str(v[k]);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function completionDetailsOf(raw: Record<string, unknown>): CompletionDetail[] {
  const key = Object.keys(raw).find((k) => k.toLowerCase() === 'completiondetails');
  const child = key ? raw[key] : undefined;
  const list = Array.isArray(child) ? child : child && typeof child === 'object' && Array.isArray((child as { items?: unknown }).items) ? (child as { items: unknown[] }).items : [];
  return list.map((d) => {
    const r = readItem(d, COMPLETION_DETAIL_SHAPE).values;
    const out: CompletionDetail = {};
    const date = str(r.completionDate);
    const effort = num(r.actualEffortInSeconds);
    const score = num(r.score);
    if (date !== undefined) out.completionDate = date;
    if (effort !== undefined) out.actualEffortInSeconds = effort;
    if (score !== undefined) out.score = score;
    return out;
  });
}

function toRecord(values: Record<string, unknown>, raw: Record<string, unknown>): LearnerLearningRecord {
  const v = values as Partial<Record<LearnerRecordField, unknown>>;
  const out: LearnerLearningRecord = { completionDetails: completionDetailsOf(raw), raw };
  for (const k of Object.keys(LEARNER_RECORD_SHAPE) as LearnerRecordField[]) {
    const s = str(v[k]);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

// ---------------------------------------------------------------- reads

/** `GET learningSelfPacedItems?limit=1`: at most one item; any failure is thrown. */
export async function readOneSelfPacedItem(c: OracleClient, o?: Signal): Promise<unknown[]> {
  return (await c.get(SELF_PACED_ITEMS_PATH, z.looseObject({ items: z.array(z.unknown()) }), { query: { limit: 1, onlyData: true }, ...sig(o) })).items;
}

/**
 * Weak probe that self-paced learning is usable [INF]: `GET learningSelfPacedItems?limit=1`.
 * 404 (an older release without the API, or the feature not enabled) and 403 (no privilege) give
 * available:false with the status: neither proves the feature is off. Other failures are thrown.
 */
export async function probeSelfPacedLearning(c: OracleClient, o?: Signal): Promise<{ available: boolean; status?: number }> {
  try {
    await readOneSelfPacedItem(c, o);
    return { available: true, status: 200 };
  } catch (e) {
    if (e instanceof OracleError && (e.status === 404 || e.status === 403)) return { available: false, status: e.status };
    throw e;
  }
}

export async function readSelfPacedItems(c: OracleClient, o?: ListOptions): Promise<Listing<SelfPacedItemView, SelfPacedField>> {
  const raw = await c.adfList(SELF_PACED_ITEMS_PATH, anyItem, { ...(o?.q && { q: o.q }), ...(o?.maxItems !== undefined && { maxItems: o.maxItems }), ...sig(o) });
  const shape = readItems(raw, SELF_PACED_ITEM_SHAPE, REQUIRED.selfPaced, o?.aliases);
  return { items: shape.items.map((i) => toSelfPaced(i.values, i.raw)), shape };
}

export async function readDigitalLearningProviders(c: OracleClient, o?: ListOptions): Promise<Listing<ProviderView, ProviderField>> {
  const raw = await c.adfList(DIGITAL_LEARNING_PROVIDERS_PATH, anyItem, { ...(o?.q && { q: o.q }), ...sig(o) });
  const shape = readItems(raw, PROVIDER_SHAPE, REQUIRED.provider, o?.aliases);
  return { items: shape.items.map((i) => toProvider(i.values, i.raw)), shape };
}

export async function readLearningItemTypeProviders(c: OracleClient, o?: ListOptions): Promise<Listing<Partial<Record<ItemTypeProviderField, string>> & { raw: Record<string, unknown> }, ItemTypeProviderField>> {
  const raw = await c.adfList(LEARNING_ITEM_TYPE_PROVIDERS_PATH, anyItem, sig(o));
  const shape = readItems(raw, ITEM_TYPE_PROVIDER_SHAPE, REQUIRED.itemTypeProvider, o?.aliases);
  return {
    items: shape.items.map((i) => {
      const out: Partial<Record<ItemTypeProviderField, string>> & { raw: Record<string, unknown> } = { raw: i.raw };
      for (const k of ['code', 'name', 'type'] as const) {
        const s = str(i.values[k]);
        if (s !== undefined) out[k] = s;
      }
      return out;
    }),
    shape,
  };
}

/** Learner records with their completion details (`expand=completionDetails`), read by their documented camelCase names. */
export async function readLearnerLearningRecords(c: OracleClient, o?: ListOptions): Promise<Listing<LearnerLearningRecord, LearnerRecordField>> {
  const raw = await c.adfList(LEARNER_LEARNING_RECORDS_PATH, anyItem, {
    expand: 'completionDetails',
    ...(o?.q && { q: o.q }),
    ...(o?.orderBy && { orderBy: o.orderBy }),
    ...(o?.maxItems !== undefined && { maxItems: o.maxItems }),
    ...sig(o),
  });
  const shape = readItems(raw, LEARNER_RECORD_SHAPE, REQUIRED.learnerRecord, o?.aliases);
  return { items: shape.items.map((i) => toRecord(i.values, i.raw)), shape };
}

/** An error for a list whose items lack a field the caller needs (the pod answered in a shape we did not expect). */
export function unexpectedShape(path: string, missing: string[], sample: unknown): OracleError {
  return new OracleError({
    reason: 'invalid-response',
    method: 'GET',
    path,
    detail: `no ${missing.join(', ')} field under any known name; first item: ${JSON.stringify(sample)}`,
    hint: 'the pod answered in a shape we did not expect: run `oli probe` and report the sample (it holds no values)',
  });
}

// ---------------------------------------------------------------- compatible lists (simulator, tests)

export type DigitalLearningProvider = { ProviderId: string | number; ProviderName: string; ProviderCode?: string; UserName?: string; Status?: string } & Record<string, unknown>;

/** Providers with their id and name under the names the simulator uses, read leniently; a missing name throws an unexpected-shape error. */
export async function listDigitalLearningProviders(c: OracleClient, o?: ListOptions): Promise<DigitalLearningProvider[]> {
  const { items, shape } = await readDigitalLearningProviders(c, o);
  if (shape.missing.length) throw unexpectedShape(DIGITAL_LEARNING_PROVIDERS_PATH, shape.missing, shape.sample);
  return items.map((p) => ({
    ...p.raw,
    ProviderId: num(p.id) ?? p.id ?? '',
    ProviderName: p.name ?? '',
    ...(p.code !== undefined && { ProviderCode: p.code }),
    ...(p.userName !== undefined && { UserName: p.userName }),
    ...(p.status !== undefined && { Status: p.status }),
  }));
}

export async function listSelfPacedItems(c: OracleClient, o?: ListOptions): Promise<SelfPacedItemView[]> {
  const { items, shape } = await readSelfPacedItems(c, o);
  if (shape.missing.length) throw unexpectedShape(SELF_PACED_ITEMS_PATH, shape.missing, shape.sample);
  return items;
}

export async function listLearningItemTypeProviders(c: OracleClient, o?: ListOptions): Promise<(Partial<Record<ItemTypeProviderField, string>> & { raw: Record<string, unknown> })[]> {
  return (await readLearningItemTypeProviders(c, o)).items;
}

export async function listLearnerLearningRecords(c: OracleClient, o?: ListOptions): Promise<LearnerLearningRecord[]> {
  const { items, shape } = await readLearnerLearningRecords(c, o);
  if (shape.missing.length) throw unexpectedShape(LEARNER_LEARNING_RECORDS_PATH, shape.missing, shape.sample);
  return items;
}

/** Schemas for one item of each resource: any object parses, into the lenient view without the raw item (used by the fuzz tests). */
function withoutRaw<T extends { raw: unknown }>(v: T): Omit<T, 'raw'> {
  const { raw: _raw, ...rest } = v;
  return rest;
}
export const selfPacedItemSchema = z.lazy(() => z.looseObject({}).transform((o) => {
  const r = readItem(o, SELF_PACED_ITEM_SHAPE);
  return withoutRaw(toSelfPaced(r.values, r.raw));
}));
export const digitalLearningProviderSchema = z.lazy(() => z.looseObject({}).transform((o) => {
  const r = readItem(o, PROVIDER_SHAPE);
  return withoutRaw(toProvider(r.values, r.raw));
}));
export const learnerLearningRecordSchema = z.lazy(() => z.looseObject({}).transform((o) => {
  const r = readItem(o, LEARNER_RECORD_SHAPE);
  return withoutRaw(toRecord(r.values, r.raw));
}));

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
 * automatically (a POST); returns the self-paced item read leniently, or the raw body when it has
 * no recognisable item.
 */
export async function pushProviderContent(c: OracleClient, providerId: number | string, content: ProviderContent, o?: Signal): Promise<SelfPacedItemView | unknown> {
  const body = await c.send('POST', `${DIGITAL_LEARNING_PROVIDERS_PATH}/${encodeURIComponent(String(providerId))}/child/content`, {
    body: content,
    schema: z.unknown(),
    ...sig(o),
  });
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const r = readItem(body, SELF_PACED_ITEM_SHAPE);
  return r.values.id !== undefined ? toSelfPaced(r.values, r.raw) : body;
}
