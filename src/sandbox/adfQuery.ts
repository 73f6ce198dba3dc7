import type { FastifyRequest } from 'fastify';
import * as z from 'zod';
import { SandboxHttpError, frameworkVersion } from './errors';
import { FilterSyntaxError, evaluateFilter, equalityHint, plainResolver, type CompareOp, type FilterNode, type FilterValue } from './scimFilter';

/**
 * ADF REST conventions for collections: `q` (framework v1 `A=v;B=w`, v2+ RowMatch subset
 * `A = 'v' and (B = "w" or C != 'x')`), `limit`/`offset`, `totalResults`, `orderBy`, `fields`,
 * `onlyData`, `expand`, and the `{items,count,hasMore,limit,offset,links}` envelope.
 */

export const ADF_COLLECTION_TYPE = 'application/vnd.oracle.adf.resourcecollection+json';
export const ADF_ITEM_TYPE = 'application/vnd.oracle.adf.resourceitem+json';
export const ADF_DEFAULT_LIMIT = 25;
export const ADF_MAX_LIMIT = 500;

type Tok = { t: 'word' | 'string' | 'number' | 'op' | '(' | ')'; v: string; pos: number };

function tokenizeV2(src: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(\()|(\))|('(?:[^']|'')*'|"(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|(<>|!=|>=|<=|=|>|<)|([A-Za-z_][A-Za-z0-9_.]*))/y;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new FilterSyntaxError(`unexpected '${src.slice(i).trim().charAt(0)}'`, i);
    const pos = i;
    i = re.lastIndex;
    if (m[1]) out.push({ t: '(', v: '(', pos });
    else if (m[2]) out.push({ t: ')', v: ')', pos });
    else if (m[3]) {
      const q = m[3];
      const body = q.slice(1, -1);
      out.push({ t: 'string', v: q.startsWith("'") ? body.replace(/''/g, "'") : body.replace(/\\(.)/g, '$1'), pos });
    } else if (m[4]) out.push({ t: 'number', v: m[4], pos });
    else if (m[5]) out.push({ t: 'op', v: m[5], pos });
    else out.push({ t: 'word', v: m[6]!, pos });
  }
  return out;
}

const OP_MAP: Record<string, CompareOp> = { '=': 'eq', '!=': 'ne', '<>': 'ne', '>': 'gt', '>=': 'ge', '<': 'lt', '<=': 'le' };

function likeToNode(attr: string, pattern: string): FilterNode {
  const path = { attr, valueFilter: null, sub: null };
  const starts = pattern.startsWith('%') || pattern.startsWith('*');
  const ends = pattern.endsWith('%') || pattern.endsWith('*');
  const core = pattern.replace(/^[%*]|[%*]$/g, '');
  const op: CompareOp = starts && ends ? 'co' : ends ? 'sw' : starts ? 'ew' : 'eq';
  return { kind: 'cmp', path, op, value: core };
}

function checkAttr(name: string, pos: number, attrs: ReadonlySet<string>, exact?: ReadonlySet<string>): string {
  const a = name.toLowerCase();
  if (!attrs.has(a) || (exact && !exact.has(name))) throw new FilterSyntaxError(`unknown attribute '${name}'`, pos);
  return a;
}

