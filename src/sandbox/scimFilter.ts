/**
 * SCIM filter expressions (RFC 7644 §3.4.2.2 subset): `attr op "value"`, ops eq ne co sw ew gt ge
 * lt le pr, `and` / `or` / `not`, parentheses, value filters such as `emails[type eq "W"].value`.
 * `and` binds tighter than `or`. Attribute names and string comparisons are case-insensitive.
 * Also used for the ESS `q=` query, which has the same syntax.
 */

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

export interface AttrPath {
  /** Lower-case attribute name, e.g. `emails`. */
  attr: string;
  /** Value filter inside brackets, evaluated on each element of a multi-valued attribute. */
  valueFilter: FilterNode | null;
  /** Lower-case sub-attribute, e.g. `value`. */
  sub: string | null;
}

export type FilterNode =
  | { kind: 'cmp'; path: AttrPath; op: CompareOp; value: FilterValue }
  | { kind: 'pr'; path: AttrPath }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode };

/** A filter the parser rejects; the routes answer 400 (SCIM scimType invalidFilter). */
export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`);
  }
}

type Token =
  | { t: 'word'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'number'; v: number; pos: number }
  | { t: '(' | ')' | '[' | ']'; pos: number };

const OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      out.push({ t: c, pos: i });
      i++;
    } else if (c === '"') {
      const start = i++;
      let v = '';
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        v += src[i++];
      }
      if (i >= src.length) throw new FilterSyntaxError('unterminated string', start);
      i++;
      out.push({ t: 'string', v, pos: start });
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(src.slice(i));
      if (!m) throw new FilterSyntaxError(`unexpected '${c}'`, i);
      out.push({ t: 'number', v: Number(m[0]), pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_$@.]/.test(c)) {
      const m = /^[A-Za-z_$@.][A-Za-z0-9_$.:-]*/.exec(src.slice(i))!;
      out.push({ t: 'word', v: m[0], pos: i });
      i += m[0].length;
    } else {
      throw new FilterSyntaxError(`unexpected '${c}'`, i);
    }
  }
  return out;
}

/** Which attributes a filter may name: lower-case dotted paths, e.g. `username`, `emails.value`, `emails.type`. */
export type AllowedAttributes = ReadonlySet<string>;

export function allowed(...paths: string[]): AllowedAttributes {
  return new Set(paths.map((p) => p.toLowerCase()));
}

/** Parses a filter; throws FilterSyntaxError (bad syntax or an attribute not in `attributes`). */
export function parseFilter(src: string, attributes: AllowedAttributes): FilterNode {
  const tokens = tokenize(src);
  let p = 0;
  const peek = (): Token | undefined => tokens[p];
  const isWord = (tok: Token | undefined, w: string): boolean => tok?.t === 'word' && tok.v.toLowerCase() === w;
  const fail = (reason: string): never => {
    throw new FilterSyntaxError(reason, peek()?.pos ?? src.length);
  };

  function parseOr(scope: string | null): FilterNode {
    let left = parseAnd(scope);
    while (isWord(peek(), 'or')) {
      p++;
      left = { kind: 'or', left, right: parseAnd(scope) };
    }
    return left;
  }
  function parseAnd(scope: string | null): FilterNode {
    let left = parseUnary(scope);
    while (isWord(peek(), 'and')) {
      p++;
      left = { kind: 'and', left, right: parseUnary(scope) };
    }
    return left;
  }
  function parseUnary(scope: string | null): FilterNode {
    const tok = peek();
    if (isWord(tok, 'not') && tokens[p + 1]?.t === '(') {
      p++;
      return { kind: 'not', expr: parseUnary(scope) };
    }
    if (tok?.t === '(') {
      p++;
      const inner = parseOr(scope);
      if (peek()?.t !== ')') fail("expected ')'");
      p++;
      return inner;
    }
    return parseComparison(scope);
  }
  function checkAttr(full: string, pos: number): void {
    if (!attributes.has(full)) throw new FilterSyntaxError(`unknown or unsupported attribute '${full}'`, pos);
  }
  function parseComparison(scope: string | null): FilterNode {
    const tok = peek();
    if (tok?.t !== 'word') return fail('expected an attribute name');
    p++;
    const [attrRaw, ...rest] = tok.v.split('.');
    const attr = attrRaw!.toLowerCase();
    let sub: string | null = rest.length ? rest.join('.').toLowerCase() : null;
    let valueFilter: FilterNode | null = null;
    const prefix = scope ? `${scope}.` : '';
    if (peek()?.t === '[') {
      if (scope) fail('nested value filters are not supported');
      p++;
      valueFilter = parseOr(attr);
      if (peek()?.t !== ']') fail("expected ']'");
      p++;
      const after = peek();
      if (after?.t === 'word' && after.v.startsWith('.')) {
        sub = after.v.slice(1).toLowerCase();
        p++;
      }
    }
    checkAttr(prefix + attr + (sub ? `.${sub}` : ''), tok.pos);
    const path: AttrPath = { attr, valueFilter, sub };
    const opTok = peek();
    if (opTok?.t !== 'word') return fail('expected an operator');
    const op = opTok.v.toLowerCase();
    p++;
    if (op === 'pr') return { kind: 'pr', path };
    if (!OPS.has(op)) throw new FilterSyntaxError(`unknown operator '${opTok.v}'`, opTok.pos);
    const v = peek();
    p++;
    let value: FilterValue;
    if (v?.t === 'string' || v?.t === 'number') value = v.v;
    else if (isWord(v, 'true')) value = true;
    else if (isWord(v, 'false')) value = false;
    else if (isWord(v, 'null')) value = null;
    else {
      p--;
      return fail('expected a value (a "quoted string", number, true, false or null)');
    }
    return { kind: 'cmp', path, op: op as CompareOp, value };
  }

  if (tokens.length === 0) throw new FilterSyntaxError('empty filter', 0);
  const ast = parseOr(null);
  if (p < tokens.length) fail('unexpected trailing input');
  return ast;
}

function getCi(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === key) return v;
  return undefined;
}

/** Resolves a top-level (lower-case) attribute of a resource. */
export type Resolver<T> = (resource: T, attr: string) => unknown;

export const plainResolver: Resolver<unknown> = (resource, attr) => getCi(resource, attr);

function compare(actual: unknown, op: CompareOp, expected: FilterValue): boolean {
  if (actual === undefined) actual = null;
  if (typeof actual === 'string' && typeof expected === 'string') {
    const a = actual.toLowerCase();
    const e = expected.toLowerCase();
    switch (op) {
      case 'eq': return a === e;
      case 'ne': return a !== e;
      case 'co': return a.includes(e);
      case 'sw': return a.startsWith(e);
      case 'ew': return a.endsWith(e);
      case 'gt': return a > e;
      case 'ge': return a >= e;
      case 'lt': return a < e;
      case 'le': return a <= e;
    }
  }
  if (typeof actual === 'number' && typeof expected === 'number') {
    switch (op) {
      case 'eq': return actual === expected;
      case 'ne': return actual !== expected;
      case 'gt': return actual > expected;
      case 'ge': return actual >= expected;
      case 'lt': return actual < expected;
      case 'le': return actual <= expected;
      default: return false;
    }
  }
  if (op === 'eq') return actual === expected || (typeof actual !== 'object' && String(actual).toLowerCase() === String(expected).toLowerCase());
  if (op === 'ne') return !compare(actual, 'eq', expected);
  return false;
}

function values<T>(resource: T, path: AttrPath, resolve: Resolver<T>): unknown[] {
  const top = resolve(resource, path.attr);
  let list = Array.isArray(top) ? top : top === undefined || top === null ? [] : [top];
  if (path.valueFilter) {
    const vf = path.valueFilter;
    list = list.filter((el) => evaluateFilter(vf, el, plainResolver));
  }
  if (path.sub) {
    const sub = path.sub;
    list = list.flatMap((el) => {
      const v = getCi(el, sub);
      return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
    });
  }
  return list;
}

/** True when `resource` matches the filter (multi-valued attributes match if any element does). */
export function evaluateFilter<T>(node: FilterNode, resource: T, resolve: Resolver<T>): boolean {
  switch (node.kind) {
    case 'and': return evaluateFilter(node.left, resource, resolve) && evaluateFilter(node.right, resource, resolve);
    case 'or': return evaluateFilter(node.left, resource, resolve) || evaluateFilter(node.right, resource, resolve);
    case 'not': return !evaluateFilter(node.expr, resource, resolve);
    case 'pr': return values(resource, node.path, resolve).some((v) => v !== '' && v !== null);
    case 'cmp': {
      const vs = values(resource, node.path, resolve);
      if (vs.length === 0) return node.op === 'ne' ? node.value !== null : node.op === 'eq' && node.value === null;
      return node.op === 'ne' ? vs.every((v) => compare(v, 'ne', node.value)) : vs.some((v) => compare(v, node.op, node.value));
    }
  }
}

/**
 * An `attr eq "value"` that every match must satisfy (found at the top level or under `and`), so a
 * caller can use an index instead of scanning. `attr` is `attr` or `attr.sub`, lower-case.
 */
export function equalityHint(node: FilterNode, attrs: ReadonlySet<string>): { attr: string; value: string } | null {
  if (node.kind === 'cmp' && node.op === 'eq' && typeof node.value === 'string') {
    const name = node.path.attr + (node.path.sub ? `.${node.path.sub}` : '');
    return attrs.has(name) ? { attr: name, value: node.value } : null;
  }
  if (node.kind === 'and') return equalityHint(node.left, attrs) ?? equalityHint(node.right, attrs);
  return null;
}

/**
 * Index lookups that cover every match: one `attr eq "value"` hint, or several for an `or` of
 * them (batched look-ups such as `userName eq "a" or userName eq "b"`). Null when the filter
 * needs a scan.
 */
export function equalityHints(node: FilterNode, attrs: ReadonlySet<string>): { attr: string; value: string }[] | null {
  if (node.kind === 'cmp') {
    const one = equalityHint(node, attrs);
    return one ? [one] : null;
  }
  if (node.kind === 'and') return equalityHints(node.left, attrs) ?? equalityHints(node.right, attrs);
  if (node.kind === 'or') {
    const left = equalityHints(node.left, attrs);
    const right = left && equalityHints(node.right, attrs);
    return left && right ? [...left, ...right] : null;
  }
  return null;
}
