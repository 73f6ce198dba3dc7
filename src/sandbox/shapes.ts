import { createHash } from 'node:crypto';
import type { AdfSpec } from './adfQuery';
import type { Variants } from './variants';

/**
 * Field names of the Learning resources whose field lists Oracle does not publish
 * (digitalLearningProviders, learningSelfPacedItems, learningItemTypeProviders [GAP]). The sandbox
 * answers PascalCase by default; the variants `camel-case-fields` and `unexpected-fields` rename
 * them (docs/SANDBOX.md, "Variants"). Keys here are the default (PascalCase) names.
 */
export type Naming = Readonly<Record<string, string>>;

const UNEXPECTED_PROVIDER: Naming = {
  ProviderId: 'Id',
  ProviderName: 'Name',
  ProviderCode: 'Code',
  Status: 'ProviderStatus',
  UserName: 'IntegrationUser',
  CatalogProfile: 'LearningCatalogProfile',
  Visibility: 'AudienceVisibility',
};

const UNEXPECTED_SELF_PACED: Naming = {
  LearningItemId: 'Id',
  LearningItemNumber: 'Number',
  Title: 'Name',
  LearningItemType: 'ItemType',
  LearningItemSubType: 'ItemSubType',
  ContentUrl: 'LaunchUrl',
  ExternalContentId: 'SourceContentId',
  ProviderName: 'ContentProvider',
  Status: 'ItemStatus',
  Description: 'Details',
  ExpectedEffortInHours: 'EffortHours',
};

const UNEXPECTED_ITEM_TYPE_PROVIDER: Naming = { ProviderCode: 'Code', ProviderName: 'Name', LearningItemType: 'ItemType' };

export type ShapedResource = 'digitalLearningProviders' | 'learningSelfPacedItems' | 'learningItemTypeProviders' | 'content';

const UNEXPECTED: Record<ShapedResource, Naming> = {
  digitalLearningProviders: UNEXPECTED_PROVIDER,
  learningSelfPacedItems: UNEXPECTED_SELF_PACED,
  learningItemTypeProviders: UNEXPECTED_ITEM_TYPE_PROVIDER,
  // Provider content keeps its (documented-by-meaning) names under unexpected-fields.
  content: {},
};

const camel = (k: string): string => k.charAt(0).toLowerCase() + k.slice(1);

/** The name a default (PascalCase) field has under the running variants. */
export function fieldName(variants: Variants, resource: ShapedResource, pascal: string): string {
  if (variants.has('camel-case-fields')) return camel(pascal);
  if (variants.has('unexpected-fields')) return UNEXPECTED[resource][pascal] ?? pascal;
  return pascal;
}

/** Renames an item's keys (default names in, variant names out; unknown keys kept). */
export function renameItem(variants: Variants, resource: ShapedResource, item: Record<string, unknown>): Record<string, unknown> {
  if (!variants.has('camel-case-fields') && !variants.has('unexpected-fields')) return item;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[fieldName(variants, resource, k)] = v;
  return out;
}

/** The spec with its attributes and items renamed for the running variants. */
export function shapedSpec<T>(variants: Variants, resource: ShapedResource, spec: AdfSpec<T>): AdfSpec<T> {
  const rename = (a: string): string => fieldName(variants, resource, a);
  const lookup = spec.lookup;
  const reverse = new Map(spec.attrs.map((a) => [rename(a).toLowerCase(), a.toLowerCase()]));
  const renamed = variants.has('camel-case-fields') || variants.has('unexpected-fields');
  return {
    ...spec,
    // A pod with other names answers only to those names (no case-insensitive match of the default ones).
    ...(renamed ? { exactAttributeNames: true } : {}),
    attrs: spec.attrs.map(rename),
    toItem: (row, expand) => renameItem(variants, resource, spec.toItem(row, expand)),
    ...(lookup ? { lookup: (attr: string, value: string) => lookup(reverse.get(attr) ?? attr, value) } : {}),
  };
}

/**
 * Reads a request body's field whatever its case or variant name: `ProviderName`, `providerName`
 * or (under unexpected-fields) `Name` all find ProviderName.
 */
export function bodyField(variants: Variants, resource: ShapedResource, body: Record<string, unknown>, pascal: string): unknown {
  const names = new Set([pascal.toLowerCase(), fieldName(variants, resource, pascal).toLowerCase()]);
  for (const [k, v] of Object.entries(body)) if (names.has(k.toLowerCase())) return v;
  return undefined;
}

/** Normalises a request body's keys to the default names (case-insensitive, variant names too). */
export function normaliseBody(variants: Variants, resource: ShapedResource, body: unknown, pascalNames: readonly string[]): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const src = body as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const byLower = new Map<string, string>();
  for (const p of pascalNames) {
    byLower.set(p.toLowerCase(), p);
    byLower.set(fieldName(variants, resource, p).toLowerCase(), p);
  }
  for (const [k, v] of Object.entries(src)) out[byLower.get(k.toLowerCase()) ?? k] = v;
  return out;
}

/**
 * An ADF hash key ("the client should not generate the hash key value" [DOC]): opaque, stable for a
 * row. The sandbox derives it from the resource name and the row's numeric id.
 */
export function hashKey(resource: string, id: number): string {
  return createHash('sha256').update(`${resource}:${id}`).digest('hex').slice(0, 40).toUpperCase();
}