function parseV2(src: string, attrs: ReadonlySet<string>, exact?: ReadonlySet<string>): FilterNode {
  const toks = tokenizeV2(src);
  let p = 0;
  const isWord = (w: string): boolean => toks[p]?.t === 'word' && toks[p]!.v.toLowerCase() === w;
  const fail = (reason: string): never => {
    throw new FilterSyntaxError(reason, toks[p]?.pos ?? src.length);
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (isWord('or')) {
      p++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): FilterNode => {
    let left = primary();
    while (isWord('and')) {
      p++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const primary = (): FilterNode => {
    const tok = toks[p];
    if (tok?.t === '(') {
      p++;
      const inner = orExpr();
      if (toks[p]?.t !== ')') fail("expected ')'");
      p++;
      return inner;
    }
    if (tok?.t !== 'word') return fail('expected an attribute name');
    p++;
    const attr = checkAttr(tok.v, tok.pos, attrs, exact);
    const opTok = toks[p];
    const isLike = opTok?.t === 'word' && opTok.v.toUpperCase() === 'LIKE';
    if (opTok?.t !== 'op' && !isLike) return fail('expected an operator (=, !=, <, >, <=, >=, LIKE)');
    p++;
    const v = toks[p];
    if (v?.t !== 'string' && v?.t !== 'number') return fail('expected a quoted value or a number');
    p++;
    if (isLike) return likeToNode(attr, v.v);
    const value: FilterValue = v.t === 'number' ? Number(v.v) : v.v;
    return { kind: 'cmp', path: { attr, valueFilter: null, sub: null }, op: OP_MAP[opTok!.v]!, value };
  };
  if (toks.length === 0) throw new FilterSyntaxError('empty query', 0);
  const ast = orExpr();
  if (p < toks.length) fail('unexpected trailing input');
  return ast;
}

function parseV1(src: string, attrs: ReadonlySet<string>, exact?: ReadonlySet<string>): FilterNode {
  let ast: FilterNode | null = null;
  let pos = 0;
  for (const clause of src.split(';')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(clause);
    if (!m) throw new FilterSyntaxError("expected Attribute=value (clauses joined by ';')", pos);
    const attr = checkAttr(m[1]!, pos, attrs, exact);
    let value = m[2]!;
    if (/^'.*'$|^".*"$/.test(value)) value = value.slice(1, -1);
    const node: FilterNode = { kind: 'cmp', path: { attr, valueFilter: null, sub: null }, op: 'eq', value };
    ast = ast ? { kind: 'and', left: ast, right: node } : node;
    pos += clause.length + 1;
  }
  return ast!;
}

/**
 * Parses `q` per framework version; throws FilterSyntaxError. `attrs` are lower-case names; with
 * `exact`, attribute names must also match one of those exactly (case-sensitive).
 */
export function parseAdfQ(q: string, version: number, attrs: ReadonlySet<string>, exact?: ReadonlySet<string>): FilterNode {
  return version >= 2 ? parseV2(q, attrs, exact) : parseV1(q, attrs, exact);
}

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const intParam = (min: number) => z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min));
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

const AdfParams = z.object({
  q: z.preprocess(first, z.string().optional()),
  limit: z.preprocess(first, intParam(1).optional()),
  offset: z.preprocess(first, intParam(0).optional()),
  totalResults: z.preprocess(first, boolParam.optional()),
  onlyData: z.preprocess(first, boolParam.optional()),
  fields: z.preprocess(first, z.string().optional()),
  expand: z.preprocess(first, z.string().optional()),
  orderBy: z.preprocess(first, z.string().optional()),
});

export interface AdfSpec<T> {
  /** Resource name for links, e.g. `userAccounts`. */
  name: string;
  /** Path of the collection (after the host), e.g. `/hcmRestApi/resources/11.13.18.05/userAccounts`. */
  path: string;
  /** Attributes usable in q / orderBy / fields (exact case, as in the items). */
  attrs: readonly string[];
  key(row: T): string | number;
  toItem(row: T, expand: ReadonlySet<string>): Record<string, unknown>;
  /** Child collection names (links rel=child). */
  children?: readonly string[];
  /** Attribute names in `q` must match `attrs` exactly (case-sensitive); default: any case [INF]. */
  exactAttributeNames?: boolean;
  /** Optional index: rows with `attr` (lower-case) equal to `value`, or null to scan. */
  lookup?(attr: string, value: string): T[] | null;
}

export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function parseParams(request: FastifyRequest) {
  const parsed = AdfParams.safeParse(request.query ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SandboxHttpError(400, `Query parameter '${issue.path.join('.')}' is invalid: ${issue.message}.`, { code: 'SANDBOX-QUERY' });
  }
  return parsed.data;
}

function itemLinks<T>(request: FastifyRequest, spec: AdfSpec<T>, row: T): unknown[] {
  const href = `${baseUrl(request)}${spec.path}/${encodeURIComponent(String(spec.key(row)))}`;
  return [
    { rel: 'self', href, name: spec.name, kind: 'item' },
    ...(spec.children ?? []).map((c) => ({ rel: 'child', href: `${href}/child/${c}`, name: c, kind: 'collection' })),
  ];
}

function project(item: Record<string, unknown>, fields: string[] | null): Record<string, unknown> {
  if (!fields) return item;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in item) out[f] = item[f];
  return out;
}

