// A small, hand-written validator for the webviews' message protocols (no dependency, no `vscode`):
// the webview bundles stay light (no zod), and the host checks the same way. Each checker returns a
// clean copy of what it accepts (unknown fields of a strict object are dropped) or throws a
// ProtocolError naming the path. `schema(c).safeParse` never throws, whatever it is given.

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly path: (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

/** Checks `value` at `path` and returns what it accepts. */
export type Check<T> = (value: unknown, path: (string | number)[]) => T;
/** A field that may be absent (or undefined). */
export type OptionalCheck<T> = Check<T | undefined> & { readonly optional: true };
export type Infer<C> = C extends Check<infer T> ? T : never;

type Shape = Record<string, Check<unknown>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalCheck<unknown> ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalCheck<unknown> ? K : never }[keyof S];
type Flat<T> = { [K in keyof T]: T[K] };
export type ObjectOf<S extends Shape> = Flat<{ [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined> }>;

const fail = (path: (string | number)[], message: string): never => {
  throw new ProtocolError(path, message);
};
const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function str(o: { min?: number; max?: number; pattern?: RegExp } = {}): Check<string> {
  return (v, path) => {
    if (typeof v !== 'string') return fail(path, `expected a string, got ${kind(v)}`);
    if (o.min !== undefined && v.length < o.min) return fail(path, `too short (at least ${o.min} characters)`);
    if (o.max !== undefined && v.length > o.max) return fail(path, `too long (at most ${o.max} characters)`);
    if (o.pattern && !o.pattern.test(v)) return fail(path, 'not in the expected form');
    return v;
  };
}

export function num(o: { int?: boolean; min?: number; max?: number } = {}): Check<number> {
  return (v, path) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(path, `expected a finite number, got ${kind(v)}`);
    if (o.int && !Number.isInteger(v)) return fail(path, 'expected an integer');
    if (o.min !== undefined && v < o.min) return fail(path, `at least ${o.min}`);
    if (o.max !== undefined && v > o.max) return fail(path, `at most ${o.max}`);
    return v;
  };
}

export const bool = (): Check<boolean> => (v, path) => (typeof v === 'boolean' ? v : fail(path, `expected a boolean, got ${kind(v)}`));

/** Any JSON-like value, copied as is (for fields the receiver only displays). */
export const unknownValue = (): Check<unknown> => (v) => v;

export function oneOf<const T extends readonly (string | number | boolean | null)[]>(values: T): Check<T[number]> {
  return (v, path) => ((values as readonly unknown[]).includes(v) ? (v as T[number]) : fail(path, `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}`));
}

export function arr<T>(item: Check<T>, o: { max?: number } = {}): Check<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) return fail(path, `expected an array, got ${kind(v)}`);
    if (o.max !== undefined && v.length > o.max) return fail(path, `too many items (at most ${o.max})`);
    return v.map((x, i) => item(x, [...path, i]));
  };
}

/** A record of string keys (a plain object); values checked by `item`. */
export function rec<T>(item: Check<T>, o: { maxKeys?: number } = {}): Check<Record<string, T>> {
  return (v, path) => {
    if (!isPlain(v)) return fail(path, `expected an object, got ${kind(v)}`);
    const keys = Object.keys(v);
    if (o.maxKeys !== undefined && keys.length > o.maxKeys) return fail(path, `too many keys (at most ${o.maxKeys})`);
    const out: Record<string, T> = {};
    for (const k of keys) Object.defineProperty(out, k, { value: item(v[k], [...path, k]), enumerable: true, writable: true, configurable: true });
    return out;
  };
}

export function opt<T>(c: Check<T>): OptionalCheck<T> {
  const f = ((v: unknown, path: (string | number)[]) => (v === undefined ? undefined : c(v, path))) as OptionalCheck<T>;
  Object.defineProperty(f, 'optional', { value: true });
  return f;
}

export function nullable<T>(c: Check<T>): Check<T | null> {
  return (v, path) => (v === null ? null : c(v, path));
}

export function either<A, B>(a: Check<A>, b: Check<B>): Check<A | B> {
  return (v, path) => {
    try {
      return a(v, path);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      return b(v, path);
    }
  };
}

/**
 * An object with these fields. `loose`: other fields are kept as they are (reports the receiver
 * renders partly); otherwise they are dropped.
 */
export function obj<S extends Shape>(shape: S, o: { loose: true }): Check<ObjectOf<S> & { [key: string]: unknown }>;
export function obj<S extends Shape>(shape: S, o?: { loose?: false }): Check<ObjectOf<S>>;
export function obj<S extends Shape>(shape: S, o: { loose?: boolean } = {}): Check<ObjectOf<S>> {
  return (v, path) => {
    if (!isPlain(v)) return fail(path, `expected an object, got ${kind(v)}`);
    const out: Record<string, unknown> = {};
    if (o.loose) for (const k of Object.keys(v)) if (!own(shape, k)) Object.defineProperty(out, k, { value: v[k], enumerable: true, writable: true, configurable: true });
    for (const k of Object.keys(shape)) {
      const checked = shape[k]!(own(v, k) ? v[k] : undefined, [...path, k]);
      if (checked !== undefined) Object.defineProperty(out, k, { value: checked, enumerable: true, writable: true, configurable: true });
    }
    return out as ObjectOf<S>;
  };
}

type TaggedOut<K extends string, M extends Record<string, Check<object>>> = { [T in keyof M]: Flat<{ [P in K]: T } & Infer<M[T]>> }[keyof M];

/** One of several object types, told apart by the string in field `key` (e.g. `type`). */
export function tagged<K extends string, M extends Record<string, Check<object>>>(key: K, members: M): Check<TaggedOut<K, M>> {
  return (v, path) => {
    if (!isPlain(v)) return fail(path, `expected an object, got ${kind(v)}`);
    const tag = own(v, key) ? v[key] : undefined;
    if (typeof tag !== 'string' || !own(members, tag)) return fail([...path, key], `unknown ${key} ${JSON.stringify(tag)?.slice(0, 60) ?? 'undefined'}`);
    return { [key]: tag, ...(members[tag]!(v, path) as object) } as TaggedOut<K, M>;
  };
}

export interface Issue {
  path: (string | number)[];
  message: string;
}
export type SafeParse<T> = { success: true; data: T } | { success: false; error: { issues: Issue[] } };

/** A checker with zod-like `parse` (throws) and `safeParse` (never throws). */
export interface Schema<T> {
  parse(value: unknown): T;
  safeParse(value: unknown): SafeParse<T>;
}

export function schema<T>(check: Check<T>): Schema<T> {
  return {
    parse: (value) => check(value, []),
    safeParse(value) {
      try {
        return { success: true, data: check(value, []) };
      } catch (err) {
        const e = err instanceof ProtocolError ? err : new ProtocolError([], err instanceof Error ? err.message : 'invalid');
        return { success: false, error: { issues: [{ path: e.path, message: e.message }] } };
      }
    },
  };
}
