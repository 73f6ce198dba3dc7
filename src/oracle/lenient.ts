/**
 * Lenient reading of shapes Oracle does not publish: a logical field is found under any of its
 * known aliases (PascalCase, camelCase, other names seen), keys compared case-insensitively, and
 * unknown fields kept. A field found under none of them is reported as missing, with a redacted
 * sample of the item (keys and value types only, never values), so a report can show which shape
 * the pod used without leaking data.
 */
import type { Basis } from './basis';

export interface FieldSpec {
  /** Names tried in order (compared case-insensitively). The first is the one the product expects. */
  aliases: readonly string[];
  /** Whether Oracle documents the name. */
  basis: Basis;
}

export type ShapeSpec<K extends string> = Record<K, FieldSpec>;

/** A logical field name mapped to the key a pod uses, e.g. `{ name: "providerName" }`. */
export type FieldAliases = Record<string, string>;

export interface LenientItem<K extends string> {
  /** Values by logical field (undefined when absent or null). */
  values: Partial<Record<K, unknown>>;
  /** The key each logical field was found under. */
  used: Partial<Record<K, string>>;
  /** The whole item as received (unknown fields kept). */
  raw: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads one item: every logical field under its override, then its aliases, case-insensitively. */
export function readItem<K extends string>(item: unknown, spec: ShapeSpec<K>, overrides: FieldAliases = {}): LenientItem<K> {
  const raw = isRecord(item) ? item : {};
  const byLower = new Map<string, string>();
  for (const key of Object.keys(raw)) if (!byLower.has(key.toLowerCase())) byLower.set(key.toLowerCase(), key);
  const values: Partial<Record<K, unknown>> = {};
  const used: Partial<Record<K, string>> = {};
  for (const field of Object.keys(spec) as K[]) {
    const names = [...(overrides[field] ? [overrides[field]] : []), ...spec[field].aliases];
    for (const name of names) {
      const key = byLower.get(name.toLowerCase());
      if (key === undefined) continue;
      const v = raw[key];
      if (v === undefined || v === null) continue;
      values[field] = v;
      used[field] = key;
      break;
    }
  }
  return { values, used, raw };
}

export interface ShapeReport<K extends string> {
  items: LenientItem<K>[];
  /** Required logical fields that no item (of those that should carry them) had under any alias. */
  missing: K[];
  /** For each logical field, the key the pod used (from the first item that had it). */
  aliases: Partial<Record<K, string>>;
  /** A redacted sample of the first item (keys and types only), for the report. */
  sample?: unknown;
}

/** Reads a list of items; a required field missing from any item makes the shape unexpected. */
export function readItems<K extends string>(items: unknown[], spec: ShapeSpec<K>, required: readonly K[], overrides: FieldAliases = {}): ShapeReport<K> {
  const read = items.map((i) => readItem(i, spec, overrides));
  const missing = required.filter((f) => read.some((r) => r.values[f] === undefined));
  const aliases: Partial<Record<K, string>> = {};
  for (const r of read) for (const f of Object.keys(r.used) as K[]) aliases[f] ??= r.used[f]!;
  return { items: read, missing, aliases, ...(items.length ? { sample: redactedSample(items[0]) } : {}) };
}

/** A string field's value, or undefined. Numbers are turned into strings (ids). */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A numeric field's value (a numeric string too), or undefined. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

const MAX_SAMPLE_KEYS = 40;

/**
 * The shape of a value without its data: `{ "providerName": "string", "id": "number",
 * "links": "array(2)" }`. Keys that look like secrets are kept but their type hidden too.
 */
export function redactedSample(value: unknown, depth = 0): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return depth >= 1 ? `array(${value.length})` : value.length ? [redactedSample(value[0], depth + 1)] : [];
  if (isRecord(value)) {
    if (depth >= 2) return 'object';
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value);
    for (const key of keys.slice(0, MAX_SAMPLE_KEYS)) {
      if (key === 'links') {
        out[key] = Array.isArray(value[key]) ? `array(${(value[key] as unknown[]).length})` : typeof value[key];
        continue;
      }
      out[key] = redactedSample(value[key], depth + 1);
    }
    if (keys.length > MAX_SAMPLE_KEYS) out['…'] = `${keys.length - MAX_SAMPLE_KEYS} more keys`;
    return out;
  }
  return typeof value;
}

/** The spec's expected names, for messages: `ProviderName (or providerName, Name)`. */
export function expectedNames(spec: FieldSpec): string {
  const [first, ...rest] = spec.aliases;
  return rest.length ? `${first} (or ${rest.slice(0, 3).join(', ')})` : String(first);
}
