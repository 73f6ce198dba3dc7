/**
 * Building server-side filters safely: SCIM `filter=` (RFC 7644 section 3.4.2.2: the comparison
 * value is a JSON literal, so quotes, backslashes and control characters are JSON-escaped),
 * ADF `q=` (framework version 1 query-by-example `Attr=value`, version 2+ expressions
 * `Attr = 'value'`) and the ESS scheduler `q=` (`attr eq "value"`).
 *
 * Values never reach a filter unescaped: always go through these helpers.
 */

export type FilterErrorReason = 'invalid-attribute' | 'unsupported-value';

export class FilterError extends Error {
  override readonly name = 'FilterError';
  constructor(
    readonly reason: FilterErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** `userName`, `emails.value`, `emails[type eq "W"].value`, `Username`, `jobDefinitionId`. */
const ATTRIBUTE = /^[A-Za-z_][\w$:-]*(?:\[[A-Za-z_][\w.$]* (?:eq|ne|co|sw|ew) "[^"\\]*"\])?(?:\.[A-Za-z_][\w$]*)*$/;

function checkAttribute(attr: string): string {
  if (!ATTRIBUTE.test(attr)) throw new FilterError('invalid-attribute', `"${attr}" is not a valid filter attribute name; use a plain attribute path such as userName or emails.value`);
  return attr;
}

/** A SCIM comparison value: a JSON string literal (`"a\"b\\c"`). */
export function scimString(value: string): string {
  return JSON.stringify(String(value));
}

/** `attr eq "value"` for a SCIM filter. */
export function scimEq(attr: string, value: string): string {
  return `${checkAttribute(attr)} eq ${scimString(value)}`;
}

/** `attr eq "a" or attr eq "b" ...` for a SCIM filter (values given once each). */
export function scimAnyEq(attr: string, values: Iterable<string>): string {
  const clauses = [...new Set(values)].map((v) => scimEq(attr, v));
  if (!clauses.length) throw new FilterError('unsupported-value', 'a SCIM "or" filter needs at least one value');
  return clauses.join(' or ');
}

/**
 * An ADF `q` string literal for REST framework version 2 or later: single-quoted, an embedded
 * single quote doubled (`'O''Brien'`), SQL-style, as ADF RowMatch expressions become SQL
 * [INF: Oracle documents no escape sequence]. Backslashes are literal characters inside
 * single quotes, so they need no escaping.
 */
export function adfString(value: string): string {
  return `'${String(value).replace(/'/g, "''")}'`;
}

/**
 * `Attr = 'value'` (framework version >= 2, the default of this client is 4) or `Attr=value`
 * (version 1 query-by-example, where `;` separates conditions and cannot appear in a value).
 */
export function adfEq(attr: string, value: string | number | boolean, frameworkVersion: string | number = '4'): string {
  checkAttribute(attr);
  if (Number(frameworkVersion) >= 2) {
    return typeof value === 'string' ? `${attr} = ${adfString(value)}` : `${attr} = ${String(value)}`;
  }
  const v = String(value);
  if (/[;]/.test(v)) throw new FilterError('unsupported-value', `a value containing ";" cannot be used with REST framework version 1 query-by-example; use version 2 or later`);
  return `${attr}=${v}`;
}

/** Joins ADF conditions: ` and ` for version >= 2, `;` for version 1. */
export function adfAnd(conditions: string[], frameworkVersion: string | number = '4'): string {
  return conditions.join(Number(frameworkVersion) >= 2 ? ' and ' : ';');
}

/** `attr eq "value"` for the ESS scheduler `q=` (JSON-escaped literal). */
export function essEq(attr: string, value: string): string {
  return `${checkAttribute(attr)} eq ${JSON.stringify(String(value))}`;
}