function fieldList<T>(spec: AdfSpec<T>, fields: string | undefined): string[] | null {
  if (!fields) return null;
  const list = fields.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of list) {
    if (!spec.attrs.includes(f)) throw new SandboxHttpError(400, `Field '${f}' is not an attribute of ${spec.name}.`, { code: 'SANDBOX-FIELDS' });
  }
  return list;
}

/** Renders one item (GET collection/{key}). */
export function adfItem<T>(request: FastifyRequest, spec: AdfSpec<T>, row: T): Record<string, unknown> {
  const params = parseParams(request);
  const expand = new Set((params.expand ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const item = project(spec.toItem(row, expand), fieldList(spec, params.fields));
  if (!params.onlyData) item.links = itemLinks(request, spec, row);
  return item;
}

/** Renders a filtered, ordered, paged ADF collection of `rows`. */
export function adfCollection<T>(request: FastifyRequest, spec: AdfSpec<T>, rows: Iterable<T>): Record<string, unknown> {
  const params = parseParams(request);
  const limit = Math.min(params.limit ?? ADF_DEFAULT_LIMIT, ADF_MAX_LIMIT);
  const offset = params.offset ?? 0;
  const expand = new Set((params.expand ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const fields = fieldList(spec, params.fields);
  const attrSet = new Set(spec.attrs.map((a) => a.toLowerCase()));
  let candidates: Iterable<T> = rows;
  let predicate: ((row: T) => boolean) | null = null;
  if (params.q) {
    let ast: FilterNode;
    try {
      ast = parseAdfQ(params.q, frameworkVersion(request), attrSet, spec.exactAttributeNames ? new Set(spec.attrs) : undefined);
    } catch (err) {
      if (err instanceof FilterSyntaxError) throw new SandboxHttpError(400, `Invalid q parameter: ${err.message}.`, { code: 'SANDBOX-Q' });
      throw err;
    }
    const hint = equalityHint(ast, attrSet);
    const indexed = hint && spec.lookup ? spec.lookup(hint.attr, hint.value) : null;
    if (indexed) candidates = indexed;
    predicate = (row) => evaluateFilter(ast, spec.toItem(row, new Set()), plainResolver);
  }
  let matched: T[] = [];
  for (const row of candidates) if (!predicate || predicate(row)) matched.push(row);
  if (params.orderBy) matched = orderRows(spec, matched, params.orderBy);
  const page = matched.slice(offset, offset + limit);
  const items = page.map((row) => {
    const item = project(spec.toItem(row, expand), fields);
    if (!params.onlyData) item.links = itemLinks(request, spec, row);
    return item;
  });
  const body: Record<string, unknown> = { items, count: items.length, hasMore: offset + items.length < matched.length, limit, offset };
  if (params.totalResults) body.totalResults = matched.length;
  body.links = [{ rel: 'self', href: `${baseUrl(request)}${spec.path}`, name: spec.name, kind: 'collection' }];
  return body;
}

function orderRows<T>(spec: AdfSpec<T>, rows: T[], orderBy: string): T[] {
  const keys = orderBy.split(',').map((part) => {
    const [attr, dir = 'asc'] = part.trim().split(':');
    if (!attr || !spec.attrs.includes(attr) || !/^(asc|desc)$/i.test(dir)) {
      throw new SandboxHttpError(400, `Invalid orderBy '${part.trim()}': use Attribute[:asc|:desc] with an attribute of ${spec.name}.`, { code: 'SANDBOX-ORDERBY' });
    }
    return { attr, sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
  });
  const withItems = rows.map((row) => ({ row, item: spec.toItem(row, new Set()) }));
  withItems.sort((a, b) => {
    for (const k of keys) {
      const x = a.item[k.attr] as string | number | null;
      const y = b.item[k.attr] as string | number | null;
      if (x === y) continue;
      if (x === null || x === undefined) return k.sign;
      if (y === null || y === undefined) return -k.sign;
      return (x < y ? -1 : 1) * k.sign;
    }
    return 0;
  });
  return withItems.map((w) => w.row);
}
